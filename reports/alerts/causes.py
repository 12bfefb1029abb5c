"""What deserves an alert today, each cause named by a key: kind + unit + quarter for a sheet (one alert says how
many items are missing), the item for a return left unanswered, indicator + quarter for a lagging indicator, and
instruction + unit for an instruction not yet answered."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.figures.selectors import plan_standings
from reports.instructions.selectors import instructions_unanswered
from reports.models import Alert, Status, Submission, TaskReport
from reports.workflow.selectors import obligations_by_unit, reported_by_unit
from targets.display import fmt
from targets.engine import ProgressStatus
from targets.models import Period, WorkPlan
from units.models import Unit

REMINDER_DAYS = 7  # the first reminder; the second comes 3 days before the due date


LAST_REMINDER_DAYS = 3


ESCALATE_DAYS = 7  # overdue this many days: the office is told


RETURN_GRACE_DAYS = 3  # a returned item left this long alerts its unit


@dataclass(frozen=True)
class Cause:
    """Something that holds today and deserves an alert; `key` names it."""

    key: str
    kind: str
    message: str
    count: int = 1
    unit_id: int | None = None
    for_office: bool = False
    period_id: int | None = None
    indicator_id: int | None = None
    task_id: int | None = None


def _date(day: datetime.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


def _sheet_kind(*, period: Period, today: datetime.date) -> str | None:
    """Which alert an unreported sheet of this quarter raises today, if any: each replaces the one before it."""
    days_late = (today - period.due_date).days
    if days_late >= ESCALATE_DAYS:
        return Alert.Kind.ESCALATED
    if days_late >= 1:
        return Alert.Kind.OVERDUE
    if days_late >= -LAST_REMINDER_DAYS:
        return Alert.Kind.REMINDER_3
    if days_late >= -REMINDER_DAYS:
        return Alert.Kind.REMINDER_7
    return None


def _sheet_message(kind: str, period: Period, missing: int, unit_name: str) -> str:
    values = {"period": period.label, "due": _date(period.due_date), "missing": missing, "unit": unit_name}
    if kind in (Alert.Kind.REMINDER_7, Alert.Kind.REMINDER_3):
        return (
            _("%(period)s的数据将于%(due)s截止报送，本单位还有%(missing)d项未提交，请尽快填报并提交。")
            % values
        )
    if kind == Alert.Kind.OVERDUE:
        return (
            _(
                "%(period)s的数据已于%(due)s截止，本单位还有%(missing)d项未提交，已逾期。"
                "请立即填报并提交；逾期满一周将报领导小组办公室。"
            )
            % values
        )
    return (
        _(
            "%(unit)s%(period)s的数据已于%(due)s截止，逾期一周仍有%(missing)d项未提交，"
            "已报领导小组办公室。请立即填报并提交。"
        )
        % values
    )


def _sheet_causes(*, plan: WorkPlan, periods: list[Period], today: datetime.date) -> list[Cause]:
    """Reminders, overdue and escalated sheets: one per unit × quarter with something unreported."""
    kinds = {p.pk: kind for p in periods if (kind := _sheet_kind(period=p, today=today))}
    concerned = [p for p in periods if p.pk in kinds]
    if not concerned:
        return []
    owed = obligations_by_unit(plan=plan)
    done = reported_by_unit(periods=concerned)
    names = dict(Unit.objects.filter(pk__in=owed).values_list("pk", "name"))
    causes = []
    for period in concerned:
        kind = kinds[period.pk]
        for unit_id, (indicators, tasks) in owed.items():
            figures, reports = done.get((unit_id, period.pk), (set(), set()))
            missing = len(indicators - figures) + len(tasks - reports)
            if not missing:
                continue
            causes.append(
                Cause(
                    key=f"{kind}:{unit_id}:{period.pk}",
                    kind=kind,
                    message=_sheet_message(kind, period, missing, names.get(unit_id, "")),
                    count=missing,
                    unit_id=unit_id,
                    for_office=kind == Alert.Kind.ESCALATED,
                    period_id=period.pk,
                )
            )
    return causes


def _returned_causes(*, plan: WorkPlan, today: datetime.date) -> list[Cause]:
    """Items returned RETURN_GRACE_DAYS or more days ago (by the date of their return) and still not resubmitted."""
    # reviewed_at is the time of the return; "returned on or before today - 3" is "before the start of today - 2".
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=RETURN_GRACE_DAYS - 1), datetime.time.min)
    )
    stale = {"status": Status.RETURNED, "reviewed_at__lt": cutoff}
    causes = []
    for item in Submission.objects.filter(period__plan=plan, **stale).select_related("indicator", "period"):
        subject = _("指标 %(code)s %(name)s") % {"code": item.indicator.code, "name": item.indicator.name}
        causes.append(_returned_cause(item, "figure", subject, indicator_id=item.indicator_id))
    for item in TaskReport.objects.filter(period__plan=plan, **stale).select_related(
        "task__section", "period"
    ):
        subject = _("任务 %(code)s %(name)s") % {"code": item.task.code, "name": item.task.title}
        causes.append(_returned_cause(item, "task", subject, task_id=item.task_id))
    return causes


def _returned_cause(item: Submission | TaskReport, kind: str, subject: str, **about) -> Cause:
    returned = timezone.localtime(item.reviewed_at).date()
    if item.reopened:  # the office reopened it at the unit's request: its words are an answer, not a reason
        reason = (
            _("领导小组办公室意见：%(reason)s。") % {"reason": item.return_reason}
            if item.return_reason
            else ""
        )
        message = _(
            "%(subject)s（%(period)s）于%(returned)s重新打开，%(days)d天内未重新提交。%(reason)s请修改后重新提交。"
        )
    else:
        reason = _("退回原因：%(reason)s。") % {"reason": item.return_reason} if item.return_reason else ""
        message = _(
            "%(subject)s（%(period)s）于%(returned)s被退回，%(days)d天内未重新提交。%(reason)s请按意见修改后重新提交。"
        )
    return Cause(
        key=f"{Alert.Kind.RETURNED_STALE}:{kind}:{item.pk}",
        kind=Alert.Kind.RETURNED_STALE,
        message=message
        % {
            "subject": subject,
            "period": item.period.label,
            "returned": _date(returned),
            "days": RETURN_GRACE_DAYS,
            "reason": reason,
        },
        unit_id=item.unit_id,
        period_id=item.period_id,
        **about,
    )


def _red_causes(*, plan: WorkPlan, periods: list[Period], today: datetime.date) -> list[Cause]:
    """Indicators lagging (滞后) at the latest quarter whose due date has passed."""
    passed = [p for p in periods if p.due_date < today]
    if not passed:
        return []
    period = passed[-1]
    causes = []
    for standing in plan_standings(plan=plan, period=period):
        if standing.progress.status != ProgressStatus.LAGGING:
            continue
        indicator, progress = standing.indicator, standing.progress
        expected = (
            _("，应达 %(expected)s%(uom)s") % {"expected": fmt(progress.expected), "uom": indicator.uom}
            if progress.expected is not None
            else ""
        )
        causes.append(
            Cause(
                key=f"{Alert.Kind.INDICATOR_RED}:{indicator.pk}:{period.pk}",
                kind=Alert.Kind.INDICATOR_RED,
                message=_(
                    "指标 %(code)s %(name)s 截至%(period)s进度滞后："
                    "实际 %(value)s%(uom)s%(expected)s（目标 %(target)s）。"
                    "请报送单位分析原因、加快推进，领导小组办公室跟踪督办。"
                )
                % {
                    "code": indicator.code,
                    "name": indicator.name,
                    "period": period.label,
                    "value": fmt(progress.value),
                    "uom": indicator.uom,
                    "expected": expected,
                    "target": indicator.target_display,
                },
                for_office=True,
                period_id=period.pk,
                indicator_id=indicator.pk,
            )
        )
    return causes


def _instruction_causes(*, plan: WorkPlan) -> list[Cause]:
    """Instructions (批示) a unit has not answered yet: one alert per instruction and unit."""
    causes = []
    for (instruction_id, unit_id), instruction in instructions_unanswered(plan=plan).items():
        text = instruction.text if len(instruction.text) <= 120 else instruction.text[:120] + "……"
        due = instruction.answer_due  # after the plan's last quarter: a date to answer by, not a report
        message = (
            _(
                "%(author)s于%(date)s对%(subject)s作出批示：“%(text)s”请于%(due)s前在%(period)s填报表顶部答复。"
            )
            if due
            else _("%(author)s于%(date)s对%(subject)s作出批示：“%(text)s”请在%(period)s填报表顶部答复。")
        )
        causes.append(
            Cause(
                key=f"{Alert.Kind.INSTRUCTION}:{instruction_id}:{unit_id}",
                kind=Alert.Kind.INSTRUCTION,
                message=message
                % {
                    "author": instruction.author_label,
                    "date": _date(timezone.localtime(instruction.created_at).date()),
                    "subject": instruction.subject,
                    "text": text,
                    "period": instruction.period.label,
                    "due": _date(due) if due else "",
                },
                unit_id=unit_id,
                period_id=instruction.period_id,
                indicator_id=instruction.indicator_id,
                task_id=instruction.task_id,
            )
        )
    return causes


def causes_today(*, plan: WorkPlan, periods: list[Period], today: datetime.date) -> dict[str, Cause]:
    """Every cause for an alert that holds in the plan today, by key."""
    return {
        cause.key: cause
        for cause in (
            *_sheet_causes(plan=plan, periods=periods, today=today),
            *_returned_causes(plan=plan, today=today),
            *_red_causes(plan=plan, periods=periods, today=today),
            *_instruction_causes(plan=plan),
        )
    }
