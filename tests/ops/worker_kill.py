"""A Celery worker killed during a rollup: the job is acknowledged late, so it runs again and the rollup table ends
equal to a clean rebuild; and jobs run twice change nothing.

    .venv/bin/python -m tests.ops.worker_kill      (.ci/run runs it)

A scratch database (ipcity_ops_worker) gets the plan and an approved figure for every obligation of every quarter;
the rollup is built, then every figure changes, so the next rollup_all has every row to rewrite. The script holds a
SHARE lock on the rollup table, which lets the job read but stops it at its first write: so it is seen, in
pg_stat_activity, to be inside the rollup with its transaction open when it is killed. Then:

1. kill -9 the pool process running the job (as the out-of-memory killer would): the worker hands the job back to
   the broker (task_reject_on_worker_lost) and runs it again;
2. kill -9 the whole worker, main process and pool (a crash, a power cut): the job stays unacknowledged in Redis;
   the previous rollup values stand untouched; a new worker started after the visibility timeout gets the same job
   (same id) again and completes it;
3. rollup_all and alerts_refresh_all run twice: the second run writes nothing.

After each, the rollup table must equal a clean rebuild (every row deleted, rollup_all run). It fails (exit 1) with
what it saw when any of this does not hold. Workers run with concurrency 1 on Redis db 6, with the visibility
timeout shortened through CELERY_VISIBILITY_TIMEOUT so the redelivery is seen in seconds rather than minutes.
"""

import argparse
import contextlib
import os
import signal
import time
from decimal import Decimal

from .harness import (
    django_setup,
    fail,
    ops_env,
    portal_prepare,
    process_stop,
    redis_flush,
    redis_url,
    require_services,
    run_main,
    say,
    scratch_database,
    sql,
    worker_start,
    workers_stopped,
)

DATABASE = "ipcity_ops_worker"
BROKER_DB = 6
VISIBILITY = 6  # seconds: the workers' visibility timeout here (the settings' default is much longer)


def seed_approved_figures() -> int:
    """An approved, signed figure for every obligation of every quarter (written directly: the subject here is the
    rollup, not the workflow, which tests/ops/load.py and the test suite cover)."""
    from django.utils import timezone

    from reports.figures.integrity import figures_sign
    from reports.models import Status, Submission
    from reports.workflow.validation import ratio_value
    from targets.models import Indicator, Period
    from units.models import User
    from units.services import user_create

    office = user_create(username="ops-office", password="Ops-Worker-2025", role=User.Role.OFFICE)
    now = timezone.now()
    periods = list(Period.objects.order_by("year", "quarter"))
    figures = []
    for indicator in Indicator.objects.prefetch_related("reporting_units"):
        for unit in indicator.reporting_units.all():
            for n, period in enumerate(periods):
                figure = Submission(
                    indicator=indicator,
                    unit=unit,
                    period=period,
                    status=Status.APPROVED,
                    version=3,
                    submitted_by=office,
                    submitted_at=now,
                    first_submitted_at=now,
                    reviewed_by=office,
                    reviewed_at=now,
                    updated_by=office,
                )
                if indicator.kind == Indicator.Kind.MILESTONE:
                    figure.achieved = n >= len(periods) // 2
                    figure.achieved_on = period.start if figure.achieved else None
                elif indicator.has_ratio:
                    figure.numerator, figure.denominator = Decimal(40 + n), Decimal(50 + n + unit.pk % 5)
                    figure.value = ratio_value(figure.numerator, figure.denominator)
                else:
                    figure.value = Decimal(10 + n + unit.pk % 7) + Decimal("0.25")
                figures.append(figure)
    Submission.objects.bulk_create(figures)
    figures_sign()
    return len(figures)


def figures_change() -> None:
    """Every approved figure moves (as if each had been reopened, corrected and approved again)."""
    from django.db.models import F

    from reports.figures.integrity import figures_sign
    from reports.models import Status, Submission

    approved = Submission.objects.filter(status=Status.APPROVED)
    approved.filter(numerator__isnull=True, value__isnull=False).update(value=F("value") + 1)
    approved.filter(denominator__isnull=False).update(denominator=F("denominator") + 1)
    approved.filter(achieved__isnull=False).update(achieved=~F("achieved"))
    figures_sign()


def rollup_rows() -> dict[tuple, tuple]:
    from reports.models import Rollup

    return {
        (r[0], r[1], r[2]): r[3:]
        for r in Rollup.objects.values_list(
            "indicator_id",
            "period_id",
            "unit_id",
            "value",
            "numerator",
            "denominator",
            "achieved_on",
            "reported",
            "expected",
        )
    }


def rollup_rows_put(rows: dict[tuple, tuple]) -> None:
    """Make the rollup table hold exactly these rows (to stand it back where it was before a reference rebuild)."""
    from django.db import transaction

    from reports.models import Rollup

    names = ("value", "numerator", "denominator", "achieved_on", "reported", "expected")
    with transaction.atomic():
        Rollup.objects.all().delete()
        Rollup.objects.bulk_create(
            Rollup(indicator_id=i, period_id=p, unit_id=u, **dict(zip(names, values, strict=True)))
            for (i, p, u), values in rows.items()
        )


def clean_rebuild() -> dict[tuple, tuple]:
    """Every rollup row deleted, then rollup_all run here: the rows a rebuild from nothing gives."""
    from reports.jobs import rollup_all
    from reports.models import Rollup

    Rollup.objects.all().delete()
    rollup_all()
    return rollup_rows()


def differences(held: dict, wanted: dict) -> str:
    keys = set(held) | set(wanted)
    wrong = sorted((k for k in keys if held.get(k) != wanted.get(k)), key=str)
    if not wrong:
        return ""
    shown = "; ".join(f"{k}: {held.get(k)} ≠ {wanted.get(k)}" for k in wrong[:3])
    return f"{len(wrong)} of {len(keys)} rows differ from a clean rebuild (indicator, quarter, unit): {shown}"


class RollupTableLock:
    """A SHARE lock on the rollup table in an open transaction: readers pass, the first write of a rebuild waits."""

    def __init__(self, database: str) -> None:
        import psycopg2

        from reports.models import Rollup

        self.database = database
        self.connection = psycopg2.connect(database)
        with self.connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Rollup._meta.db_table}" IN SHARE MODE')
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]

    def waiting(self) -> set[int]:
        """Backends of the database waiting for a lock: the job's connection once it tries to write the table (held
        by this lock), or, for a rerun, a lock the killed run's connection still holds until PostgreSQL notices
        its client is gone."""
        rows = sql(
            self.database,
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> %s",
            (self.pid,),
        )
        return {pid for (pid,) in rows}

    def wait_for_writer(self, *, besides: set[int] = frozenset(), seconds: float = 30) -> set[int]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.waiting() - besides
            if found:
                return found
            time.sleep(0.1)
        return set()

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.rollback()
            self.connection.close()


def backends_gone(database: str, pids: set[int], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = sql(database, "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", (list(pids),))
        if not alive:
            return True
        time.sleep(0.2)
    return False


def job_unacknowledged(broker: str, task_id: str) -> bool:
    """Whether Redis holds the job's message as delivered but not acknowledged (kombu's "unacked" hash)."""
    import redis

    client = redis.Redis.from_url(broker)
    return any(task_id.encode() in payload for payload in client.hvals("unacked"))


def stale_state() -> tuple[dict, dict]:
    """Change every figure; return (the rows held now, the rows a clean rebuild gives) with the table left as it was."""
    before = rollup_rows()
    figures_change()
    wanted = clean_rebuild()
    rollup_rows_put(before)
    if before == wanted:
        fail("changing every figure did not change the rollup: nothing to rebuild, nothing would be proved")
    return before, wanted


def pool_process_killed(database: str, worker) -> None:
    from reports.jobs import rollup_all

    before, wanted = stale_state()
    lock = RollupTableLock(database)
    try:
        result = rollup_all.delay()
        first = lock.wait_for_writer()
        if not first:
            fail(f"rollup_all {result.id} never reached the rollup table's lock:\n{log_tail_of(worker)}")
        children = worker.children()
        if len(children) != 1:
            fail(f"expected one pool process of a concurrency-1 worker, found {children}")
        os.kill(children[0], signal.SIGKILL)
        say(
            f"   1. rollup_all {result.id[:8]} inside the rollup (waiting to write): kill -9 its pool process"
        )
        again = lock.wait_for_writer(besides=first, seconds=30)  # the rerun, waiting in its turn
        if not again:
            fail(
                "the job was not run again after its pool process was killed (state "
                f"{result.state}: acknowledged and lost; it needs acks_late and task_reject_on_worker_lost):\n{log_tail_of(worker)}"
            )
        if rollup_rows() != before:
            fail("the killed run changed rollup rows: a rebuild killed half-way must leave them untouched")
    finally:
        lock.release()
    written = result.get(timeout=60)
    problem = differences(rollup_rows(), wanted)
    if problem:
        fail(f"after the rerun: {problem}")
    say(
        f"      the worker ran it again in a new pool process ({written} rows written): equal to a clean rebuild"
    )


def worker_killed(database: str, broker: str, env: dict, workers: list) -> None:
    from reports.jobs import rollup_all

    before, wanted = stale_state()
    lock = RollupTableLock(database)
    try:
        result = rollup_all.delay()
        delivered = time.monotonic()
        blocked = lock.wait_for_writer()
        if not blocked:
            fail(f"rollup_all {result.id} never reached the rollup table's lock:\n{log_tail_of(workers[-1])}")
        workers[-1].kill()
        say(
            f"   2. rollup_all {result.id[:8]} inside the rollup: kill -9 the whole worker (main process and pool)"
        )
        if not job_unacknowledged(broker, result.id):
            fail(
                "the killed worker's job is not held unacknowledged in Redis: it was acknowledged early, lost"
            )
    finally:
        lock.release()
    # The killed run's connection ends once PostgreSQL sees its client gone; what it did is rolled back.
    if not backends_gone(database, blocked):
        fail(f"the killed worker's database sessions {blocked} are still there after 30 s")
    if rollup_rows() != before:
        fail("the killed run left rollup rows changed: a rebuild killed half-way must leave them untouched")
    say("      the job stays unacknowledged in Redis; the previous rollup values stand untouched")
    time.sleep(max(0.0, delivered + VISIBILITY + 1 - time.monotonic()))
    workers.append(worker_start(env, name="ops-worker-2"))
    try:
        written = result.get(timeout=60)
    except Exception as error:  # noqa: BLE001 — a timeout or the job's own error: either way it failed
        fail(f"the job was not redelivered to the new worker ({error!r}):\n{log_tail_of(workers[-1])}")
    if f"rollup_all[{result.id}] received" not in workers[-1].log.read_text(errors="replace"):
        fail("the new worker's log does not show it received the killed worker's job")
    problem = differences(rollup_rows(), wanted)
    if problem:
        fail(f"after the redelivered run: {problem}")
    say(
        f"      a new worker, started after the visibility timeout ({VISIBILITY} s here), received the same job "
        f"and completed it ({written} rows written): equal to a clean rebuild"
    )


def jobs_twice() -> None:
    from reports.jobs import alerts_refresh_all, rollup_all
    from reports.models import Alert

    held = rollup_rows()
    written = rollup_all.delay().get(timeout=60)
    if written or rollup_rows() != held:
        fail(f"rollup_all run again on unchanged figures wrote {written} rows")
    first = alerts_refresh_all.delay().get(timeout=60)
    alerts = list(Alert.objects.order_by("pk").values())
    second = alerts_refresh_all.delay().get(timeout=60)
    if list(Alert.objects.order_by("pk").values()) != alerts or second.get("opened") or second.get("emailed"):
        fail(f"alerts_refresh_all run twice changed alerts: first {first}, second {second}")
    say(
        f"   3. run twice on a real worker: rollup_all wrote 0 rows the second time; alerts_refresh_all left its "
        f"{len(alerts)} alerts as they were (second run: {second})"
    )


def log_tail_of(worker) -> str:
    return "\n".join(worker.log.read_text(errors="replace").splitlines()[-25:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--only",
        choices=("pool", "worker", "twice"),
        help="run one of the three parts (default: all, in order)",
    )
    args = parser.parse_args()
    require_services(redis=True)
    broker = redis_url(BROKER_DB)
    redis_flush(broker)
    started = time.monotonic()
    with scratch_database(DATABASE, keep=args.keep) as database:
        extra = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
        django_setup(database, broker, **extra)
        portal_prepare()
        figures = seed_approved_figures()
        rows = len(clean_rebuild())
        say(
            f"== worker killed mid-rollup: {figures} approved figures, {rows} rollup rows; PostgreSQL {DATABASE}, "
            f"Redis db {BROKER_DB}"
        )
        env = ops_env(database, broker, **extra)
        workers = []
        with workers_stopped(workers):
            workers.append(worker_start(env, name="ops-worker-1"))
            if args.only in (None, "pool"):
                pool_process_killed(database, workers[-1])
            if args.only in (None, "worker"):
                worker_killed(database, broker, env, workers)
            if args.only in (None, "twice"):
                jobs_twice()
            for worker in workers:
                process_stop(worker.process)
        problem = differences(rollup_rows(), clean_rebuild())
        if problem:
            fail(f"at the end: {problem}")
        redis_flush(broker)
    say(f"== worker killed mid-rollup: OK ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    run_main(main)
