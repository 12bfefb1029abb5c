"""The sheet's inputs, drawn in Python rather than through Django's widget templates.

A quarterly sheet holds a few hundred inputs (a row's fields, each with its hidden copy of what the page showed, and
their error lists, mostly empty). Django draws each through its widget templates — an include of an include, a loop
over the attributes — at about a millisecond apiece: most of a sheet's time to render (0.29 s of a 33-row sheet's
0.56 s under the profiler), and it was drawn again after every save. The renderer here writes the same bytes as those
templates (django/forms/templates/django/forms/widgets/, Django 5.2) for the widgets the sheet uses, and hands any
other template to Django's renderer; tests/reports/test_sheet_widgets.py compares the two."""

import html
from decimal import Decimal

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "date", "checkbox")
}
_OPTION = "django/forms/widgets/select_option.html"
_ERROR_LISTS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}


def _escape(value) -> str:
    """conditional_escape (as the templates escape a value), without its wrappers for the plain strings most values
    are: a sheet escapes some three thousand."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` for each attribute, ` name` alone for True, nothing for False."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_escape(value)}"' if value is not None else ""
    return (
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = _escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict) -> str | None:
    """select.html for options not in groups (None for anything else: Django's template draws it)."""
    options = []
    for group_name, choices, _index in widget["optgroups"]:
        if group_name:
            return None
        for option in choices:
            # a number as label would be localized by the template (thousand separators): left to it
            if option["template_name"] != _OPTION or isinstance(option["label"], int | float | Decimal):
                return None
            # select_option.html ends with a line break, kept by the include
            options.append(
                f'\n  <option value="{_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_escape(option['label'])}</option>\n"
            )
    return f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>{"".join(options)}\n</select>'


class SheetFormRenderer(BaseRenderer):
    """Renders through the portal's form renderer (FORM_RENDERER), except the sheet's widgets and its empty error
    lists, drawn without a template."""

    def get_template(self, template_name):
        return get_default_renderer().get_template(template_name)

    def render(self, template_name, context, request=None):
        if template_name in _ERROR_LISTS and not context.get("errors"):
            return ""
        widget = context.get("widget")
        drawn = None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in _INPUTS:
                drawn = _input(widget)
            elif template_name == "django/forms/widgets/textarea.html":
                drawn = _textarea(widget)
            elif template_name == "django/forms/widgets/select.html":
                drawn = _select(widget)
        return super().render(template_name, context, request) if drawn is None else drawn


SHEET_RENDERER = SheetFormRenderer()
