import django_filters
import django_tables2 as tables
from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from targets.display import figure_display
from targets.models import GoalArea, Indicator
from units.models import Unit

STATUS_CHOICES = [
    ("green", gettext_lazy("达标/正常")),
    ("amber", gettext_lazy("预警")),
    ("red", gettext_lazy("滞后")),
    ("grey", gettext_lazy("未报/基线缺失")),
]


class PlainSelect(forms.Select):
    """A <select> whose options are written here rather than through a template each: the unit filter lists every
    unit (200 in a province), and Django's per-option templates cost more than the rest of the form."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
        )
        tag = f"<select{flatatt({**self.build_attrs(self.attrs, attrs), 'name': name})}>{options}</select>"
        return mark_safe(tag)  # noqa: S308 - the values and labels are escaped above, the attributes by flatatt


class IndicatorFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(
        queryset=GoalArea.objects.all(), label=gettext_lazy("目标领域"), empty_label=gettext_lazy("全部领域")
    )
    kind = django_filters.ChoiceFilter(
        choices=Indicator.Kind.choices, label=gettext_lazy("类型"), empty_label=gettext_lazy("全部类型")
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="reporting_units",
        queryset=Unit.objects.all(),
        label=gettext_lazy("报送单位"),
        empty_label=gettext_lazy("全部单位"),
        widget=PlainSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        label=gettext_lazy("状态"),
        empty_label=gettext_lazy("全部状态"),
        method="keep",
    )

    class Meta:
        model = Indicator
        fields = ["area", "kind", "unit", "status"]

    def keep(self, queryset, name, value):
        return queryset  # status is computed from the rollups: the view filters the standings by it


class StandingTable(tables.Table):
    code = tables.Column(
        verbose_name=gettext_lazy("编号"), accessor="indicator__code", attrs={"td": {"class": "code"}}
    )
    name = tables.Column(verbose_name=gettext_lazy("指标"), accessor="indicator__name")
    area = tables.Column(
        verbose_name=gettext_lazy("领域"), accessor="indicator__area__name", default=gettext_lazy("任务")
    )
    kind = tables.Column(verbose_name=gettext_lazy("类型"), accessor="indicator__get_kind_display")
    value = tables.Column(
        verbose_name=gettext_lazy("当前值"), accessor="progress__value", attrs={"td": {"class": "num"}}
    )
    expected = tables.Column(
        verbose_name=gettext_lazy("应达值"), accessor="progress__expected", attrs={"td": {"class": "num"}}
    )
    target = tables.Column(
        verbose_name=gettext_lazy("目标"),
        accessor="indicator__target_display",
        attrs={"td": {"class": "num"}},
    )
    status = tables.Column(verbose_name=gettext_lazy("状态"), accessor="progress__label")
    projected = tables.Column(
        verbose_name=gettext_lazy("预计期末值"),
        accessor="progress__projected_end",
        attrs={"td": {"class": "num"}},
    )
    reported = tables.Column(verbose_name=gettext_lazy("本季报送"), accessor="completeness", orderable=False)

    class Meta:
        attrs = {"class": "grid", "data-testid": "indicator-table"}
        orderable = True
        template_name = "django_tables2/table.html"

    def render_name(self, record, value):
        url = reverse("reports:indicator_progress", args=[record.indicator.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_status(self, record, value):
        light = format_html('<span class="light light-{}">{}</span>', record.progress.colour, value)
        if not record.caveat:
            return light
        return format_html(
            '{}<br><span class="caveat small" data-testid="caveat">{}</span>', light, record.caveat
        )

    def render_value(self, record, value):
        return figure_display(value, record.indicator)

    def render_expected(self, record, value):
        return figure_display(value, record.indicator)

    def render_projected(self, record, value):
        return figure_display(value, record.indicator)

    # In the .xlsx a figure stays a number; a milestone reads 已达成/未达成 as on the page, not 1/0.
    def value_value(self, record, value):
        return figure_display(value, record.indicator) if record.indicator.kind == "milestone" else value

    def value_expected(self, record, value):
        return figure_display(value, record.indicator) if record.indicator.kind == "milestone" else value

    def value_projected(self, record, value):
        return figure_display(value, record.indicator) if record.indicator.kind == "milestone" else value
