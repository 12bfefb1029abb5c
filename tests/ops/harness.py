"""What the ops scripts share: scratch PostgreSQL databases, a gunicorn server and Celery workers that are always
stopped, and a small browser (cookies, CSRF, forms posted the way a browser posts them).

Nothing here touches a database whose name does not start with ``ipcity_ops``, and every process it starts runs in
a process group of its own, which is what it stops.
"""

import contextlib
import gzip
import http.client
import itertools
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SETTINGS = "tests.ops.settings"
POSTGRES = os.environ.get("OPS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OPS_REDIS", "redis://127.0.0.1:6379")
PREFIX = "ipcity_ops"
# Every quarter of the plan (2022Q3–2025Q2) is open for reporting on this day.
PORTAL_TODAY = "2025-07-15"
LOGS = ROOT / "var" / "ops"


class OpsFailure(Exception):
    """The property a script checks does not hold (or it could not be checked): exit 1 with this message."""


def fail(message: str) -> NoReturn:
    raise OpsFailure(message)


def say(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def run_main(main: Callable[[], None]) -> None:
    """Run a script's main: a property that does not hold exits 1 with its message; Ctrl-C still cleans up."""
    try:
        main()
    except OpsFailure as error:
        say(f"!! FAILED: {error}")
        sys.exit(1)
    except KeyboardInterrupt:
        say("!! interrupted")
        sys.exit(130)


# ------------------------------------------------------------------------------
# PostgreSQL and Redis
# ------------------------------------------------------------------------------
def db_url(name: str) -> str:
    if not name.startswith(PREFIX):
        raise ValueError(f"ops scripts only use databases named {PREFIX}*, not {name}")
    return f"{POSTGRES}/{name}"


def sql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on its own autocommit connection; the rows it returns, if any."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def database_drop(name: str) -> None:
    db_url(name)  # refuses a name that is not ours
    sql(f"{POSTGRES}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """A new empty database (dropped first if a previous run left it), dropped again at the end unless `keep`."""
    url = db_url(name)
    database_drop(name)
    sql(f"{POSTGRES}/postgres", f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        if keep:
            say(f"   kept database {name}")
        else:
            # Our own connections (the Django one of this process) go first, or the drop waits for them.
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            database_drop(name)


def redis_url(db: int) -> str:
    if db not in (5, 6, 7):
        raise ValueError("ops scripts use Redis databases 5, 6 and 7 only")
    return f"{REDIS}/{db}"


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 2).close()
        return True
    except OSError:
        return False


def require_services(*, redis: bool = False) -> None:
    if not reachable(5432):
        fail("PostgreSQL does not answer on 127.0.0.1:5432; the ops scripts run on PostgreSQL only")
    if redis and not reachable(6379):
        fail("Redis does not answer on 127.0.0.1:6379")


# ------------------------------------------------------------------------------
# Django in this process, and the environment of the processes it starts
# ------------------------------------------------------------------------------
def ops_env(database: str, broker: str = "", **extra: str) -> dict[str, str]:
    """The environment of a server, worker or command of a script: its scratch database and Redis database (none:
    jobs run eagerly), the ops settings, every quarter open, quiet logs."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PORTAL_TODAY=PORTAL_TODAY,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if broker:
        env["REDIS_URL"] = broker
    env.update(extra)
    return env


def django_setup(database: str, broker: str = "", **extra: str) -> None:
    """Point this process at the scratch database (and broker) and start Django; the ORM then checks results."""
    os.environ.update(ops_env(database, broker, **extra))
    if not broker:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def portal_prepare() -> None:
    """Migrate the scratch database and load the plan (open for reporting), as `make run` does."""
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("migrate", interactive=False, verbosity=0, stdout=devnull)
        call_command("load_plan", stdout=devnull)


PASSWORD = "Ops-Load-2025"  # 10+ characters, three classes: the password policy holds for these accounts too


def accounts_create(*, prefix: str, role: str, units: list, count: int) -> list[str]:
    """`count` accounts of `role` (unit roles spread over `units` in turn) made with units.services.user_create."""
    from units.services import user_create

    names = []
    for n in range(1, count + 1):
        unit = units[(n - 1) % len(units)] if units else None
        name = f"{prefix}{n:02d}"
        user_create(username=name, password=PASSWORD, role=role, unit=unit, first_name=name)
        names.append(name)
    return names


# ------------------------------------------------------------------------------
# Processes: gunicorn and Celery workers, each in a process group of its own
# ------------------------------------------------------------------------------
def free_port(ports: range | None = None) -> int:
    """A loopback port nothing listens on: the first free one of `ports`, or any the system gives."""
    for port in ports or (0,):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    fail(f"no free loopback port in {ports.start}-{ports.stop - 1}")


def process_stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """Stop a process this script started, and its children (its process group): TERM, then KILL."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], *, name: str, workers: int = 5, threads: int = 1, ports: range | None = None
) -> Iterator[Server]:
    """Serve ipcity.wsgi with gunicorn on a free port (of `ports` if given) until the block ends; fail if it does
    not come up."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}-gunicorn.log"
    port = free_port(ports)
    command = [
        str(BIN / "gunicorn"),
        "ipcity.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--timeout=60",
        "--graceful-timeout=10",
        "--preload",  # Django loaded once, then forked: ten workers start in a second, not one by one
        f"--chdir={ROOT}",
        "--error-logfile=-",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
        )
    try:
        server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                fail(f"gunicorn exited with {process.returncode}:\n{log_tail(log)}")
            try:
                if Browser(server.url).get("/login/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                fail(f"gunicorn did not answer /login/ within 60 s:\n{log_tail(log)}")
            time.sleep(0.3)
        yield server
    finally:
        process_stop(process)


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    @property
    def hostname(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def children(self) -> list[int]:
        """The pool processes of this worker (its main process's children)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in out.stdout.split()]

    def kill(self) -> None:
        """kill -9 the whole worker, main process and pool alike, as a crash or a power cut would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def worker_start(env: dict[str, str], *, name: str, concurrency: int = 1) -> Worker:
    """Start a Celery worker as .ci/run does and wait until it has connected and answers a ping."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    command = [
        str(BIN / "celery"),
        "-A",
        "ipcity",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={name}@%h",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
        )
    worker = Worker(name=name, process=process, log=log)
    from ipcity.celery import app

    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            fail(f"worker {name} exited with {process.returncode}:\n{log_tail(log)}")
        if app.control.ping(destination=[worker.hostname], timeout=1):
            return worker
        if time.monotonic() > deadline:
            process_stop(process)
            fail(f"worker {name} did not answer a ping within 60 s:\n{log_tail(log)}")


@contextlib.contextmanager
def workers_stopped(workers: list[Worker]) -> Iterator[list[Worker]]:
    """Whatever happens, every worker put in the list is stopped at the end."""
    try:
        yield workers
    finally:
        for worker in workers:
            process_stop(worker.process)


# ------------------------------------------------------------------------------
# A small browser: cookies, CSRF, forms as a browser posts them
# ------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float
    content: bytes = b""  # the body's bytes (gunzipped), for files compared byte for byte

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def _multipart(data: list[tuple[str, str]], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = f"ipcity-ops-{time.monotonic_ns()}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in data
    ]
    field, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser: its own cookies (session, CSRF), one connection per request."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.base, self.host, self.port = base, parsed.hostname, parsed.port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        data: list[tuple[str, str]] | None = None,
        file: tuple[str, str, bytes] | None = None,
    ) -> Response:
        """`data`: form fields, posted urlencoded, or with `file` (field name, file name, content) as multipart."""
        headers = {"User-Agent": "ipcity-ops/1", "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            if file is None:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body, headers["Content-Type"] = _multipart(data, file)
            headers["Origin"] = self.base
            headers["Referer"] = self.base + path
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            payload = raw.read()
            if raw.headers.get("Content-Encoding") == "gzip":
                payload = gzip.decompress(payload)
        finally:
            connection.close()
        response = Response(
            raw.status,
            raw.headers,
            payload.decode("utf-8", errors="replace"),
            time.perf_counter() - started,
            payload,
        )
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def upload(self, path: str, data: list[tuple[str, str]], file: tuple[str, str, bytes]) -> Response:
        return self.request("POST", path, data, file)

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        return self.request("POST", path, data)

    def follow(self, response: Response) -> Response:
        return self.get(urllib.parse.urlsplit(response.location)._replace(scheme="", netloc="").geturl())

    def login(self, username: str, password: str) -> None:
        """Sign in through /login/ with the CSRF token of its form, as a person does."""
        page = Page.parse(self.get("/login/").body, form_id=None)
        response = self.post(
            "/login/",
            [
                ("csrfmiddlewaretoken", page.csrf),
                ("username", username),
                ("password", password),
                ("next", ""),
            ],
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            fail(f"{username} could not sign in: HTTP {response.status} {response.body[:300]!r}")


class Balancer:
    """One person's browser behind a round-robin load balancer over several nodes: each request goes to the next
    node in the turn of every browser's requests (one balancer in front of them all); a node refusing the connection
    (nothing was sent: a node down) is skipped for the next, as a balancer fails over. `via[n]` is the same browser
    (the same cookies) sent to node n only; `node` is the one that answered last."""

    turns = itertools.count()  # shared by every Balancer; next() on it is atomic, so threads may share it

    def __init__(self, nodes: list[str]) -> None:
        self.via = [Browser(node) for node in nodes]
        for browser in self.via[1:]:
            browser.cookies = self.via[0].cookies
        self.node, self.failovers = 0, 0

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Response:
        first = next(Balancer.turns)
        for step in range(len(self.via)):
            self.node = (first + step) % len(self.via)
            try:
                return self.via[self.node].request(method, path, data)
            except ConnectionRefusedError:
                self.failovers += 1
        raise ConnectionRefusedError(f"no node accepts a connection for {method} {path}")


@dataclass
class Control:
    name: str
    kind: str  # text, hidden, date, checkbox, textarea, select, submit, …
    value: str
    checked: bool = False
    row: str = ""


@dataclass
class Row:
    """One obligation of the sheet (div.sheet-row): its key (f12, t3), status class and the errors shown on it."""

    key: str
    status: str
    errors: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """The controls of one form of a page (every form when `form_id` is None), the sheet's rows, the messages."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.controls: list[Control] = []
        self.rows: dict[str, Row] = {}
        self.messages: list[str] = []
        self._in_form = form_id is None
        self._in_messages = False
        self._row: Row | None = None
        self._row_depth = 0  # <div> nesting inside the current row
        self._error_depth = 0  # the depth of the row's error box being read, 0 when none
        self._text: list[str] | None = None  # the text being collected (a message, textarea, option or error)
        self._text_of = ""
        self._select: Control | None = None
        self._options: list[
            tuple[str | None, bool]
        ] = []  # (value attribute, selected) of the select's options

    @classmethod
    def parse(cls, html: str, form_id: str | None = "sheet-form") -> "Page":
        page = cls(form_id)
        page.feed(html)
        page.close()
        return page

    @property
    def csrf(self) -> str:
        return self.value("csrfmiddlewaretoken") or ""

    def value(self, name: str) -> str | None:
        return next((c.value for c in self.controls if c.name == name), None)

    def _collect(self, of: str) -> None:
        self._text, self._text_of = [], of

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "ul" and "messages" in classes:
            self._in_messages = True
        elif tag == "li" and self._in_messages:
            self._collect("message")
        if tag == "form" and self.form_id is not None and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "div" and self._row is not None:
            self._row_depth += 1
            if "errorlist-box" in classes:
                self._error_depth = self._row_depth
                self._collect("error")
        elif tag == "div" and "sheet-row" in classes and a.get("data-row"):
            status = next((c.removeprefix("status-row-") for c in classes if c.startswith("status-row-")), "")
            self._row = self.rows[a["data-row"]] = Row(key=a["data-row"], status=status)
            self._row_depth = 1
        row = self._row.key if self._row else ""
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            default = "on" if kind == "checkbox" else ""
            self.controls.append(Control(name, kind, a.get("value", default), "checked" in a, row))
        elif tag == "button" and name:
            self.controls.append(Control(name, "submit", a.get("value", ""), False, row))
        elif tag == "textarea" and name:
            self.controls.append(Control(name, "textarea", "", False, row))
            self._collect("textarea")
        elif tag == "select" and name:
            self._select = Control(name, "select", "", False, row)
            self.controls.append(self._select)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((dict(attrs).get("value"), "selected" in a))
            self._collect("option")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text) if self._text is not None else ""
        if tag == "li" and self._text_of == "message" and self._text is not None:
            self.messages.append(text.strip())
            self._text = None
        elif tag == "ul":
            self._in_messages = False
        elif tag == "textarea" and self._text_of == "textarea" and self._text is not None:
            # Browsers drop the newline that follows <textarea>; so does this.
            self.controls[-1].value = text.removeprefix("\r").removeprefix("\n")
            self._text = None
        elif tag == "option" and self._text_of == "option" and self._text is not None:
            value, selected = self._options[-1]
            self._options[-1] = (text.strip() if value is None else value, selected)
            self._text = None
        elif tag == "select" and self._select is not None:
            # A browser posts the selected option, or the first when none is marked selected.
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self._select.value = chosen[-1] if chosen else ""
            self._select = None
        elif tag == "div" and self._row is not None:
            if self._error_depth == self._row_depth and self._text_of == "error" and self._text is not None:
                self._row.errors.append(" ".join(text.split()))
                self._text, self._error_depth = None, 0
            self._row_depth -= 1
            if self._row_depth == 0:
                self._row = None
        elif tag == "form" and self.form_id is not None:
            self._in_form = False

    def form_data(
        self, *, action: str, values: dict[str, str] | None = None, ticked: frozenset[str] = frozenset()
    ) -> list[tuple[str, str]]:
        """What a browser posts for this form: every control's value (a checkbox only when ticked), with `values`
        typed over them, the checkboxes named in `ticked` ticked too, and the button `action` pressed."""
        values = values or {}
        data = []
        for control in self.controls:
            if control.kind == "submit":
                continue
            if control.kind == "checkbox":
                if control.checked or control.name in ticked:
                    data.append((control.name, control.value))
                continue
            value = values.get(control.name, control.value)
            if control.kind == "textarea":  # browsers send a textarea's line breaks as CRLF
                value = value.replace("\r\n", "\n").replace("\n", "\r\n")
            data.append((control.name, value))
        data.append(("action", action))
        return data


def counts_in(message: str, word: str) -> int:
    """The number in "保存3项" / "提交1项" of a sheet message (0 when the message does not mention it)."""
    match = re.search(rf"{word}(\d+)项", message)
    return int(match.group(1)) if match else 0


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0–100) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]
