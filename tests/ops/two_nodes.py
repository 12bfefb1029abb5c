"""Two web nodes on one PostgreSQL, one Redis and one object store (issue 20, item 6): what one node writes the other
serves, beat started on both sends each schedule once, and a node killed mid-load loses no accepted save.

    .venv/bin/python -m tests.ops.two_nodes [--reporters 6] [--seconds 20]      (.ci/run runs it)

A scratch database (ipcity_ops_two_nodes), Redis db 5 and a bucket of moto's S3 server (started and stopped here) are
shared by two gunicorn nodes A and B, a Celery worker and two `celery beat`s, each beat with a schedule file of its
own and a schedule of one entry due every few seconds (tests/ops/two_nodes_settings.py). Loopback ports 9150-9199.
Each person's browser goes through a round-robin balancer over the nodes, or to one node by name. It fails (exit 1)
with what it saw unless:

1. a figure saved through A shows on B's sheet; evidence uploaded through A downloads through B byte for byte as it
   is in the bucket; the office's approval through B shows on A; a bulletin the worker writes downloads through A
   and through B, both identical to the bucket's object;
2. with node B killed (SIGKILL of its master and workers) 40% into the load of reporters saving figures, every save
   a reporter was told was saved is in its figure's history and none it was told was refused; requests go to A once
   B refuses connections, and only those in flight at the kill go unanswered;
3. the two beats never both send the entry (tests/ops/two_nodes_beat.py: sends never half an interval apart, on
   average an interval apart), and when the one holding the lock stops (SIGTERM, as systemd stops it, at the moment
   B is killed) the other goes on within its lock's renewal time.
"""

import argparse
import contextlib
import logging
import os
import random
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from .harness import (
    PASSWORD,
    Balancer,
    Browser,
    Page,
    Response,
    accounts_create,
    django_setup,
    fail,
    free_port,
    gunicorn,
    ops_env,
    portal_prepare,
    process_stop,
    redis_flush,
    redis_url,
    require_services,
    run_main,
    say,
    scratch_database,
    worker_start,
)
from .two_nodes_beat import BEAT_SETTINGS, BEATS, TICK, beat_holder, beat_once, beat_start

DATABASE = "ipcity_ops_two_nodes"
BROKER_DB = 5
PORTS = range(9150, 9200)
BUCKET = "ipcity-two-nodes"
S3_KEYS = {"S3_ACCESS_KEY_ID": "two-nodes", "S3_SECRET_ACCESS_KEY": "two-nodes-secret"}  # moto checks none
UNIT, PERIOD = "jingyang", "2025Q2"  # the sheet of part 1; part 2's reporters each have another
EVIDENCE = "两节点测试佐证.pdf"  # test data


def timed(what: str, started: float) -> None:
    say(f"   {what} ({time.monotonic() - started:.1f} s)")


def answered(response: Response, what: str, status: int = 200) -> Response:
    if response.status != status:
        title = re.search(r"<title>(.*?)</title>", response.body, re.S)  # a page says what it is in its title
        shown = title[1].strip() if title else repr(response.body[:300])
        fail(f"{what}: HTTP {response.status}, expected {status}: {shown}")
    return response


def item_post(browser: Browser, path: str, what: str, data: list, file: tuple | None = None) -> None:
    """Post an item page's form with its CSRF token, as its buttons do: answered with a redirect."""
    token = Page.parse(answered(browser.get(path), what).body, form_id=None).csrf
    answered(browser.request("POST", path, [("csrfmiddlewaretoken", token), *data], file), what, 302)


@contextlib.contextmanager
def s3_server() -> Iterator[tuple[dict[str, str], object]]:
    """moto's S3 server on a loopback port of PORTS with an empty bucket, stopped at the end; S3_* and a client."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port(PORTS)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "S3_BUCKET": BUCKET, **S3_KEYS}
        keys = {"aws_access_key_id": S3_KEYS["S3_ACCESS_KEY_ID"], "aws_secret_access_key": "two-nodes-secret"}
        client = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name="us-east-1", **keys)
        client.create_bucket(Bucket=BUCKET)
        yield env, client
    finally:
        server.stop()


def figure_approved_across(reporter: Balancer, office: Balancer, bucket, *, indicator: int) -> None:
    """Part 1 for one figure: saved through A, seen on B; its evidence through A, downloaded through B; approved
    through B, seen on A."""
    from reports.models import Evidence

    a, b = reporter.via
    sheet, item = f"/report/{UNIT}/{PERIOD}/", f"/report/{UNIT}/{PERIOD}/figure/{indicator}/"
    started = time.monotonic()
    typed = {f"f{indicator}-value": "4321", f"f{indicator}-note": "两节点测试数据"}
    data = Page.parse(answered(a.get(sheet), "the sheet on A").body).form_data(action="save", values=typed)
    answered(a.post(sheet, data), "saving a figure through A", 302)
    seen = Page.parse(answered(b.get(sheet), "the sheet on B").body).value(f"f{indicator}-value")
    if seen is None or Decimal(seen) != 4321:
        fail(f"a figure saved through A as 4321 shows as {seen!r} on B's sheet")
    timed("a figure saved through A shows on B's sheet", started)

    started = time.monotonic()
    content = b"%PDF-1.4\n% test evidence of tests/ops/two_nodes.py\n" + os.urandom(64 * 1024)
    item_post(a, item, "evidence uploaded through A", [("action", "upload")], ("file", EVIDENCE, content))
    evidence = Evidence.objects.filter(original_name=EVIDENCE).first() or fail(
        f"evidence uploaded through A was not stored: {Page.parse(a.get(item).body, form_id=None).messages}"
    )
    link = f"/evidence/{evidence.token}/"
    if link not in answered(b.get(item), "the item page on B").body:
        fail(f"the item page on B does not list the evidence uploaded through A ({link})")
    stored = bucket.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    got = answered(
        b.get(link), "the evidence uploaded through A, downloaded through B (same storage?)"
    ).content
    if not stored == got == content:
        fail(f"evidence of {len(content)} bytes through A: {len(stored)} in the bucket, {len(got)} through B")
    timed(
        f"evidence uploaded through A ({len(got) // 1024} KB) downloads through B as in the bucket", started
    )

    started = time.monotonic()
    item_post(a, item, "submitting through A", [("action", "submit")])
    item_post(office.via[1], item, "approving through B", [("action", "approve")])
    row = Page.parse(answered(a.get(sheet), "the sheet on A").body).rows.get(f"f{indicator}")
    if row is None or row.status != "approved":
        fail(f"the office approved the figure through B; A's sheet shows it {row and row.status!r}")
    timed("the office's approval through B shows on A's sheet", started)


def bulletin_from_worker(office: Balancer, bucket) -> None:
    """Part 1, the bulletin: asked for through A, written by the worker, downloaded through A and through B."""
    from reports.models import Document
    from targets.models import Period, WorkPlan

    started = time.monotonic()
    plan = WorkPlan.objects.get()
    period = Period.objects.get(plan=plan, year=int(PERIOD[:4]), quarter=int(PERIOD[-1]))
    token = Page.parse(answered(office.via[0].get("/documents/"), "documents on A").body, form_id=None).csrf
    form = [("csrfmiddlewaretoken", token), ("plan", plan.pk), ("kind", "bulletin"), ("period", period.pk)]
    answered(office.via[0].post("/documents/new/", form), "asking A for a bulletin", 302)
    document, deadline = Document.objects.latest("pk"), time.monotonic() + 120
    while '"done"' not in (state := office.request("GET", f"/documents/{document.pk}/status/").body):
        if '"failed"' in state or time.monotonic() > deadline:
            fail(f"the worker did not write the bulletin within 120 s: {state}")
        time.sleep(0.5)
    document.refresh_from_db()
    stored = bucket.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read()
    path = f"/documents/{document.pk}/download/"
    through = [answered(node.get(path), f"the bulletin through {node.base}").content for node in office.via]
    if not stored or through != [stored, stored]:
        fail(f"the bulletin: {len(stored)} bytes in the bucket, {[len(c) for c in through]} through A and B")
    timed(
        f"a bulletin the worker wrote ({len(stored) // 1024} KB) downloads through A and B as stored", started
    )


class Reporter(threading.Thread):
    """Saves one figure of its own sheet (a unit's quarter no one else types on) after another through the balancer
    until the deadline, each with a value of its own, and notes what it was told: saved, refused, or nothing."""

    def __init__(self, number: int, username: str, sheet: tuple, nodes: list, deadline: float, places: dict):
        super().__init__(name=username, daemon=True)
        self.username, self.sheet, self.deadline, self.places = (
            username,
            sheet,
            deadline,
            places,
        )  # (unit, period)
        self.client, self.random, self.sequence = Balancer(nodes), random.Random(number), 0
        self.accepted: list[tuple[int, int, Decimal, str]] = []  # (indicator, version saved, value, by whom)
        self.unanswered: list[tuple[int, Decimal]] = []  # sent, never answered: stored or not, both are right
        self.lost_gets, self.problems, self.killed = 0, [], threading.Event()

    def run(self) -> None:
        path, page = f"/report/{self.sheet[0].code}/{self.sheet[1].code}/", None
        try:
            self.client.via[0].login(self.username, PASSWORD)
        except Exception as error:  # noqa: BLE001 — whatever it was, the run fails with it
            self.problems.append(f"{self.username} could not sign in: {error}")
            return
        while time.monotonic() < self.deadline:
            if page is None:
                try:
                    response = self.client.request("GET", path)
                except OSError as error:
                    self.lost_gets += 1
                    self._unanswered(f"GET {path}: no answer ({error!r})")
                    continue
                page = Page.parse(response.body)
            keys = [key for key in page.rows if key[0] == "f" and page.value(f"{key}-value") is not None]
            if not keys:
                self.problems.append(f"{self.username} GET {path}: HTTP {response.status}, no figure to type")
                return
            key = self.random.choice(keys)
            # A value no other save of the figure has: its history then shows which saves it holds.
            self.sequence += 1
            value = Decimal(self.sequence) / (1 if self.places[int(key[1:])] == 0 else 100)
            based_on = int(page.value(f"{key}-version") or 0)
            typed = {f"{key}-value": str(value), f"{key}-note": "两节点负载测试"}
            data = page.form_data(action="save", values=typed)
            page = None
            try:
                response = self.client.request("POST", path, data)
            except OSError as error:
                self.unanswered.append((int(key[1:]), value))
                self._unanswered(f"save: no answer ({error!r})")
                continue
            if response.status == 302 and "saved=1" in response.location:
                by = "AB"[self.client.node] + (" after the kill" if self.killed.is_set() else "")
                self.accepted.append((int(key[1:]), based_on + 1, value, by))
            else:
                self.problems.append(f"{self.username} save: HTTP {response.status} {response.body[:200]!r}")

    def _unanswered(self, what: str) -> None:
        if not self.killed.is_set():
            self.problems.append(f"{self.username} {what}, and no node had been killed")


def load_with_a_node_killed(args, nodes: list[str], node_b, beat_holder, places: dict) -> list[Reporter]:
    """Part 2 (and the start of part 3): reporters save round-robin; 40% in, node B is killed and the beat holding
    the lock is stopped."""
    from targets.models import Indicator, Period
    from units.models import Unit, User

    typed = [i.pk for i in Indicator.objects.all() if i.kind != Indicator.Kind.MILESTONE and not i.has_ratio]
    units = list(Unit.objects.filter(reported_indicators__in=typed).distinct().order_by("position"))
    periods = list(
        Period.objects.exclude(year=int(PERIOD[:4]), quarter=int(PERIOD[-1])).order_by("-year", "-quarter")
    )
    sheets = [(unit, period) for period in periods for unit in units][: args.reporters]
    if len(sheets) < args.reporters:
        fail(f"only {len(sheets)} sheets (units × quarters) to type on; ask for fewer reporters")
    # accounts_create gives the units in turn: reporter n types on units[n % len(units)], in its own quarter.
    names = accounts_create(
        prefix="twonodes-load", role=User.Role.REPORTER, units=units, count=args.reporters
    )
    deadline = time.monotonic() + args.seconds
    reporters = [Reporter(n, name, sheets[n - 1], nodes, deadline, places) for n, name in enumerate(names, 1)]
    for reporter in reporters:
        reporter.start()
    time.sleep(args.seconds * 0.4)
    for reporter in reporters:
        reporter.killed.set()
    os.killpg(node_b.process.pid, signal.SIGKILL)  # its master and workers: one process group
    node_b.process.wait(10)
    beat_holder.send_signal(signal.SIGTERM)
    for reporter in reporters:
        reporter.join(args.seconds + 120)
    if any(reporter.is_alive() for reporter in reporters):
        fail("reporters still waiting for an answer 120 s after the end of the load")
    return reporters


def saves_kept(reporters: list[Reporter]) -> None:
    """Part 2's check: every save answered as saved is in its figure's history (as the version it made), no other
    save is but those never answered, and only requests in flight at the kill went unanswered."""
    from reports.models import Submission

    problems = [p for r in reporters for p in r.problems]
    if problems:
        fail(f"{len(problems)} requests went wrong:\n   " + "\n   ".join(problems[:10]))
    history: dict[tuple, dict] = {}  # (unit, period, indicator) → {value saved: version}
    for unit, period, indicator, version, value in Submission.history.model.objects.filter(
        action__in=("create", "save")
    ).values_list("unit_id", "period_id", "indicator_id", "version", "value"):
        history.setdefault((unit, period, indicator), {})[value] = version
    by_node = Counter()
    for r in reporters:
        sheet = (r.sheet[0].pk, r.sheet[1].pk)
        for indicator, version, value, by in r.accepted:
            by_node[by] += 1
            if history.get((*sheet, indicator), {}).get(value) != version:
                fail(
                    f"{r.username} was told its save of {value} (indicator {indicator}, version {version}) was saved "
                    f"by {by}; it is not in the figure's history: an accepted save was lost"
                )
        told = {(i, value) for i, _, value, _ in r.accepted} | set(r.unanswered)
        stored = {(key[2], value) for key, saves in history.items() if key[:2] == sheet for value in saves}
        if stored - told:
            fail(
                f"{r.username} was told these saves were refused; they are stored: {sorted(stored - told)[:5]}"
            )
    unanswered = sum(len(r.unanswered) + r.lost_gets for r in reporters)
    if unanswered > len(reporters):
        fail(f"{unanswered} requests unanswered: more than the {len(reporters)} in flight at the kill")
    if not by_node["B"] or not by_node["A after the kill"]:
        fail(f"accepted saves {dict(by_node)}: the load did not reach B before the kill and A after it")
    say(
        f"   {by_node.total()} saves answered as saved (before the kill A {by_node['A']}, B {by_node['B']}; after it "
        f"A {by_node['A after the kill']}) all in the figures' history, none of the others; "
        f"{sum(r.client.failovers for r in reporters)} requests refused by B went to A; {unanswered} in flight at "
        "the kill unanswered"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=6, help="reporters saving while node B is killed")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load; node B is killed 40%% in")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database for a look afterwards")
    args = parser.parse_args()
    require_services(redis=True)
    broker = redis_url(BROKER_DB)
    redis_flush(broker)
    began = time.monotonic()
    with scratch_database(DATABASE, keep=args.keep) as database, s3_server() as (s3_env, bucket):
        django_setup(database, broker, **s3_env)
        portal_prepare()
        from reports.workflow.validation import figure_places
        from targets.models import Indicator
        from units.models import Unit, User

        unit = Unit.objects.get(code=UNIT)
        indicator = next(
            i
            for i in Indicator.objects.filter(reporting_units=unit).order_by("position", "id")
            if i.kind != Indicator.Kind.MILESTONE and not i.has_ratio
        )
        places = {i.pk: figure_places(i) for i in Indicator.objects.all()}
        [reporter] = accounts_create(
            prefix="twonodes-reporter", role=User.Role.REPORTER, units=[unit], count=1
        )
        [office] = accounts_create(prefix="twonodes-office", role=User.Role.OFFICE, units=[], count=1)
        env = ops_env(database, broker, CHART_BROWSER="", DB_CONN_MAX_AGE="60", **s3_env)
        beat_env = {**env, "DJANGO_SETTINGS_MODULE": BEAT_SETTINGS, "TWO_NODES_TICK_SECONDS": str(TICK)}
        say(
            f"== two nodes: PostgreSQL {DATABASE}, Redis db {BROKER_DB}, {s3_env['S3_ENDPOINT_URL']}/{BUCKET}"
        )
        with (
            contextlib.ExitStack() as stopped_at_the_end,
            gunicorn(env, name="two-nodes-a", workers=2, ports=PORTS) as node_a,
            gunicorn(env, name="two-nodes-b", workers=2, ports=PORTS) as node_b,
        ):
            stopped_at_the_end.callback(process_stop, worker_start(env, name="two-nodes-worker").process)
            beats = {name: beat_start(beat_env, name=name) for name in BEATS}
            for process in beats.values():
                stopped_at_the_end.callback(process_stop, process)
            nodes = [node_a.url, node_b.url]
            timed(f"nodes A {node_a.url} and B {node_b.url}, a worker and two beats started", began)
            people = {name: Balancer(nodes) for name in (reporter, office)}
            for name, person in people.items():
                person.via[0].login(name, PASSWORD)
            figure_approved_across(people[reporter], people[office], bucket, indicator=indicator.pk)
            bulletin_from_worker(people[office], bucket)
            holder = beat_holder()
            started = time.monotonic()
            saves_kept(load_with_a_node_killed(args, nodes, node_b, beats[holder], places))
            timed(
                f"{args.reporters} reporters, {args.seconds:g} s, B killed {args.seconds * 0.4:g} s in",
                started,
            )
            beat_once(holder)
        redis_flush(broker)
    say(f"== two nodes: OK ({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    run_main(main)
