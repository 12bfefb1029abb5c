"""The sheet draws its inputs in Python (reports.views.sheet_widgets) for speed: byte for byte what Django's widget
templates draw, for every kind of row, shown as loaded or as posted back with mistakes."""

import pytest
from django.forms.renderers import get_default_renderer

from reports.views.sheet_widgets import SHEET_RENDERER
from reports.workflow.forms import FigureForm, TaskReportForm

from .factories import indicator

# What a person may type, with everything HTML escapes, and a note past its limit.
TYPED = "<b>\"1,234\" & 'x'</b>"


def _drawn(make) -> list[str]:
    """Every field of the form as the sheet draws it (input, hidden copy of what was loaded, errors), and the
    form's own errors."""
    form = make()
    return [part for name in form.fields for part in (str(form[name]), str(form[name].errors))] + [
        str(form.non_field_errors())
    ]


def _same(make) -> None:
    ours = _drawn(lambda: make(SHEET_RENDERER))
    assert ours == _drawn(lambda: make(get_default_renderer()))
    assert any(part for part in ours)


@pytest.mark.parametrize("code", ["1.1", "3.1", "4.1"])  # one figure, a rate of two figures, a milestone
def test_a_figure_row_is_drawn_as_djangos_templates_draw_it(plan, code):
    shown = indicator(plan, code)
    loaded = {"value": "12.5", "note": TYPED, "achieved": "yes", "achieved_on": "2025-05-01", "version": 3}
    _same(lambda r: FigureForm(None, prefix="f1", indicator=shown, initial=loaded, renderer=r))
    posted = {
        "f1-value": TYPED,
        "f1-numerator": "-",
        "f1-denominator": "0",
        "f1-achieved": "maybe",
        "f1-achieved_on": "昨天",
        "f1-note": "说明\r\n" + "长" * 3000,
        "f1-submit": "on",
        "initial-f1-note": TYPED,
        "f1-version": "x",
    }
    _same(lambda r: FigureForm(posted, prefix="f1", indicator=shown, initial=loaded, renderer=r))


def test_a_task_row_is_drawn_as_djangos_templates_draw_it(plan):
    loaded = {"progress": "in_progress", "progress_text": TYPED, "problems": "", "version": 2}
    _same(lambda r: TaskReportForm(None, prefix="t1", initial=loaded, renderer=r))
    posted = {
        "t1-progress": "done",
        "t1-problems": TYPED,
        "t1-next_steps": "步" * 3000,
        "initial-t1-progress": "",
    }
    _same(lambda r: TaskReportForm(posted, prefix="t1", initial=loaded, renderer=r))
    bad_choice = {"t1-progress": "<script>", "t1-note": TYPED}
    _same(lambda r: TaskReportForm(bad_choice, prefix="t1", initial=loaded, renderer=r))
