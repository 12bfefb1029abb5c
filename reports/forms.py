"""Forms parse what a person typed; the rules live in reports.validation and reports.services."""

from django import forms
from django.core.exceptions import ValidationError

from targets.models import Indicator

from .models import TaskReport
from .services import parse_date, parse_decimal
from .validation import VALUE_LABELS

TEXTAREA = {"rows": 2}


class TextField(forms.CharField):
    """Free text from a textarea. Browsers send its line breaks as CRLF: they are stored as LF, so posting a note
    again unchanged is not taken for an edit (a new version, a history row, an audit row)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


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
                parts.append(f"{self.fields[name].label or name}：{choices.get(value, value) or '（空）'}")
        return "；".join(parts)


class FigureForm(BasedOnLoadedPage, forms.Form):
    CONTENT = ("value", "numerator", "denominator", "achieved", "achieved_on", "note")

    value = forms.CharField(required=False, max_length=40)
    numerator = forms.CharField(required=False, max_length=40)
    denominator = forms.CharField(required=False, max_length=40)
    achieved = forms.ChoiceField(
        required=False, label="是否达成", choices=[("", "—"), ("yes", "已达成"), ("no", "未达成")]
    )
    achieved_on = forms.CharField(
        required=False, label="达成日期", max_length=20, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = _text(2000, label="说明")
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        self.fields["value"].label = VALUE_LABELS[indicator.kind]
        self.fields["numerator"].label = indicator.numerator_label or "分子"
        self.fields["denominator"].label = indicator.denominator_label or "分母"

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
            return parse_date(self.cleaned_data.get("achieved_on"), label="达成日期")
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class TaskReportForm(BasedOnLoadedPage, forms.Form):
    CONTENT = ("progress", "progress_text", "problems", "next_steps", "note")

    progress = forms.ChoiceField(
        required=False, label="进展状态", choices=[("", "请选择"), *TaskReport.Progress.choices]
    )
    progress_text = _text(4000, label="工作进展")
    problems = _text(4000, label="存在问题")
    next_steps = _text(4000, label="下步计划")
    note = _text(2000, label="说明")
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)


class InstructionReplyForm(forms.Form):
    """A unit's answer to an instruction, typed on its quarterly sheet."""

    text = TextField(required=False, max_length=2000, label="答复", widget=forms.Textarea(attrs={"rows": 3}))


class InstructionForm(forms.Form):
    """An instruction by the office or a leader; `units` offers the subject's responsible units, all ticked."""

    text = TextField(max_length=2000, label="批示内容", widget=forms.Textarea(attrs={"rows": 4}))
    units = forms.ModelMultipleChoiceField(
        queryset=None, label="批示对象", widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].error_messages["required"] = "请至少选择一个批示对象单位"
        self.fields["text"].error_messages["required"] = "请填写批示内容"
        if not self.is_bound:
            self.initial.setdefault("units", list(units))


class ReasonForm(forms.Form):
    reason = TextField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="原因")


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料")


def figure_initial(item) -> dict:
    if item is None:
        return {"version": 0}
    achieved = {True: "yes", False: "no"}.get(item.achieved, "")
    return {
        "value": _plain(item.value),
        "numerator": _plain(item.numerator),
        "denominator": _plain(item.denominator),
        "achieved": achieved,
        "achieved_on": item.achieved_on.isoformat() if item.achieved_on else "",
        "note": item.note,
        "version": item.version,
    }


def _plain(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


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
