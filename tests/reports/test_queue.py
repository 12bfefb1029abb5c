"""Services start their jobs through reports.queue: after the commit, once per job and argument in a transaction."""

import pytest

from reports import jobs
from reports.queue import alerts_refresh_after_commit, document_after_commit, rollup_after_commit

pytestmark = pytest.mark.django_db


def test_a_job_asked_for_twice_in_one_transaction_is_queued_once_per_argument(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as queued:
        rollup_after_commit(1, 7)
        rollup_after_commit(1, 7)
        rollup_after_commit(2, 7)
        alerts_refresh_after_commit(5)
        alerts_refresh_after_commit(5)
        document_after_commit(9)
    assert [job.job for job in queued] == [
        ("rollup_indicator", (1, 7)),
        ("rollup_indicator", (2, 7)),
        ("alerts_refresh_plan", (5,)),
        ("document_generate", (9,)),
    ]
    for name, _args in (job.job for job in queued):
        assert hasattr(getattr(jobs, name), "delay_on_commit"), f"reports.jobs.{name} is not a job"


def test_a_job_already_sent_is_queued_again_by_a_later_change(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("reports.jobs.rollup_indicator.delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        rollup_after_commit(3, 7)
    with django_capture_on_commit_callbacks(execute=True):
        rollup_after_commit(3, 7)
    assert sent == [(3, 7), (3, 7)]
