"""Form fields the portal's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def text_too_long(label: str, *, limit: int, length: int) -> str:
    """The refusal of a text past its limit, naming the field: 「说明」最多2000字，当前2150字，请删减后再保存."""
    return _("「%(label)s」最多%(limit)d字，当前%(length)d字，请删减后再保存") % {
        "label": label,
        "limit": limit,
        "length": length,
    }


class TextField(forms.CharField):
    """Free text from a textarea. Browsers send its line breaks as CRLF: they are stored as LF, so posting a note
    again unchanged is not taken for an edit (a new version, a history row, an audit row).

    Its limit is shown, not enforced by the browser: a `maxlength` would cut pasted text without a word, so the
    textarea carries `data-limit` instead (sheet.js counts as one types) and the server refuses more by name."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and not widget.is_hidden:
            attrs.pop("maxlength", None)
            attrs["data-limit"] = str(self.max_length)
        return attrs

    def validate(self, value):
        super().validate(value)
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                text_too_long(str(self.label or _("此项")), limit=self.max_length, length=len(value)),
                code="max_length",
            )
