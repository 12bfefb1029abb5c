"""Excel round trip of a unit's quarterly sheet: a pre-filled template to download, and its upload.

Export: one django-import-export `Resource` per worksheet (`FigureSheetResource`, `TaskSheetResource`) turns the
rows of `sheet_groups` into tablib Datasets with Chinese column names; openpyxl then lays them out (read-only
columns greyed, widths, drop-down lists).

Import: reading.py reads the worksheets (openpyxl streams a workbook's; a CSV of figures is read as 指标数据, so
every row check, the preview and the all-or-nothing confirmation are the same for both), a row loop here parses each
row; the changed figures go to the services in one batch (`figures_save_bulk`: figure_save's rules, bulk writes with
their history, so a 10,000-row file costs a few queries, not 50,000), task reports one by one (`task_report_save`).
We do not drive it through `Resource.import_data`: that saves model instances itself (`save_instance`), so
permission, obligation, value rules, the version check and the history reason would have to be re-implemented or
bypassed, and its row results know nothing of our per-field old → new diff in Chinese. Here the loop only parses cells and reports;
every rule stays in the services, and their refusals become row errors. The figures stored are then checked as
submission checks them (quality.sheet_notices: the office's rules, outliers): notices beside their rows, not errors.

The whole upload runs in one transaction that is rolled back on a dry run or when any row has an error, so the
preview exercises exactly the code path of the real import, and a real import stores all rows or none.

A file cannot exhaust the server: reading.py reads it under limits.py's limits, refusing what is past them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import ItemAction, TaskReport
from reports.workflow.drafts import FigureEntry, figures_save_bulk, proxy_reason_checked, task_report_save
from reports.workflow.excel.cells import (
    blank,
    cell_progress,
    cell_text,
    cell_value,
    cell_version,
    misplaced_message,
    refusal_messages,
    same_number,
    shown,
)
from reports.workflow.excel.columns import (
    COLUMNS,
    CREATED,
    ERROR,
    FIGURE_CODE,
    FILE_LANGUAGE,
    FULL_WIDTH_CODE,
    PERIOD,
    SHEET_FIGURES,
    SHEET_TASKS,
    TASK_CODE,
    TASK_FIELDS,
    UNCHANGED,
    UNIT,
    UPDATED,
)
from reports.workflow.excel.reading import EXCEL, FileError, data_rows, read_upload, upload_kind
from reports.workflow.excel.template import figure_entry_fields
from reports.workflow.quality import Notice, sheet_notices
from reports.workflow.selectors import SheetRow, sheet_groups
from reports.workflow.validation import FIGURE_FIELDS, ratio_value
from targets.models import Indicator, Period
from tasks.models import Task
from units.audit import audit
from units.models import AuditEvent, Unit, User
from units.selectors import user_can_report_for


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
    notices: list[Notice] = field(default_factory=list)  # what submission will say of the figure stored


@dataclass
class SheetImportResult:
    """The outcome of an upload. `applied` is True only when the rows were stored (not a dry run, no errors)."""

    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False
    kind: str = EXCEL  # what the file was read as: Excel or CSV

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
    def notice_count(self) -> int:
        return sum(1 for row in self.rows if row.notices)

    def preview(self, *, limit: int) -> "ImportPreview":
        """What the preview lists: up to `limit` rows with errors, then up to `limit` rows that add or change
        something, those with a notice first chosen (in the file's order); the rest of each is counted, unchanged
        rows only counted."""
        errors = [row for row in self.rows if row.errors]
        changes = [row for row in self.rows if not row.errors and row.action in (CREATED, UPDATED)]
        chosen = sorted(sorted(range(len(changes)), key=lambda i: not changes[i].notices)[:limit])
        return ImportPreview(
            errors=errors[:limit],
            error_count=len(errors),
            changes=[changes[i] for i in chosen],
            change_count=len(changes),
        )

    @property
    def error_messages(self) -> list[str]:
        """Every problem as one line naming its place, e.g. "指标数据 第3行（1.1）：数值应为数字…"."""
        lines = list(self.file_errors)
        for row in self.rows:
            where = _("%(sheet)s 第%(row)d行") % {"sheet": row.sheet, "row": row.row} + (
                f"（{row.code}）" if row.code else ""
            )
            lines += [f"{where}：{message}" for message in row.errors]
        return lines


@dataclass(frozen=True)
class ImportPreview:
    errors: list[RowResult]
    error_count: int
    changes: list[RowResult]
    change_count: int

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def more_changes(self) -> int:
        return self.change_count - len(self.changes)


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
    proxy_reason: str = ""  # 代填: the office importing a unit's sheet, with its reason


def sheet_import(
    *,
    user: User,
    unit: Unit,
    period: Period,
    content: bytes,
    dry_run: bool,
    proxy_reason: str = "",
    filename: str = "",
) -> SheetImportResult:
    """Read an uploaded template (an Excel workbook, or a CSV of figures; `filename` only tells a damaged .xlsx from
    a CSV) and save every changed row as a draft through the sheet's services, all or nothing: when any row has an
    error, or on a dry run, nothing is stored. Raises nothing: an unreadable file, a user who may not report for the
    unit, and every row's problem are in the result, in Chinese."""
    result = SheetImportResult(kind=upload_kind(content, filename=filename))
    with translation.override(FILE_LANGUAGE):
        if not user_can_report_for(user=user, unit=unit):
            result.file_errors.append(_("您只能导入本单位的填报表，不能为%(unit)s导入") % {"unit": unit.name})
            return result
        try:
            proxy_reason_checked(user=user, unit=unit, reason=proxy_reason)
        except ValidationError as error:
            result.file_errors.extend(error.messages)
            return result
        try:
            upload = read_upload(content, filename=filename)
        except FileError as error:
            result.file_errors.append(str(error))
            return result
        with transaction.atomic():
            context = _context(user=user, unit=unit, period=period)
            context.proxy_reason = proxy_reason
            for sheet, handle in ((SHEET_FIGURES, _figure_row), (SHEET_TASKS, _task_row)):
                for number, cells in data_rows(upload.sheets.get(sheet, ([], []))):
                    result.rows.append(handle(context, RowResult(sheet=sheet, row=number), cells))
            _save_figures(context)
            _figure_notices(context)
            if not result.rows:
                result.file_errors.append(_("文件中没有任何数据行，请在本系统下载的模板中填写后再上传"))
            result.applied = not dry_run and not result.has_errors
            if not result.applied:
                transaction.set_rollback(True)
    if not dry_run:  # after the rollback of a refused file, so its audit line stays
        audit(
            action="import",
            user=user,
            result=AuditEvent.Result.SUCCESS if result.applied else AuditEvent.Result.FAILURE,
            detail=f"{unit.name} {period.label} {result.kind}导入：{len(result.rows)}行"
            + ("" if result.applied else "，有错误，未保存"),
        )
    return result


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
    unit_text, period_text = cell_text(cells.get(UNIT)), cell_text(cells.get(PERIOD))
    unit, period = context.unit, context.period
    code = cell_text(cells.get(TASK_CODE if is_task else FIGURE_CODE)).translate(FULL_WIDTH_CODE)
    result.code = code
    result.name = cell_text(cells.get("任务名称" if is_task else "指标名称"))
    if unit_text not in (unit.name, unit.full_name):
        result.errors.append(
            _("此行的单位是“%(typed)s”，不是%(unit)s。请使用%(unit)s下载的模板填写，不要改动“单位”列")
            % {"typed": unit_text or _("空"), "unit": unit.name}
        )
        return None
    if period_text.upper() != period.code:
        result.errors.append(
            _("此行的季度是“%(typed)s”，本次导入的是%(code)s（%(label)s）。请下载%(label)s的模板填写")
            % {"typed": period_text or _("空"), "code": period.code, "label": period.label}
        )
        return None
    kind = _("任务") if is_task else _("指标")
    if not code:
        result.errors.append(_("此行没有%(kind)s编号，请填写编号或删除此行") % {"kind": kind})
        return None
    first = context.seen.setdefault((result.sheet, code), result.row)
    if first != result.row:
        result.errors.append(
            _("%(kind)s %(code)s 在第%(first)d行已经填写，同一%(kind)s只能填写一行，请删除重复的行")
            % {"kind": kind, "code": code, "first": first}
        )
        return None
    row = (context.tasks if is_task else context.figures).get(code)
    if row is not None:
        result.name = row.task.title if is_task else row.indicator.name
        return row
    if code in (context.plan_task_codes if is_task else context.plan_indicator_codes):
        result.errors.append(
            _("%(kind)s %(code)s 不由%(unit)s报送，请删除此行")
            % {"kind": kind, "code": code, "unit": unit.name}
        )
    else:
        example = _("二(二)7 或 三(二)") if is_task else "1.1"
        result.errors.append(
            _("“%(code)s”不是本方案的%(kind)s编号（应形如 %(example)s），请核对编号或删除此行")
            % {"code": code, "kind": kind, "example": example}
        )
    return None


def _figure_row(context: _Context, result: RowResult, cells: dict) -> RowResult:
    row = _obligation(context, result, cells, is_task=False)
    if row is None:
        return _finish(result)
    indicator, item = row.indicator, row.item
    version = cell_version(cells, result.errors)
    current = {name: getattr(item, name, None) for name in FIGURE_FIELDS}
    current["note"] = item.note if item else ""
    data = dict(current)
    entry = figure_entry_fields(indicator)
    for name in (n for n in FIGURE_FIELDS if n != "note"):
        raw = cells.get(COLUMNS[name])
        if name in entry:
            data[name] = cell_value(name, raw, indicator, result.errors)
        elif not blank(raw) and not (name == "value" and same_number(raw, current["value"])):
            result.errors.append(misplaced_message(indicator, name))
    data["note"] = cell_text(cells.get(COLUMNS["note"]))
    if result.errors:
        return _finish(result)
    compared = (*entry, "note")
    result.changes = [
        (COLUMNS[name], shown(current[name]), shown(data[name]))
        for name in compared
        if current[name] != data[name]
    ]
    if indicator.has_ratio and result.changes:
        rate = ratio_value(data["numerator"], data["denominator"])
        if rate != current["value"]:
            result.changes.append((COLUMNS["value"], shown(current["value"]), shown(rate)))
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
            entries=[entry for _row, entry in context.figures_pending],
            action=ItemAction.IMPORT,
            proxy_reason=context.proxy_reason,
        )
    except (ValidationError, PermissionDenied) as error:  # the whole sheet: the quarter has not begun, …
        refused = dict.fromkeys(range(len(context.figures_pending)), error)
    for position, error in refused.items():
        result = context.figures_pending[position][0]
        result.errors += refusal_messages(error)
        _finish(result)


def _figure_notices(context: _Context) -> None:
    """What submission will say of each figure stored (a rule broken, an outlier), read as the sheet's submit button
    would: notices beside the row, not refusals, for the import saves drafts only."""
    stored = {entry.indicator.pk: (row, entry) for row, entry in context.figures_pending if not row.errors}
    notes = {pk: entry.data["note"] for pk, (_row, entry) in stored.items()}
    for pk, notices in sheet_notices(unit=context.unit, period=context.period, notes=notes).items():
        stored[pk][0].notices = notices


def _task_row(context: _Context, result: RowResult, cells: dict) -> RowResult:
    row = _obligation(context, result, cells, is_task=True)
    if row is None:
        return _finish(result)
    item = row.item
    version = cell_version(cells, result.errors)
    current = {name: getattr(item, name) if item else "" for name in TASK_FIELDS}
    data = {name: cell_text(cells.get(COLUMNS[name])) for name in TASK_FIELDS}
    data["progress"] = cell_progress(data["progress"], result.errors)
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
            action=ItemAction.IMPORT,
            proxy_reason=context.proxy_reason,
        ),
    )


def _save(result: RowResult, item, save: Callable) -> RowResult:
    """Store a changed row through its service; the service's refusal becomes the row's error."""
    if not result.changes:
        return _finish(result)
    result.action = UPDATED if item else CREATED
    try:
        save()
    except (ValidationError, PermissionDenied) as error:
        result.errors += refusal_messages(error)
    return _finish(result)


def _finish(result: RowResult) -> RowResult:
    if result.errors:
        result.action = ERROR
    return result
