"""The 接口令牌 page's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import TOKEN_NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=TOKEN_NAME_MAX,
        help_text=_("写明哪个系统使用此令牌，如：督查督办系统"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请写明令牌的用途，如：督查督办系统")},
    )
