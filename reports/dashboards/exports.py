"""Download what the page shows, as .xlsx, .csv or .json (?export=xlsx|csv|json). Each view picks its rows with the
same selectors as its page and hands them to one function here, which defines each table once (its columns: a
Chinese header and a JSON key; its rows) and returns an `Export`; `export_response` writes it through
reports.xlsx's writers, so the three files of a page hold the same rows, and never a row the page does not show.

An .xlsx holds every table of the page; a CSV or JSON file holds one, chosen by ?table= (the first by default):
报送情况 has `grid` and `detail`, 审核 has `figures` and `task_reports`. The JSON keys (documented in README.md):

- 指标进展 (indicators): code, name, area, kind, value, expected, target, status, projected, reported
- 各单位数据 of one indicator: unit, then one key per quarter, its code (2025Q2)
- 报送情况 grid: unit, one key per quarter (2025Q2), completeness, timeliness; detail: unit, quarter, status, owed,
  reported, on_time, late, due
- 任务推进 (tasks): code, title, delayed_units, then unit_<the unit's code> per unit (unit_jingyang)
- 单位排名 (league): rank, unit, timeliness, completeness, red_indicators, returned, delayed_tasks
- 审核 figures: plan, unit, period, indicator_code, indicator, value, uom, note, submitted_by, submitted_at;
  task_reports: plan, unit, period, task_code, task, progress, progress_text, submitted_by, submitted_at

Rates are fractions (0.857 is 86%), as the .xlsx holds them under its percentage format."""

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.xlsx import FORMATS, Sheet, download_response, percent_cell

Column = tuple[str, str]  # (JSON key, Chinese header)

# The pages with more than one table: each table's ?table= name and what its CSV and JSON links call it.
HEATMAP_TABLES = (("grid", gettext_lazy("报送情况")), ("detail", gettext_lazy("明细")))
REVIEW_TABLES = (("figures", gettext_lazy("指标数据")), ("task_reports", gettext_lazy("任务进展")))


@dataclass(frozen=True)
class Export:
    """The tables of one download, and its file name without the extension."""

    filename: str
    sheets: list[Sheet]


def export_format(params: Mapping) -> str | None:
    """The format ?export= asks for (xlsx, csv, json), or None: the page itself."""
    value = params.get("export")
    return value if value in FORMATS else None


def export_response(export: Export, *, params: Mapping) -> HttpResponse:
    """The download ?export= (and, for CSV and JSON, ?table=) asks for."""
    return download_response(
        fmt=params.get("export"), filename=export.filename, sheets=export.sheets, table=params.get("table")
    )


def _sheet(*, title: str, name: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> Sheet:
    return Sheet(
        title=title, name=name, keys=[key for key, _h in columns], headers=[h for _k, h in columns], rows=rows
    )


def _quarters(periods) -> list[Column]:
    return [(p.code, p.label) for p in periods]


def table_export(*, table, filename: str, title: str) -> Export:
    """A django-tables2 table as the user sees it (its visible columns and rows, filters applied): a cell its
    column renders as HTML (a link, a coloured label) is written as its text, an empty cell as the column's own
    default where it declares one (领域 of a task's indicator reads 任务, as on the page). Keys: the columns' names."""
    values = list(table.as_values())
    defaults = [_own_default(table, column) for column in table.columns]
    rows = (
        [_table_text(value, default) for value, default in zip(row, defaults, strict=True)]
        for row in values[1:]
    )
    columns = list(zip([column.name for column in table.columns], values[0], strict=True))
    return Export(
        filename=filename, sheets=[_sheet(title=title, name="indicators", columns=columns, rows=rows)]
    )


def _own_default(table, column):
    default = column.column.default
    return None if default is None or default == table.default else default


def _table_text(value, default):
    if value is None:
        return default
    if isinstance(value, SafeData):  # rendered HTML: its text, entities decoded (&amp; → &)
        return html.unescape(strip_tags(value))
    return value


def indicator_units_export(*, indicator, periods, history) -> Export:
    """各单位数据 of one indicator: each reporting unit's approved value per quarter (empty: none)."""
    return Export(
        filename=_("%(code)s-各单位数据") % {"code": indicator.code},
        sheets=[
            _sheet(
                title=indicator.code,
                name="units",
                columns=[("unit", _("单位")), *_quarters(periods)],
                rows=[[unit.name, *values] for unit, values in history],
            )
        ],
    )


def heatmap_export(*, data) -> Export:
    """报送情况: units × quarters as on the page (each cell its state and reported/owed, the rates as numbers), the
    city's rates per quarter under them, and a second table with every cell's counts as numbers."""
    grid = [
        [unit.name, *[f"{c.label} {c.reported}/{c.owed}" for c in cells], *_rates(rates)]
        for unit, cells, rates in data.rows
    ]
    total = _rates(data.total)
    grid.append([_("全市完整率"), *[percent_cell(r.completeness) for r in data.period_rates], total[0], None])
    grid.append([_("全市及时率"), *[percent_cell(r.timeliness) for r in data.period_rates], None, total[1]])
    labels = [p.label for p in data.periods]
    detail = [
        [unit.name, quarter, c.label, c.owed, c.reported, c.on_time, c.late, c.due]
        for unit, cells, _unit_rates in data.rows
        for quarter, c in zip(labels, cells, strict=True)
    ]
    detail_columns = [
        ("unit", _("单位")),
        ("quarter", _("季度")),
        ("status", _("状态")),
        ("owed", _("应报")),
        ("reported", _("已报")),
        ("on_time", _("按时")),
        ("late", _("逾期")),
        ("due", _("报送截止")),
    ]
    grid_columns = [
        ("unit", _("单位")),
        *_quarters(data.periods),
        ("completeness", _("完整率")),
        ("timeliness", _("及时率")),
    ]
    return Export(
        filename=_("报送情况"),
        sheets=[
            _sheet(title=_("报送情况"), name="grid", columns=grid_columns, rows=grid),
            _sheet(title=_("明细"), name="detail", columns=detail_columns, rows=detail),
        ],
    )


def _rates(rates) -> list:
    return [percent_cell(rates.completeness), percent_cell(rates.timeliness)]


def task_board_export(*, units: list, rows: list) -> Export:
    """任务推进: each task with how many units are behind, and each responsible unit's latest progress
    (未报 when it has not reported; blank when the task is not the unit's)."""
    columns = [
        ("code", _("编号")),
        ("title", _("任务")),
        ("delayed_units", _("滞后单位数")),
        *[(f"unit_{u.code}", u.name) for u in units],
    ]
    return Export(
        filename=_("任务推进情况"),
        sheets=[
            _sheet(
                title=_("任务推进情况"),
                name="tasks",
                columns=columns,
                rows=[
                    [r.task.code, r.task.title, r.delayed, *[_progress(r.cells, u) for u in units]]
                    for r in rows
                ],
            )
        ],
    )


def _progress(cells: dict, unit) -> str | None:
    if unit.pk not in cells:
        return None
    report = cells[unit.pk]
    return report.get_progress_display() if report else _("未报")


def league_export(*, rows: list, period) -> Export:
    """单位排名 in the page's order, rates as numbers shown as percentages."""
    columns = [
        ("rank", _("名次")),
        ("unit", _("单位")),
        ("timeliness", _("及时率")),
        ("completeness", _("完整率")),
        ("red_indicators", _("滞后指标")),
        ("returned", _("被退回次数")),
        ("delayed_tasks", _("滞后任务")),
    ]
    ranked = [
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
    ]
    return Export(
        filename=_("单位排名-%(period)s") % {"period": period.label},
        sheets=[
            _sheet(
                title=_("单位排名%(period)s") % {"period": period.label},
                name="league",
                columns=columns,
                rows=ranked,
            )
        ],
    )


def review_queue_export(*, figures: Iterable, task_reports: Iterable) -> Export:
    """审核: the submitted figures and task reports waiting for review, one table each, filters applied."""
    figure_columns = [
        ("plan", _("方案")),
        ("unit", _("单位")),
        ("period", _("季度")),
        ("indicator_code", _("指标编号")),
        ("indicator", _("指标")),
        ("value", _("数值")),
        ("uom", _("计量单位")),
        ("note", _("说明")),
        ("submitted_by", _("提交人")),
        ("submitted_at", _("提交时间")),
    ]
    task_columns = [
        ("plan", _("方案")),
        ("unit", _("单位")),
        ("period", _("季度")),
        ("task_code", _("任务编号")),
        ("task", _("任务")),
        ("progress", _("进展状态")),
        ("progress_text", _("工作进展")),
        ("submitted_by", _("提交人")),
        ("submitted_at", _("提交时间")),
    ]
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
    return Export(
        filename=_("待审核"),
        sheets=[
            _sheet(
                title=_("待审核的指标数据"),
                name="figures",
                columns=figure_columns,
                rows=figure_rows,
            ),
            _sheet(
                title=_("待审核的任务进展"),
                name="task_reports",
                columns=task_columns,
                rows=report_rows,
            ),
        ],
    )
