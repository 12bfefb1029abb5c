"""The REST API at province scale (issue 19): one list endpoint as a program calls it, with the office's token.

/api/v1/figures/ of the main plan's last quarter (the one being reported: ~22,000 figures at SCALE=1), first page of
100, through Django's test client like the dashboards (bench.measures.dashboards): the whole middleware stack, DRF's
token authentication, throttling, pagination (its COUNT) and serialization; p50 and p95 of `requests` requests and the
SQL statements of one, on both datasets, so the query count is seen not to grow."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from targets.models import WorkPlan
from units.models import User

from . import data
from .measures import _Counter


def api_url(plan: WorkPlan) -> str:
    last = plan.periods.order_by("-year", "-quarter").first()
    return reverse("api:figure_list") + f"?plan={plan.pk}&quarter={last.code}&page_size=100"


def api_list(requests: int) -> dict:
    plan = WorkPlan.objects.get(title=data.TITLE)
    _token, key = api_token_create(user=User.objects.get(username=data.OFFICE), name="基准测试")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = api_url(plan)
    response = client.get(url)  # warm: the connection open, the token's first use written down
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    queries = _Counter()
    with connection.execute_wrapper(queries):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    body = response.json()
    return {
        "url": url,
        "p50_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "queries": queries.count,
        "figures": body["count"],
        "rows": len(body["results"]),
        "kb": len(response.content) / 1024,
    }
