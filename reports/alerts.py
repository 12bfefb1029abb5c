"""Alerts (预警提醒): which causes hold today, who sees them, the e-mails and the office's daily digest.

A cause is named by a key: kind + unit + quarter for a sheet (one alert says how many items are missing), the
item for a return left unanswered, indicator + quarter for a lagging indicator. `alerts_refresh` computes every
key that holds today from a handful of set-based reads, then in one transaction inserts the missing ones (the key
is unique: a rerun or a concurrent run never inserts a cause twice), updates the open ones, reopens a closed one
whose cause came back, and closes the open ones whose cause went away.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_now, portal_today
from targets.progress import Status as Standing
from targets.progress import fmt
from tasks.models import TaskResponsibility
from units.models import Unit, UnitGroup, User
from units.selectors import units_visible_to

from .instructions import instructions_unanswered
from .models import Alert, Status, Submission, TaskReport
from .progress import plan_standings

REPORTED = (Status.SUBMITTED, Status.APPROVED)  # an obligation is reported once its item is in these states
REMINDER_DAYS = 7  # the first reminder; the second comes 3 days before the due date
LAST_REMINDER_DAYS = 3
ESCALATE_DAYS = 7  # overdue this many days: the office is told
RETURN_GRACE_DAYS = 3  # a returned item left this long alerts its unit
RECENTLY_CLOSED = datetime.timedelta(days=7)  # closed alerts stay on the list (greyed) this long
SHEET_KINDS = (Alert.Kind.REMINDER_7, Alert.Kind.REMINDER_3, Alert.Kind.OVERDUE, Alert.Kind.ESCALATED)


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
    return f"{day.year}年{day.month}月{day.day}日"


def obligations_by_unit(*, plan: WorkPlan) -> dict[int, tuple[set[int], set[int]]]:
    """Per unit: the indicators it reports and the tasks it answers for (directly or through a group). 3 queries."""
    owed: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    through = Indicator.reporting_units.through.objects.filter(indicator__plan=plan)
    for indicator_id, unit_id in through.values_list("indicator_id", "unit_id"):
        owed[unit_id][0].add(indicator_id)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, unit_id in UnitGroup.members.through.objects.values_list("unitgroup_id", "unit_id"):
        members[group_id].append(unit_id)
    rows = TaskResponsibility.objects.filter(task__plan=plan).values_list("task_id", "unit_id", "group_id")
    for task_id, unit_id, group_id in rows:
        for member in [unit_id] if unit_id else members[group_id]:
            owed[member][1].add(task_id)
    return dict(owed)


def reported_by_unit(*, periods: list[Period]) -> dict[tuple[int, int], tuple[set[int], set[int]]]:
    """Per (unit, quarter): the indicators and tasks whose item is submitted or approved. 2 queries."""
    done: dict[tuple[int, int], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    figures = Submission.objects.filter(period__in=periods, status__in=REPORTED)
    for unit_id, period_id, indicator_id in figures.values_list("unit_id", "period_id", "indicator_id"):
        done[(unit_id, period_id)][0].add(indicator_id)
    reports = TaskReport.objects.filter(period__in=periods, status__in=REPORTED)
    for unit_id, period_id, task_id in reports.values_list("unit_id", "period_id", "task_id"):
        done[(unit_id, period_id)][1].add(task_id)
    return done


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
    due = _date(period.due_date)
    if kind in (Alert.Kind.REMINDER_7, Alert.Kind.REMINDER_3):
        return f"{period.label}的数据将于{due}截止报送，本单位还有{missing}项未提交，请尽快填报并提交。"
    if kind == Alert.Kind.OVERDUE:
        return (
            f"{period.label}的数据已于{due}截止，本单位还有{missing}项未提交，已逾期。"
            "请立即填报并提交；逾期满一周将报领导小组办公室。"
        )
    return (
        f"{unit_name}{period.label}的数据已于{due}截止，逾期一周仍有{missing}项未提交，"
        "已报领导小组办公室。请立即填报并提交。"
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
        subject = f"指标 {item.indicator.code} {item.indicator.name}"
        causes.append(_returned_cause(item, "figure", subject, indicator_id=item.indicator_id))
    for item in TaskReport.objects.filter(period__plan=plan, **stale).select_related(
        "task__section", "period"
    ):
        subject = f"任务 {item.task.code} {item.task.title}"
        causes.append(_returned_cause(item, "task", subject, task_id=item.task_id))
    return causes


def _returned_cause(item: Submission | TaskReport, kind: str, subject: str, **about) -> Cause:
    returned = timezone.localtime(item.reviewed_at).date()
    reason = f"退回原因：{item.return_reason}。" if item.return_reason else ""
    return Cause(
        key=f"{Alert.Kind.RETURNED_STALE}:{kind}:{item.pk}",
        kind=Alert.Kind.RETURNED_STALE,
        message=(
            f"{subject}（{item.period.label}）于{_date(returned)}被退回，"
            f"{RETURN_GRACE_DAYS}天内未重新提交。{reason}请按意见修改后重新提交。"
        ),
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
        if standing.progress.status != Standing.LAGGING:
            continue
        indicator, progress = standing.indicator, standing.progress
        expected = f"，应达 {fmt(progress.expected)}{indicator.uom}" if progress.expected is not None else ""
        causes.append(
            Cause(
                key=f"{Alert.Kind.INDICATOR_RED}:{indicator.pk}:{period.pk}",
                kind=Alert.Kind.INDICATOR_RED,
                message=(
                    f"指标 {indicator.code} {indicator.name} 截至{period.label}进度滞后："
                    f"实际 {fmt(progress.value)}{indicator.uom}{expected}（目标 {indicator.target_display}）。"
                    "请报送单位分析原因、加快推进，领导小组办公室跟踪督办。"
                ),
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
        causes.append(
            Cause(
                key=f"{Alert.Kind.INSTRUCTION}:{instruction_id}:{unit_id}",
                kind=Alert.Kind.INSTRUCTION,
                message=(
                    f"{instruction.author_label}于{_date(timezone.localtime(instruction.created_at).date())}"
                    f"对{instruction.subject}作出批示：“{text}”"
                    f"请在{instruction.period.label}填报表顶部答复。"
                ),
                unit_id=unit_id,
                period_id=instruction.period_id,
                indicator_id=instruction.indicator_id,
                task_id=instruction.task_id,
            )
        )
    return causes


def _on(today: datetime.date) -> datetime.datetime:
    """The portal's current time moved to `today` (alerts opened or closed "on" that day)."""
    now = portal_now()
    return now.replace(year=today.year, month=today.month, day=today.day)


@transaction.atomic
def alerts_refresh(*, plan: WorkPlan, today: datetime.date | None = None) -> dict[str, int]:
    """Bring the plan's alerts in line with what holds today: open the missing, update the open, reopen the
    returned, close the gone. Safe to run twice or twice at once. Returns how many were opened, reopened,
    updated and closed, and how many are open."""
    today = today or portal_today()
    now = _on(today)
    # One refresh of a plan at a time (PostgreSQL): a second run waits, then finds everything in place.
    WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()
    periods = list(plan.periods.all())
    causes = {
        cause.key: cause
        for cause in (
            *_sheet_causes(plan=plan, periods=periods, today=today),
            *_returned_causes(plan=plan, today=today),
            *_red_causes(plan=plan, periods=periods, today=today),
            *_instruction_causes(plan=plan),
        )
    }
    existing = {alert.key: alert for alert in Alert.objects.filter(period__plan=plan)}
    create, reopen, update = [], [], []
    for key, cause in causes.items():
        alert = existing.get(key)
        if alert is None:
            create.append(
                Alert(
                    key=key,
                    kind=cause.kind,
                    unit_id=cause.unit_id,
                    for_office=cause.for_office,
                    period_id=cause.period_id,
                    indicator_id=cause.indicator_id,
                    task_id=cause.task_id,
                    message=cause.message,
                    count=cause.count,
                    opened_at=now,
                )
            )
        elif alert.closed_at is not None:
            # The cause came back (an item reopened, returned again): a new alert, unread and not yet e-mailed.
            alert.closed_at, alert.emailed_at, alert.opened_at = None, None, now
            alert.message, alert.count = cause.message, cause.count
            reopen.append(alert)
        elif (alert.message, alert.count) != (cause.message, cause.count):
            alert.message, alert.count = cause.message, cause.count
            update.append(alert)
    gone = [alert.pk for key, alert in existing.items() if alert.closed_at is None and key not in causes]
    if create:
        # ignore_conflicts: INSERT … ON CONFLICT DO NOTHING on the unique key, so even a run that bypassed the
        # lock above (SQLite has none) cannot insert a cause twice or fail on the other's row.
        Alert.objects.bulk_create(create, ignore_conflicts=True)
    if reopen:
        Alert.objects.bulk_update(reopen, ["closed_at", "emailed_at", "opened_at", "message", "count"])
        Alert.read_by.through.objects.filter(alert_id__in=[a.pk for a in reopen]).delete()
    if update:
        Alert.objects.bulk_update(update, ["message", "count"])
    closed = Alert.objects.filter(pk__in=gone, closed_at__isnull=True).update(closed_at=now) if gone else 0
    return {
        "opened": len(create),
        "reopened": len(reopen),
        "updated": len(update),
        "closed": closed,
        "open": len(causes),
    }


def alerts_close_inactive_plans() -> int:
    """Close the open alerts of plans that are no longer active (nobody refreshes them any more)."""
    return (
        Alert.objects.filter(closed_at__isnull=True)
        .exclude(period__plan__status=WorkPlan.Status.ACTIVE)
        .update(closed_at=portal_now())
    )


def alerts_for_user(*, user: User, closed_since: datetime.datetime | None = None) -> QuerySet[Alert]:
    """The open alerts a user sees (and those closed since `closed_since`): unit staff their unit's and the red
    indicators their unit reports; the office what is meant for it (escalations, red indicators) and its own
    unit's; leaders red indicators; everyone else nothing. Scoped through units_visible_to."""
    if not user.is_authenticated:
        return Alert.objects.none()
    units = units_visible_to(user=user)
    if user.role in User.UNIT_ROLES:
        reported = Indicator.reporting_units.through.objects.filter(unit__in=units).values("indicator_id")
        audience = Q(unit__in=units) | Q(kind=Alert.Kind.INDICATOR_RED, indicator__in=reported)
    elif user.role == User.Role.OFFICE:
        audience = Q(for_office=True) & (Q(unit__in=units) | Q(unit__isnull=True))
        if user.unit_id:
            audience |= Q(unit_id=user.unit_id)
    elif user.role == User.Role.LEADER:
        audience = Q(kind=Alert.Kind.INDICATOR_RED)
    else:
        return Alert.objects.none()
    state = Q(closed_at__isnull=True)
    if closed_since is not None:
        state |= Q(closed_at__gte=closed_since)
    return Alert.objects.filter(audience, state)


def alerts_listed_for(*, user: User) -> QuerySet[Alert]:
    """The user's alerts page: open ones and those closed in the last RECENTLY_CLOSED, newest first, each with
    `is_read` for this user. One query."""
    read = Alert.read_by.through.objects.filter(alert_id=OuterRef("pk"), user_id=user.pk)
    return (
        alerts_for_user(user=user, closed_since=portal_now() - RECENTLY_CLOSED)
        .select_related("unit", "period", "indicator")
        .annotate(is_read=Exists(read))
        .order_by("-opened_at", "-pk")
    )


def alert_unread_count(*, user: User) -> int:
    """How many open alerts the user sees and has not marked read. One query; none for anonymous users."""
    if not user.is_authenticated:
        return 0
    return alerts_for_user(user=user).exclude(read_by=user).count()


def alerts_mark_read(*, user: User) -> int:
    """Mark every open alert the user sees as read by them. Returns how many were newly marked."""
    ids = list(alerts_for_user(user=user).exclude(read_by=user).values_list("pk", flat=True))
    through = Alert.read_by.through
    through.objects.bulk_create([through(alert_id=pk, user_id=user.pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


@transaction.atomic
def alerts_send_email(*, plan: WorkPlan) -> int:
    """E-mail each open alert not yet e-mailed to the active users of its unit (of its indicator's reporting units
    for a red indicator) who have an address: one message per unit listing its new alerts. An alert is marked
    e-mailed once someone received it, so a rerun sends nothing again. Returns how many alerts were e-mailed."""
    # skip_locked: a concurrent run leaves these rows to us instead of mailing them a second time.
    pending_ids = list(
        Alert.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(period__plan=plan, closed_at__isnull=True, emailed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not pending_ids:
        return 0
    pending = list(
        Alert.objects.filter(pk__in=pending_ids).select_related("period").order_by("opened_at", "pk")
    )
    red = {a.indicator_id for a in pending if a.unit_id is None and a.indicator_id}
    reporters: dict[int, list[int]] = defaultdict(list)
    for indicator_id, unit_id in Indicator.reporting_units.through.objects.filter(
        indicator_id__in=red
    ).values_list("indicator_id", "unit_id"):
        reporters[indicator_id].append(unit_id)
    by_unit: dict[int, list[Alert]] = defaultdict(list)
    for alert in pending:
        for unit_id in [alert.unit_id] if alert.unit_id else reporters.get(alert.indicator_id, []):
            by_unit[unit_id].append(alert)
    addresses: dict[int, list[str]] = defaultdict(list)
    for unit_id, email in (
        User.objects.filter(unit_id__in=by_unit, is_active=True)
        .exclude(email="")
        .values_list("unit_id", "email")
    ):
        addresses[unit_id].append(email)
    names = dict(Unit.objects.filter(pk__in=addresses).values_list("pk", "name"))
    messages, mailed = [], set()
    for unit_id, alerts in by_unit.items():
        if not addresses.get(unit_id):
            continue
        lines = [f"{names[unit_id]}：", "", "知识产权强市建设工作平台有以下新的预警提醒：", ""]
        lines += [f"{n}. 【{a.get_kind_display()}】{a.message}" for n, a in enumerate(alerts, 1)]
        lines += ["", "请登录平台处理（页面右上角的“提醒”列出全部提醒）。本邮件由系统自动发送，请勿回复。"]
        subject = f"【预警提醒】{names[unit_id]}：{len(alerts)}条新提醒"
        messages.append((subject, "\n".join(lines), None, sorted(set(addresses[unit_id]))))
        mailed.update(a.pk for a in alerts)
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Alert.objects.filter(pk__in=mailed).update(emailed_at=portal_now())
    return len(mailed)


def office_digest(*, plan: WorkPlan, today: datetime.date | None = None) -> str | None:
    """The office's daily digest of open overdue and escalated sheets by unit, stale returns and red indicators,
    e-mailed to the active office users who have an address. Returns its text, or None when nothing is open."""
    today = today or portal_today()
    alerts = list(
        Alert.objects.filter(
            period__plan=plan,
            closed_at__isnull=True,
            kind__in=(
                Alert.Kind.OVERDUE,
                Alert.Kind.ESCALATED,
                Alert.Kind.RETURNED_STALE,
                Alert.Kind.INDICATOR_RED,
            ),
        )
        .select_related("unit", "period", "indicator")
        .order_by("unit__position", "unit_id", "period__year", "period__quarter", "indicator__position", "pk")
    )
    if not alerts:
        return None
    late: dict[Unit, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.kind in (Alert.Kind.OVERDUE, Alert.Kind.ESCALATED):
            late[alert.unit].append(alert)
    stale = [a for a in alerts if a.kind == Alert.Kind.RETURNED_STALE]
    red = [a for a in alerts if a.kind == Alert.Kind.INDICATOR_RED]
    lines = [plan.title, f"预警日报（{today:%Y-%m-%d}）", ""]
    lines.append(f"一、逾期未报（{len(late)}个单位）")
    for n, (unit, unit_alerts) in enumerate(late.items(), 1):
        parts = []
        for kind, title in ((Alert.Kind.ESCALATED, "逾期超过一周"), (Alert.Kind.OVERDUE, "逾期未满一周")):
            quarters = "、".join(f"{a.period.label}{a.count}项" for a in unit_alerts if a.kind == kind)
            if quarters:
                parts.append(f"{title}：{quarters}")
        lines.append(f"{n}. {unit.name}（共{sum(a.count for a in unit_alerts)}项未提交）{'；'.join(parts)}")
    lines += ["", f"二、退回3天未重新提交（{len(stale)}项）"]
    lines += [f"{n}. {a.unit.name}：{a.message}" for n, a in enumerate(stale, 1)]
    lines += ["", f"三、指标滞后预警（{len(red)}个）"]
    lines += [f"{n}. {a.message}" for n, a in enumerate(red, 1)]
    lines += ["", "请登录平台查看详情，督促相关单位报送和整改。"]
    text = "\n".join(lines)
    recipients = list(
        User.objects.filter(role=User.Role.OFFICE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(
            subject=f"【预警日报】{today:%Y-%m-%d}：逾期{len(late)}个单位，退回未改{len(stale)}项，滞后指标{len(red)}个",
            message=text,
            from_email=None,
            recipient_list=recipients,
        )
    return text
