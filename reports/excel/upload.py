"""Excel round trip of a unit's quarterly sheet: a pre-filled template to download, and its upload.

Export: one django-import-export `Resource` per worksheet (`FigureSheetResource`, `TaskSheetResource`) turns the
rows of `sheet_groups` into tablib Datasets with Chinese column names; openpyxl then lays them out (read-only
columns greyed, widths, drop-down lists).

Import: openpyxl streams both worksheets (read-only), then a row loop here parses each row; the changed figures go
to the services in one batch (`figures_save_bulk`: figure_save's rules, bulk writes with their history, so a
10,000-row file costs a few queries, not 50,000), task reports one by one (`task_report_save`). We do not drive it through
`Resource.import_data`: that saves model instances itself (`save_instance`), so permission, obligation, value
rules, the version check and the history reason would have to be re-implemented or bypassed, and its row
results know nothing of our per-field old → new diff in Chinese. Here the loop only parses cells and reports;
every rule stays in the services, and their refusals become row errors.

The whole upload runs in one transaction that is rolled back on a dry run or when any row has an error, so the
preview exercises exactly the code path of the real import, and a real import stores all rows or none."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from openpyxl import load_workbook

from targets.models import Indicator, Period
from tasks.models import Task
from units.audit import audit
from units.models import AuditEvent, Unit, User

from ..models import TaskReport
from ..selectors import SheetRow, sheet_groups, user_can_report_for
from ..services import (
    FIGURE_FIELDS,
    FigureEntry,
    StaleEditError,
    figures_save_bulk,
    parse_date,
    parse_decimal,
    task_report_save,
)
from ..validation import VALUE_LABELS, ratio_value

# The file is a Chinese form whatever language the user browses in: labels are written and read in Chinese.
from .columns import (
    ACHIEVED_WORDS,
    COLUMNS,
    CREATED,
    ERROR,
    FIGURE_CODE,
    FIGURE_COLUMNS,
    FILE_LANGUAGE,
    FULL_WIDTH_CODE,
    LARGEST,
    NO,
    PERIOD,
    PLACES,
    SHEET_FIGURES,
    SHEET_TASKS,
    TASK_CODE,
    TASK_COLUMNS,
    TASK_FIELDS,
    UNCHANGED,
    UNIT,
    UPDATED,
    VERSION,
    YES,
    _blank,
    _show,
    _text,
)
from .template import figure_entry_fields


@dataclass
class RowResult:
    """What the upload does with one row: its action, each field's old → new, or what to fix."""

    sheet: str
    row: int
    code: str = ""
    name: str = ""
    action: str = UNCHANGED
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class SheetImportResult:
    """The outcome of an upload. `applied` is True only when the rows were stored (not a dry run, no errors)."""

    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def updated(self) -> int:
        return self._count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def error_messages(self) -> list[str]:
        """Every problem as one line naming its place, e.g. "指标数据 第3行（1.1）：数值应为数字…"."""
        lines = list(self.file_errors)
        for row in self.rows:
            where = f"{row.sheet} 第{row.row}行" + (f"（{row.code}）" if row.code else "")
            lines += [f"{where}：{message}" for message in row.errors]
        return lines


class _FileError(Exception):
    """The upload cannot be read as the template at all."""


@dataclass
class _Context:
    user: User
    unit: Unit
    period: Period
    figures: dict[str, SheetRow]
    tasks: dict[str, SheetRow]
    plan_indicator_codes: set[str]
    plan_task_codes: set[str]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    figures_pending: list[tuple[RowResult, FigureEntry]] = field(default_factory=list)


def sheet_import(
    *, user: User, unit: Unit, period: Period, content: bytes, dry_run: bool
) -> SheetImportResult:
    """Read an uploaded template and save every changed row as a draft through the sheet's services, all or
    nothing: when any row has an error, or on a dry run, nothing is stored. Raises nothing: an unreadable file,
    a user who may not report for the unit, and every row's problem are in the result, in Chinese."""
    result = SheetImportResult()
    with translation.override(FILE_LANGUAGE):
        if not user_can_report_for(user=user, unit=unit):
            result.file_errors.append(f"您只能导入本单位的填报表，不能为{unit.name}导入")
            return result
        try:
            datasets = _read_workbook(content)
        except _FileError as error:
            result.file_errors.append(str(error))
            return result
        with transaction.atomic():
            context = _context(user=user, unit=unit, period=period)
            for sheet, handle in ((SHEET_FIGURES, _figure_row), (SHEET_TASKS, _task_row)):
                for number, cells in _data_rows(datasets[sheet]):
                    result.rows.append(handle(context, RowResult(sheet=sheet, row=number), cells))
            _save_figures(context)
            if not result.rows:
                result.file_errors.append("文件中没有任何数据行，请在本系统下载的模板中填写后再上传")
            result.applied = not dry_run and not result.has_errors
            if not result.applied:
                transaction.set_rollback(True)
    if not dry_run:  # after the rollback of a refused file, so its audit line stays
        audit(
            action="import",
            user=user,
            result=AuditEvent.Result.SUCCESS if result.applied else AuditEvent.Result.FAILURE,
            detail=f"{unit.name} {period.label} Excel导入：{len(result.rows)}行"
            + ("" if result.applied else "，有错误，未保存"),
        )
    return result


Sheet = tuple[list[str], list[tuple]]  # a worksheet as read: its headers and its rows of values


def _read_workbook(content: bytes) -> dict[str, Sheet]:
    if not content:
        raise _FileError("上传的文件是空的，请选择填好的 Excel 模板（.xlsx）")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传")
    try:
        # Read-only (streamed: a 10,000-row file reads as fast as openpyxl can go), with the recorded dimensions
        # dropped so no cell is cut off whatever the writing program recorded; short rows are fine (see _data_rows).
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
        sheets = {}
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            rows = list(sheet.iter_rows(values_only=True))
            sheets[sheet.title] = ([_text(header) for header in rows[0]] if rows else [], rows[1:])
        book.close()
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise _FileError("无法读取上传的文件，请上传本系统下载的 Excel 模板（.xlsx 格式）") from None
    for title, required in ((SHEET_FIGURES, FIGURE_COLUMNS), (SHEET_TASKS, TASK_COLUMNS)):
        if title not in sheets:
            raise _FileError(f"文件中没有“{title}”工作表，请使用本系统下载的模板，不要修改工作表名称")
        missing = [column for column in required if column not in sheets[title][0]]
        if missing:
            raise _FileError(
                f"工作表“{title}”缺少列：{'、'.join(missing)}。请使用本系统下载的模板，不要修改表头"
            )
    return sheets


def _data_rows(sheet: Sheet) -> Iterable[tuple[int, dict]]:
    """(Excel row number, {column: value}) for every row that is not blank; the header is row 1. A row shorter
    than the header (nothing typed in its last cells) reads those cells as blank."""
    headers, rows = sheet
    for number, values in enumerate(rows, start=2):
        if any(not _blank(value) for value in values):
            yield number, dict(zip(headers, values, strict=False))


def _context(*, user: User, unit: Unit, period: Period) -> _Context:
    rows = [row for group in sheet_groups(unit=unit, period=period) for row in group.rows]
    plan_tasks = Task.objects.filter(plan_id=period.plan_id).select_related("section")
    return _Context(
        user=user,
        unit=unit,
        period=period,
        figures={row.indicator.code: row for row in rows if row.indicator},
        tasks={row.task.code: row for row in rows if row.task},
        plan_indicator_codes=set(
            Indicator.objects.filter(plan_id=period.plan_id).values_list("code", flat=True)
        ),
        plan_task_codes={task.code for task in plan_tasks},
    )


def _obligation(context: _Context, result: RowResult, cells: dict, *, is_task: bool) -> SheetRow | None:
    """The sheet row this file row is about, or None after noting why it is refused."""
    unit_text, period_text = _text(cells.get(UNIT)), _text(cells.get(PERIOD))
    unit, period = context.unit, context.period
    code = _text(cells.get(TASK_CODE if is_task else FIGURE_CODE)).translate(FULL_WIDTH_CODE)
    result.code = code
    result.name = _text(cells.get("任务名称" if is_task else "指标名称"))
    if unit_text not in (unit.name, unit.full_name):
        result.errors.append(
            f"此行的单位是“{unit_text or '空'}”，不是{unit.name}。请使用{unit.name}下载的模板填写，不要改动“单位”列"
        )
        return None
    if period_text.upper() != period.code:
        result.errors.append(
            f"此行的季度是“{period_text or '空'}”，本次导入的是{period.code}（{period.label}）。"
            f"请下载{period.label}的模板填写"
        )
        return None
    kind = "任务" if is_task else "指标"
    if not code:
        result.errors.append(f"此行没有{kind}编号，请填写编号或删除此行")
        return None
    first = context.seen.setdefault((result.sheet, code), result.row)
    if first != result.row:
        result.errors.append(f"{kind} {code} 在第{first}行已经填写，同一{kind}只能填写一行，请删除重复的行")
        return None
    row = (context.tasks if is_task else context.figures).get(code)
    if row is not None:
        result.name = row.task.title if is_task else row.indicator.name
        return row
    if code in (context.plan_task_codes if is_task else context.plan_indicator_codes):
        result.errors.append(f"{kind} {code} 不由{unit.name}报送，请删除此行")
    else:
        example = "二(二)7 或 三(二)" if is_task else "1.1"
        result.errors.append(f"“{code}”不是本方案的{kind}编号（应形如 {example}），请核对编号或删除此行")
    return None


def _figure_row(context: _Context, result: RowResult, cells: dict) -> RowResult:
    row = _obligation(context, result, cells, is_task=False)
    if row is None:
        return _finish(result)
    indicator, item = row.indicator, row.item
    version = _version(cells, result.errors)
    current = {name: getattr(item, name, None) for name in FIGURE_FIELDS}
    current["note"] = item.note if item else ""
    data = dict(current)
    entry = figure_entry_fields(indicator)
    for name in (n for n in FIGURE_FIELDS if n != "note"):
        raw = cells.get(COLUMNS[name])
        if name in entry:
            data[name] = _parse(name, raw, indicator, result.errors)
        elif not _blank(raw) and not (name == "value" and _same_number(raw, current["value"])):
            result.errors.append(_misplaced(indicator, name))
    data["note"] = _text(cells.get(COLUMNS["note"]))
    if result.errors:
        return _finish(result)
    compared = (*entry, "note")
    result.changes = [
        (COLUMNS[name], _show(current[name]), _show(data[name]))
        for name in compared
        if current[name] != data[name]
    ]
    if indicator.has_ratio and result.changes:
        rate = ratio_value(data["numerator"], data["denominator"])
        if rate != current["value"]:
            result.changes.append((COLUMNS["value"], _show(current["value"]), _show(rate)))
    if not result.changes:
        return _finish(result)
    # Saved with the file's other figures in one batch (_save_figures), with the same rules as the sheet page.
    result.action = UPDATED if item else CREATED
    context.figures_pending.append(
        (result, FigureEntry(indicator=indicator, data=data, expected_version=version))
    )
    return result


def _save_figures(context: _Context) -> None:
    """Store every changed figure of the file at once; each refusal becomes its row's error."""
    if not context.figures_pending:
        return
    try:
        refused = figures_save_bulk(
            user=context.user,
            unit=context.unit,
            period=context.period,
            entries=[entry for _, entry in context.figures_pending],
            reason=IMPORT_REASON,
        )
    except (ValidationError, PermissionDenied) as error:  # the whole sheet: the quarter has not begun, …
        refused = dict.fromkeys(range(len(context.figures_pending)), error)
    for position, error in refused.items():
        result = context.figures_pending[position][0]
        result.errors += _refusal(error)
        _finish(result)


def _task_row(context: _Context, result: RowResult, cells: dict) -> RowResult:
    row = _obligation(context, result, cells, is_task=True)
    if row is None:
        return _finish(result)
    item = row.item
    version = _version(cells, result.errors)
    current = {name: getattr(item, name) if item else "" for name in TASK_FIELDS}
    data = {name: _text(cells.get(COLUMNS[name])) for name in TASK_FIELDS}
    data["progress"] = _progress(data["progress"], result.errors)
    if result.errors:
        return _finish(result)
    labels = dict(TaskReport.Progress.choices)

    def show(name: str, value: str) -> str:
        return str(labels[value]) if name == "progress" and value else value

    result.changes = [
        (COLUMNS[name], show(name, current[name]), show(name, data[name]))
        for name in TASK_FIELDS
        if current[name] != data[name]
    ]
    return _save(
        result,
        item,
        lambda: task_report_save(
            user=context.user,
            unit=context.unit,
            period=context.period,
            task=row.task,
            data=data,
            expected_version=version,
            reason=IMPORT_REASON,
        ),
    )


IMPORT_REASON = "Excel导入"


def _save(result: RowResult, item, save: Callable) -> RowResult:
    """Store a changed row through its service; the service's refusal becomes the row's error."""
    if not result.changes:
        return _finish(result)
    result.action = UPDATED if item else CREATED
    try:
        save()
    except (ValidationError, PermissionDenied) as error:
        result.errors += _refusal(error)
    return _finish(result)


def _refusal(error: Exception) -> list[str]:
    """A service's refusal as the row's messages."""
    if isinstance(error, StaleEditError):
        stale = error.messages[0].removesuffix("请核对后重新填写。")
        return [f"{stale}请重新下载模板（含最新内容）后再上传。"]
    if isinstance(error, ValidationError):
        return _messages(error)
    return [str(error)]


def _finish(result: RowResult) -> RowResult:
    if result.errors:
        result.action = ERROR
    return result


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        message if name == NON_FIELD_ERRORS else f"{COLUMNS.get(name, name)}：{message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _misplaced(indicator: Indicator, name: str) -> str:
    """What to do about a filled cell in a column this indicator does not use."""
    code, column = indicator.code, COLUMNS[name]
    if name in ("achieved", "achieved_on"):
        return f"{code} 不是里程碑指标，“{column}”列请留空"
    if indicator.kind == Indicator.Kind.MILESTONE:
        return f"{code} 是里程碑指标，请在“是否达成”列填写“是”或“否”，“{column}”列请留空"
    if indicator.has_ratio:
        return (
            f"{code} 的数值由{indicator.numerator_label}/{indicator.denominator_label}自动计算，"
            "请在“分子”“分母”两列填写，“数值”列请不要改动"
        )
    return f"{code} 不按分子/分母填报，请把{VALUE_LABELS[indicator.kind]}填在“数值”列，“{column}”列请留空"


def _parse(name: str, raw, indicator: Indicator, errors: list[str]):
    try:
        if name == "achieved":
            return _achieved(raw)
        if name == "achieved_on":
            return parse_date(None if _blank(raw) else raw, label=COLUMNS[name])
        label = COLUMNS[name]
        if name != "value":
            label += f"（{getattr(indicator, f'{name}_label')}）"
        return _number(raw, label=label)
    except ValidationError as error:
        errors += error.messages
        return None


def _number(raw, *, label: str) -> Decimal | None:
    """A number cell: typed text goes through parse_decimal; more than 4 decimals are rounded as Excel shows."""
    number = parse_decimal(None if _blank(raw) else _text(raw), label=label)
    if number is None:
        return None
    if abs(number) >= LARGEST:
        raise ValidationError(f"{label}过大，您填写的是“{_text(raw)}”，请核对计量单位")
    return number.quantize(PLACES, rounding=ROUND_HALF_UP) if number.as_tuple().exponent < -4 else number


def _same_number(raw, current: Decimal | None) -> bool:
    try:
        return _number(raw, label="") == current
    except ValidationError:
        return False


def _achieved(raw) -> bool | None:
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = _text(raw)
    if text not in ACHIEVED_WORDS:
        raise ValidationError(f"是否达成请填写“{YES}”或“{NO}”，您填写的是“{text}”")
    return ACHIEVED_WORDS[text]


def _progress(text: str, errors: list[str]) -> str:
    if not text:
        return ""
    by_label = {str(label): value for value, label in TaskReport.Progress.choices}
    if text in by_label:
        return by_label[text]
    if text in by_label.values():
        return text
    errors.append(f"进展状态应为{'、'.join(by_label)}之一，您填写的是“{text}”")
    return ""


def _version(cells: dict, errors: list[str]) -> int | None:
    raw = cells.get(VERSION)
    if _blank(raw):
        return None
    text = _text(raw)
    if not text.isdigit():
        errors.append(f"“版本”列应为模板中的整数，您填写的是“{text}”。请不要改动此列")
        return None
    return int(text)
