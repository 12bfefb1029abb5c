"""Colleagues posting one unit's quarterly sheet at once, and the office reviewing it meanwhile, wait for each other
and never meet in a database deadlock (an HTTP 500 in CI's load run: POST /report/zyfy/2022Q3/). The lock order is
reports.workflow.locks: the sheet first, then the items in primary-key order, and never a lock on a joined row.

Each test stops the colleague's post at a chosen step (its transaction open, its locks held), lets the other post
run until the database makes it wait, then lets the colleague go on; a deadlock would end one of them with an
OperationalError. PostgreSQL only: SQLite has one writer and no row locks."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from reports.models import Rollup, Status, Submission
from reports.workflow import sheet as sheet_module
from reports.workflow.drafts import figure_save
from reports.workflow.selectors import SheetRow
from reports.workflow.services import items_review
from reports.workflow.sheet import SheetEntry, sheet_save
from targets.models import Indicator, WorkPlan
from tests.markers import postgresql_only
from tests.units.factories import UserFactory
from units.models import User

from .factories import period

pytestmark = [
    pytest.mark.usefixtures("in_2024q1"),
    postgresql_only("row locks and deadlocks"),
]


def _entry(indicator: Indicator, item: Submission | None, value: str, *, submit: bool = False) -> SheetEntry:
    data = {"value": Decimal(value), "numerator": None, "denominator": None, "achieved": None}
    data |= {"achieved_on": None, "note": "测试数据", "version": item.version if item else 0}
    row = SheetRow(indicator=indicator, item=item)
    return SheetEntry(row=row, data=data, changed=True, editable=True, submit=submit)


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class Race:
    """`first` runs in a thread of its own until it calls `stop_here()` (its transaction open, its locks held);
    `second` then runs in another until it finishes or waits on a lock, and `first` goes on. With `step` and
    `subject`, the colleague's sheet post stops when it reaches that step (item_save or item_submit) for that
    subject."""

    def __init__(self, colleague: User | None = None, step: str | None = None, subject=None):
        self.colleague, self.step, self.subject = colleague, step, subject
        self.paused, self.go, self.failures = threading.Event(), threading.Event(), []

    def stop_here(self) -> None:
        self.paused.set()
        self.go.wait(10)

    def run(self, first, second) -> None:
        real = getattr(sheet_module, self.step) if self.step else None

        def stopping(**kwargs):
            subject = kwargs.get("subject") or getattr(kwargs.get("item"), "indicator", None)
            if kwargs["user"] == self.colleague and subject == self.subject and not self.go.is_set():
                self.stop_here()
            return real(**kwargs)

        if real:
            setattr(sheet_module, self.step, stopping)
        try:
            one = threading.Thread(target=self._guarded, args=(first,))
            one.start()
            assert self.paused.wait(10), "the first never reached the point where it stops"
            two = threading.Thread(target=self._guarded, args=(second,))
            two.start()
            deadline = time.monotonic() + 5
            while two.is_alive() and not _someone_waits_on_a_lock() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.go.set()
            one.join(30)
            two.join(30)
        finally:
            if real:
                setattr(sheet_module, self.step, real)
        assert not one.is_alive() and not two.is_alive()

    def _guarded(self, work) -> None:
        try:
            work()
        except Exception as error:  # a deadlock surfaces here as django.db.OperationalError
            self.failures.append(error)
        finally:
            connections.close_all()


@pytest.fixture
def sheet(transactional_db, plan):
    """Two reporters of 旌阳区 and three of its count figures for 2023Q4 (test data): the first and third saved as
    drafts, the second not yet."""
    me, colleague = (UserFactory(role=User.Role.REPORTER, unit_code="jingyang") for _ in range(2))
    unit, q4 = me.unit, period(plan, "2023Q4")
    indicators = list(
        Indicator.objects.filter(plan=plan, reporting_units=unit, kind="level", numerator_label="").order_by(
            "position"
        )[:3]
    )
    assert len(indicators) == 3
    drafts = {
        ind: figure_save(
            user=me, unit=unit, period=q4, indicator=ind, data={"value": Decimal(1)}, expected_version=None
        )
        for ind in (indicators[0], indicators[2])
    }
    return me, colleague, unit, q4, indicators, drafts


def _stored(unit, q4) -> dict[int, Submission]:
    return {s.indicator_id: s for s in Submission.objects.filter(unit=unit, period=q4)}


def test_a_colleague_holding_a_row_while_i_submit_an_earlier_one(sheet):
    """Before: I saved and submitted row 1 (taking the sheet's tally) and waited for row 3, which the colleague had
    saved and was about to submit (needing the tally)."""
    me, colleague, unit, q4, (one, _, three), drafts = sheet
    race = Race(colleague, "item_submit", three)
    race.run(
        lambda: sheet_save(
            user=colleague,
            unit=unit,
            period=q4,
            entries=[_entry(three, drafts[three], "3", submit=True)],
            replies=[],
        ),
        lambda: sheet_save(
            user=me,
            unit=unit,
            period=q4,
            entries=[_entry(one, drafts[one], "10", submit=True), _entry(three, drafts[three], "30")],
            replies=[],
        ),
    )
    assert race.failures == []
    stored = _stored(unit, q4)
    assert (stored[three.pk].value, stored[three.pk].status) == (Decimal(3), Status.SUBMITTED)
    assert (stored[one.pk].value, stored[one.pk].status) == (Decimal(10), Status.SUBMITTED)


def test_a_colleague_who_created_a_row_and_goes_on_to_the_next_one(sheet):
    """Before: the colleague's new row 2 referenced the unit (a key-share lock); my save of row 1 locked the unit's
    and quarter's rows through its ordering joins and waited; the colleague then did the same for row 3."""
    me, colleague, unit, q4, (one, two, three), drafts = sheet
    race = Race(colleague, "item_save", three)
    race.run(
        lambda: sheet_save(
            user=colleague,
            unit=unit,
            period=q4,
            entries=[_entry(two, None, "2"), _entry(three, drafts[three], "3")],
            replies=[],
        ),
        lambda: sheet_save(
            user=me, unit=unit, period=q4, entries=[_entry(one, drafts[one], "10")], replies=[]
        ),
    )
    assert race.failures == []
    stored = _stored(unit, q4)
    assert [stored[i.pk].value for i in (one, two, three)] == [Decimal(10), Decimal(2), Decimal(3)]


def test_the_office_returning_items_while_a_colleague_submits(sheet, make_user):
    """The office returns rows 1 and 3 (each return counted in the sheet's tally) while the colleague, holding row
    3, is about to submit it."""
    me, colleague, unit, q4, (one, _, three), drafts = sheet
    office = make_user("office-locks", User.Role.OFFICE, "ldxzbgs")
    sheet_save(
        user=me, unit=unit, period=q4, entries=[_entry(one, drafts[one], "10", submit=True)], replies=[]
    )
    submitted = Submission.objects.get(pk=drafts[one].pk)
    race = Race(colleague, "item_submit", three)
    race.run(
        lambda: sheet_save(
            user=colleague,
            unit=unit,
            period=q4,
            entries=[_entry(three, drafts[three], "3", submit=True)],
            replies=[],
        ),
        lambda: items_review(
            user=office, figures=[submitted], task_reports=[], action="return", reason="请核实"
        ),
    )
    assert race.failures == []
    stored = _stored(unit, q4)
    assert stored[one.pk].status == Status.RETURNED and stored[three.pk].status == Status.SUBMITTED


def test_a_job_holding_the_plan_while_i_save_a_row(sheet):
    """Before: my save locked the figure's quarter, indicator, unit and plan rows (FOR UPDATE through the ordering
    joins) and waited for the plan, which a job held (the alert refresh, instructions and bulletins lock the plan
    row); the job's commit then checked its new rows' references to that quarter and indicator (PostgreSQL checks
    Django's deferred foreign keys at commit, with a key-share lock) and waited for me."""
    me, _, unit, q4, (one, _, _), drafts = sheet
    race = Race()

    def job():
        with transaction.atomic():
            WorkPlan.objects.select_for_update().filter(pk=q4.plan_id).first()
            Rollup.objects.create(indicator=one, period=q4, unit=None)
            race.stop_here()

    race.run(
        job,
        lambda: sheet_save(
            user=me, unit=unit, period=q4, entries=[_entry(one, drafts[one], "10")], replies=[]
        ),
    )
    assert race.failures == []
    assert _stored(unit, q4)[one.pk].value == Decimal(10)
    assert Rollup.objects.filter(indicator=one, period=q4).exists()
