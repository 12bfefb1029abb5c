"""Saving figures and task reports as drafts: one at a time from the sheet or an item's page, or many at once from
an Excel file, with the same rules (permission, obligation, values, versions, locks). The checks every write of an
item makes (who may write, which quarter is open, whose version it is based on) are here too."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ItemAction, ReportItem, Status, Submission, TaskReport
from reports.workflow.history import item_write, items_history_write
from reports.workflow.locks import sheet_lock
from reports.workflow.selectors import unit_reports_indicator, unit_reports_task
from reports.workflow.validation import FIGURE_FIELDS, TASK_REPORT_FIELDS, figure_errors, ratio_value
from targets.display import decimal_text
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_now, portal_today
from tasks.models import Task
from units.models import Unit, User
from units.selectors import user_can_report_for, user_enters_for


class StaleEditError(ValidationError):
    """Someone else saved the item after this user loaded it; nothing was stored."""


def _display_value(item: ReportItem) -> str:
    if isinstance(item, Submission):
        if item.indicator.kind == Indicator.Kind.MILESTONE:
            return {True: _("已达成"), False: _("未达成"), None: _("未填写")}[item.achieved]
        return decimal_text(item.value, empty=_("未填写"))
    return item.get_progress_display() or _("未填写")


def stale_edit(item: ReportItem, outcome: str | None = None) -> StaleEditError:
    """The refusal of an edit based on an older version of `item`: who changed it, when, what it now holds."""
    when = timezone.localtime(item.updated_at).strftime("%Y-%m-%d %H:%M")
    return StaleEditError(
        _("%(who)s已于%(when)s修改了此项（当前内容：%(value)s），%(outcome)s")
        % {
            "who": item.updated_by or _("其他用户"),
            "when": when,
            "value": _display_value(item),
            "outcome": outcome or _("您的修改未保存。请核对后重新填写。"),
        }
    )


def check_reporter(user: User, unit: Unit) -> None:
    if not user_can_report_for(user=user, unit=unit):
        raise PermissionDenied(_("您只能填报本单位的数据"))


PROXY_REASON_MAX = 200


def proxy_reason_checked(*, user: User, unit: Unit, reason: str) -> str:
    """The 代填 reason a write stores: the office writing for a unit must give one (it is kept on the item, shown to
    the unit and in the history); a unit's own staff store none."""
    if not user_enters_for(user=user, unit=unit):
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("办公室代%(unit)s填报，请在“代填原因”中写明原因（如：该单位无法登录平台）")
            % {"unit": unit.name}
        )
    if len(reason) > PROXY_REASON_MAX:
        raise ValidationError(_("代填原因请不超过%(n)d字") % {"n": PROXY_REASON_MAX})
    return reason


def proxy_words(proxy: str) -> str:
    """A 代填's words on its history row: 代填：该单位无法登录平台."""
    return _("代填：%(reason)s") % {"reason": proxy} if proxy else ""


def check_plan_writable(plan: WorkPlan) -> None:
    """An archived plan is read-only (tasks.lifecycle.plan_archive): nothing of it is saved, submitted or reviewed."""
    if plan.is_archived:
        raise ValidationError(_("《%(title)s》已归档，只能查看，不能修改") % {"title": plan.title})


def _ended_plan_refusal(plan: WorkPlan, item: ReportItem | None) -> ValidationError | None:
    if plan.status == WorkPlan.Status.CLOSED and (item is None or item.status != Status.RETURNED):
        return ValidationError(
            _(
                "《%(title)s》已结束，只能修改办公室退回或同意重新打开的数据；如需更正已审核的数据，请申请重新打开"
            )
            % {"title": plan.title}
        )
    return None


def check_ended_plan_item(plan: WorkPlan, item: ReportItem | None) -> None:
    """In an ended plan (tasks.lifecycle.plan_end) figures change only through the office: a unit edits and submits
    only what the office sent back (returned, or reopened on request); nothing new is drafted."""
    refusal = _ended_plan_refusal(plan, item)
    if refusal is not None:
        raise refusal


def item_editable(*, plan: WorkPlan, item: ReportItem | None) -> bool:
    """Whether a sheet offers inputs for this item (None: not yet drafted): the item can be edited and its plan takes
    the change (not archived; ended, only what the office sent back)."""
    if plan.is_archived or _ended_plan_refusal(plan, item) is not None:
        return False
    return item is None or item.is_editable


def check_period_open(period: Period) -> None:
    check_plan_writable(period.plan)
    if period.start > portal_today():
        raise ValidationError(_("%(period)s尚未开始，不能填报") % {"period": period.label})


def item_lock(item: ReportItem) -> ReportItem:
    """The item again, under a row lock (what the transitions check and change); refused in an archived plan."""
    item = (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("unit", "period__plan")
        .get(pk=item.pk)
    )
    check_plan_writable(item.period.plan)
    return item


def _not_editable(item: ReportItem) -> ValidationError:
    return ValidationError(_("此项%(status)s，不能修改") % {"status": item.get_status_display()})


def _save_item(
    *,
    model,
    lookup: dict,
    user: User,
    data: dict,
    expected_version: int | None,
    action: ItemAction,
    proxy: str = "",
) -> ReportItem:
    """Create or update one report item under a row lock (its sheet's first: reports.workflow.locks), refusing
    stale and locked edits."""
    sheet_lock(unit_id=lookup["unit"].pk, period_id=lookup["period"].pk)
    item = model.objects.select_for_update(of=("self",)).filter(**lookup).order_by().first()
    if item is not None and item.version != (expected_version or 0):
        raise stale_edit(item)
    check_ended_plan_item(lookup["period"].plan, item)
    if item is not None and not item.is_editable:
        raise _not_editable(item)
    if item is None and expected_version:
        raise ValidationError(_("此项已不存在，请刷新页面"))
    reason = proxy_words(proxy)
    if item is None:
        item = model(**lookup, **data, proxy_reason=proxy)
        try:
            with transaction.atomic():
                creation = action if action == ItemAction.IMPORT else ItemAction.CREATE
                item_write(item, user=user, action=creation, reason=reason)
        except IntegrityError:
            raise stale_edit(model.objects.get(**lookup)) from None
        return item
    changed = [name for name, value in data.items() if getattr(item, name) != value]
    if not changed:
        return item
    if item.proxy_reason != proxy:  # 代填 marks the item while the office's write is the last one
        data = {**data, "proxy_reason": proxy}
        changed.append("proxy_reason")
    for name in changed:
        setattr(item, name, data[name])
    item_write(item, user=user, action=action, fields=changed, reason=reason)
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


def _not_reported_by(indicator: Indicator, unit: Unit) -> PermissionDenied:
    return PermissionDenied(_("指标 %(code)s 不由%(unit)s报送") % {"code": indicator.code, "unit": unit.name})


@transaction.atomic
def figure_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    indicator: Indicator,
    data: dict,
    expected_version: int | None,
    action: ItemAction = ItemAction.SAVE,
    proxy_reason: str = "",
) -> Submission:
    """Save a figure as draft. Raises PermissionDenied for another unit's obligation, ValidationError for a bad
    value (field → messages) or a 代填 without its reason, StaleEditError when someone saved it since
    `expected_version`."""
    check_reporter(user, unit)
    proxy = proxy_reason_checked(user=user, unit=unit, reason=proxy_reason)
    if indicator.plan_id != period.plan_id or not unit_reports_indicator(unit=unit, indicator=indicator):
        raise _not_reported_by(indicator, unit)
    check_period_open(period)
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
        action=action,
        proxy=proxy,
    )


@dataclass
class FigureEntry:
    """One figure of a batch for figures_save_bulk: what to store and the version it was based on."""

    indicator: Indicator
    data: dict
    expected_version: int | None


@transaction.atomic
def figures_save_bulk(
    *,
    user: User,
    unit: Unit,
    period: Period,
    entries: list[FigureEntry],
    action: ItemAction,
    proxy_reason: str = "",
) -> dict[int, Exception]:
    """Save many figures of one unit and quarter as drafts with figure_save's rules (permission, obligation, values,
    versions, locks), in a few queries and bulk writes with their history. Returns, by position in `entries`, the
    PermissionDenied / ValidationError / StaleEditError of each refused one; the others are stored. Raises
    PermissionDenied when the user may not report for the unit, ValidationError when the quarter has not begun."""
    check_reporter(user, unit)
    proxy = proxy_reason_checked(user=user, unit=unit, reason=proxy_reason)
    check_period_open(period)
    sheet_lock(unit_id=unit.pk, period_id=period.pk)
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
        .order_by("pk")
    }
    today, now = portal_today(), portal_now()
    refused: dict[int, Exception] = {}
    created, changed, fields = [], [], set()
    for position, entry in enumerate(entries):
        indicator, item = entry.indicator, held.get(entry.indicator.pk)
        if indicator.plan_id != period.plan_id or indicator.pk not in owed:
            refused[position] = _not_reported_by(indicator, unit)
            continue
        cleaned = _figure_data(indicator, entry.data)
        errors = figure_errors(indicator=indicator, data=cleaned, strict=False, today=today)
        if errors:
            refused[position] = ValidationError(errors)
        elif item is not None and item.version != (entry.expected_version or 0):
            refused[position] = stale_edit(item)
        elif (ended := _ended_plan_refusal(period.plan, item)) is not None:
            refused[position] = ended
        elif item is not None and not item.is_editable:
            refused[position] = _not_editable(item)
        elif item is None and entry.expected_version:
            refused[position] = ValidationError(_("此项已不存在，请刷新页面"))
        elif item is None:
            created.append(
                Submission(
                    indicator=indicator,
                    unit=unit,
                    period=period,
                    version=1,
                    updated_by=user,
                    proxy_reason=proxy,
                    **cleaned,
                )
            )
        else:
            names = [name for name, value in cleaned.items() if getattr(item, name) != value]
            if names:
                if item.proxy_reason != proxy:
                    names.append("proxy_reason")
                for name in names:
                    setattr(item, name, {**cleaned, "proxy_reason": proxy}[name])
                item.version, item.updated_by, item.updated_at = item.version + 1, user, now
                fields.update(names)
                changed.append(item)
    try:
        with transaction.atomic():
            Submission.objects.bulk_create(created, batch_size=1000)
    except IntegrityError:
        # Someone created one of these figures since the batch was read: refuse the new ones, as figure_save would.
        stale = ValidationError(_("其他用户刚刚保存了此项，您的修改未保存。请核对后重新填写。"))
        refused.update(
            {n: stale for n, e in enumerate(entries) if e.indicator.pk not in held and n not in refused}
        )
        created = []
    if changed:
        Submission.objects.bulk_update(
            changed, [*sorted(fields), "version", "updated_by", "updated_at"], batch_size=500
        )
    reason = proxy_words(proxy)
    items_history_write(created, user=user, action=action, reason=reason, created=True)
    items_history_write(changed, user=user, action=action, reason=reason, created=False)
    return refused


@transaction.atomic
def task_report_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    task: Task,
    data: dict,
    expected_version: int | None,
    action: ItemAction = ItemAction.SAVE,
    proxy_reason: str = "",
) -> TaskReport:
    """Save a task report as draft. Raises like figure_save."""
    check_reporter(user, unit)
    proxy = proxy_reason_checked(user=user, unit=unit, reason=proxy_reason)
    if task.plan_id != period.plan_id or not unit_reports_task(unit=unit, task=task):
        raise PermissionDenied(_("任务 %(code)s 不由%(unit)s报告") % {"code": task.code, "unit": unit.name})
    check_period_open(period)
    cleaned = {name: (data.get(name) or "").strip() for name in TASK_REPORT_FIELDS}
    if cleaned["progress"] and cleaned["progress"] not in TaskReport.Progress.values:
        raise ValidationError({"progress": [_("进展状态无效，请从列表中选择")]})
    return _save_item(
        model=TaskReport,
        lookup={"task": task, "unit": unit, "period": period},
        user=user,
        data=cleaned,
        expected_version=expected_version,
        action=action,
        proxy=proxy,
    )


def item_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    subject: Indicator | Task,
    data: dict,
    expected_version: int | None,
    action: ItemAction = ItemAction.SAVE,
    proxy_reason: str = "",
) -> ReportItem:
    """Save the draft of one obligation, a figure (`subject` an indicator) or a task report: figure_save or
    task_report_save, which raise as they do."""
    if isinstance(subject, Indicator):
        save, about = figure_save, {"indicator": subject}
    else:
        save, about = task_report_save, {"task": subject}
    return save(
        user=user,
        unit=unit,
        period=period,
        data=data,
        expected_version=expected_version,
        action=action,
        proxy_reason=proxy_reason,
        **about,
    )
