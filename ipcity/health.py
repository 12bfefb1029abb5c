"""Health for the load balancer and the operators: /healthz (liveness: this process answers, nothing else is asked)
and /readyz (readiness: the database, Redis when REDIS_URL is set, the default file storage, and a Celery worker seen
lately), with django-health-check's checks.

Both, and /metrics (ipcity.metrics), are answered by ProbeMiddleware before the portal's own middleware: a probe is
nobody's request, so it needs no session, sign-in, second factor or password change, is not refused for the Host a
load balancer sends, and an outage does not write one audit row per probe into the append-only audit log (the audit
middleware records every 5xx, and /readyz answers 503 while something is down)."""

import asyncio
import dataclasses
import datetime
import logging
import time
from collections.abc import Iterator

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.contrib.redis import Redis
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

logger = logging.getLogger(__name__)

# The routes ProbeMiddleware answers ahead of the portal's middleware (names in ipcity/urls.py).
PROBES = ("healthz", "readyz", "metrics")
# The workers' heartbeat, in the default cache: Redis, shared by every node, when REDIS_URL is set.
WORKER_SEEN_KEY = "ops:worker-seen"


# --- The worker's heartbeat ------------------------------------------------------------------------------------


def worker_seen_record(*, hostname: str) -> None:
    """Note that a worker is alive now (ipcity.celery.WorkerHeartbeat calls it every 30 seconds). Never raises: a
    heartbeat that cannot be written shows as a worker not seen."""
    try:
        cache.set(WORKER_SEEN_KEY, {"at": time.time(), "hostname": hostname}, timeout=None)
    except Exception:
        logger.warning("无法记录 worker 心跳（%s）", hostname, exc_info=True)


def worker_seen() -> dict | None:
    """The last heartbeat of any worker: {"at": epoch seconds, "hostname": …}, or None if none was recorded."""
    seen = cache.get(WORKER_SEEN_KEY)
    return seen if isinstance(seen, dict) and isinstance(seen.get("at"), int | float) else None


# --- Checks ------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class WorkerSeen(HealthCheck):
    """A Celery worker wrote its heartbeat within `within` (READYZ_WORKER_WITHIN_SECONDS)."""

    within: float = 180.0

    def run(self) -> None:
        try:
            seen = worker_seen()
        except Exception as error:  # the cache is Redis: down, it says so under "redis" too
            raise ServiceUnavailable(f"读不到 worker 心跳（{type(error).__name__}）") from error
        if seen is None:
            raise ServiceUnavailable("没有 Celery worker 报到过（worker 未启动或连不上 Redis）")
        age = time.time() - seen["at"]
        if age > self.within:
            raise ServiceUnavailable(
                f"{self.within:.0f}秒内没有 Celery worker 报到（最近一次：{age:.0f}秒前，{seen.get('hostname', '')}）"
            )


@dataclasses.dataclass
class StorageProbe(Storage):
    """django-health-check's storage check (write, read back, delete a small probe file in the default storage),
    with a storage that fails saying how instead of "unknown error"."""

    def run(self) -> None:
        try:
            super().run()
        except HealthCheckException:
            raise
        except Exception as error:
            raise ServiceUnavailable(f"读写探测文件失败（{type(error).__name__}）") from error


def _redis_client() -> RedisClient:
    return RedisClient.from_url(settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=3)


def readiness_checks() -> dict[str, HealthCheck]:
    """What /readyz asks, by the name its answer gives: the database and the default storage always; with
    REDIS_URL (a real broker, shared cache and workers) Redis and a worker seen within
    READYZ_WORKER_WITHIN_SECONDS (0: not asked)."""
    checks: dict[str, HealthCheck] = {"database": Database(), "storage": StorageProbe()}
    if settings.REDIS_URL:
        checks["redis"] = Redis(client_factory=_redis_client)
        if settings.READYZ_WORKER_WITHIN_SECONDS:
            checks["worker"] = WorkerSeen(within=float(settings.READYZ_WORKER_WITHIN_SECONDS))
    return checks


# --- Views -------------------------------------------------------------------------------------------------------


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Asks nothing else, so a database outage never gets the web nodes restarted."""
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


class ReadinessView(HealthCheckView):
    """Readiness: 200 when every check of `readiness_checks` passes, else 503; the body names each check with "ok"
    or why it failed: {"status": "unready", "checks": {"database": "ok", "redis": "Unavailable: …", …}}."""

    http_method_names = ["get", "head"]

    def get_checks(self) -> Iterator[HealthCheck]:
        """The same checks for `manage.py health_check readyz --no-http` (run on the node, no server asked)."""
        yield from readiness_checks().values()

    async def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        checks = readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks.values()))
        answers = {
            name: "ok" if result.error is None else str(result.error)
            for name, result in zip(checks, results, strict=True)
        }
        failed = [name for name, result in zip(checks, results, strict=True) if result.error is not None]
        if failed:
            logger.warning("readyz：%s 不可用", "、".join(failed))
        return JsonResponse(
            {
                "status": "unready" if failed else "ready",
                "checks": answers,
                "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            },
            status=503 if failed else 200,
            json_dumps_params={"ensure_ascii": False},
        )


readyz = login_not_required(ReadinessView.as_view())


# --- Middleware --------------------------------------------------------------------------------------------------


class ProbeMiddleware:
    """Answers /healthz, /readyz and /metrics itself, with the views their routes name, before the session, CSRF,
    host check, sign-in, second-factor, password-expiry, audit and 三员分立 middleware below it (why: the module's
    docstring). Every other request goes on unchanged."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._paths is None:
            self._paths = frozenset(reverse(name) for name in PROBES)
        if request.path_info not in self._paths:
            return self.get_response(request)
        match = resolve(request.path_info)
        view = match.func
        if iscoroutinefunction(view):
            return async_to_sync(view)(request, *match.args, **match.kwargs)
        return view(request, *match.args, **match.kwargs)
