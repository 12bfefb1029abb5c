"""Download what the page shows as .xlsx. Each view picks its rows with the same selectors as its page and hands
them to one function here, so a file never holds a row the page does not show."""

import html
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _

from reports.xlsx import Sheet, percent_cell, xlsx_book_response, xlsx_response


def table_xlsx(*, table, filename: str, title: str) -> HttpResponse:
    """A django-tables2 table as the user sees it (its visible columns and rows, filters applied): a cell its
    column renders as HTML (a link, a coloured label) is written as its text, an empty cell as the column's own
    default where it declares one (领域 of a task's indicator reads 任务, as on the page)."""
    values = list(table.as_values())
    defaults = [_own_default(table, column) for column in table.columns]
    rows = (
        [_table_text(value, default) for value, default in zip(row, defaults, strict=True)]
        for row in values[1:]
    )
    return xlsx_response(filename=filename, title=title, headers=values[0], rows=rows)


def _own_default(table, column):
    default = column.column.default
    return None if default is None or default == table.default else default


def _table_text(value, default):
    if value is None:
        return default
    if isinstance(value, SafeData):  # rendered HTML: its text, entities decoded (&amp; → &)
        return html.unescape(strip_tags(value))
    return value


def heatmap_xlsx(*, data) -> HttpResponse:
    """报送情况: units × quarters as on the page (each cell its state and reported/owed, the rates as numbers), the
    city's rates per quarter under them, and a second sheet with every cell's counts as numbers."""
    labels = [p.label for p in data.periods]
    grid = [
        [unit.name, *[f"{c.label} {c.reported}/{c.owed}" for c in cells], *_rates(rates)]
        for unit, cells, rates in data.rows
    ]
    grid.append(
        [
            _("全市完整率"),
            *[percent_cell(r.completeness) for r in data.period_rates],
            *_rates(data.total)[:1],
            None,
        ]
    )
    grid.append(
        [
            _("全市及时率"),
            *[percent_cell(r.timeliness) for r in data.period_rates],
            None,
            *_rates(data.total)[1:],
        ]
    )
    detail = [
        [unit.name, quarter, c.label, c.owed, c.reported, c.on_time, c.late, c.due]
        for unit, cells, _unit_rates in data.rows
        for quarter, c in zip(labels, cells, strict=True)
    ]
    return xlsx_book_response(
        filename=_("报送情况.xlsx"),
        sheets=[
            Sheet(title=_("报送情况"), headers=[_("单位"), *labels, _("完整率"), _("及时率")], rows=grid),
            Sheet(
                title=_("明细"),
                headers=[
                    _("单位"),
                    _("季度"),
                    _("状态"),
                    _("应报"),
                    _("已报"),
                    _("按时"),
                    _("逾期"),
                    _("报送截止"),
                ],
                rows=detail,
            ),
        ],
    )


def _rates(rates) -> list:
    return [percent_cell(rates.completeness), percent_cell(rates.timeliness)]


def task_board_xlsx(*, units: list, rows: list) -> HttpResponse:
    """任务推进: each task with how many units are behind, and each responsible unit's latest progress
    (未报 when it has not reported; blank when the task is not the unit's)."""
    return xlsx_response(
        filename=_("任务推进情况.xlsx"),
        title=_("任务推进情况"),
        headers=[_("编号"), _("任务"), _("滞后单位数"), *[u.name for u in units]],
        rows=[[r.task.code, r.task.title, r.delayed, *[_progress(r.cells, u) for u in units]] for r in rows],
    )


def _progress(cells: dict, unit) -> str | None:
    if unit.pk not in cells:
        return None
    report = cells[unit.pk]
    return report.get_progress_display() if report else _("未报")


def league_xlsx(*, rows: list, period) -> HttpResponse:
    """单位排名 in the page's order, rates as numbers shown as percentages."""
    return xlsx_response(
        filename=_("单位排名-%(period)s.xlsx") % {"period": period.label},
        title=_("单位排名%(period)s") % {"period": period.label},
        headers=[
            _("名次"),
            _("单位"),
            _("及时率"),
            _("完整率"),
            _("滞后指标"),
            _("被退回次数"),
            _("滞后任务"),
        ],
        rows=[
            [
                i,
                r.unit.name,
                percent_cell(r.rates.timeliness),
                percent_cell(r.rates.completeness),
                r.red_indicators,
                r.returned,
                r.delayed_tasks,
            ]
            for i, r in enumerate(rows, 1)
        ],
    )


def review_queue_xlsx(*, figures: Iterable, task_reports: Iterable) -> HttpResponse:
    """审核: the submitted figures and task reports waiting for review, one sheet each, filters applied."""
    figure_rows = [
        [
            s.period.plan.title,
            s.unit.name,
            s.period.label,
            s.indicator.code,
            s.indicator.name,
            (
                {True: _("已达成"), False: _("未达成")}.get(s.achieved)
                if s.indicator.kind == "milestone"
                else s.value
            ),
            "" if s.indicator.kind == "milestone" else s.indicator.uom,
            s.note,
            str(s.submitted_by) if s.submitted_by else None,
            s.submitted_at,
        ]
        for s in figures
    ]
    report_rows = [
        [
            r.period.plan.title,
            r.unit.name,
            r.period.label,
            r.task.code,
            r.task.title,
            r.get_progress_display(),
            r.progress_text,
            str(r.submitted_by) if r.submitted_by else None,
            r.submitted_at,
        ]
        for r in task_reports
    ]
    return xlsx_book_response(
        filename=_("待审核.xlsx"),
        sheets=[
            Sheet(
                title=_("待审核的指标数据"),
                headers=[
                    _("方案"),
                    _("单位"),
                    _("季度"),
                    _("指标编号"),
                    _("指标"),
                    _("数值"),
                    _("计量单位"),
                    _("说明"),
                    _("提交人"),
                    _("提交时间"),
                ],
                rows=figure_rows,
            ),
            Sheet(
                title=_("待审核的任务进展"),
                headers=[
                    _("方案"),
                    _("单位"),
                    _("季度"),
                    _("任务编号"),
                    _("任务"),
                    _("进展状态"),
                    _("工作进展"),
                    _("提交人"),
                    _("提交时间"),
                ],
                rows=report_rows,
            ),
        ],
    )
