"""A Celery worker in a thread of the test process, on a throwaway app with an in-memory broker: for what only a
worker does (its bootsteps, the signals around a job it receives from the broker) without the real worker of .ci/run,
which must not receive these test jobs."""

import contextlib
from collections.abc import Iterator

from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import setup_logging

from ipcity.celery import app as portal_app


def throwaway_app(name: str) -> Celery:
    """A Celery app of its own: in-memory broker and results, nothing of the portal's jobs."""
    app = Celery(name, broker="memory://", backend="cache+memory://", set_as_current=False)
    app.conf.task_always_eager = False
    return app


def _leave_logging_alone(**kwargs) -> None:
    """A setup_logging receiver: the embedded worker keeps pytest's logging instead of installing its own."""


@contextlib.contextmanager
def embedded_worker(app: Celery) -> Iterator:
    """Run a worker for `app` while the block runs; the portal's app is the current one again afterwards."""
    setup_logging.connect(_leave_logging_alone)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        setup_logging.disconnect(_leave_logging_alone)
        portal_app.set_current()
        portal_app.set_default()
