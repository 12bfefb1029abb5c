"""The forms of instructions (批示): writing one, and a unit's answer on its sheet."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.fields import TextField


class InstructionReplyForm(forms.Form):
    """A unit's answer to an instruction, typed on its quarterly sheet."""

    text = TextField(
        required=False, max_length=2000, label=gettext_lazy("答复"), widget=forms.Textarea(attrs={"rows": 3})
    )


class InstructionForm(forms.Form):
    """An instruction by the office or a leader; `units` offers the subject's responsible units, all ticked."""

    text = TextField(
        max_length=2000, label=gettext_lazy("批示内容"), widget=forms.Textarea(attrs={"rows": 4})
    )
    units = forms.ModelMultipleChoiceField(
        queryset=None, label=gettext_lazy("批示对象"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].error_messages["required"] = _("请至少选择一个批示对象单位")
        self.fields["text"].error_messages["required"] = _("请填写批示内容")
        if not self.is_bound:
            self.initial.setdefault("units", list(units))
