"""Markers for the two runs of the suite: jobs eager in-process (no REDIS_URL) or a real worker (.ci/run's second pass)."""

import pytest
from django.conf import settings
from django.db import connection

EAGER_REASON = "runs the job in-process; with a real broker the real-worker test covers it"
WORKER_REASON = "needs REDIS_URL and a running worker: .ci/run's PostgreSQL + Redis pass provides both"
# With a real broker, tests/conftest.py's jobs_done waits for every job a test published, on the portal's result
# backend: jobs published to a throwaway broker (tests/celery_embedded.py) would hold it 3 minutes each.

eager_only = pytest.mark.skipif(bool(settings.REDIS_URL), reason=EAGER_REASON)
needs_worker = pytest.mark.skipif(not settings.REDIS_URL, reason=WORKER_REASON)
own_broker_only = pytest.mark.skipif(
    bool(settings.REDIS_URL),
    reason="publishes jobs to a broker of its own, which jobs_done (tests/conftest.py) would wait for: eager pass only",
)


def postgresql_only(why: str) -> pytest.MarkDecorator:
    """A test of what only PostgreSQL has (row locks, triggers refusing DELETE or TRUNCATE, roles and grants):
    skipped on the embedded SQLite, saying why; .ci/run's second pass runs it."""
    on_sqlite = connection.vendor != "postgresql"
    return pytest.mark.skipif(on_sqlite, reason=f"{why}: PostgreSQL only, run by .ci/run's second pass")
