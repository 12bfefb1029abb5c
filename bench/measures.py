"""What the benchmark measures, each run inside a Django process on the bench's database (bench.settings).

Times are wall-clock (time.perf_counter) medians of repeated runs; dashboard pages are requested through Django's
test client (the whole middleware stack, the templates, the database; no network). Peak memory is the process's
maximum resident set size, measured in a fresh process per job (bench.__main__ starts one)."""

import datetime
import gzip
import io
import re
import resource
import statistics
import time
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import Rollup, Status, Submission
from targets.models import Indicator, Period, WorkPlan
from units.models import AuditEvent, Unit, User

from . import data

PAGES = ("home", "indicator_table", "indicator_progress", "heatmap", "task_board", "league")


def _plan() -> WorkPlan:
    return WorkPlan.objects.get(title=data.TITLE)


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _median(function, repeats: int) -> tuple[float, list[float]]:
    runs = [_timed(function) for _ in range(repeats)]
    return statistics.median(runs), runs


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- rollup ----------------------------------------------------------------------------------------------------

FLOOR_SQL_POSTGRESQL = """
WITH lead AS (
    SELECT DISTINCT ON (r.indicator_id) r.indicator_id, r.unit_id
    FROM targets_indicator_reporting_units r JOIN units_unit u ON u.id = r.unit_id
    ORDER BY r.indicator_id, u.position, u.id
)
SELECT s.indicator_id, s.period_id, count(*), sum(s.value), sum(s.numerator), sum(s.denominator),
       round(avg(s.value), 4), round(sum(s.numerator) * 100 / nullif(sum(s.denominator), 0), 4),
       bool_or(s.achieved), min(s.achieved_on) FILTER (WHERE s.achieved),
       max(s.value) FILTER (WHERE s.unit_id = lead.unit_id),
       (array_agg(s.value ORDER BY s.reviewed_at DESC, s.id DESC))[1]
FROM reports_submission s
JOIN targets_indicator_reporting_units r ON r.indicator_id = s.indicator_id AND r.unit_id = s.unit_id
JOIN targets_indicator i ON i.id = s.indicator_id
LEFT JOIN lead ON lead.indicator_id = s.indicator_id
WHERE s.status = 'approved' AND i.plan_id = %s
GROUP BY s.indicator_id, s.period_id
"""

# SQLite has no DISTINCT ON, FILTER on every aggregate or array_agg: the same sums, counts and dates.
FLOOR_SQL_SQLITE = """
SELECT s.indicator_id, s.period_id, count(*), sum(s.value), sum(s.numerator), sum(s.denominator),
       round(avg(s.value), 4), max(s.achieved), min(CASE WHEN s.achieved THEN s.achieved_on END),
       max(s.reviewed_at)
FROM reports_submission s
JOIN targets_indicator_reporting_units r ON r.indicator_id = s.indicator_id AND r.unit_id = s.unit_id
JOIN targets_indicator i ON i.id = s.indicator_id
WHERE s.status = 'approved' AND i.plan_id = %s
GROUP BY s.indicator_id, s.period_id
"""


def floor_sql() -> str:
    return FLOOR_SQL_POSTGRESQL if connection.vendor == "postgresql" else FLOOR_SQL_SQLITE


def _floor(plan: WorkPlan) -> int:
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(), [plan.pk])
        return len(cursor.fetchall())


def rollup_build() -> dict:
    """A rebuild from empty (the first run after a migration, or a fresh database): time, rows, peak memory."""
    from reports.figures.rollup import rollup_rebuild_plan

    plan = _plan()
    Rollup.objects.all().delete()
    start = time.perf_counter()
    written = rollup_rebuild_plan(plan=plan)
    return {"seconds": time.perf_counter() - start, "rows": written, "peak_mb": peak_mb()}


def rollup(repeats: int) -> dict:
    """The nightly full rebuild on unchanged figures (compares everything, writes nothing) against the floor."""
    from reports.figures.rollup import rollup_rebuild_plan

    plan = _plan()
    written = []
    rebuild, runs = _median(lambda: written.append(rollup_rebuild_plan(plan=plan)), repeats)
    floor, floor_runs = _median(lambda: _floor(plan), repeats)
    return {
        "rebuild_s": rebuild,
        "rebuild_runs": runs,
        "rows_written": written,
        "floor_s": floor,
        "floor_runs": floor_runs,
        "city_rows": _floor(plan),
        "rollup_rows": Rollup.objects.count(),
        "ratio": rebuild / floor,
    }


def incremental(repeats: int) -> dict:
    """One approval, then the job it queues (reports.jobs.rollup_indicator) on the indicator with most figures."""
    from reports.jobs import rollup_indicator
    from reports.workflow.services import item_approve

    plan = _plan()
    office = User.objects.get(username=data.OFFICE)
    biggest = Indicator.objects.filter(plan=plan).annotate(n=Count("submissions")).order_by("-n").first()
    waiting = list(Submission.objects.filter(indicator=biggest, status=Status.SUBMITTED)[:repeats])
    if (
        len(waiting) < repeats
    ):  # a small dataset may have too few waiting: put approved ones back in the queue
        more = Submission.objects.filter(indicator=biggest, status=Status.APPROVED).order_by(
            "-period_id", "pk"
        )
        ids = list(more.values_list("pk", flat=True)[: repeats - len(waiting)])
        Submission.objects.filter(pk__in=ids).update(status=Status.SUBMITTED)
        waiting += list(Submission.objects.filter(pk__in=ids))
    runs, written = [], []
    for figure in waiting:
        # The approval queues the job on commit; here it is run by hand so that only the job is timed.
        with mock.patch("reports.workflow.services.rollup_after_commit"), transaction.atomic():
            item_approve(user=office, item=figure)
        start = time.perf_counter()
        written.append(rollup_indicator(biggest.pk, figure.period_id))
        runs.append((time.perf_counter() - start) * 1000)
    return {
        "indicator": biggest.code,
        "figures": biggest.n,
        "median_ms": statistics.median(runs),
        "runs_ms": runs,
        "rows_written": written,
    }


# --- dashboards ------------------------------------------------------------------------------------------------


def office_client() -> Client:
    """A test client signed in as the office (see signed_in_client)."""
    return signed_in_client(User.objects.get(username=data.OFFICE))


def signed_in_client(user: User) -> Client:
    """A test client signed in as `user`, as a person would be: password, and the second factor where the portal
    asks for one (django-otp: a confirmed authenticator, verified in this session)."""
    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="基准测试", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def _urls(plan: WorkPlan | None = None) -> dict[str, str]:
    """Each dashboard page of `plan` (the main plan unless given), naming the plan as the plan bar does."""
    plan = plan or _plan()
    biggest = (
        Indicator.objects.filter(plan=plan)
        .annotate(n=Count("reporting_units"))
        .order_by("-n", "position")
        .first()
    )
    return {
        name: reverse(f"reports:{name}", args=[biggest.pk] if name == "indicator_progress" else [])
        + f"?plan={plan.pk}"
        for name in PAGES
    }


class _Counter:
    """An execute wrapper counting the statements sent (works whatever DEBUG says)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def dashboards(requests: int, title: str = data.TITLE) -> dict:
    """Each dashboard page of the plan titled `title` as the office sees it: p50 and p95 of `requests` requests, and
    its SQL queries."""
    client = office_client()
    out = {}
    for name, url in _urls(WorkPlan.objects.get(title=title)).items():
        response = client.get(url)  # warm: templates compiled, connection open
        assert response.status_code == 200, (name, response.status_code)
        queries = _Counter()  # every statement the request sends, through the connection's execute wrapper
        with connection.execute_wrapper(queries):
            client.get(url)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        out[name] = {
            "url": url,
            "p50_ms": statistics.median(times),
            "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
            "queries": queries.count,
            "html_bytes": len(response.content),
        }
    return out


# --- page weight -----------------------------------------------------------------------------------------------

ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+href)="([^"]+)"')


def _served(client: Client, url: str) -> tuple[int, int, str]:
    """(bytes on the wire, bytes uncompressed, encoding) of one response, as a browser asking for gzip gets it."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    encoding = response.get("Content-Encoding", "")
    raw = gzip.decompress(body) if encoding == "gzip" else body
    return len(body), len(raw), encoding or "identity"


def page_weight() -> dict:
    """What the browser downloads for each dashboard page: its HTML and every stylesheet and script it links.
    Static files are fetched through the portal when it serves them; it does not (DEBUG off, no static-file
    middleware), so they are read from disk, as a server that does not compress them would send them."""
    client = office_client()
    pages = {}
    for name, url in _urls().items():
        wire, raw, encoding = _served(client, url)
        html = client.get(url).content.decode()
        parts = [{"url": url, "wire": wire, "raw": raw, "encoding": encoding}]
        for asset in sorted(set(ASSET.findall(html))):
            if not asset.startswith("/static/"):
                continue
            response = client.get(asset, HTTP_ACCEPT_ENCODING="gzip, deflate")
            if response.status_code == 200:
                wire, raw, encoding = _served(client, asset)
            else:
                path = finders.find(asset.removeprefix("/static/"))
                size = len(open(path, "rb").read())  # noqa: SIM115
                wire, raw, encoding = size, size, "identity (from disk)"
            parts.append({"url": asset, "wire": wire, "raw": raw, "encoding": encoding})
        pages[name] = {"kb": sum(p["wire"] for p in parts) / 1024, "parts": parts}
    return pages


# --- Excel import ----------------------------------------------------------------------------------------------


def _import_scope():
    plan = WorkPlan.objects.get(title=data.IMPORT_TITLE)
    return (
        User.objects.get(username=data.IMPORTER),
        Unit.objects.get(code="benchimport"),
        Period.objects.get(plan=plan),
    )


def import_file() -> bytes:
    """The unit's downloaded template with every figure filled in: the file a unit sends back."""
    from openpyxl import load_workbook

    from reports.workflow.excel import SHEET_FIGURES, sheet_template_xlsx

    user, unit, period = _import_scope()
    book = load_workbook(io.BytesIO(sheet_template_xlsx(unit=unit, period=period)))
    sheet = book[SHEET_FIGURES]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("数值") + 1
    for number in range(2, sheet.max_row + 1):
        sheet.cell(row=number, column=column, value=100 + number % 37)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _openpyxl_read(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return cells


def _clear_import(unit: Unit, period: Period) -> None:
    figures = Submission.objects.filter(unit=unit, period=period)
    Submission.history.filter(unit_id=unit.pk, period_id=period.pk).delete()
    figures.delete()


def excel_import(repeats: int) -> dict:
    """The whole upload path of a filled template (sheet_import, not a dry run), from a quarter with nothing saved,
    against openpyxl reading the same file and doing nothing else."""
    from reports.workflow.excel import sheet_import

    user, unit, period = _import_scope()
    _clear_import(unit, period)
    content = import_file()
    runs, stored = [], []
    for _ in range(repeats):
        _clear_import(unit, period)
        start = time.perf_counter()
        result = sheet_import(user=user, unit=unit, period=period, content=content, dry_run=False)
        runs.append(time.perf_counter() - start)
        assert result.applied, result.error_messages[:5]
        stored.append(Submission.objects.filter(unit=unit, period=period).count())
    floor, floor_runs = _median(lambda: _openpyxl_read(content), repeats)
    seconds = statistics.median(runs)
    rows = stored[-1]
    return {
        "rows": rows,
        "file_kb": len(content) / 1024,
        "import_s": seconds,
        "import_runs": runs,
        "rows_per_s": rows / seconds,
        "floor_s": floor,
        "floor_runs": floor_runs,
        "floor_rows_per_s": rows / floor,
        "ratio": seconds / floor,
    }


def excel_import_peak() -> dict:
    from reports.workflow.excel import sheet_import

    user, unit, period = _import_scope()
    _clear_import(unit, period)
    content = import_file()
    before = peak_mb()
    start = time.perf_counter()
    result = sheet_import(user=user, unit=unit, period=period, content=content, dry_run=False)
    assert result.applied
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "before_mb": before}


# --- the audit log's export ------------------------------------------------------------------------------------

AUDITOR = "bench_auditor"
AUDIT_ACTIONS = ("login", "save", "submit", "approve", "import")


def _audit_events(rows: int) -> int:
    """At least `rows` events in the audit log, synthetic ones added as needed (the log is append-only: rows are
    only ever added, on PostgreSQL not even deleted). Returns how many it holds."""
    missing = rows - AuditEvent.objects.count()
    if missing > 0:
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    at=now - datetime.timedelta(seconds=n),
                    username=f"bench_user{n % 200}",
                    role=User.Role.REPORTER,
                    unit=f"基准测试单位{n % 200}",
                    action=AUDIT_ACTIONS[n % len(AUDIT_ACTIONS)],
                    object_type="reports.Submission",
                    object_id=str(n),
                    object_repr=f"基准指标{n % 400} 2025Q{n % 4 + 1}",
                    ip=f"10.0.{n % 256}.{n % 250 + 1}",
                    path=f"/report/bench{n % 200}/2025Q{n % 4 + 1}/",
                    detail=f"基准测试合成审计记录 {n}",
                )
                for n in range(missing)
            ),
            batch_size=5_000,
        )
    return AuditEvent.objects.count()


def audit_export(rows: int, repeats: int = 3) -> dict:
    """The security auditor downloads the audit log as .xlsx with `rows` events in it (50,000: the export's limit,
    reports.views.audit.EXPORT_LIMIT), through the test client: the whole request, median of `repeats`."""
    from reports.views.audit import EXPORT_LIMIT

    stored = _audit_events(rows)
    auditor = User.objects.filter(username=AUDITOR).first() or User.objects.create_user(
        AUDITOR, password="x", role=User.Role.AUDITOR
    )
    client = signed_in_client(auditor)
    url = reverse("reports:audit_log")
    sizes = []

    def download() -> None:
        response = client.get(url, {"export": "xlsx"})
        assert response.status_code == 200, response.status_code
        sizes.append(len(response.content))

    download()  # warm: the connection open, and whatever a first request does once (sealing the rows added above)
    seconds, runs = _median(download, repeats)
    return {
        "rows": min(stored, EXPORT_LIMIT),
        "seconds": seconds,
        "runs": runs,
        "kb": sizes[-1] / 1024,
        "peak_mb": peak_mb(),
    }


# --- EXPLAIN ---------------------------------------------------------------------------------------------------


def explain() -> dict:
    """The plans PostgreSQL chooses for the heavy queries (EXPLAIN ANALYZE), for docs/benchmarks.md."""
    if connection.vendor != "postgresql":
        return {}
    plan = _plan()
    period = plan.periods.order_by("-year", "-quarter").first()
    queries = {"floor (city values, hand-written)": (floor_sql(), [plan.pk])}
    try:
        from reports.figures.rollup import explained_queries

        queries.update(explained_queries(plan=plan))
    except ImportError:
        pass
    from reports.models import ReportingTally, Standing

    periods = list(plan.periods.select_related("plan"))
    tallies = ReportingTally.objects.filter(period__in=periods).values_list(
        "unit_id", "period_id", "due_date", "on_time", "late", "returned"
    )
    queries["heatmap and league: the reporting tallies"] = tallies.query.sql_with_params()
    stored = Standing.objects.filter(indicator__plan=plan, period=period)
    queries["standings: the stored standings of a quarter"] = stored.query.sql_with_params()
    city = Rollup.objects.filter(indicator__plan=plan, unit__isnull=True, period=period)
    queries["standings: city rollup rows"] = city.query.sql_with_params()
    out = {}
    for title, (sql, params) in queries.items():
        with transaction.atomic(), connection.cursor() as cursor:
            if title.startswith("rollup"):
                cursor.execute("SET LOCAL work_mem = '64MB'")  # as the rebuild's transaction has it
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            out[title] = "\n".join(row[0] for row in cursor.fetchall())
    return out
