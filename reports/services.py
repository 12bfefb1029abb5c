"""Writes for quarterly reporting: saving figures and task reports, the review workflow, evidence, reopening,
instructions (批示) and their answers.

Every transition locks the item's row and checks its current status first, so a double click or a retried
request changes state once. Every save bumps the item's version; a save based on an older version is refused.
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_now, portal_today
from tasks.models import Task
from units.audit import audit
from units.models import Unit, User

from .evidence import evidence_sniff
from .instructions import instruction_candidates, period_to_answer, user_can_instruct
from .integrity import figure_checksum
from .jobs import alerts_refresh_plan, rollup_indicator
from .models import (
    Evidence,
    Instruction,
    InstructionReply,
    ReopenRequest,
    ReportItem,
    Status,
    Submission,
    TaskReport,
)
from .selectors import (
    period_previous,
    unit_reports_indicator,
    unit_reports_task,
    user_can_report_for,
    user_can_review,
)
from .tallies import RETURN_REASON, tally_first_submission, tally_return
from .validation import figure_errors, ratio_value, task_report_errors

FIGURE_FIELDS = ("value", "numerator", "denominator", "achieved", "achieved_on", "note")
TASK_REPORT_FIELDS = ("progress", "progress_text", "problems", "next_steps", "note")
INSTRUCTION_TEXT_MAX = 2000


DRAFT_REASON = "保存草稿"


class StaleEditError(ValidationError):
    """Someone else saved the item after this user loaded it; nothing was stored."""


def _display_value(item: ReportItem) -> str:
    if isinstance(item, Submission):
        if item.indicator.kind == Indicator.Kind.MILESTONE:
            return {True: "已达成", False: "未达成", None: "未填写"}[item.achieved]
        return "未填写" if item.value is None else f"{item.value.normalize():f}"
    return item.get_progress_display() or "未填写"


def _stale(item: ReportItem, outcome: str = "您的修改未保存。请核对后重新填写。") -> StaleEditError:
    who = item.updated_by or "其他用户"
    when = timezone.localtime(item.updated_at).strftime("%Y-%m-%d %H:%M")
    return StaleEditError(f"{who}已于{when}修改了此项（当前内容：{_display_value(item)}），{outcome}")


def _check_reporter(user: User, unit: Unit) -> None:
    if not user_can_report_for(user=user, unit=unit):
        raise PermissionDenied("您只能填报本单位的数据")


def _check_period_open(period: Period) -> None:
    if period.start > portal_today():
        raise ValidationError(f"{period.label}尚未开始，不能填报")


def _save(item: ReportItem, *, user: User, reason: str, fields: list[str], rollup: bool = False) -> None:
    item.updated_by = user
    item.version += 1
    item._history_user = user
    item._change_reason = reason
    item.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    if rollup and isinstance(item, Submission):
        # An approval adds a figure to the rollup, a reopen takes it out: rebuild once the change commits.
        rollup_indicator.delay_on_commit(item.indicator_id)


def _save_item(
    *, model, lookup: dict, user: User, data: dict, expected_version: int | None, reason: str
) -> ReportItem:
    """Create or update one report item under a row lock, refusing stale and locked edits."""
    item = model.objects.select_for_update().filter(**lookup).first()
    if item is not None and item.version != (expected_version or 0):
        raise _stale(item)
    if item is not None and not item.is_editable:
        raise ValidationError(f"此项{item.get_status_display()}，不能修改")
    if item is None and expected_version:
        raise ValidationError("此项已不存在，请刷新页面")
    if item is None:
        item = model(**lookup, version=0)
        for name, value in data.items():
            setattr(item, name, value)
        item.updated_by = user
        item.version = 1
        item._history_user = user
        item._change_reason = f"新建草稿（{reason}）" if reason != DRAFT_REASON else "新建草稿"
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise _stale(model.objects.get(**lookup)) from None
        return item
    changed = [name for name, value in data.items() if getattr(item, name) != value]
    if not changed:
        return item
    for name in changed:
        setattr(item, name, data[name])
    _save(item, user=user, reason=reason, fields=changed)
    return item


def _figure_data(indicator: Indicator, data: dict) -> dict:
    cleaned = {name: data.get(name) for name in FIGURE_FIELDS}
    cleaned["note"] = (cleaned["note"] or "").strip()
    if indicator.kind != Indicator.Kind.MILESTONE:
        cleaned["achieved"], cleaned["achieved_on"] = None, None
    if indicator.has_ratio:
        cleaned["value"] = ratio_value(cleaned["numerator"], cleaned["denominator"])
    else:
        cleaned["numerator"], cleaned["denominator"] = None, None
    return cleaned


@transaction.atomic
def figure_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    indicator: Indicator,
    data: dict,
    expected_version: int | None,
    reason: str = DRAFT_REASON,
) -> Submission:
    """Save a figure as draft. Raises PermissionDenied for another unit's obligation, ValidationError for a bad
    value (field → messages), StaleEditError when someone saved it since `expected_version`."""
    _check_reporter(user, unit)
    if indicator.plan_id != period.plan_id or not unit_reports_indicator(unit=unit, indicator=indicator):
        raise PermissionDenied(f"指标 {indicator.code} 不由{unit.name}报送")
    _check_period_open(period)
    cleaned = _figure_data(indicator, data)
    errors = figure_errors(indicator=indicator, data=cleaned, strict=False, today=portal_today())
    if errors:
        raise ValidationError(errors)
    return _save_item(
        model=Submission,
        lookup={"indicator": indicator, "unit": unit, "period": period},
        user=user,
        data=cleaned,
        expected_version=expected_version,
        reason=reason,
    )


@dataclass
class FigureEntry:
    """One figure of a batch for figures_save_bulk: what to store and the version it was based on."""

    indicator: Indicator
    data: dict
    expected_version: int | None


@transaction.atomic
def figures_save_bulk(
    *, user: User, unit: Unit, period: Period, entries: list[FigureEntry], reason: str
) -> dict[int, Exception]:
    """Save many figures of one unit and quarter as drafts with figure_save's rules (permission, obligation, values,
    versions, locks), in a few queries and bulk writes with their history. Returns, by position in `entries`, the
    PermissionDenied / ValidationError / StaleEditError of each refused one; the others are stored. Raises
    PermissionDenied when the user may not report for the unit, ValidationError when the quarter has not begun."""
    _check_reporter(user, unit)
    _check_period_open(period)
    owed = set(
        Indicator.reporting_units.through.objects.filter(
            unit_id=unit.pk, indicator_id__in=[e.indicator.pk for e in entries]
        ).values_list("indicator_id", flat=True)
    )
    held = {
        item.indicator_id: item
        for item in Submission.objects.select_for_update(of=("self",))
        .select_related("indicator", "updated_by")
        .filter(unit=unit, period=period, indicator_id__in=owed)
    }
    today, now = portal_today(), timezone.now()
    refused: dict[int, Exception] = {}
    created, changed, fields = [], [], set()
    for position, entry in enumerate(entries):
        indicator, item = entry.indicator, held.get(entry.indicator.pk)
        if indicator.plan_id != period.plan_id or indicator.pk not in owed:
            refused[position] = PermissionDenied(f"指标 {indicator.code} 不由{unit.name}报送")
            continue
        cleaned = _figure_data(indicator, entry.data)
        errors = figure_errors(indicator=indicator, data=cleaned, strict=False, today=today)
        if errors:
            refused[position] = ValidationError(errors)
        elif item is not None and item.version != (entry.expected_version or 0):
            refused[position] = _stale(item)
        elif item is not None and not item.is_editable:
            refused[position] = ValidationError(f"此项{item.get_status_display()}，不能修改")
        elif item is None and entry.expected_version:
            refused[position] = ValidationError("此项已不存在，请刷新页面")
        elif item is None:
            created.append(
                Submission(
                    indicator=indicator, unit=unit, period=period, version=1, updated_by=user, **cleaned
                )
            )
        else:
            names = [name for name, value in cleaned.items() if getattr(item, name) != value]
            if names:
                for name in names:
                    setattr(item, name, cleaned[name])
                item.version, item.updated_by, item.updated_at = item.version + 1, user, now
                fields.update(names)
                changed.append(item)
    try:
        with transaction.atomic():
            Submission.objects.bulk_create(created, batch_size=1000)
    except IntegrityError:
        # Someone created one of these figures since the batch was read: refuse the new ones, as figure_save would.
        stale = ValidationError("其他用户刚刚保存了此项，您的修改未保存。请核对后重新填写。")
        refused.update(
            {n: stale for n, e in enumerate(entries) if e.indicator.pk not in held and n not in refused}
        )
        created = []
    if changed:
        Submission.objects.bulk_update(
            changed, [*sorted(fields), "version", "updated_by", "updated_at"], batch_size=500
        )
    creation = f"新建草稿（{reason}）" if reason != DRAFT_REASON else "新建草稿"
    _history_bulk(Submission, [item.pk for item in created], user=user, reason=creation, kind="+")
    _history_bulk(Submission, [item.pk for item in changed], user=user, reason=reason, kind="~")
    return refused


def _history_bulk(model, ids: list[int], *, user: User, reason: str, kind: str) -> None:
    """The change history (django-simple-history) of items just written in bulk: each history row is a copy of the
    item's row as stored, with when, who, why and the kind of change ("+" created, "~" changed), written by the
    database in one INSERT … SELECT per thousand items instead of one Python object each."""
    history = model.history.model._meta.db_table
    columns = ", ".join(field.column for field in model._meta.concrete_fields)
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 1000):
            chosen = ", ".join(str(int(pk)) for pk in ids[start : start + 1000])
            cursor.execute(
                f"INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type,"
                f" history_user_id) SELECT {columns}, %s, %s, %s, %s FROM {model._meta.db_table}"
                f" WHERE id IN ({chosen})",
                [now, reason, kind, user.pk],
            )


@transaction.atomic
def task_report_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    task: Task,
    data: dict,
    expected_version: int | None,
    reason: str = DRAFT_REASON,
) -> TaskReport:
    """Save a task report as draft. Raises like figure_save."""
    _check_reporter(user, unit)
    if task.plan_id != period.plan_id or not unit_reports_task(unit=unit, task=task):
        raise PermissionDenied(f"任务 {task.code} 不由{unit.name}报告")
    _check_period_open(period)
    cleaned = {name: (data.get(name) or "").strip() for name in TASK_REPORT_FIELDS}
    if cleaned["progress"] and cleaned["progress"] not in TaskReport.Progress.values:
        raise ValidationError({"progress": ["进展状态无效，请从列表中选择"]})
    return _save_item(
        model=TaskReport,
        lookup={"task": task, "unit": unit, "period": period},
        user=user,
        data=cleaned,
        expected_version=expected_version,
        reason=reason,
    )


def _lock(item: ReportItem) -> ReportItem:
    return (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("unit", "period__plan")
        .get(pk=item.pk)
    )


def _submit_errors(item: ReportItem) -> dict[str, list[str]]:
    if isinstance(item, TaskReport):
        return task_report_errors(data={n: getattr(item, n) for n in TASK_REPORT_FIELDS}, strict=True)
    previous = period_previous(period=item.period)
    previous_value = (
        Submission.objects.filter(indicator=item.indicator, unit=item.unit, period=previous)
        .values_list("value", flat=True)
        .first()
        if previous
        else None
    )
    return figure_errors(
        indicator=item.indicator,
        data={n: getattr(item, n) for n in FIGURE_FIELDS},
        strict=True,
        previous_value=previous_value,
        has_evidence=item.evidence.exists(),
        today=portal_today(),
    )


@transaction.atomic
def item_submit(*, user: User, item: ReportItem, expected_version: int | None = None) -> bool:
    """Submit a draft or returned item to the office. Returns False when it was already submitted or approved
    (a double submit changes state once). Raises ValidationError listing what to complete first, and
    StaleEditError when `expected_version` (what the submitter saw) is older than the item: a colleague changed it."""
    item = _lock(item)
    _check_reporter(user, item.unit)
    if item.status in (Status.SUBMITTED, Status.APPROVED):
        return False
    if expected_version is not None and item.version != expected_version:
        raise _stale(item, "此项未提交。请核对当前内容后再提交。")
    errors = _submit_errors(item)
    if errors:
        raise ValidationError(errors)
    resubmit = item.status == Status.RETURNED
    first = item.first_submitted_at is None
    item.status, item.submitted_by, item.submitted_at = Status.SUBMITTED, user, portal_now()
    item.first_submitted_at = item.first_submitted_at or item.submitted_at
    _save(
        item,
        user=user,
        reason="重新提交" if resubmit else "提交",
        fields=["status", "submitted_by", "submitted_at", "first_submitted_at"],
    )
    if first:
        tally_first_submission(item=item)
    return True


def _check_reviewer(user: User) -> None:
    if not user_can_review(user=user):
        raise PermissionDenied("只有领导小组办公室可以审核")


@transaction.atomic
def item_approve(*, user: User, item: ReportItem) -> bool:
    """Approve a submitted item and lock it. Returns False when already approved; raises ValidationError otherwise."""
    _check_reviewer(user)
    item = _lock(item)
    if item.status == Status.APPROVED:
        return False
    if item.status != Status.SUBMITTED:
        raise ValidationError(f"此项{item.get_status_display()}，只有已提交的数据可以审核")
    item.status, item.reviewed_by, item.reviewed_at = Status.APPROVED, user, portal_now()
    item.return_reason = ""
    fields = ["status", "reviewed_by", "reviewed_at", "return_reason"]
    if isinstance(item, Submission):
        item.checksum = figure_checksum(item)
        fields.append("checksum")
    _save(item, user=user, reason="审核通过", fields=fields, rollup=True)
    return True


@transaction.atomic
def item_return(*, user: User, item: ReportItem, reason: str) -> bool:
    """Return a submitted item to its unit with a reason. Returns False when it is already returned."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退回原因，填报单位会看到它")
    item = _lock(item)
    if item.status == Status.RETURNED:
        return False
    if item.status != Status.SUBMITTED:
        raise ValidationError(f"此项{item.get_status_display()}，只有已提交的数据可以退回")
    item.status, item.return_reason = Status.RETURNED, reason
    item.reviewed_by, item.reviewed_at = user, portal_now()
    _save(
        item,
        user=user,
        reason=f"{RETURN_REASON}：{reason}",
        fields=["status", "return_reason", "reviewed_by", "reviewed_at"],
    )
    tally_return(item=item)
    return True


def _reopen(item: ReportItem, *, user: User, reason: str) -> None:
    item.status, item.return_reason = Status.RETURNED, reason
    item.reviewed_at = portal_now()  # the return clock of a reopened item starts now
    fields = ["status", "return_reason", "reviewed_at"]
    if isinstance(item, Submission):
        item.checksum = ""  # vouches for an approval that no longer stands
        fields.append("checksum")
    _save(item, user=user, reason=f"重新打开：{reason}", fields=fields, rollup=True)


@transaction.atomic
def item_reopen(*, user: User, item: ReportItem, reason: str) -> bool:
    """The office reopens an approved item so its unit can correct it. Returns False unless it was approved."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写重新打开的原因")
    item = _lock(item)
    if item.status != Status.APPROVED:
        return False
    _reopen(item, user=user, reason=reason)
    return True


@transaction.atomic
def reopen_request_create(*, user: User, item: ReportItem, reason: str) -> ReopenRequest:
    """A unit asks the office to reopen one of its approved items. Raises ValidationError if it cannot."""
    _check_reporter(user, item.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写申请重新打开的理由")
    item = _lock(item)
    if item.status != Status.APPROVED:
        raise ValidationError("只有已审核的数据需要申请重新打开")
    field = "submission" if isinstance(item, Submission) else "task_report"
    if ReopenRequest.objects.filter(**{field: item}, decision=ReopenRequest.Decision.PENDING).exists():
        raise ValidationError("已有一份待处理的申请，请等待领导小组办公室处理")
    return ReopenRequest.objects.create(**{field: item}, reason=reason, requested_by=user)


@transaction.atomic
def reopen_request_decide(
    *, user: User, request: ReopenRequest, grant: bool, note: str = ""
) -> ReopenRequest:
    """The office grants (the item goes back to its unit) or refuses a reopen request; both are recorded."""
    _check_reviewer(user)
    request = ReopenRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != ReopenRequest.Decision.PENDING:
        raise ValidationError(f"该申请{request.get_decision_display()}，不能重复处理")
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError("不同意时请写明理由")
    request.decision = ReopenRequest.Decision.GRANTED if grant else ReopenRequest.Decision.REFUSED
    request.decision_note, request.decided_by, request.decided_at = note, user, portal_now()
    request.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    if grant:
        item = _lock(request.item)
        if item.status == Status.APPROVED:
            _reopen(item, user=user, reason=f"同意申请：{request.reason}")
    return request


@transaction.atomic
def evidence_add(*, user: User, item: ReportItem, upload: UploadedFile) -> Evidence:
    """Attach a supporting document to an editable item. Raises ValidationError for a file that is not what
    its name says, too large, or of a kind not accepted; PermissionDenied for another unit's item."""
    _check_reporter(user, item.unit)
    item = _lock(item)
    if not item.is_editable:
        raise ValidationError(f"此项{item.get_status_display()}，不能再添加佐证材料")
    content_type = evidence_sniff(upload=upload)
    field = "submission" if isinstance(item, Submission) else "task_report"
    evidence = Evidence(
        **{field: item},
        token=secrets.token_hex(16),
        original_name=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
        uploaded_at=portal_now(),
    )
    evidence.file.save(evidence.token, upload, save=False)
    evidence.save()
    audit(
        action="upload",
        user=user,
        obj=item,
        object_repr=str(item),
        detail=f"佐证材料：{evidence.original_name}",
    )
    return evidence


@transaction.atomic
def evidence_delete(*, user: User, evidence: Evidence) -> None:
    """Remove a supporting document while its item is still editable."""
    item = evidence.submission or evidence.task_report
    _check_reporter(user, item.unit)
    if not item.is_editable:
        raise ValidationError(f"此项{item.get_status_display()}，不能删除佐证材料")
    evidence.file.delete(save=False)
    evidence.delete()


def _instruction_text(text: str, *, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": f"请填写{label}"})
    if len(text) > INSTRUCTION_TEXT_MAX:
        raise ValidationError({"text": f"{label}最多{INSTRUCTION_TEXT_MAX}字，现有{len(text)}字"})
    return text


@transaction.atomic
def instruction_create(
    *,
    user: User,
    text: str,
    indicator: Indicator | None = None,
    task: Task | None = None,
    units: list[Unit] | None = None,
) -> Instruction:
    """Write an instruction on an indicator or a task to some or (by default) all of its responsible units.
    Writing the same text on the same subject twice (a double click) returns the first one."""
    if not user_can_instruct(user=user):
        raise PermissionDenied("只有领导小组办公室和领导可以批示")
    if (indicator is None) == (task is None):
        raise ValueError("an instruction is on exactly one indicator or task")
    text = _instruction_text(text, label="批示内容")
    candidates = list(instruction_candidates(indicator=indicator, task=task))
    chosen = candidates if units is None else [u for u in candidates if u in set(units)]
    if units is not None and len(chosen) != len(set(units)):
        raise ValidationError({"units": "只能批示给此项的责任单位"})
    if not chosen:
        raise ValidationError({"units": "请至少选择一个批示对象单位"})
    subject = {"indicator": indicator} if indicator is not None else {"task": task}
    plan = (indicator or task).plan
    WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()  # one writer at a time: no double
    same = Instruction.objects.filter(**subject, author=user, text=text).first()
    if same is not None:
        return same
    instruction = Instruction(
        **subject, text=text, author=user, period=period_to_answer(plan=plan), created_at=portal_now()
    )
    instruction.full_clean(exclude=["units"])
    instruction.save()
    instruction.units.set(chosen)
    alerts_refresh_plan.delay_on_commit(plan.pk)
    return instruction


@transaction.atomic
def instruction_reply(
    *, user: User, instruction: Instruction, unit: Unit, period: Period, text: str
) -> InstructionReply:
    """A unit's answer to an instruction, given on its sheet for `period`. Sending the same answer twice (a double
    submit) stores it once; a later, different answer adds to the thread."""
    if not user_can_report_for(user=user, unit=unit):
        raise PermissionDenied("您只能以本单位名义答复批示")
    if not instruction.units.filter(pk=unit.pk).exists():
        raise ValidationError({"text": f"此批示不是给{unit.name}的，不能答复"})
    text = _instruction_text(text, label="答复内容")
    Instruction.objects.select_for_update().filter(pk=instruction.pk).first()
    last = InstructionReply.objects.filter(instruction=instruction, unit=unit).last()
    if last is not None and last.text == text:
        return last
    reply = InstructionReply.objects.create(
        instruction=instruction, unit=unit, period=period, text=text, author=user, created_at=portal_now()
    )
    alerts_refresh_plan.delay_on_commit(period.plan_id)
    return reply


def parse_decimal(text: str | None, *, label: str) -> Decimal | None:
    """A number typed by a person ("1,234", "１２", " 85.5 ") or None when empty. Raises ValidationError."""
    if text is None:
        return None
    cleaned = str(text).strip().translate(FULL_WIDTH).replace(",", "").replace("，", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except ArithmeticError:
        raise ValidationError(f"{label}应为数字，您填写的是“{text}”") from None
    if not number.is_finite():
        raise ValidationError(f"{label}应为数字，您填写的是“{text}”")
    return number


FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def parse_date(text: str | None, *, label: str) -> datetime.date | None:
    if text is None or str(text).strip() == "":
        return None
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text).strip().replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValidationError(f"{label}应为日期，如 2023-12-31，您填写的是“{text}”") from None
