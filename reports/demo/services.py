"""Demo data (演示数据): every obligation of every quarter reported, reviewed and dated as people would do it.

The numbers are planned first, as pure functions of the plan's targets and a seed (each series from its own
`random.Random` keyed by codes, never by database ids, so two runs give the same data), then written quarter by
quarter through the reporting services: draft → submit → approve, a few returned and resubmitted, a few units
late, and in the last quarter a few obligations never submitted. Every text a person reads starts with 演示数据.
"""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from reports.demo.review_examples import demo_review_examples
from reports.demo.steps import Obligation, obligation_save, obligation_submit, on_day
from reports.demo.values import (
    DEMO,
    LATE_UNITS,
    RELATIVE_PATHS,
    planned_figures,
    planned_task_reports,
    seeded,
)
from reports.instructions.services import instruction_create, instruction_reply
from reports.models import Submission, TaskReport
from reports.workflow.evidence import evidence_add
from reports.workflow.services import item_approve, item_return
from targets.models import Indicator, Period, WorkPlan
from tasks.models import Task
from tasks.selectors import tasks_for_unit
from units.management.commands.create_demo_users import DEMO_PASSWORD
from units.models import Unit, User
from units.services import user_create

DEMO_PDF = b"%PDF-1.4\n% " + DEMO.encode() + b"\n%%EOF\n"
OFFICE_USERNAME = "office"  # the demo accounts of create_demo_users: "office" and one reporter per unit code
LEADER_USERNAME = "leader"


class DemoDataExists(ValidationError):
    """The plan already has reports; demo data is only written on an empty plan."""


def _obligations(*, plan: WorkPlan, periods: list[Period], seed: int) -> list[Obligation]:
    units = list(Unit.objects.order_by("position", "code"))
    obligations = []
    for indicator in Indicator.objects.filter(plan=plan).prefetch_related("reporting_units"):
        reporting = sorted(indicator.reporting_units.all(), key=lambda u: (u.position, u.code))
        for code, entries in planned_figures(indicator, reporting, periods, seed).items():
            unit = next(u for u in reporting if u.code == code)
            obligations.append(Obligation(("f", indicator.code, code), unit, indicator, None, entries))
    for unit in units:
        for task in tasks_for_unit(unit=unit, plan=plan).order_by("kind", "position", "number"):
            entries = planned_task_reports(task, unit, len(periods), seed)
            obligations.append(Obligation(("t", task.code, unit.code), unit, None, task, entries))
    return obligations


def _weekdays(after: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], after
    while len(days) < count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _submit_day(rng: random.Random, unit: Unit, period: Period) -> datetime.date:
    """Most units submit in the days after the quarter ends, by the due date; habitual latecomers a few days after."""
    if (unit.code in LATE_UNITS and rng.random() < 0.8) or rng.random() < 0.04:
        return rng.choice(_weekdays(period.due_date, 4))
    window = [d for d in _weekdays(period.end, 10) if d <= period.due_date] or [period.due_date]
    return rng.choice(window)


def _users(units: list[Unit]) -> tuple[User, dict[int, User], int]:
    """The office user and a reporter per unit: the demo accounts, created as create_demo_users would if missing."""
    created = 0
    office = User.objects.filter(username=OFFICE_USERNAME).first()
    if office is None:
        office_unit = Unit.objects.filter(kind=Unit.Kind.OFFICE).order_by("position", "id").first()
        office = user_create(
            username=OFFICE_USERNAME,
            password=DEMO_PASSWORD,
            role=User.Role.OFFICE,
            unit=office_unit,
            first_name="领导小组办公室（演示）",
        )
        created += 1
    reporters = {}
    for unit in units:
        if unit.kind == Unit.Kind.OFFICE:
            reporters[unit.pk] = office
            continue
        user = User.objects.filter(username=unit.code).first()
        if user is None:
            user = user_create(
                username=unit.code,
                password=DEMO_PASSWORD,
                role=User.Role.REPORTER,
                unit=unit,
                first_name=f"{unit.name}填报员（演示）",
            )
            created += 1
        reporters[unit.pk] = user
    return office, reporters, created


def _baselines(*, plan: WorkPlan, office: User) -> int:
    """Set the baselines the office would have entered (only where none is set yet)."""
    changed = 0
    for code, (baseline, _start, _end) in RELATIVE_PATHS.items():
        indicator = Indicator.objects.filter(plan=plan, code=code, baseline_value__isnull=True).first()
        if baseline is None or indicator is None:
            continue
        indicator.baseline_value = Decimal(baseline)
        indicator._history_user = office
        indicator._change_reason = (
            f"{DEMO}：办公室按{indicator.baseline_date or '基线日期'}统计数据填写基线值"
        )
        indicator.full_clean()
        indicator.save(update_fields=["baseline_value"])
        changed += 1
    return changed


def _wrong_first(obligation: Obligation, entry):
    """What a unit first submits for an item the office returns: 万元 for 亿元, or a progress text too vague."""
    if obligation.indicator:
        return {**entry.data(), "value": entry.value * 10000}
    return {**entry, "progress_text": f"{DEMO}：按计划推进"}


def _corrected(obligation: Obligation, entry):
    if obligation.indicator:
        return {**entry.data(), "note": f"{DEMO}：已按亿元更正（原误填为万元）"}
    return {**entry, "note": f"{DEMO}：已按退回意见补充本季度工作进展"}


RETURN_REASONS = {
    "f": f"{DEMO}：质押金额应以亿元为单位填报，请核实后重新提交",
    "t": f"{DEMO}：工作进展过于笼统，请补充本季度具体工作和数据",
}
COUNT_NAMES = (
    "obligations", "submissions", "task_reports", "approved", "submitted", "returned", "draft", "missing",
    "returned_and_resubmitted", "on_time", "late", "evidence", "users_created", "baselines_set",
    "instructions", "instruction_replies", "unit_review", "proxy",
)  # fmt: skip


def _choices(obligations: list[Obligation], n: int, seed: int) -> tuple[dict[int, tuple], set, set]:
    """Which items are returned (one a quarter, amounts and task reports in turn), and which of the last quarter
    are left missing or as drafts. Figures only among flows: a missing flow lowers a city sum a little, while a
    missing stock would drop a whole unit's stock from it."""
    rng = seeded(seed, "choices")
    kinds = (Indicator.Kind.CUMULATIVE, Indicator.Kind.INCREMENT)
    amounts = sorted(
        o.key for o in obligations if o.indicator and o.indicator.kind == Indicator.Kind.CUMULATIVE
    )
    flows = sorted(o.key for o in obligations if o.indicator and o.indicator.kind in kinds)
    tasks = sorted(o.key for o in obligations if o.task)
    # Figures in turn with task reports, ending on a figure (the last quarter's return is still with its unit).
    returns = {q: rng.choice(amounts if amounts and q % 2 == (n - 1) % 2 else tasks) for q in range(n)}
    last_flows = rng.sample([k for k in flows if k != returns[n - 1]], min(2, max(len(flows) - 1, 0)))
    last_tasks = rng.sample([k for k in tasks if k != returns[n - 1]], min(10, len(tasks)))
    missing = {*last_flows[:1], *last_tasks[:6]}
    drafts = {*last_flows[1:], *last_tasks[6:]}
    return returns, missing, drafts


def _quarter(
    *,
    q: int,
    last: bool,
    period: Period,
    units: list[Unit],
    by_unit: dict,
    office: User,
    reporters: dict,
    plan_choices: tuple[dict, set, set],
    seed: int,
) -> Counter:
    """One quarter: each unit saves and submits its sheet on its day; the office reviews it a few workdays later."""
    returns, missing, drafts = plan_choices
    counts: Counter = Counter()
    for unit in units:
        obligations = by_unit.get(unit.pk, [])
        if not obligations:
            continue
        rng = seeded(seed, "days", period.code, unit.code)
        submit_day = _submit_day(rng, unit, period)
        review_day = rng.choice(_weekdays(submit_day, 3))
        user = reporters[unit.pk]
        submitted = []
        with on_day(submit_day):
            for obligation in obligations:
                if last and obligation.key in missing:
                    counts["missing"] += 1
                    continue
                entry = obligation.entries[q]
                first = _wrong_first(obligation, entry) if returns[q] == obligation.key else entry
                item = obligation_save(obligation, user, period, first, None)
                if obligation.indicator and entry.achieved:
                    upload = SimpleUploadedFile(
                        f"{obligation.indicator.code}批复文件（{DEMO}）.pdf", DEMO_PDF
                    )
                    evidence_add(user=user, item=item, upload=upload)
                    counts["evidence"] += 1
                if last and obligation.key in drafts:
                    counts["draft"] += 1
                    continue
                item = obligation_submit(obligation, user, period, item, first)
                counts["late" if submit_day > period.due_date else "on_time"] += 1
                submitted.append((obligation, item))
        # In the last quarter the office has reviewed every figure, but not yet the late units' task reports.
        to_review = [(o, i) for o, i in submitted if not (last and o.task and submit_day > period.due_date)]
        counts["submitted"] += len(submitted) - len(to_review)
        returned = []
        with on_day(review_day):
            for obligation, item in to_review:
                if returns[q] == obligation.key:
                    item_return(user=office, item=item, reason=RETURN_REASONS[obligation.key[0]])
                    returned.append((obligation, item))
                else:
                    item_approve(user=office, item=item)
                    counts["approved"] += 1
        if last:
            counts["returned"] += len(returned)
            continue
        resubmit_day = rng.choice(_weekdays(review_day, 2))
        for obligation, item in returned:
            with on_day(resubmit_day):
                version = type(item).objects.values_list("version", flat=True).get(pk=item.pk)
                corrected = _corrected(obligation, obligation.entries[q])
                item = obligation_submit(
                    obligation,
                    user,
                    period,
                    obligation_save(obligation, user, period, corrected, version),
                    corrected,
                )
            with on_day(rng.choice(_weekdays(resubmit_day, 2))):
                item_approve(user=office, item=item)
            counts["approved"] += 1
            counts["returned_and_resubmitted"] += 1
    return counts


# Instructions (批示): (indicator or task code, day written, by the leader?, text, quarter answered in or None, units
# that leave it unanswered). One on a lagging indicator answered by most units; one just written, still open.
INSTRUCTIONS = (
    (
        "1.5", datetime.date(2024, 10, 16), True,
        "版权登记数量增长明显慢于进度要求，请各地分析原因，提出加快推进的具体措施，随下季度报送答复。",
        "2024Q4", ("zhongjiang",),
    ),
    (
        "二(一)2", datetime.date(2025, 7, 14), False,
        "请各区（市、县）对照方案梳理本地知识产权政策落实情况，在填报表中说明进展和存在的困难。",
        None, (),
    ),
)  # fmt: skip
REPLIES = (
    "已召开专题会议分析原因，主要是作品登记宣传不到位；已组织进园区、进企业宣讲，预计下季度增速回升。",
    "已将作品登记纳入文化企业培育计划，安排专人跟踪，近期将开展集中登记辅导。",
    "已会同相关部门制定工作方案，正在逐户走访重点文化企业和高校。",
)


def _instructions(
    *, plan: WorkPlan, periods: list[Period], office: User, reporters: dict[int, User], seed: int
) -> dict[str, int]:
    """A leader's instruction on a lagging indicator, answered on the next sheet by all units but one, and an
    office instruction on a task written just before the demo's today, not answered yet."""
    leader = User.objects.filter(username=LEADER_USERNAME).first() or user_create(
        username=LEADER_USERNAME, password=DEMO_PASSWORD, role=User.Role.LEADER, first_name="市领导（演示）"
    )
    by_code = {f"{p.year}Q{p.quarter}": p for p in periods}
    written = answered = 0
    for code, day, by_leader, text, answer_in, silent in INSTRUCTIONS:
        subject = (
            {"indicator": Indicator.objects.get(plan=plan, code=code)}
            if code[0].isdigit()
            else {"task": next(t for t in Task.objects.filter(plan=plan) if t.code == code)}
        )
        with on_day(day):
            instruction = instruction_create(
                user=leader if by_leader else office, text=f"{DEMO}：{text}", **subject
            )
        written += 1
        if answer_in is None:
            continue
        period = by_code[answer_in]
        for n, unit in enumerate(instruction.units.all()):
            if unit.code in silent:
                continue
            with on_day(_submit_day(seeded(seed, "instruction", code, unit.code), unit, period)):
                instruction_reply(
                    user=reporters[unit.pk],
                    instruction=instruction,
                    unit=unit,
                    period=period,
                    text=f"{DEMO}：{REPLIES[n % len(REPLIES)]}",
                )
            answered += 1
    return {"instructions": written, "instruction_replies": answered}


@transaction.atomic
def demo_data_generate(
    *, plan: WorkPlan, seed: int = 2025, until: datetime.date | None = None
) -> dict[str, int]:
    """Fill every quarter of the plan with demo data (演示数据) through the reporting services, the same for the same
    seed: figures planned from the targets so that indicators end met, slightly behind and clearly behind; task
    reports for every task obligation; submissions dated on (or, for some units, after) the due date; a few items
    returned and resubmitted; in the last quarter a few obligations missing, drafts, submitted or returned.
    All or nothing: a run that fails half-way leaves no partial plan behind (which would block a second run).
    `until`: only the quarters due by then are reported (a plan still running); the figures still follow the whole
    plan's path, and the 批示 written for the pilot plan are left out.

    Returns counts of what was written. Raises PermissionDenied outside DEMO_MODE and DemoDataExists (a
    ValidationError) when the plan already has figures or task reports."""
    if not settings.DEMO_MODE:
        raise PermissionDenied("演示数据只能在演示模式（DEMO_MODE）下生成")
    if (
        Submission.objects.filter(period__plan=plan).exists()
        or TaskReport.objects.filter(period__plan=plan).exists()
    ):
        raise DemoDataExists("该方案已有填报数据，演示数据未生成")
    periods = list(plan.periods.select_related("plan").order_by("year", "quarter"))
    written = [p for p in periods if until is None or p.due_date <= until]
    obligations = _obligations(plan=plan, periods=periods, seed=seed)
    units = sorted({o.unit for o in obligations}, key=lambda u: (u.position, u.code))
    by_unit: dict[int, list[Obligation]] = {}
    for obligation in obligations:
        by_unit.setdefault(obligation.unit.pk, []).append(obligation)
    office, reporters, users_created = _users(units)
    baselines = _baselines(plan=plan, office=office)
    choices = _choices(obligations, len(written), seed) if written else ({}, set(), set())
    counts = Counter(dict.fromkeys(COUNT_NAMES, 0))
    counts.update(users_created=users_created, baselines_set=baselines)
    for q, period in enumerate(written):
        counts.update(
            _quarter(
                q=q,
                last=q == len(written) - 1,
                period=period,
                units=units,
                by_unit=by_unit,
                office=office,
                reporters=reporters,
                plan_choices=choices,
                seed=seed,
            )
        )
    if until is None:
        counts.update(
            _instructions(plan=plan, periods=periods, office=office, reporters=reporters, seed=seed)
        )
    elif written:
        counts.update(
            demo_review_examples(
                q=len(written) - 1,
                period=written[-1],
                obligations=obligations,
                choices=choices,
                office=office,
                reporters=reporters,
            )
        )
    counts["obligations"] = len(obligations) * len(written)
    counts["submissions"] = Submission.objects.filter(period__plan=plan).count()
    counts["task_reports"] = TaskReport.objects.filter(period__plan=plan).count()
    return dict(counts)
