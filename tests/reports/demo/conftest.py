"""The demo data (演示数据), generated once for every test of this package: generating costs 30 to 60 seconds of CPU
(3,800 items saved, submitted and reviewed through the services), so the tests that read a whole plan's worth of
reporting live here and share one generation.

The data lives in a transaction opened for the package and rolled back after its last test; each test runs in a
savepoint inside it (pytest-django's per-test atomic nests), so what a test changes is gone for the next one. The
package's tests run on one pytest-xdist process, one after another (`make test` passes `--dist loadgroup`, which
tests/conftest.py's scheduler reads), so the generation happens once per run. None of them may commit: a committing
test's flush would empty the package's transaction, and tests/conftest.py sorts committing tests last anyway.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from reports.demo.services import demo_data_generate
from reports.figures.rollup import rollup_rebuild_plan
from targets.models import WorkPlan

HERE = Path(__file__).parent
COMMITS = {"transactional_db", "live_server"}


def pytest_collection_modifyitems(items):
    """Every test of this package runs in a transaction of its own, inside the package's; none commits."""
    for item in items:
        if HERE not in item.path.parents:
            continue
        if commits := COMMITS & set(getattr(item, "fixturenames", ())):
            raise pytest.UsageError(
                f"{item.nodeid} uses {', '.join(sorted(commits))}: a test that commits cannot share the demo "
                "data, which lives in a transaction rolled back at the end; put it outside tests/reports/demo/"
            )
        item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """{"plan": the Deyang plan, "counts": what demo_data_generate wrote}: the demo data and its rollups, generated
    once for the package and rolled back after its last test. Rollups are queued on commit in the portal; this
    transaction never commits, so they are built here."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not WorkPlan.objects.exists():  # emptied by a committing test run before
            call_command("load_plan", stdout=io.StringIO())
        plan = WorkPlan.objects.get()
        media = tmp_path_factory.mktemp("media")
        # Written on the machine's day, as `manage.py demo_data` would in the tests: the office's baselines are then
        # the indicators' latest change, after the plan's loading. Each item is dated by the demo itself.
        with override_settings(DEMO_MODE=True, MEDIA_ROOT=media):
            counts = demo_data_generate(plan=plan)
        with override_settings(PORTAL_TODAY="2025-07-15"):  # the day the tests stand on (after_the_plan)
            rollup_rebuild_plan(plan=plan)
        yield {"plan": plan, "counts": counts}
        transaction.set_rollback(True)


@pytest.fixture
def demo_plan(demo_data, db) -> WorkPlan:
    """The plan with the demo data, read afresh for the test (a test's changes to it roll back with the test)."""
    return WorkPlan.objects.get(pk=demo_data["plan"].pk)
