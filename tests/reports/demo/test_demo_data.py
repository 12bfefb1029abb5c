"""Demo data: every quarter filled through the services, dated, deterministic, and written once.

The data is the package's (tests/reports/demo/conftest.py): generated once for all its tests. Only the
determinism test generates a second time, inside its own transaction.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.demo.values import DEMO
from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.selectors import plan_standings
from reports.models import Evidence, Instruction, InstructionReply, ItemAction, Status, Submission, TaskReport
from reports.workflow.selectors import sheet_groups, unit_obligation_counts
from targets.engine import ProgressStatus
from targets.models import Indicator, WorkPlan
from units.models import Unit, User


def _values(plan: WorkPlan) -> list[tuple]:
    figures = Submission.objects.filter(period__plan=plan).values_list(
        "indicator__code", "unit__code", "period__year", "period__quarter", "value", "numerator", "status"
    )
    reports = TaskReport.objects.filter(period__plan=plan).values_list(
        "task__kind",
        "task__section__number",
        "task__number",
        "unit__code",
        "period__year",
        "period__quarter",
        "progress",
        "progress_text",
        "status",
    )
    return sorted(figures) + sorted(reports)


@pytest.fixture(scope="module")
def demo(demo_data) -> dict:
    """The package's demo data: what the generation counted, and its values as generated (read before any test of
    the module, each of which rolls its changes back)."""
    return {"counts": demo_data["counts"], "values": _values(demo_data["plan"])}


@pytest.fixture
def periods(plan) -> list:
    return list(plan.periods.select_related("plan").order_by("year", "quarter"))


def test_every_obligation_before_the_last_quarter_is_approved(demo, plan, periods):
    units = list(Unit.objects.all())
    owed = unit_obligation_counts(units=units, plan=plan)
    for period in periods[:-1]:
        approved = {u.pk: 0 for u in units}
        for model in (Submission, TaskReport):
            for unit_id in model.objects.filter(period=period, status=Status.APPROVED).values_list(
                "unit_id", flat=True
            ):
                approved[unit_id] += 1
        assert approved == owed, period.code
        for unit in units:
            rows = [row for group in sheet_groups(unit=unit, period=period) for row in group.rows]
            assert len(rows) == owed[unit.pk]
            assert all(row.status == Status.APPROVED for row in rows), (unit.code, period.code)


def test_the_last_quarter_has_missing_drafts_and_items_still_under_review(demo, plan, periods):
    last = periods[-1]
    owed = sum(unit_obligation_counts(units=Unit.objects.all(), plan=plan).values())
    items = Submission.objects.filter(period=last).count() + TaskReport.objects.filter(period=last).count()
    statuses = set(Submission.objects.filter(period=last).values_list("status", flat=True)) | set(
        TaskReport.objects.filter(period=last).values_list("status", flat=True)
    )
    assert owed - items == demo["counts"]["missing"] > 0
    assert statuses == {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED}


def test_most_submissions_are_on_time_and_some_are_late(demo, plan):
    late = on_time = 0
    items = [
        *Submission.objects.filter(period__plan=plan).select_related("period__plan"),
        *TaskReport.objects.filter(period__plan=plan).select_related("period__plan"),
    ]
    for item in items:
        if item.first_submitted_at is None:
            continue
        day = timezone.localdate(item.first_submitted_at)
        assert day > item.period.end
        late, on_time = (late + 1, on_time) if day > item.period.due_date else (late, on_time + 1)
    assert 0 < late < on_time / 5
    assert late == demo["counts"]["late"]


def test_reviews_are_dated_after_the_submission(demo, plan):
    for item in Submission.objects.filter(period__plan=plan, status=Status.APPROVED):
        assert timezone.localdate(item.reviewed_at) > timezone.localdate(item.first_submitted_at)


def test_some_items_were_returned_with_a_reason_and_resubmitted(demo, plan):
    returned = [
        record
        for model in (Submission, TaskReport)
        for record in model.history.filter(action=ItemAction.RETURN)
    ]
    assert len(returned) == demo["counts"]["returned_and_resubmitted"] + demo["counts"]["returned"] > 5
    assert {type(r.instance) for r in returned} == {Submission, TaskReport}
    for record in returned:
        item = record.instance
        current = type(item).objects.get(pk=item.pk)
        if current.period != plan.periods.order_by("year", "quarter").last():
            assert current.status == Status.APPROVED
            assert current.history.filter(action=ItemAction.RESUBMIT).exists()


def test_every_text_written_starts_with_the_demo_mark(demo, plan):
    texts = [
        *Submission.objects.filter(period__plan=plan).values_list("note", "return_reason"),
        *TaskReport.objects.filter(period__plan=plan).values_list(
            "note", "return_reason", "progress_text", "problems", "next_steps"
        ),
        *Instruction.objects.values_list("text"),
        *InstructionReply.objects.values_list("text"),
    ]
    written = [text for row in texts for text in row if text]
    assert written and all(text.startswith(DEMO) for text in written)
    assert all(DEMO in name for name in Evidence.objects.values_list("original_name", flat=True))


def test_a_delayed_task_report_states_its_problems(demo, plan):
    delayed = TaskReport.objects.filter(period__plan=plan, progress=TaskReport.Progress.DELAYED)
    assert delayed.exists()
    assert not delayed.filter(problems="").exists()
    assert TaskReport.objects.filter(progress=TaskReport.Progress.DONE).exists()


def test_a_falling_stock_is_explained_in_its_note(demo, plan, periods):
    index = {p.pk: i for i, p in enumerate(periods)}
    stocks = Submission.objects.filter(indicator__kind=Indicator.Kind.LEVEL, period__plan=plan)
    value = {(f.indicator_id, f.unit_id, index[f.period_id]): f.value for f in stocks}
    fallen = [
        f for f in stocks if value.get((f.indicator_id, f.unit_id, index[f.period_id] - 1), f.value) > f.value
    ]
    assert fallen
    assert all("减少" in figure.note for figure in fallen)


def test_an_achieved_milestone_has_its_date_and_a_pdf(demo, plan):
    achieved = Submission.objects.filter(period__plan=plan, achieved=True)
    assert achieved.exists()
    assert {f.indicator.code for f in achieved} == {"4.3"}
    for figure in achieved:
        assert figure.achieved_on and figure.evidence.get().content_type == "application/pdf"


def test_the_office_sets_one_baseline_and_leaves_the_other_missing(demo, plan):
    patents = Indicator.objects.get(plan=plan, code="1.3")
    assert patents.baseline_value is not None
    assert patents.history.latest().history_change_reason.startswith(DEMO)
    assert Indicator.objects.get(plan=plan, code="二(二)2.1").baseline_value is None


def test_the_plan_ends_with_indicators_met_behind_lagging_and_without_baseline(demo, plan, periods):
    rollup_rebuild_plan(plan=plan)  # the approval jobs run on commit, which the test transaction never does
    standings = {s.indicator.code: s.progress for s in plan_standings(plan=plan, period=periods[-1])}
    colours = {p.colour for p in standings.values()}
    assert {"green", "amber", "red"} <= colours
    assert standings["二(二)2.1"].status == ProgressStatus.NO_BASELINE
    assert standings["1.1"].status == ProgressStatus.MET
    assert standings["3.4"].colour == "amber"


def test_a_leaders_instruction_is_answered_by_all_units_but_one_and_a_new_one_awaits_answers(demo, plan):
    answered, waiting = Instruction.objects.filter(period__plan=plan).order_by("created_at")
    assert answered.author.role == User.Role.LEADER and answered.indicator.code == "1.5"
    repliers = set(answered.replies.values_list("unit__code", flat=True))
    assert set(answered.units.values_list("code", flat=True)) - repliers == {"zhongjiang"}
    assert all(r.created_at.date() <= r.period.due_date + timedelta(days=7) for r in answered.replies.all())
    assert waiting.task.code == "二(一)2" and not waiting.replies.exists()
    # Written after the last quarter's due date: answered on the plan's last sheet, 2025Q2.
    assert (waiting.period.year, waiting.period.quarter) == (2025, 2)


def test_running_the_command_again_adds_nothing(demo, plan):
    before = _values(plan), Evidence.objects.count()
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    call_command("demo_data", stdout=out)
    assert out.getvalue().count("演示数据已存在") == 2
    assert (_values(plan), Evidence.objects.count()) == before


def test_two_generations_with_the_same_seed_give_the_same_values(demo, plan, settings, tmp_path):
    Evidence.objects.all().delete()
    Submission.objects.all().delete()
    TaskReport.objects.all().delete()
    Indicator.objects.filter(plan=plan).update(baseline_value=None)
    assert not _values(plan)
    out = io.StringIO()
    call_command("demo_data", stdout=out)  # the command's default seed is the service's
    assert "演示数据已生成" in out.getvalue()
    assert _values(plan) == demo["values"]


def test_the_demos_next_plan_follows_the_pilot_plan(demo, plan, settings, tmp_path):
    """The demo's second plan (reports.demo.next_plan): read from its text, following the pilot plan with baselines
    carried from the pilot plan's approved figures, open since 2025-07-01 with the quarters due by the demo's day
    reported; the pilot plan ended on 2025-07-31."""
    import datetime

    from reports.demo.next_plan import TITLE, demo_next_plan

    settings.DEMO_MODE, settings.MEDIA_ROOT = True, tmp_path
    rollup_rebuild_plan(plan=plan)  # the module's data never commits, so its rollups are built here
    following = demo_next_plan(pilot=plan, today=datetime.date(2026, 4, 15))
    assert following.title == TITLE and DEMO in following.title
    assert (following.status, following.predecessor, following.start.isoformat()) == (
        "active",
        plan,
        "2025-07-01",
    )
    assert timezone.localdate(following.opened_at).isoformat() == "2025-07-01"
    plan.refresh_from_db()
    assert (
        plan.status == WorkPlan.Status.CLOSED
        and timezone.localdate(plan.ended_at).isoformat() == "2025-07-31"
    )

    # 1.1's baseline is the pilot plan's city value for 2025Q2: its approved figures, summed here by hand.
    q2 = plan.periods.get(year=2025, quarter=2)
    approved = Submission.objects.filter(
        indicator__plan=plan, indicator__code="1.1", period=q2, status=Status.APPROVED
    )
    firms = following.indicators.get(code="1.1")
    assert firms.baseline_value == sum(approved.values_list("value", flat=True)) and firms.target_value == 560
    assert firms.baseline_source == f"来自上一方案《{plan.title}》2025年第二季度审核值"
    reported = {
        f"{y}Q{q}"
        for y, q in Submission.objects.filter(period__plan=following).values_list(
            "period__year", "period__quarter"
        )
    }
    assert reported == {"2025Q3", "2025Q4", "2026Q1"}
    # Its last quarter shows 单位审核 (a county's drafts now wait for its head) and 代填 (one task report).
    last = {"period__plan": following, "period__year": 2026, "period__quarter": 1}
    waiting = [
        *Submission.objects.filter(**last, status=Status.PENDING),
        *TaskReport.objects.filter(**last, status=Status.PENDING),
    ]
    assert waiting and {item.unit for item in waiting} == set(Unit.objects.filter(unit_review=True))
    head = User.objects.get(role=User.Role.UNIT_HEAD)
    assert head.unit == waiting[0].unit and "（演示）" in head.first_name
    entered = TaskReport.objects.get(**last, proxy_reason__startswith=DEMO)
    assert entered.status == Status.SUBMITTED and entered.submitted_by.username == "office"
    assert demo_next_plan(pilot=plan, today=datetime.date(2026, 4, 15)) is None  # written once
