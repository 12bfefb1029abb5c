"""The audit log's search form (审计日志), as a FilterSet like the portal's other tables."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import ACTIONS
from .models import AuditEvent

DATE = forms.DateInput(attrs={"type": "date"})
# The days a search may name: a day outside overflows when it is made a moment in portal time or a day is added
# (0001-01-01, 9999-12-31), and nobody means one.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def _within_reach(day: datetime.date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("日期须在%(first)s至%(last)s之间"),
            code="day_out_of_range",
            params={"first": FIRST_DAY, "last": LAST_DAY},
        )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    """From and to a day (portal time, both included), part of a username, an action, a result. A search the form
    refuses (a date that is no date, or a day before 2000 or after 2099) finds nothing rather than everything."""

    start = django_filters.DateFilter(
        label=_("起始日期"), method="since", widget=DATE, validators=[_within_reach]
    )
    end = django_filters.DateFilter(
        label=_("截止日期"), method="until", widget=DATE, validators=[_within_reach]
    )
    username = django_filters.CharFilter(label=_("用户名"), lookup_expr="icontains", max_length=150)
    action = django_filters.ChoiceFilter(
        label=_("操作"), choices=list(ACTIONS.items()), empty_label=_("全部")
    )
    result = django_filters.ChoiceFilter(
        label=_("结果"), choices=AuditEvent.Result.choices, empty_label=_("全部")
    )

    class Meta:
        model = AuditEvent
        fields = ["start", "end", "username", "action", "result"]

    def since(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__gte=_day_start(value))

    def until(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    @property
    def qs(self) -> QuerySet:
        return super().qs if not self.is_bound or self.is_valid() else self.queryset.none()
