"""Forms parse what a person typed; the rules live in reports.workflow.validation and reports.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.fields import TextField
from reports.models import TaskReport
from reports.workflow.parsing import parse_date, parse_decimal
from reports.workflow.validation import (
    NOTE_LIMIT,
    TEXT_LIMIT,
    VALUE_LABELS,
    figure_places,
    ratio_places,
)
from targets.display import decimal_text
from targets.models import Indicator

TEXTAREA = {"rows": 2}
# A figure is typed as text (so "1,234" and "１２" are read, and a mistake is quoted back), with the phone's numeric
# keyboard; what it may hold is checked by reports.workflow.validation.
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def _text(max_length: int, **kwargs) -> TextField:
    return TextField(required=False, max_length=max_length, widget=forms.Textarea(attrs=TEXTAREA), **kwargs)


class BasedOnLoadedPage:
    """A sheet row's content fields carry, hidden, what the page showed when it was loaded (show_hidden_initial),
    so `changed_content` tells what this person changed from what a colleague changed meanwhile: a row left alone is
    never saved back over a colleague's newer figure, nor refused as a conflict."""

    CONTENT: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CONTENT:
            self.fields[name].show_hidden_initial = True

    def changed_content(self) -> bool:
        return any(name in self.changed_data for name in self.CONTENT)

    def typed(self) -> str:
        """What this person typed into the row's changed fields, to quote back when it could not be stored."""
        parts = []
        for name in self.CONTENT:
            if name in self.changed_data:
                value = self.data.get(self.add_prefix(name), "").strip()
                choices = dict(getattr(self.fields[name], "choices", ()))
                parts.append(f"{self.fields[name].label or name}：{choices.get(value, value) or _('（空）')}")
        return "；".join(parts)


class FigureForm(BasedOnLoadedPage, forms.Form):
    CONTENT = ("value", "numerator", "denominator", "achieved", "achieved_on", "note")

    value = forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs=NUMBER))
    numerator = forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs=NUMBER))
    denominator = forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs=NUMBER))
    achieved = forms.ChoiceField(
        required=False,
        label=gettext_lazy("是否达成"),
        choices=[("", "—"), ("yes", gettext_lazy("已达成")), ("no", gettext_lazy("未达成"))],
    )
    achieved_on = forms.CharField(
        required=False,
        label=gettext_lazy("达成日期"),
        max_length=20,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = _text(NOTE_LIMIT, label=gettext_lazy("说明"))
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        self.fields["value"].label = VALUE_LABELS[indicator.kind]
        self.fields["numerator"].label = indicator.numerator_label or _("分子")
        self.fields["denominator"].label = indicator.denominator_label or _("分母")
        places = {
            "value": figure_places(indicator),
            "numerator": ratio_places(indicator.numerator_label),
            "denominator": ratio_places(indicator.denominator_label),
        }
        for name, count in places.items():
            # The page states what the figure takes, and sheet.js flags more as it is typed.
            field = self.fields[name]
            field.help_text = places_text(count)
            field.widget.attrs["data-places"] = str(count)

    def _number(self, name: str):
        try:
            return parse_decimal(self.cleaned_data.get(name), label=self.fields[name].label)
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def clean_value(self):
        return self._number("value")

    def clean_numerator(self):
        return self._number("numerator")

    def clean_denominator(self):
        return self._number("denominator")

    def clean_achieved(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("achieved"))

    def clean_achieved_on(self):
        try:
            return parse_date(self.cleaned_data.get("achieved_on"), label=_("达成日期"))
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def places_text(places: int) -> str:
    """What a figure takes, as the sheet says it beside the input: 只填整数 / 最多2位小数."""
    return _("只填整数") if places == 0 else _("最多%(places)d位小数") % {"places": places}


class TaskReportForm(BasedOnLoadedPage, forms.Form):
    CONTENT = ("progress", "progress_text", "problems", "next_steps", "note")

    progress = forms.ChoiceField(
        required=False,
        label=gettext_lazy("进展状态"),
        choices=[("", gettext_lazy("请选择")), *TaskReport.Progress.choices],
    )
    progress_text = _text(TEXT_LIMIT, label=gettext_lazy("工作进展"))
    problems = _text(TEXT_LIMIT, label=gettext_lazy("存在问题"))
    next_steps = _text(TEXT_LIMIT, label=gettext_lazy("下步计划"))
    note = _text(NOTE_LIMIT, label=gettext_lazy("说明"))
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)


class ReasonForm(forms.Form):
    reason = TextField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("原因"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("佐证材料"))


def figure_initial(item) -> dict:
    if item is None:
        return {"version": 0}
    achieved = {True: "yes", False: "no"}.get(item.achieved, "")
    return {
        "value": decimal_text(item.value),
        "numerator": decimal_text(item.numerator),
        "denominator": decimal_text(item.denominator),
        "achieved": achieved,
        "achieved_on": item.achieved_on.isoformat() if item.achieved_on else "",
        "note": item.note,
        "version": item.version,
    }


def task_report_initial(item) -> dict:
    if item is None:
        return {"version": 0}
    return {
        "progress": item.progress,
        "progress_text": item.progress_text,
        "problems": item.problems,
        "next_steps": item.next_steps,
        "note": item.note,
        "version": item.version,
    }
