"""Forms of the identity pages; the rules live in units.second_factor and units.passwords."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=12,
        error_messages={"required": _("请输入验证器上显示的6位数字。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
