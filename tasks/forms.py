"""Forms for importing a plan from its text: the upload, and the office's corrections of what was read."""

import difflib
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Indicator
from units.models import Unit

from .drafts import draft_indicators
from .models import PlanDraft


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("方案文件（.txt 或 .docx）"))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class PlanDraftForm(forms.Form):
    """The corrections the office can make in place: title and period, each new unit (keep, rename, or say it is an
    existing unit), each indicator's name, kind, comparison, number and unit of measure."""

    title = forms.CharField(label=gettext_lazy("方案标题"), max_length=300)
    start = forms.DateField(label=gettext_lazy("工作期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("工作期结束"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, draft: PlanDraft, **kwargs):
        super().__init__(*args, **kwargs)
        data = draft.data
        self.initial.update(
            title=data["plan"]["title"],
            start=data["plan"]["start"],
            end=data["plan"]["end"],
            version=draft.version,
        )
        # What each field is called in the error summary at the top of the long page: the row it belongs to too.
        self.summary_labels: dict[str, str] = {}
        known = [u.name for u in Unit.objects.filter(needs_review=False)]
        self.known = known
        self.new_units = [u for u in data["units"] if u.get("needs_review")]
        for unit in self.new_units:
            key = f"unit-{unit['code']}"
            self.fields[f"{key}-existing"] = forms.ChoiceField(
                label=_("对应现有单位"),
                required=False,
                choices=[("", _("（作为新单位）")), *[(name, name) for name in known]],
            )
            self.fields[f"{key}-name"] = forms.CharField(
                label=_("名称"), max_length=100, initial=unit["name"]
            )
            self.fields[f"{key}-kind"] = forms.ChoiceField(
                label=_("类别"), choices=Unit.Kind.choices, initial=unit["kind"]
            )
            for name in ("existing", "name", "kind"):
                self.summary_labels[f"{key}-{name}"] = _("单位“%(name)s” %(field)s") % {
                    "name": unit["name"],
                    "field": self.fields[f"{key}-{name}"].label,
                }
        self.indicators = draft_indicators(data)
        for index, indicator in enumerate(self.indicators):
            key = f"ind-{index}"
            self.fields[f"{key}-name"] = forms.CharField(
                label=_("指标"), max_length=200, initial=indicator["name"]
            )
            self.fields[f"{key}-kind"] = forms.ChoiceField(
                label=_("类型"), choices=Indicator.Kind.choices, initial=indicator["kind"]
            )
            self.fields[f"{key}-comparison"] = forms.ChoiceField(
                label=_("比较"), choices=Indicator.Comparison.choices, initial=indicator["comparison"]
            )
            self.fields[f"{key}-target"] = forms.CharField(
                label=_("目标值"), required=False, max_length=30, initial=_plain(indicator.get("target"))
            )
            self.fields[f"{key}-uom"] = forms.CharField(
                label=_("单位"), max_length=20, initial=indicator["uom"]
            )
            for name in ("name", "kind", "comparison", "target", "uom"):
                self.summary_labels[f"{key}-{name}"] = _("指标 %(code)s %(field)s") % {
                    "code": indicator["code"],
                    "field": self.fields[f"{key}-{name}"].label,
                }

    def unit_rows(self) -> list[tuple[dict, list]]:
        """Each new unit with its fields, and the existing unit its name most resembles (a hint, never chosen)."""
        return [
            (
                {
                    **unit,
                    "suggestion": next(
                        iter(difflib.get_close_matches(unit["name"], self.known, n=1, cutoff=0.7)), ""
                    ),
                },
                [self[f"unit-{unit['code']}-{name}"] for name in ("existing", "name", "kind")],
            )
            for unit in self.new_units
        ]

    def indicator_rows(self) -> list[tuple[dict, list]]:
        names = ("name", "kind", "comparison", "target", "uom")
        return [
            (indicator, [self[f"ind-{index}-{name}"] for name in names])
            for index, indicator in enumerate(self.indicators)
        ]

    def error_summary(self) -> list[tuple[str, str]]:
        """Every error as (the id of its field, or "" for one about the whole draft; the text with what the field is,
        "指标 1.3 单位：这个字段是必填项。"), in the order of the page, for the list at its top."""
        entries = [("", message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            text = "；".join(self.errors[name])
            if field.widget.is_hidden:
                entries.append(("", text))
            else:
                label = self.summary_labels.get(name, field.label)
                entries.append((self[name].id_for_label, f"{label}：{text}"))
        return entries

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] >= cleaned["end"]:
            self.add_error("end", _("结束日期应晚于开始日期"))
        for index in range(len(self.indicators)):
            key = f"ind-{index}-target"
            text = (cleaned.get(key) or "").strip().replace(",", "").replace("，", "")
            if not text:
                cleaned[key] = None
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.add_error(key, _("目标值应为数字，您填写的是“%(text)s”") % {"text": text})
                continue
            if value < 0:
                self.add_error(key, _("目标值不能为负数"))
            cleaned[key] = _number(value)
        return cleaned

    def changes(self) -> dict:
        """The corrections in the form plan_draft_update applies."""
        data = self.cleaned_data
        units = {}
        for unit in self.new_units:
            key = f"unit-{unit['code']}"
            if data[f"{key}-existing"]:
                units[unit["code"]] = {"existing": data[f"{key}-existing"]}
            else:
                units[unit["code"]] = {"name": data[f"{key}-name"].strip(), "kind": data[f"{key}-kind"]}
        indicators = {
            str(index): {
                name: data[f"ind-{index}-{name}"] for name in ("name", "kind", "comparison", "target", "uom")
            }
            for index in range(len(self.indicators))
        }
        return {
            "plan": {
                "title": data["title"],
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
            },
            "units": units,
            "indicators": indicators,
        }


def _plain(value) -> str:
    return "" if value is None else str(value)
