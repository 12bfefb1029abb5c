from django import template
from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import TaskReport
from targets.display import figure_display, fmt, percent_text

register = template.Library()


@register.filter
def figure(value, indicator) -> str:
    return figure_display(value, indicator)


@register.filter
def percent(value) -> str:
    """0.857 → 86%; None → —."""
    return percent_text(value, places=0)


@register.filter
def number(value) -> str:
    """A figure without trailing zeros (12.50 → 12.5); None → —."""
    return fmt(value)


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


# --- grids of many cells: built here, not by a template loop (a page holds hundreds or thousands of them) -------


@register.simple_tag
def heatmap_cells(unit, cells, plan_query: str = "") -> str:
    """A heatmap row's cells: state colour, the counts in the title, a link to the unit's sheet of that quarter (of
    the plan `plan_query` names)."""
    on_time, late, owed, due = _("按时"), _("逾期"), _("应报"), _("截止")
    return format_html_join(
        "",
        '<td class="cell cell-{}" title="{}：{}{}，{}{}，{}{}（{} {}）"><a href="{}">{}/{}</a></td>',
        (
            (
                cell.state,
                cell.label,
                on_time,
                cell.on_time,
                late,
                cell.late,
                owed,
                cell.owed,
                due,
                f"{cell.due:%Y-%m-%d}" if cell.due else "",
                reverse("reports:sheet", args=[unit.code, cell.period_code]) + plan_query,
                cell.reported,
                cell.owed,
            )  # fmt: skip
            for cell in cells
        ),
    )


TASK_SYMBOLS = {
    "done": gettext_lazy("完"),
    "in_progress": gettext_lazy("进"),
    "delayed": gettext_lazy("滞"),
    "not_started": gettext_lazy("未"),
}


@register.simple_tag
def task_cells(units, row) -> str:
    """A task board row's cells, one per unit: blank where the task is not the unit's, else the progress of the
    unit's latest report (its text in the title), or — when it has not reported. Plain escaping, not format_html:
    a province's board has 12,000 cells."""
    missing = escape(_("未报"))
    labels = {value: str(label) for value, label in TaskReport.Progress.choices}  # get_progress_display, once
    out = []
    for unit in units:
        if unit.pk not in row.cells:
            out.append("<td></td>")
            continue
        report = row.cells[unit.pk]
        name = escape(unit.name)
        if report is None:
            out.append(f'<td class="task-cell task-none" title="{name}：{missing}">—</td>')
            continue
        text = report.progress_text
        if len(text) > 80:
            text = text[:79] + "…"
        progress = report.progress or "none"
        label = labels.get(report.progress, report.progress or "")
        symbol = TASK_SYMBOLS.get(report.progress, "—")
        out.append(
            f'<td class="task-cell task-{escape(progress)}" title="{name}：{escape(label)} {escape(text)}">'
            f"{symbol}</td>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
