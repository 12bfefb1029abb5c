"""Shared fixtures: the Deyang plan loaded from its fixture, the portal's date pinned for a test, and users made with
UserFactory (tests/units/factories.py)."""

import io
import json
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from targets.models import WorkPlan
from tests.units.factories import PASSWORD, UserFactory
from units.models import User


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's default language (a request can leave another one active in the thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


class QueuedJobs:
    """The jobs a test queued to a real worker (through the broker, from any thread: a live server's too)."""

    def __init__(self):
        self.ids: list[str] = []

    def record(self, sender=None, headers=None, body=None, **kwargs) -> None:
        self.ids.append((headers or {}).get("id") or (body or {}).get("id"))

    def wait(self, timeout: float = 180) -> None:
        """Return once the worker has finished every job queued so far (with jobs eager, at once)."""
        from celery.result import AsyncResult

        while self.ids:
            AsyncResult(self.ids.pop(0)).get(timeout=timeout, propagate=False)


@pytest.fixture(autouse=True)
def jobs_done(request):
    """Call it to wait until the worker has run what the test queued so far; a test that commits also ends only once
    the worker has finished every job it queued (services queue some on commit besides any the test waits for): its
    database flush would otherwise deadlock with a job still writing. Requests the test database first, so this
    teardown runs before the flush. With jobs eager there is nothing to wait for."""
    if not settings.REDIS_URL:
        yield lambda: None
        return
    from celery.signals import after_task_publish

    worker_marked = request.node.get_closest_marker("worker") is not None
    if worker_marked or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
    queued = QueuedJobs()
    after_task_publish.connect(queued.record, weak=False)
    try:
        yield queued.wait
        queued.wait()
    finally:
        after_task_publish.disconnect(queued.record)
    if worker_marked:
        _worker_idle()


def _worker_idle() -> None:
    """Jobs the worker queued itself (plan_check_all's) are not in the test's list: wait for an idle worker."""
    import redis

    from ipcity.celery import app

    broker = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        inspect = app.control.inspect(timeout=1)
        busy = [*((inspect.active() or {}).values()), *((inspect.reserved() or {}).values())]
        # A job queued a moment ago may still wait in the broker's list, not yet taken by the worker.
        if not any(busy) and not broker.llen(app.conf.task_default_queue):
            return
        time.sleep(0.5)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(items):
    """Tests that commit (live server, real worker) run last: their flush at the end empties the database, and
    every test before them can then share the plan loaded once per session."""
    commits = {"transactional_db", "live_server"}
    items.sort(key=lambda item: bool(commits & set(getattr(item, "fixturenames", ()))))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With `-n 2 --dist loadgroup` (make test), the tests on the demo data (tests/reports/demo/) go to one process
    as one unit of work, run one after another, so the package generates the data once. Grouped by path here:
    pytest-xdist 3.8's own grouping by xdist_group marks has no effect on pytest 9.2 (pytest-xdist issue 1386)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class DemoGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "demo" if nodeid.startswith("tests/reports/demo/") else super()._split_scope(nodeid)

    return DemoGroupScheduling(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Deyang plan once; each test's transaction rolls back to it."""
    with django_db_blocker.unblock():
        call_command("load_plan", stdout=io.StringIO())
        connection.close()


@pytest.fixture
def plan(db) -> WorkPlan:
    """The Deyang plan as `make run` loads it (loaded again after a committing test emptied the database)."""
    if not WorkPlan.objects.exists():
        call_command("load_plan", stdout=io.StringIO())
    return WorkPlan.objects.get()


@pytest.fixture(scope="session")
def exported(django_db_setup, django_db_blocker) -> dict:
    """What `python manage.py export_plan` prints for the loaded plan, parsed."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("export_plan", stdout=out)
        connection.close()  # a session-long open connection would block dropping the PostgreSQL test database
    return json.loads(out.getvalue())


@pytest.fixture
def in_2024q1(settings) -> None:
    """The portal stands on 2024-01-05: the 2023Q4 sheets (due 2024-01-10) are open for reporting."""
    settings.PORTAL_TODAY = "2024-01-05"


@pytest.fixture
def after_the_plan(settings) -> None:
    """The portal stands on 2025-07-15: every quarter of the plan is past its due date (the last, 2025Q2, was due on
    2025-07-10)."""
    settings.PORTAL_TODAY = "2025-07-15"


@pytest.fixture
def make_user(plan):
    """make_user(username, role, unit_code): a user the fixtures below do not give, made by UserFactory once the
    plan (and so its units) is loaded."""

    def make(username: str, role: str = User.Role.REPORTER, unit_code: str | None = None) -> User:
        return UserFactory(username=username, role=role, unit_code=unit_code)

    return make


@pytest.fixture
def office_user(plan) -> User:
    """Staff of the leading group's office (领导小组办公室), which reviews every unit's reports."""
    return UserFactory(role=User.Role.OFFICE, unit_code="ldxzbgs")


@pytest.fixture
def jingyang(plan) -> User:
    """A reporter of 旌阳区, a county."""
    return UserFactory(role=User.Role.REPORTER, unit_code="jingyang")


@pytest.fixture
def jingyang_signed_in(client, jingyang) -> None:
    """The 旌阳区 reporter is signed in on `client` with its password."""
    assert client.login(username=jingyang.username, password=PASSWORD)


@pytest.fixture
def guanghan_user(plan) -> User:
    """A reporter of 广汉市, another county."""
    return UserFactory(role=User.Role.REPORTER, unit_code="guanghan")


@pytest.fixture
def plans(plan, office_user, jingyang, settings) -> dict:
    """The pilot plan and the next one (test data), both open on 2025-11-01, a figure of 旌阳区 in each, and a third
    plan still a draft."""
    from reports.workflow.drafts import figure_save
    from targets.models import Indicator, Period
    from tasks.lifecycle import plan_open
    from tasks.services import plan_import, plan_reporting_defaults
    from tests.tasks.test_services import another_plan

    settings.PORTAL_TODAY = "2025-11-01"
    second = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office_user, plan=second)
    plan_open(user=office_user, plan=second, acknowledged=True)
    draft_data = another_plan()
    draft_data["plan"] |= {"title": "第三个方案（测试数据，草稿）", "start": "2026-01-01"}
    draft = plan_import(data=draft_data, status=WorkPlan.Status.DRAFT)
    for shown, code in ((plan, "2023Q4"), (second, "2025Q3")):
        year, quarter = int(code[:4]), int(code[-1])
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=Period.objects.get(plan=shown, year=year, quarter=quarter),
            indicator=Indicator.objects.get(plan=shown, code="1.1"),
            data={"value": 5},
            expected_version=None,
        )
    return {"pilot": plan, "next": second, "draft": draft}
