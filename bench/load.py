"""The load run (`python -m bench job load SCALE`): reporters saving and submitting figures on their sheets while
office users read the dashboards, through gunicorn on the bench's big database; `make bench` prints `load_p95_ms`.

Accounts: reporters two to a unit over the units typing figures of the main plan (bench.data.TITLE); office users each
with an authenticator (django-otp TOTP) whose code is worked out at sign-in, as the phone would: the second factor is
given as in production. The server: gunicorn on ipcity.wsgi, 5 workers as deploy/systemd/ipcity-web.service, DEBUG off
(bench.load_settings), on a free loopback port of 9300-9349; jobs go to a Celery worker on Redis db 4 (emptied before
and after; eager when no Redis answers), since a submission's job is seconds long at SCALE=1 and production runs it in
the background. The reporters are tests.ops.load's (sign in, open a sheet of the last two quarters, post the whole
form back with one figure typed over or one draft ticked for submission) on the main plan's sheets; an office user
signs in, gives the code, then opens the dashboard pages (bench.measures.PAGES) in turn. People arrive over the first
quarter of the run and stop at its end.

Checked (each failure is a problem the bench prints as a missed target): no 5xx, no request left unanswered, no save
or submission refused but for the portal's own reasons (an edit of an old version, an item a colleague submitted
meanwhile, a note asked for a level's jump); no traceback, worker timeout or failed job in the server's or the
worker's log; in the database every accepted save stored exactly once (history row, audit row, the last one's value
kept), every accepted submission once, nothing stored the client was not told of. Reported: p50/p95 per kind of page,
the p95 over every request but the sign-ins, one left unanswered counted as the 120 s the client waited
(`load_p95_ms`), requests and requests a second.

Size: SCALE=1 runs 200 reporters and 20 office users for 120 s; smaller scales scale them down (at least 4 and 2, for
15 s: about half a minute at CI's SCALE=0.02). Pace: a reporter waits up to LOAD_THINK seconds (default 60) after each
post, so posts every 30 s on average, as someone typing a figure and its note; an office user waits up to
LOAD_OFFICE_THINK (default 20) before the next page. LOAD_REPORTERS, LOAD_OFFICE, LOAD_SECONDS and LOAD_WORKERS
(gunicorn's, default 5) override the sizes.
"""

import contextlib
import math
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.ops.harness import BIN, LOGS, PASSWORD, gunicorn, percentile, process_stop, reachable

from .load_check import marks, saves_check
from .load_people import SIGN_IN, OfficeReader, SheetReporter, merged

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(9300, 9350)
BROKER, BROKER_ENV = "redis://127.0.0.1:6379/4", "BENCH_LOAD_BROKER"
REPORTER_PREFIX, OFFICE_PREFIX = "bench_load_", "bench_load_office"
DEVICE = "基准测试负载"
# A reporter types a rate as <number>.<sequence>: below 60 it stays a percentage and never equals a synthetic rate
# (60-100, bench.data._value), which would save nothing ("保存0项") and fail the run.
HIGHEST_NUMBER = 59
UNANSWERED_S = 120.0  # how long tests.ops.harness.Browser waits for an answer


def sizes(scale: float) -> dict:
    """Reporters, office users, seconds, think time and gunicorn workers of a run at `scale` (the environment's
    LOAD_* override each)."""
    env = os.environ
    return {
        "reporters": int(env.get("LOAD_REPORTERS") or max(4, round(200 * scale))),
        "office": int(env.get("LOAD_OFFICE") or max(2, round(20 * scale))),
        "seconds": float(env.get("LOAD_SECONDS") or max(15, round(120 * scale))),
        "think": float(env.get("LOAD_THINK") or 60),
        "office_think": float(env.get("LOAD_OFFICE_THINK") or 20),
        "workers": int(env.get("LOAD_WORKERS") or 5),
    }


def reporters_spread(*, count: int, units: int, per_unit: int = 2) -> list[tuple[int, int]]:
    """(unit index, number) of each of `count` reporters: `per_unit` colleagues to a unit, over as many units as that
    takes (more to a unit when there are too few), handed out round the units. Numbers run 1-59 (HIGHEST_NUMBER) and
    differ between colleagues of a unit, so two of them never type the same value."""
    used = min(units, math.ceil(count / per_unit))
    colleagues = math.ceil(count / used)
    if colleagues > HIGHEST_NUMBER:
        raise ValueError(f"{count} reporters on {units} units: more than {HIGHEST_NUMBER} to a unit")
    return [(n % used, 1 + ((n % used) * colleagues + n // used) % HIGHEST_NUMBER) for n in range(count)]


def latency_summary(
    latencies: dict[str, list[float]], *, elapsed: float, requests: int, unanswered: int = 0
) -> dict:
    """p50/p95/max in ms and a count per kind of page (latencies in seconds), and over every request but the
    sign-ins (once a person, on arrival: not what the portal answers all day), a request left unanswered counted as
    long as the client waited for it (UNANSWERED_S) rather than not at all."""

    def of(values: list[float]) -> dict:
        return {
            "n": len(values),
            "p50_ms": percentile(values, 50) * 1000,
            "p95_ms": percentile(values, 95) * 1000,
            "max_ms": max(values, default=0) * 1000,
        }

    pages = {kind: of(values) for kind, values in sorted(latencies.items()) if values}
    answered = [s for kind, values in latencies.items() if kind != SIGN_IN for s in values]
    overall = of(answered + [UNANSWERED_S] * unanswered)
    return {
        "pages": pages,
        "p50_ms": overall["p50_ms"],
        "p95_ms": overall["p95_ms"],
        "timed": overall["n"],
        "requests": requests,
        "per_s": requests / elapsed if elapsed > 0 else 0.0,
        "elapsed": elapsed,
    }


# --- accounts ---------------------------------------------------------------------------


def _account(username: str, role: str, unit=None):
    """The account, made with units.services.user_create the first time (a rerun on the same database reuses it)."""
    from units.models import User
    from units.services import user_create

    found = User.objects.filter(username=username).first()
    return found or user_create(
        username=username, password=PASSWORD, role=role, unit=unit, first_name=username
    )


def accounts_make(
    *, plan, reporters: int, office: int
) -> tuple[list[tuple[str, str, int]], list[tuple[str, dict]]]:
    """The reporters ((username, unit code, number)) over the units typing figures of `plan` (not only ratios or
    milestones), and the office users ((username, their authenticator's secret and settings))."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from targets.models import Indicator
    from units.models import Unit, User

    typed = [i.pk for i in plan.indicators.all() if i.kind != Indicator.Kind.MILESTONE and not i.has_ratio]
    units = list(Unit.objects.filter(reported_indicators__in=typed).distinct().order_by("position", "code"))
    people = []
    for unit_index, number in reporters_spread(count=reporters, units=len(units)):
        unit = units[unit_index]
        user = _account(f"{REPORTER_PREFIX}{unit.code}_{number:02d}", User.Role.REPORTER, unit)
        people.append((user.username, unit.code, number))
    readers = []
    for n in range(1, office + 1):
        user = _account(f"{OFFICE_PREFIX}{n:02d}", User.Role.OFFICE)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name=DEVICE, defaults={"confirmed": True})
        settings = {"key": device.bin_key, "step": device.step, "t0": device.t0, "digits": device.digits}
        readers.append((user.username, {**settings, "drift": device.drift}))
    return people, readers


# --- the run ---------------------------------------------------------------------------------------------------


def _server_env(database: str, broker: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", BROKER_ENV)}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings", BENCH_DATABASE_URL=database, PYTHONPATH=str(ROOT)
    )
    if broker:
        env[BROKER_ENV] = broker
    return env


def _errors(path: Path) -> list[str]:
    """The tracebacks, worker timeouts and failed jobs a server's or worker's log shows."""
    log = path.read_text(errors="replace") if path.exists() else ""
    return [x for x in log.splitlines() if "Traceback" in x or "WORKER TIMEOUT" in x or "ERROR/" in x]


@contextlib.contextmanager
def jobs_worker(env: dict[str, str]) -> Iterator[Path | None]:
    """A Celery worker on the broker `env` names, as production runs one: a sheet's submission queues a refresh of its
    plan's alerts, seconds long at SCALE=1, which eager jobs would add to the request. Nothing without a broker."""
    broker = env.get(BROKER_ENV)
    if not broker:
        yield None
        return
    import redis
    from celery import Celery

    redis.Redis.from_url(broker).flushdb()
    log = LOGS / "bench-load-worker.log"
    LOGS.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "celery"), "-A", "ipcity", "worker", "--loglevel=INFO", "--concurrency=1"]
    command += ["--without-gossip", "--without-mingle", "--hostname=bench-load@%h"]
    with open(log, "w") as out:
        worker = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        ping, deadline = Celery("bench-load", broker=broker).control.ping, time.monotonic() + 60
        while not ping(destination=[f"bench-load@{socket.gethostname()}"], timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start: see {log}")
        yield log
    finally:
        process_stop(worker)
        redis.Redis.from_url(broker).flushdb()  # jobs still queued, results: Redis db 4 is left empty


def _crowd(*, plan, people, readers, size: dict, base: str, deadline: float, seed: int) -> tuple[list, list]:
    """The reporters and office users, each waiting for its own start signal; (people, signals). `seed` makes their
    choices and the values they type: the same on a new database, others on one a run has been through (the same
    reporter typing the same value into the same figure again would save nothing, "保存0项", and fail the run)."""
    from django.urls import reverse

    from reports.workflow.validation import figure_places

    from . import measures

    places = {i.pk: figure_places(i) for i in plan.indicators.all()}
    urls, verify_path = measures._urls(plan), reverse("units:second_factor_verify")
    periods = [p.code for p in plan.periods.order_by("year", "quarter")][-2:]  # the quarters being reported
    gates = [threading.Event() for _ in range(len(people) + len(readers))]
    reporters = [
        SheetReporter(
            plan=plan.pk,
            number=number,
            username=username,
            unit=unit,
            periods=periods,
            base=base,
            start=gates[n],
            deadline=deadline,
            submit_share=0.2,
            think=size["think"],
            seed=seed + n,
            places=places,
        )
        for n, (username, unit, number) in enumerate(people)
    ]
    office = [
        OfficeReader(
            username=username,
            device=device,
            urls=urls,
            verify_path=verify_path,
            base=base,
            start=gates[len(people) + n],
            deadline=deadline,
            think=size["office_think"],
            seed=seed + len(people) + n,
        )
        for n, (username, device) in enumerate(readers)
    ]
    for reporter in reporters:
        # Reporter types <number> × 100000 + sequence into a count, <number>.<sequence mod 100> into a rate: both
        # shift with the seed, and a count's stays below the next number's.
        reporter.sequence = seed % 990 * 101
    return reporters + office, gates


def load_run(scale: float) -> dict:
    """Run the load on the current database (bench.settings) through gunicorn; the summary, the counts and the
    problems found (none when everything held)."""
    from django.db import connections

    from targets.models import WorkPlan

    from . import data

    size = sizes(scale)
    plan = WorkPlan.objects.get(title=data.TITLE)
    people, readers = accounts_make(plan=plan, reporters=size["reporters"], office=size["office"])
    broker = BROKER if reachable(6379) else ""
    env = _server_env(os.environ["BENCH_DATABASE_URL"], broker)
    jobs = "a Celery worker on Redis db 4" if broker else "eager (no Redis answers on 127.0.0.1:6379)"
    units = len({u for _, u, _ in people})
    sys.stdout.write(
        f"   load: {len(people)} reporters on {units} units, {len(readers)} office users, {size['seconds']:g} s "
        f"(think ≤ {size['think']:g} s / ≤ {size['office_think']:g} s); gunicorn {size['workers']} workers, jobs {jobs}\n"
    )
    since = marks()
    connections.close_all()  # nothing of this process's stays open on the database while the server works
    with (
        jobs_worker(env) as worker_log,
        gunicorn(env, name="bench-load", workers=size["workers"], ports=PORTS) as server,
    ):
        began = time.monotonic()
        crowd, gates = _crowd(
            plan=plan,
            people=people,
            readers=readers,
            size=size,
            base=server.url,
            deadline=began + size["seconds"],
            seed=since["history"] + 1,
        )
        for person in crowd:
            person.start()
        order = list(range(len(crowd)))
        random.Random(3).shuffle(order)  # reporters and office users come in mixed, over the first quarter
        for step, n in enumerate(order):
            time.sleep(max(0.0, began + size["seconds"] / 4 * step / len(order) - time.monotonic()))
            gates[n].set()
        for person in crowd:
            person.join(max(1.0, began + size["seconds"] - time.monotonic()) + 180)
        elapsed = time.monotonic() - began
        hung = [person.name for person in crowd if person.is_alive()]
        queued = redis_queued(broker)
        # Read before the worker is stopped: its pool process, stopped with it, logs an error of its own.
        logged = {path: _errors(path) for path in (server.log, worker_log) if path}
    outcome = merged(crowd)
    problems = list(outcome.problems)
    if hung:
        problems.append(f"{len(hung)} people still waiting for an answer at the end: {', '.join(hung[:5])}")
    for path, errors in logged.items():
        if errors:
            problems.append(f"{len(errors)} errors in {path.relative_to(ROOT)}: {errors[:3]}")
    if not outcome.counts["saves_accepted"]:
        problems.append("no save was accepted: nothing was checked")
    problems += saves_check(outcome, plan=plan, since=since)
    return {
        **latency_summary(
            outcome.latencies,
            elapsed=elapsed,
            requests=outcome.counts["requests"],
            unanswered=outcome.counts["no_answer"],
        ),
        **size,
        "units": units,
        "jobs": jobs,
        "jobs_queued_at_end": queued,
        "counts": dict(outcome.counts),
        "figures_checked": len({*outcome.saves, *outcome.submits}),
        "problems": problems,
        "loadavg": os.getloadavg(),
    }


def redis_queued(broker: str) -> int | None:
    """Jobs waiting in the broker's default queue (none without a broker)."""
    if not broker:
        return None
    import redis

    return redis.Redis.from_url(broker).llen("celery")
