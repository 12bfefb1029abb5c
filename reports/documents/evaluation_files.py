"""The end-of-plan evaluation as Word (.docx, editable) and Excel (.xlsx: one sheet each for indicators, tasks and
units, numbers kept as numbers, text escaped so no cell runs as a formula), and each sheet of a stored workbook read
back for its CSV and JSON downloads (`evaluation_tables`). The JSON keys (?table=):

- indicators (指标): code, name, area_or_task, kind, uom, target, value, completion_rate, verdict
- tasks (任务): code, title, units, done_units, in_progress_units, delayed_units, not_started_units, missing_units,
  completion
- units (单位): unit, owed, reported, on_time, late, missing, returned, delayed_tasks, completeness, timeliness,
  indicators_reported, indicators_met

Rates are fractions (0.968 is 96.8%), as the .xlsx holds them under its percentage format."""

import io
from collections.abc import Iterable, Sequence

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from reports.documents import word
from reports.documents.evaluation import NO_UNITS, VERDICTS, Evaluation
from reports.models import Document
from reports.xlsx import Formatted, Sheet, xlsx_book
from targets.display import figure_display, fmt, percent_text
from targets.periods import portal_today


def _percent_cell(value) -> Formatted | None:
    """A ratio kept a number, shown with one decimal as in the Word report (0.968 → 96.8%)."""
    return None if value is None else Formatted(value=value, number_format="0.0%")


def _areas(evaluation: Evaluation) -> list[tuple[str, list]]:
    """Indicator verdicts grouped as the plan groups them: goal areas, then the targets written in tasks."""
    groups: dict[str, list] = {}
    for item in evaluation.indicators:
        area = item.indicator.area
        groups.setdefault(f"{area.number}. {area.headline}" if area else "任务中的指标", []).append(item)
    return list(groups.items())


def evaluation_docx(evaluation: Evaluation) -> bytes:
    plan = evaluation.plan
    document = word.document_new()
    today = portal_today()
    demo = "\n（演示数据）" if getattr(settings, "DEMO_MODE", False) else ""
    word.title(
        document,
        f"《{plan.title}》实施情况评估",
        # Two lines: on one the date wrapped mid-word (…2025年7月15 / 日生成).
        f"工作期{plan.start.year}年{plan.start.month}月至{plan.end.year}年{plan.end.month}月"
        f"　数据截至{evaluation.period.label}\n{today.year}年{today.month}月{today.day}日生成{demo}",
    )
    word.heading(document, "一、总体评估")
    word.paragraph(document, evaluation.summary())
    counts = evaluation.counts
    word.table(
        document,
        ["结论", "指标数"],
        [((v, {"达成": "green", "基本达成": "amber", "未达成": "red"}.get(v)), counts[v]) for v in VERDICTS],
        widths_cm=[5, 3],
        numeric=(1,),
    )

    word.heading(document, "二、指标完成情况")
    for title, items in _areas(evaluation):
        word.heading(document, title, level=2)
        word.table(
            document,
            ["编号", "指标", "目标", "最终值", "完成率", "结论"],
            [
                (
                    item.indicator.code,
                    item.indicator.name,
                    item.indicator.target_display,
                    figure_display(item.standing.progress.value, item.indicator),
                    percent_text(item.completion),
                    (item.verdict, item.colour),
                )
                for item in items
            ],
            widths_cm=[2.2, 5.3, 2.6, 2.2, 1.8, 1.9],  # 二(二)2.1 on one line
            numeric=(3, 4),
        )

    word.heading(document, "三、任务完成情况")
    word.table(
        document,
        ["编号", "任务", "责任单位", "完成情况"],
        [(t.task.code, t.task.title, "、".join(t.units) or NO_UNITS, t.label) for t in evaluation.tasks],
        widths_cm=[1.6, 5.0, 5.0, 4.6],
    )

    word.heading(document, "四、各单位报送情况")
    word.table(
        document,
        ["单位", "应报", "已报", "按时", "逾期", "未报", "退回", "完成率", "按时率", "指标达成"],
        [
            (
                row.unit.name,
                row.rates.owed,
                row.rates.reported,
                row.rates.on_time,
                row.late,
                row.missing,
                row.returned,
                percent_text(row.rates.completeness),
                percent_text(row.rates.timeliness),
                f"{row.met}/{row.indicators}" if row.indicators else "—",
            )
            for row in evaluation.units
        ],
        widths_cm=[3.4, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 2.0, 2.0, 1.8],  # 100.0% on one line
        numeric=(1, 2, 3, 4, 5, 6, 7, 8, 9),
    )
    word.paragraph(
        document,
        "应报、按时、逾期、未报按全周期各季度应报送的指标数据和任务进展报告计；退回为被领导小组办公室退回的次数；"
        "指标达成为该单位报送的指标中评估为“达成”的项数。",
        small=True,
    )
    word.paragraph(
        document,
        f"说明：结论依据截至{evaluation.period.label}审核通过的汇总值判断。完成率为最终值÷目标值，越低越好的指标为"
        f"目标值÷最终值；未达到目标但完成率在{fmt(plan.verdict_basic_ratio * 100)}%以上（比率类指标与目标相差"
        f"不超过{fmt(plan.verdict_rate_points)}个百分点）为“基本达成”，里程碑类指标只分达成、未达成；"
        "尚无审核通过数据或缺少基线值的为“无数据”。标准可在管理后台的工作方案中调整。"
        "本报告由平台生成初稿，领导小组办公室可修改后报送。",
        small=True,
    )
    return word.to_bytes(document)


# The workbook's three tables: each one's ?table= name (for CSV and JSON), its sheet and its columns, a JSON key
# (English snake_case, as the dashboards' downloads) and the Chinese header. Rates are fractions (0.968 is 96.8%).
Column = tuple[str, str]
INDICATOR_COLUMNS: tuple[Column, ...] = (
    ("code", "编号"),
    ("name", "指标"),
    ("area_or_task", "领域/任务"),
    ("kind", "类型"),
    ("uom", "计量单位"),
    ("target", "目标"),
    ("value", "最终值"),
    ("completion_rate", "完成率"),
    ("verdict", "结论"),
)
TASK_COLUMNS: tuple[Column, ...] = (
    ("code", "编号"),
    ("title", "任务"),
    ("units", "责任单位"),
    ("done_units", "已完成单位数"),
    ("in_progress_units", "推进中"),
    ("delayed_units", "滞后"),
    ("not_started_units", "未启动"),
    ("missing_units", "未报"),
    ("completion", "完成情况"),
)
UNIT_COLUMNS: tuple[Column, ...] = (
    ("unit", "单位"),
    ("owed", "应报"),
    ("reported", "已报"),
    ("on_time", "按时"),
    ("late", "逾期"),
    ("missing", "未报"),
    ("returned", "退回次数"),
    ("delayed_tasks", "滞后任务"),
    ("completeness", "完成率"),
    ("timeliness", "按时率"),
    ("indicators_reported", "报送指标数"),
    ("indicators_met", "达成指标数"),
)
EVALUATION_TABLES: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    ("indicators", "指标", INDICATOR_COLUMNS),
    ("tasks", "任务", TASK_COLUMNS),
    ("units", "单位", UNIT_COLUMNS),
)


def _sheet(name: str, rows: Iterable[Sequence]) -> Sheet:
    _name, title, columns = next(table for table in EVALUATION_TABLES if table[0] == name)
    return Sheet(
        title=title, name=name, keys=[k for k, _h in columns], headers=[h for _k, h in columns], rows=rows
    )


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    """Three sheets (指标, 任务, 单位) through reports.xlsx: numbers stay numbers, rates read as percentages."""
    indicators = _sheet(
        "indicators",
        [
            (
                item.indicator.code,
                item.indicator.name,
                item.place,
                item.indicator.get_kind_display(),
                item.indicator.uom,
                item.standing.progress.target,
                item.standing.progress.value,
                _percent_cell(item.completion),
                item.verdict,
            )
            for item in evaluation.indicators
        ],
    )
    tasks = _sheet(
        "tasks",
        [
            (
                t.task.code,
                t.task.title,
                "、".join(t.units) or NO_UNITS,
                t.counts["done"],
                t.counts["in_progress"],
                t.counts["delayed"],
                t.counts["not_started"],
                t.counts[""],
                t.label,
            )
            for t in evaluation.tasks
        ],
    )
    units = _sheet(
        "units",
        [
            (
                row.unit.name,
                row.rates.owed,
                row.rates.reported,
                row.rates.on_time,
                row.late,
                row.missing,
                row.returned,
                row.delayed_tasks,
                _percent_cell(row.rates.completeness),
                _percent_cell(row.rates.timeliness),
                row.indicators,
                row.met,
            )
            for row in evaluation.units
        ],
    )
    return xlsx_book(sheets=[indicators, tasks, units])


# A workbook written before a change of its columns: its tables cannot be named as the current keys name them.
_STALE_WORKBOOK = gettext_lazy(
    "这份评估工作簿是旧版格式，无法下载为 CSV 或 JSON：请重新生成实施情况评估（Excel）"
)


def evaluation_tables(content: bytes) -> list[Sheet]:
    """The three tables of a stored evaluation workbook, read back cell by cell (the document is a snapshot: its CSV
    and JSON hold what its .xlsx holds, never a recomputed evaluation), each under its ?table= name and JSON keys.
    Raises ValidationError when the workbook lacks one of the sheets or has a column this version does not know."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        sheets = []
        for name, title, columns in EVALUATION_TABLES:
            keys = {header: key for key, header in columns}
            if title not in book.sheetnames:
                raise ValidationError(_STALE_WORKBOOK)
            rows = book[title].iter_rows(values_only=True)
            headers = list(next(rows, ()))
            if not headers or any(header not in keys for header in headers):
                raise ValidationError(_STALE_WORKBOOK)
            width = len(headers)
            body = [list(row[:width]) + [None] * (width - len(row)) for row in rows]
            sheets.append(
                Sheet(title=title, name=name, keys=[keys[h] for h in headers], headers=headers, rows=body)
            )
        return sheets
    finally:
        book.close()


def evaluation_document_tables(*, document: Document) -> list[Sheet]:
    """The tables of a generated 实施情况评估（Excel） as its stored file holds them (`evaluation_tables`). Raises
    ValidationError, saying what to do, for another kind of document, one not yet written, or a file no longer
    stored."""
    if document.kind != Document.Kind.EVALUATION_XLSX:
        raise ValidationError(gettext("只有实施情况评估（Excel）的表格可以下载为 CSV 或 JSON"))
    if document.state != Document.State.DONE or not document.file:
        raise ValidationError(gettext("这份评估还没有生成完，请稍后再下载"))
    if not document.file.storage.exists(document.file.name):
        raise ValidationError(gettext("文件已不在存储中，请重新生成实施情况评估（Excel）"))
    with document.file.open("rb") as handle:
        return evaluation_tables(handle.read())
