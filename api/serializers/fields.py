"""Fields the API's serializers share."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "402"})
class PlainDecimalField(serializers.Field):
    """A stored number as the plan writes it, in a string without trailing zeros ("402", "3.25"), so no digit is lost
    to a floating-point number; null when empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        return f"{value.normalize():f}"


class ResponsibleSerializer(serializers.Serializer):
    """A responsible body of a goal area or task, as the plan names it: a unit (its code) or a group, 牵头 or 配合."""

    name = serializers.CharField(read_only=True, help_text=_("方案中的写法"))
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True, help_text=_("单位代码"))
    group = serializers.CharField(
        source="group.name",
        read_only=True,
        allow_null=True,
        help_text=_("单位组（如 各区（市、县）人民政府）"),
    )
    role = serializers.CharField(read_only=True, help_text=_("lead 牵头，support 配合，空为未区分"))
