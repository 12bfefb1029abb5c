"""The pre-filled .xlsx template of a unit's quarterly sheet (django-import-export Resources + openpyxl layout), and
its 指标数据 worksheet alone as a CSV (the same columns and rows) for systems that write CSV."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import tablib
from django.utils import translation
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reports.models import TaskReport

# The file is a Chinese form whatever language the user browses in: labels are written and read in Chinese.
from reports.workflow.excel.cells import shown
from reports.workflow.excel.columns import (
    COLUMNS,
    FIGURE_CODE,
    FILE_LANGUAGE,
    NO,
    PERIOD,
    SHEET_FIGURES,
    SHEET_TASKS,
    TASK_CODE,
    TASK_FIELDS,
    UNIT,
    VERSION,
    YES,
)
from reports.workflow.selectors import SheetRow, sheet_groups
from reports.workflow.validation import VALUE_LABELS
from reports.xlsx import csv_bytes, set_cell
from targets.models import Indicator, Period
from units.models import Unit


class _SheetResource(resources.Resource):
    """Columns every worksheet has: whose sheet it is (checked on upload), the item's status and version."""

    unit = fields.Field(column_name=UNIT)
    period = fields.Field(column_name=PERIOD)
    status = fields.Field(column_name="状态")
    version = fields.Field(column_name=VERSION)

    def __init__(self, *, unit: Unit, period: Period) -> None:
        super().__init__()
        self.unit, self.period = unit, period

    def dehydrate_unit(self, row: SheetRow) -> str:
        return self.unit.name

    def dehydrate_period(self, row: SheetRow) -> str:
        return self.period.code

    def dehydrate_status(self, row: SheetRow) -> str:
        return str(row.item.get_status_display()) if row.item else "未填报"

    def dehydrate_version(self, row: SheetRow) -> int:
        return row.version


class FigureSheetResource(_SheetResource):
    """The 指标数据 worksheet: one row per indicator the unit reports, with the current figure."""

    code = fields.Field(attribute="indicator__code", column_name=FIGURE_CODE)
    name = fields.Field(attribute="indicator__name", column_name="指标名称")
    uom = fields.Field(attribute="indicator__uom", column_name="计量单位")
    entry = fields.Field(column_name="填报口径")
    value = fields.Field(column_name=COLUMNS["value"])
    numerator_label = fields.Field(column_name="分子名称")
    numerator = fields.Field(column_name=COLUMNS["numerator"])
    denominator_label = fields.Field(column_name="分母名称")
    denominator = fields.Field(column_name=COLUMNS["denominator"])
    achieved = fields.Field(column_name=COLUMNS["achieved"])
    achieved_on = fields.Field(column_name=COLUMNS["achieved_on"])
    note = fields.Field(column_name=COLUMNS["note"])

    class Meta:
        export_order = (
            *("unit", "period", "code", "name", "uom", "entry", "value", "numerator_label", "numerator"),
            *("denominator_label", "denominator", "achieved", "achieved_on", "note", "status", "version"),
        )

    def dehydrate_entry(self, row: SheetRow) -> str:
        return _entry_label(row.indicator)

    def dehydrate_value(self, row: SheetRow) -> Decimal | None:
        is_milestone = row.indicator.kind == Indicator.Kind.MILESTONE
        return None if is_milestone or row.item is None else row.item.value

    def dehydrate_numerator_label(self, row: SheetRow) -> str:
        return row.indicator.numerator_label if row.indicator.has_ratio else ""

    def dehydrate_numerator(self, row: SheetRow) -> Decimal | None:
        return row.item.numerator if row.item else None

    def dehydrate_denominator_label(self, row: SheetRow) -> str:
        return row.indicator.denominator_label if row.indicator.has_ratio else ""

    def dehydrate_denominator(self, row: SheetRow) -> Decimal | None:
        return row.item.denominator if row.item else None

    def dehydrate_achieved(self, row: SheetRow) -> str:
        return shown(row.item.achieved) if row.item else ""

    def dehydrate_achieved_on(self, row: SheetRow) -> datetime.date | None:
        return row.item.achieved_on if row.item else None

    def dehydrate_note(self, row: SheetRow) -> str:
        return row.item.note if row.item else ""


class TaskSheetResource(_SheetResource):
    """The 任务进展 worksheet: one row per task or safeguard item the unit answers for, with its report."""

    code = fields.Field(attribute="task__code", column_name=TASK_CODE)
    name = fields.Field(attribute="task__title", column_name="任务名称")
    progress = fields.Field(column_name=COLUMNS["progress"])
    progress_text = fields.Field(column_name=COLUMNS["progress_text"])
    problems = fields.Field(column_name=COLUMNS["problems"])
    next_steps = fields.Field(column_name=COLUMNS["next_steps"])
    note = fields.Field(column_name=COLUMNS["note"])

    class Meta:
        export_order = ("unit", "period", "code", "name", *TASK_FIELDS, "status", "version")

    def dehydrate_progress(self, row: SheetRow) -> str:
        return str(row.item.get_progress_display()) if row.item else ""

    def _text(self, row: SheetRow, name: str) -> str:
        return getattr(row.item, name) if row.item else ""

    def dehydrate_progress_text(self, row: SheetRow) -> str:
        return self._text(row, "progress_text")

    def dehydrate_problems(self, row: SheetRow) -> str:
        return self._text(row, "problems")

    def dehydrate_next_steps(self, row: SheetRow) -> str:
        return self._text(row, "next_steps")

    def dehydrate_note(self, row: SheetRow) -> str:
        return self._text(row, "note")


def _entry_label(indicator: Indicator) -> str:
    if indicator.kind == Indicator.Kind.MILESTONE:
        return "是否达成（填“是”或“否”），已达成请填达成日期"
    if indicator.has_ratio:
        return "分子/分母（比率自动计算）"
    return str(VALUE_LABELS[indicator.kind])


def figure_entry_fields(indicator: Indicator) -> tuple[str, ...]:
    """The figure fields a unit types for this indicator (besides the note)."""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return ("achieved", "achieved_on")
    if indicator.has_ratio:
        return ("numerator", "denominator")
    return ("value",)


def _figure_editable(row: SheetRow) -> set[str]:
    if row.item and not row.item.is_editable:
        return set()
    return {COLUMNS[name] for name in (*figure_entry_fields(row.indicator), "note")}


def _task_editable(row: SheetRow) -> set[str]:
    if row.item and not row.item.is_editable:
        return set()
    return {COLUMNS[name] for name in TASK_FIELDS}


WIDTHS = {
    UNIT: 16, PERIOD: 9, FIGURE_CODE: 12, "指标名称": 30, "计量单位": 9, "填报口径": 26, "数值": 12,
    "分子名称": 22, "分子": 12, "分母名称": 22, "分母": 12, "是否达成": 10, "达成日期": 12, "说明": 30,
    "状态": 9, VERSION: 7, TASK_CODE: 11, "任务名称": 28, "进展状态": 11, "工作进展": 44, "存在问题": 30,
    "下步计划": 30,
}  # fmt: skip
WRAPPED = {"指标名称", "任务名称", "说明", "工作进展", "存在问题", "下步计划"}
HEADER_NOTES = {
    UNIT: "请勿修改：上传时据此核对是否为本单位的填报表",
    PERIOD: "请勿修改：上传时据此核对季度",
    VERSION: "请勿修改：上传时据此发现下载模板后他人对该项的修改",
}
GREY = PatternFill("solid", fgColor="EDEDED")
HEADER_EDITABLE = PatternFill("solid", fgColor="FFF2CC")
CHOICES = {
    COLUMNS["achieved"]: [YES, NO],
    COLUMNS["progress"]: [str(label) for label in TaskReport.Progress.labels],
}


def _write_sheet(sheet, dataset: tablib.Dataset, rows: list[SheetRow], editable: Callable) -> None:
    """Lay a Resource's Dataset out on a worksheet: greyed read-only cells, widths, drop-downs."""
    headers = list(dataset.headers)
    writable = set().union(*(editable(row) for row in rows)) if rows else set(COLUMNS.values())
    for col, header in enumerate(headers, start=1):
        cell = set_cell(sheet.cell(row=1, column=col), header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_EDITABLE if header in writable else GREY
        if header in HEADER_NOTES:
            cell.comment = Comment(HEADER_NOTES[header], "系统")
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(header, 12)
    for number, (row, values) in enumerate(zip(rows, dataset, strict=True), start=2):
        open_columns = editable(row)
        for col, (header, value) in enumerate(zip(headers, values, strict=True), start=1):
            # The portal's one rule for text (reports.xlsx): a note "=SUM(A1)" stays that text and reads back so.
            cell = set_cell(sheet.cell(row=number, column=col), None if value == "" else value)
            if header not in open_columns:
                cell.fill = GREY
            if header in (FIGURE_CODE, TASK_CODE):
                cell.number_format = "@"
            elif header == COLUMNS["achieved_on"]:
                cell.number_format = "yyyy-mm-dd"
            if header in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(len(rows) + 1, 200)  # leave room for rows a reporter adds by hand
    for header, choices in CHOICES.items():
        if header in headers:
            letter = get_column_letter(headers.index(header) + 1)
            validation = DataValidation(
                type="list", formula1=f'"{",".join(choices)}"', allow_blank=True, showErrorMessage=True
            )
            validation.error = f"请从列表中选择：{'、'.join(choices)}"
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "E2"


def sheet_template_xlsx(*, unit: Unit, period: Period) -> bytes:
    """The unit's sheet for the quarter as a pre-filled .xlsx: only its own obligations, with the plan's names,
    units of measure, current values, status and version. Raises nothing; the caller decides who may download."""
    with translation.override(FILE_LANGUAGE):
        rows = [row for group in sheet_groups(unit=unit, period=period) for row in group.rows]
        book = Workbook()
        book.remove(book.active)
        for title, resource_class, sheet_rows, editable in (
            (SHEET_FIGURES, FigureSheetResource, [r for r in rows if r.indicator], _figure_editable),
            (SHEET_TASKS, TaskSheetResource, [r for r in rows if r.task], _task_editable),
        ):
            dataset = resource_class(unit=unit, period=period).export(sheet_rows)
            _write_sheet(book.create_sheet(title), dataset, sheet_rows, editable)
        stream = BytesIO()
        book.save(stream)
        return stream.getvalue()


def sheet_template_csv(*, unit: Unit, period: Period) -> bytes:
    """The unit's figures for the quarter as a pre-filled CSV (UTF-8 with a BOM): the 指标数据 worksheet's columns and
    rows, written by reports.xlsx.csv_bytes (numbers plain, dates ISO, formula-like text after an apostrophe, which
    the upload removes again). Task reports stay in the Excel template. Raises nothing; the caller decides who may
    download."""
    with translation.override(FILE_LANGUAGE):
        rows = [
            row for group in sheet_groups(unit=unit, period=period) for row in group.rows if row.indicator
        ]
        dataset = FigureSheetResource(unit=unit, period=period).export(rows)
        return csv_bytes(headers=dataset.headers, rows=dataset)


def sheet_template_filename(*, unit: Unit, period: Period, kind: str = "xlsx") -> str:
    """The download name of the template, e.g. 旌阳区人民政府-2023Q4-填报表.xlsx (its CSV: …-填报表-指标数据.csv)."""
    if kind == "csv":
        return f"{unit.name}-{period.code}-填报表-{SHEET_FIGURES}.csv"
    return f"{unit.name}-{period.code}-填报表.xlsx"
