"""Shared fixtures: the Deyang plan loaded from its fixture, and users of every role."""

import io
import json
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from targets.models import WorkPlan
from units.models import Unit, User
from units.services import user_create

PASSWORD = "Test@2025pw"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's default language (a request can leave another one active in the thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def worker_drained(request):
    """A real-worker test ends only once the worker has finished every job the test queued (services queue some on
    commit besides the one the test waits for): its database flush would otherwise deadlock with a job still
    writing. Requests the test database first, so this teardown runs before the flush."""
    if request.node.get_closest_marker("worker") is None or not settings.REDIS_URL:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
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
def make_user(plan):
    def make(username: str, role: str = User.Role.REPORTER, unit_code: str | None = None) -> User:
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        return user_create(username=username, password=PASSWORD, role=role, unit=unit)

    return make


@pytest.fixture
def office_user(make_user) -> User:
    return make_user("office-t", User.Role.OFFICE, "ldxzbgs")


@pytest.fixture
def guanghan_user(make_user) -> User:
    return make_user("guanghan-t", User.Role.REPORTER, "guanghan")
