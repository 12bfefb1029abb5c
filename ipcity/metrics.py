"""/metrics for Prometheus: django-prometheus's request latency, responses and database queries (its middleware and
database backends, settings.MIDDLEWARE and the Metrics section of base.py), and the portal's own gauges, computed at
scrape time with a few cheap queries: items waiting for the office's review, alerts open, notifications pending and
failed, and how long ago each job (the rollup among them) last succeeded.

Only the addresses METRICS_ALLOWED_IPS names may read it (default: this machine); others get 403. The address is
units.audit.client_ip's (X-Forwarded-For believed only from TRUSTED_PROXY_COUNT trusted proxies), and a request that
came through a proxy the portal is not told to trust is refused, since its sender is unknown: nginx connects from
127.0.0.1 for everyone."""

import ipaddress
import logging
import os
import time
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from reports import jobs  # noqa: F401  (registers the jobs with the Celery app: their names are the stamps' keys)
from reports.models import Alert, NotificationDelivery, Status, Submission, TaskReport
from units.audit import client_ip

logger = logging.getLogger(__name__)

# + a job's name: when it last succeeded (epoch seconds), in the shared cache.
JOB_SUCCESS_KEY = "ops:job-success:"
ROLLUP_JOBS = ("reports.jobs.rollup_all", "reports.jobs.rollup_indicator")


def job_success_record(*, name: str) -> None:
    """Stamp a job's success (Celery's task_success, ipcity.celery). Never raises: a stamp lost shows as an old one."""
    if not name:
        return
    try:
        cache.set(JOB_SUCCESS_KEY + name, time.time(), timeout=None)
    except Exception:
        logger.warning("无法记录任务 %s 的完成时间", name, exc_info=True)


def metrics_client_allowed(request: HttpRequest) -> bool:
    """Whether the request's sender is one of METRICS_ALLOWED_IPS (addresses or networks)."""
    if "HTTP_X_FORWARDED_FOR" in request.META and settings.TRUSTED_PROXY_COUNT < 1:
        return False
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


class PortalCollector(Collector):
    """The portal's gauges, read when Prometheus asks: four queries and one cache read."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            families = list(self._families())
        except DatabaseError:
            logger.warning("运行指标：数据库查询失败", exc_info=True)
            families = []
        up = GaugeMetricFamily(
            "ipcity_portal_gauges_up", "1 if the portal's own gauges below could be read, else 0"
        )
        up.add_metric([], 1 if families else 0)
        yield up
        yield from families

    def _families(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily(
            "ipcity_review_waiting_items",
            "Items submitted and waiting for the office's review (待审核): figures and task reports",
            labels=["kind"],
        )
        # Each count reads its table's partial index on the submitted rows (figure_review_queue, report_review_queue).
        waiting.add_metric(["figure"], Submission.objects.filter(status=Status.SUBMITTED).count())
        waiting.add_metric(["task_report"], TaskReport.objects.filter(status=Status.SUBMITTED).count())
        yield waiting

        alerts = GaugeMetricFamily(
            "ipcity_alerts_open", "Alerts open (预警提醒 not closed), by kind", labels=["kind"]
        )
        counts = dict(
            Alert.objects.filter(closed_at__isnull=True)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("kind", "n")
        )
        for kind in Alert.Kind.values:
            alerts.add_metric([kind], counts.get(kind, 0))
        yield alerts

        deliveries = GaugeMetricFamily(
            "ipcity_notifications",
            "Notification deliveries (robots, SMS) pending, and failed after their last try (通知发送记录)",
            labels=["state"],
        )
        shown = (NotificationDelivery.State.PENDING, NotificationDelivery.State.FAILED)
        counts = dict(
            NotificationDelivery.objects.filter(state__in=shown)
            .values("state")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("state", "n")
        )
        for state in shown:
            deliveries.add_metric([state], counts.get(state, 0))
        yield deliveries

        yield from _job_ages()


def _job_ages() -> Iterator[GaugeMetricFamily]:
    """Seconds since each job last succeeded, and since the last rollup (either rollup job); a job never seen
    succeeding since the cache was last emptied has no sample."""
    from ipcity.celery import app

    names = sorted(name for name in app.tasks if name.startswith("reports.jobs."))
    try:
        stamps = cache.get_many([JOB_SUCCESS_KEY + name for name in names])
    except Exception:
        logger.warning("运行指标：读不到任务完成时间", exc_info=True)
        return
    now = time.time()
    ages = {name: now - stamps[JOB_SUCCESS_KEY + name] for name in names if JOB_SUCCESS_KEY + name in stamps}
    per_job = GaugeMetricFamily(
        "ipcity_job_last_success_age_seconds", "Seconds since each job last succeeded", labels=["job"]
    )
    for name, age in ages.items():
        per_job.add_metric([name.rpartition(".")[2]], age)
    yield per_job
    rollup = GaugeMetricFamily(
        "ipcity_last_rollup_age_seconds",
        "Seconds since a rollup (the nightly rebuild or one after an approval) last succeeded",
    )
    rollup_ages = [ages[name] for name in ROLLUP_JOBS if name in ages]
    if rollup_ages:
        rollup.add_metric([], min(rollup_ages))
    yield rollup


_portal = CollectorRegistry(auto_describe=False)
_portal.register(PortalCollector())


def _process_registry() -> CollectorRegistry:
    """django-prometheus's metrics: this process's, or, with PROMETHEUS_MULTIPROC_DIR (gunicorn's workers,
    deploy/systemd/ipcity-web.service), every worker's added up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@login_not_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus's text format, to the addresses METRICS_ALLOWED_IPS names; 403 to anyone else."""
    if not metrics_client_allowed(request):
        logger.warning("拒绝读取运行指标：%s（METRICS_ALLOWED_IPS 未包含此地址）", client_ip(request))
        return HttpResponseForbidden(
            "此地址不能读取运行指标：请把它加入 METRICS_ALLOWED_IPS。\n",
            content_type="text/plain; charset=utf-8",
        )
    body = generate_latest(_process_registry()) + generate_latest(_portal)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
