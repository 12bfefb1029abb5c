"""Measures beside the dashboards (issue 21): the quarterly sheet of a unit with 400 obligations as its reporter
sees it, the public page as anyone sees it, and the CSV upload against the csv module reading the same file.

Each changes the bench database only inside a transaction it rolls back (the sheet's extra assignments, the
publication, the imported figures), so the measures after it see the dataset as generated."""

import csv
import io
import statistics
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from reports.models import Submission
from targets.models import Indicator, WorkPlan
from units.models import Unit, User

from . import data
from .measures import _clear_import, _Counter, _import_scope, _median, signed_in_client

SHEET_OBLIGATIONS = 400
SHEET_READER = "bench_sheet_reader"


def _timed_gets(client: Client, url: str, requests: int, before=None) -> dict:
    """p50, p95 and the statements of `requests` GETs of `url` (one warm-up first; `before` runs before each)."""
    if before:
        before()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = _Counter()
    if before:
        before()
    with connection.execute_wrapper(queries):
        client.get(url)
    times = []
    for _ in range(requests):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "url": url,
        "p50_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "queries": queries.count,
        "html_kb": len(response.content) / 1024,
    }


def sheet(requests: int) -> dict:
    """The last quarter's sheet of the unit that reports most indicators, made to report the plan's first
    SHEET_OBLIGATIONS indicators (a province bureau's sheet: its own figures plus empty rows), as its reporter sees
    it."""
    plan = WorkPlan.objects.get(title=data.TITLE)
    period = plan.periods.last()
    busiest = (
        Unit.objects.filter(reported_indicators__plan=plan)
        .annotate(n=Count("reported_indicators"))
        .order_by("-n", "pk")
        .first()
    )
    with transaction.atomic():
        for indicator in Indicator.objects.filter(plan=plan).order_by("position")[:SHEET_OBLIGATIONS]:
            indicator.reporting_units.add(busiest)
        reader = User.objects.create_user(SHEET_READER, password="x", role=User.Role.REPORTER, unit=busiest)
        owed = Indicator.objects.filter(plan=plan, reporting_units=busiest).count()
        url = reverse("reports:sheet", args=[busiest.code, period.code])
        result = _timed_gets(signed_in_client(reader), url, requests)
        result.update(
            obligations=owed,
            figures=Submission.objects.filter(unit=busiest, period=period).count(),
        )
        transaction.set_rollback(True)
    return result


def public_page(requests: int) -> dict:
    """/public/<plan>/ for someone not signed in, the office having published every indicator of the main plan up to
    its last quarter (city values; each unit's too would make a page of 1.3 MB): cached as the portal serves it, and drawn afresh (cache emptied before
    each request) as the first visitor after a change sees it."""
    from public.services import publication_update

    plan = WorkPlan.objects.get(title=data.TITLE)
    office = User.objects.get(username=data.OFFICE)
    with transaction.atomic():
        publication_update(
            user=office,
            plan=plan,
            published=True,
            indicators=Indicator.objects.filter(plan=plan),
            through=plan.periods.last(),
            show_units=False,
        )
        url = reverse("public:plan", args=[plan.pk])
        cached = _timed_gets(Client(), url, requests)
        fresh = _timed_gets(Client(), url, requests, before=cache.clear)
        transaction.set_rollback(True)
    return {"cached": cached, "fresh": fresh, "indicators": plan.indicators.count()}


def _csv_read(content: bytes) -> int:
    """The floor: the csv module reading the file's records, doing nothing else."""
    cells = 0
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        cells += len(row)
    return cells


def csv_file() -> bytes:
    """The unit's downloaded CSV with every figure filled in."""
    from reports.workflow.excel.template import sheet_template_csv

    _, unit, period = _import_scope()
    rows = list(csv.reader(io.StringIO(sheet_template_csv(unit=unit, period=period).decode("utf-8-sig"))))
    column = rows[0].index("数值")
    for number, row in enumerate(rows[1:], start=2):
        row[column] = str(100 + number % 37)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_import(repeats: int) -> dict:
    """The whole upload path of a filled CSV (sheet_import, not a dry run), from a quarter with nothing saved,
    against the csv module reading the same file."""
    from reports.workflow.excel import sheet_import

    user, unit, period = _import_scope()
    _clear_import(unit, period)
    content = csv_file()
    runs = []
    for _ in range(repeats):
        _clear_import(unit, period)
        start = time.perf_counter()
        result = sheet_import(
            user=user, unit=unit, period=period, content=content, dry_run=False, filename="figures.csv"
        )
        runs.append(time.perf_counter() - start)
        assert result.applied, result.error_messages[:5]
    rows = Submission.objects.filter(unit=unit, period=period).count()
    _clear_import(unit, period)
    floor, floor_runs = _median(lambda: _csv_read(content), repeats)
    seconds = statistics.median(runs)
    return {
        "rows": rows,
        "file_kb": len(content) / 1024,
        "import_s": seconds,
        "import_runs": runs,
        "floor_s": floor,
        "floor_runs": floor_runs,
        "ratio": seconds / floor,
    }
