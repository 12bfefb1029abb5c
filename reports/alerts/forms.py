"""The form of a user's own choice of how alerts reach them (提醒方式): e-mail and SMS per alert kind."""

from django import forms
from django.utils.translation import gettext_lazy

from reports.models import Alert


class PreferenceForm(forms.Form):
    """Per alert kind, whether to e-mail it and whether to text it; the mobile number SMS goes to."""

    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("邮件"),
        choices=Alert.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("短信"),
        choices=Alert.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mobile = forms.CharField(
        label=gettext_lazy("手机号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel", "size": 14}),
    )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """One row per alert kind: its label, its e-mail checkbox and its SMS checkbox."""
        return [
            (label, email, sms)
            for (_, label), email, sms in zip(
                Alert.Kind.choices, self["email_kinds"], self["sms_kinds"], strict=True
            )
        ]
