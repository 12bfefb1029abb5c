"""Load: concurrent reporters save and submit figures on the quarterly sheet, through gunicorn, on PostgreSQL.

    .venv/bin/python -m tests.ops.load --reporters 50 --seconds 120      (make load; .ci/run runs a short form)

A scratch database (ipcity_ops_load) gets the plan and one account per reporter, spread over the units that report
figures, several to a unit, so people of one unit meet on one sheet as colleagues do. Each reporter signs in through
/login/ with its CSRF token, opens a quarter's sheet and posts the whole form back as a browser does, with one
figure typed over (a value no other save uses) or one saved draft ticked for submission; now and then it moves to
another quarter. Meanwhile anonymous visitors read the public page (公开, /public/ and /public/<plan>/), on which the
office has published the first three goal areas' indicators. The server is gunicorn serving ipcity.wsgi with DEBUG
off; jobs go to a real Celery worker.

It fails (exit 1) when any request gets a 5xx or no answer, when a save or submission is answered with anything but
what the portal says on purpose when colleagues meet on one sheet (an edit based on an old version, an item a
colleague submitted meanwhile or first: each counted by name in the report), or when the database does not hold
every save the server accepted exactly once: each figure once, with the value of the last accepted save, one history
row and one audit row per accepted save, one per accepted submission, and nothing the client was not told was
stored; and when a public page is anything but a 200 that lists the published indicators and none of the others.
Latencies are reported (p50/p95, the public page's apart), not asserted.
"""

import argparse
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .harness import (
    PASSWORD,
    Browser,
    Page,
    accounts_create,
    counts_in,
    django_setup,
    fail,
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
    workers_stopped,
)

DATABASE = "ipcity_ops_load"
BROKER_DB = 7
# What the portal answers on purpose when colleagues work on one sheet at once, each counted under its own name in
# the report; any other refusal or message fails the run. A save or a submission based on an old version (a
# colleague changed the figure between this page and this post) is refused with reports.workflow.drafts.stale_edit's
# words, ending in these; one on an item a colleague submitted meanwhile with drafts._not_editable's (此项已提交，
# 不能修改); a submission of an item a colleague submitted first changes nothing (services.item_submit), and the
# page then shows it submitted.
STALE_SAVE, STALE_SUBMIT = "您的修改未保存", "此项未提交"
STALE = (STALE_SAVE, STALE_SUBMIT)
LOCKED = "不能修改"
# The statuses of an item submitted, to its unit's review or to the office.
SENT = ("pending", "submitted", "approved")
SAVE_ACTIONS = ("create", "save")  # the history actions of a draft save (reports.models.ItemAction)
SUBMIT_ACTIONS = ("submit", "resubmit")
# The public page: a published indicator's row (area 1) is on it, an unpublished one's (area 5) never; visitors pause
# up to this many seconds between pages.
PUBLISHED_ROW, UNPUBLISHED_ROW = 'data-code="1.1"', 'data-code="5.1"'
VISITOR_PAUSE = 0.5


@dataclass
class Outcome:
    """One reporter's tally; the accepted saves and submissions are what the database is checked against."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: Counter = field(default_factory=Counter)
    # (unit code, indicator id, period code) → [(version the save was based on, value)]
    saves: dict[tuple, list[tuple[int, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    submits: Counter = field(default_factory=Counter)
    problems: list[str] = field(
        default_factory=list
    )  # 5xx, no answer, unexpected refusals: each fails the run


class Reporter(threading.Thread):
    def __init__(
        self,
        *,
        number: int,
        username: str,
        unit: str,
        periods: list[str],
        base: str,
        start: threading.Event,
        deadline: float,
        submit_share: float,
        think: float,
        seed: int,
        places: dict[int, int],
    ) -> None:
        super().__init__(name=username, daemon=True)
        self.number, self.username, self.unit, self.periods = number, username, unit, periods
        self.browser = Browser(base)
        self.start_gate, self.deadline = start, deadline
        self.submit_share, self.think = submit_share, think
        self.random = random.Random(seed)
        self.outcome = Outcome()
        self.sequence = 0
        self.places = places  # indicator id → the decimals its figures take (reports.workflow.validation)

    # -- requests, timed and checked for 5xx or no answer -------------------------------------------------------
    def _request(self, kind: str, method: str, path: str, data=None):
        self.outcome.counts["requests"] += 1
        try:
            response = self.browser.request(method, path, data)
        except OSError as error:  # refused, reset, timed out: the server gave no answer
            self.outcome.counts["no_answer"] += 1
            self.outcome.problems.append(f"{self.username} {method} {path}: no answer ({error!r})")
            return None
        self.outcome.latencies[kind].append(response.seconds)
        if response.status >= 500:
            self.outcome.counts["5xx"] += 1
            self.outcome.problems.append(f"{self.username} {method} {path}: HTTP {response.status}")
            return None
        if response.status not in (200, 302):
            self.outcome.counts[f"http_{response.status}"] += 1
            self.outcome.problems.append(
                f"{self.username} {method} {path}: HTTP {response.status} {response.body[:200]!r}"
            )
            return None
        return response

    def _sheet(self, period: str) -> Page | None:
        response = self._request("sheet", "GET", self._path(period))
        return Page.parse(response.body) if response is not None and response.status == 200 else None

    def _path(self, period: str) -> str:
        return f"/report/{self.unit}/{period}/"

    def _after_post(self, response) -> tuple[Page | None, str, Page | None]:
        """(the sheet shown next, its message, the page that answered the post if it was re-rendered)."""
        if response.status == 302:
            if "saved=1" not in response.location:
                self.outcome.problems.append(f"{self.username}: a post redirected to {response.location}")
                return None, "", None
            shown = self._request("sheet", "GET", response.location)
            if shown is None:
                return None, "", None
            page = Page.parse(shown.body)
            return page, " ".join(page.messages), None
        page = Page.parse(response.body)
        return None, " ".join(page.messages), page  # shown again with errors: reload before the next edit

    # -- what a reporter does ---------------------------------------------------------------------------------
    def run(self) -> None:
        self.start_gate.wait()
        started = time.perf_counter()
        try:
            self.browser.login(self.username, PASSWORD)
        except Exception as error:  # noqa: BLE001 — whatever it was, the run fails with it
            self.outcome.problems.append(f"{self.username} could not sign in: {error}")
            return
        self.outcome.latencies["sign-in"].append(time.perf_counter() - started)
        period, page = self.random.choice(self.periods), None
        while time.monotonic() < self.deadline:
            if page is None or self.random.random() < 0.15:
                period = self.random.choice(self.periods)
                page = self._sheet(period)
                if page is None:
                    continue
            figures = [
                r
                for r in page.rows.values()
                if r.key.startswith("f") and page.value(f"{r.key}-value") is not None
            ]
            drafts = [r for r in figures if r.status in ("draft", "returned")]
            if not figures:  # everything of this quarter is submitted: another quarter
                page = None
                continue
            if drafts and self.random.random() < self.submit_share:
                page = self._submit(period, page, self.random.choice(drafts).key)
            else:
                page = self._save(period, page, self.random.choice(figures).key)
            if self.think:
                time.sleep(self.random.uniform(0, self.think))

    def _save(self, period: str, page: Page, key: str) -> Page | None:
        self.sequence += 1
        # A value the indicator accepts (a count takes none, others two decimals; a rate at most 100): unique to
        # this reporter's saves of a count, among its last hundred of anything else.
        if self.places.get(int(key[1:]), 2) == 0:
            value = Decimal(self.number * 100_000 + self.sequence)
        else:
            value = Decimal(f"{self.number}.{self.sequence % 100:02d}")
        based_on = int(page.value(f"{key}-version") or 0)
        data = page.form_data(
            action="save",
            values={
                f"{key}-value": str(value),
                f"{key}-note": f"负载测试：{self.username} 第{self.sequence}次保存",
            },
        )
        self.outcome.counts["saves"] += 1
        response = self._request("save", "POST", self._path(period), data)
        if response is None:
            return None
        shown, message, answered = self._after_post(response)
        row = answered.rows.get(key) if answered else None
        if answered is not None:
            self.outcome.counts["collateral"] += sum(
                1 for r in answered.rows.values() if r.errors and r.key != key
            )
        if row is not None and row.errors:
            self._refused("save", row.errors)
        elif counts_in(message, "保存") == 1:
            self.outcome.counts["saves_accepted"] += 1
            self.outcome.saves[(self.unit, int(key[1:]), period)].append((based_on, value))
        elif self._sent(shown, key):
            # A colleague submitted the item between this page and this post: locked, so nothing was saved.
            self.outcome.counts["save_on_locked"] += 1
        else:
            self.outcome.problems.append(f"{self.username} {period} {key}: save answered “{message}”")
        return shown

    def _submit(self, period: str, page: Page, key: str) -> Page | None:
        data = page.form_data(action="submit_selected", ticked=frozenset({f"{key}-submit"}))
        self.outcome.counts["submits"] += 1
        response = self._request("submit", "POST", self._path(period), data)
        if response is None:
            return None
        shown, message, answered = self._after_post(response)
        row = answered.rows.get(key) if answered else None
        if answered is not None:
            self.outcome.counts["collateral"] += sum(
                1 for r in answered.rows.values() if r.errors and r.key != key
            )
        if row is not None and row.errors:
            self._refused("submit", row.errors)
        elif counts_in(message, "提交") == 1:
            self.outcome.counts["submits_accepted"] += 1
            self.outcome.submits[(self.unit, int(key[1:]), period)] += 1
        elif counts_in(message, "提交") == 0 and self._sent(shown, key):
            # A colleague submitted it first: nothing done (no 提交N项 in the message), and the page shows it sent.
            self.outcome.counts["submits_already"] += 1
        else:
            self.outcome.problems.append(f"{self.username} {period} {key}: submission answered “{message}”")
        return shown

    @staticmethod
    def _sent(shown: Page | None, key: str) -> bool:
        return shown is not None and key in shown.rows and shown.rows[key].status in SENT

    def _refused(self, what: str, errors: list[str]) -> None:
        if any(marker in e for e in errors for marker in STALE):
            self.outcome.counts[f"{what}_conflicts"] += 1
        elif any(LOCKED in e for e in errors):  # locked by a colleague's submission during this post
            self.outcome.counts[f"{what}_on_locked"] += 1
        else:
            self.outcome.problems.append(f"{self.username}: {what} refused with “{' '.join(errors)}”")


class Visitor(threading.Thread):
    """Someone who is not signed in reading the public page, now the first published plan, now the plan's own page."""

    def __init__(
        self, *, number: int, base: str, paths: list[str], start: threading.Event, deadline: float, seed: int
    ) -> None:
        super().__init__(name=f"visitor{number:02d}", daemon=True)
        self.browser = Browser(base)  # no sign-in: no session, no cookie
        self.paths, self.start_gate, self.deadline = paths, start, deadline
        self.random = random.Random(seed)
        self.outcome = Outcome()

    def run(self) -> None:
        self.start_gate.wait()
        while time.monotonic() < self.deadline:
            path = self.random.choice(self.paths)
            self.outcome.counts["requests"] += 1
            self.outcome.counts["public"] += 1
            try:
                response = self.browser.get(path)
            except OSError as error:
                self.outcome.counts["no_answer"] += 1
                self.outcome.problems.append(f"{self.name} GET {path}: no answer ({error!r})")
                continue
            self.outcome.latencies["public"].append(response.seconds)
            if response.status >= 500:
                self.outcome.counts["5xx"] += 1
                self.outcome.problems.append(f"{self.name} GET {path}: HTTP {response.status}")
            elif response.status != 200:
                self.outcome.counts[f"http_{response.status}"] += 1
                self.outcome.problems.append(f"{self.name} GET {path}: HTTP {response.status}")
            elif PUBLISHED_ROW not in response.body or UNPUBLISHED_ROW in response.body:
                self.outcome.problems.append(f"{self.name} GET {path}: not the published indicators")
            time.sleep(self.random.uniform(0, VISITOR_PAUSE))


def public_publish() -> list[str]:
    """The office publishes the first three goal areas' indicators up to the plan's last quarter (public.services);
    returns the public pages' paths."""
    from public.services import publication_update
    from targets.models import Period, WorkPlan
    from units.models import User

    plan = WorkPlan.objects.get()
    [office] = accounts_create(prefix="loadoffice", role=User.Role.OFFICE, units=[], count=1)
    publication_update(
        user=User.objects.get(username=office),
        plan=plan,
        published=True,
        indicators=plan.indicators.filter(area__number__in=["1", "2", "3"]),
        through=Period.objects.filter(plan=plan).order_by("year", "quarter").last(),
        show_units=False,
    )
    return ["/public/", f"/public/{plan.pk}/"]


def _tracebacks(log: str, limit: int = 2) -> str:
    """The server's first tracebacks, each to its exception line, so a failed CI run says what went wrong."""
    lines, shown, taking = log.splitlines(), [], False
    for line in lines:
        if "Traceback" in line:
            if len([s for s in shown if "Traceback" in s]) == limit:
                break
            taking = True
        if taking:
            shown.append(line)
            if line and not line.startswith((" ", "Traceback", "During handling", "The above exception")):
                taking = False
    return "\n".join(shown) if shown else "(gunicorn logged no traceback)"


def _merge(reporters: list[Reporter | Visitor]) -> Outcome:
    total = Outcome()
    for reporter in reporters:
        o = reporter.outcome
        for kind, values in o.latencies.items():
            total.latencies[kind].extend(values)
        total.counts.update(o.counts)
        for key, saves in o.saves.items():
            total.saves[key].extend(saves)
        total.submits.update(o.submits)
        total.problems.extend(o.problems)
    return total


def main() -> None:
    from .load_check import check_database, report  # beside this script: they read its Outcome

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--visitors", type=int, default=10, help="anonymous readers of the public page")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--submit-share", type=float, default=0.2, help="share of posts that submit a draft")
    parser.add_argument("--think", type=float, default=0.0, help="up to this many seconds between posts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database for a look afterwards")
    args = parser.parse_args()
    require_services(redis=True)
    broker = redis_url(BROKER_DB)
    redis_flush(broker)
    with scratch_database(DATABASE, keep=args.keep) as database:
        django_setup(database, broker)
        portal_prepare()
        from targets.models import Indicator, Period
        from units.models import Unit, User

        # The units with a figure typed as one value (not a ratio, not a milestone): their reporters' sheets.
        single = [
            i.pk for i in Indicator.objects.all() if i.kind != Indicator.Kind.MILESTONE and not i.has_ratio
        ]
        units = list(
            Unit.objects.filter(reported_indicators__in=single).distinct().order_by("position", "code")
        )
        from reports.workflow.validation import figure_places

        places = {i.pk: figure_places(i) for i in Indicator.objects.all()}
        names = accounts_create(prefix="load", role=User.Role.REPORTER, units=units, count=args.reporters)
        public_paths = public_publish()
        periods = [p.code for p in Period.objects.order_by("year", "quarter")]
        env = ops_env(database, broker, DB_CONN_MAX_AGE="60")
        say(
            f"== load: {args.reporters} reporters over {len(units)} units × {len(periods)} quarters for "
            f"{args.seconds:g} s, {args.visitors} anonymous visitors of the public page; gunicorn "
            f"{args.workers}×{args.threads}, PostgreSQL {DATABASE}, a Celery worker on Redis db {BROKER_DB}"
        )
        workers = []
        with (
            workers_stopped(workers),
            gunicorn(env, name="load", workers=args.workers, threads=args.threads) as server,
        ):
            workers.append(worker_start(env, name="ops-load"))
            gate = threading.Event()
            deadline = time.monotonic() + args.seconds
            reporters = [
                Reporter(
                    number=n,
                    username=name,
                    unit=User.objects.get(username=name).unit.code,
                    periods=periods,
                    base=server.url,
                    start=gate,
                    deadline=deadline,
                    submit_share=args.submit_share,
                    think=args.think,
                    seed=args.seed * 1000 + n,
                    places=places,
                )
                for n, name in enumerate(names, 1)
            ]
            visitors = [
                Visitor(
                    number=n,
                    base=server.url,
                    paths=public_paths,
                    start=gate,
                    deadline=deadline,
                    seed=args.seed * 1000 + 500 + n,
                )
                for n in range(1, args.visitors + 1)
            ]
            for person in (*reporters, *visitors):
                person.start()
            began = time.monotonic()
            gate.set()
            for person in (*reporters, *visitors):
                person.join(args.seconds + 180)
            elapsed = time.monotonic() - began
            hung = [person.name for person in (*reporters, *visitors) if person.is_alive()]
            process_stop(workers[0].process)
            log = server.log.read_text(errors="replace")
        outcome = _merge([*reporters, *visitors])
        report(outcome, elapsed)
        if hung:
            fail(f"reporters or visitors still waiting for an answer at the end: {', '.join(hung)}")
        server_errors = [line for line in log.splitlines() if "Traceback" in line or "WORKER TIMEOUT" in line]
        if outcome.problems:
            shown = "\n   ".join(outcome.problems[:15])
            fail(f"{len(outcome.problems)} requests went wrong:\n   {shown}\n{_tracebacks(log)}")
        if server_errors:
            fail(f"gunicorn logged {len(server_errors)} errors (see {server.log}): {server_errors[:3]}")
        if not outcome.counts["saves_accepted"]:
            fail("no save was accepted: nothing was checked")
        if args.visitors and not outcome.latencies.get("public"):
            fail("no public page was answered: nothing was checked")
        problems = check_database(outcome)
        if problems:
            shown = "\n   ".join(problems[:15])
            fail(
                f"the database does not hold the accepted saves exactly once ({len(problems)} problems):\n   {shown}"
            )
        say(
            f"   database: {len(outcome.saves)} figures, each holding its last accepted save; "
            f"{outcome.counts['saves_accepted']} accepted saves each once in history and audit log; "
            f"{outcome.counts['submits_accepted']} submissions likewise; no figure the client was not told of"
        )
        redis_flush(broker)  # the job results and any job still queued: Redis db 7 is left empty
        say("== load: OK")


if __name__ == "__main__":
    run_main(main)
