"""/healthz and /readyz (issue 20 item 4, ipcity.health): liveness asks nothing; readiness answers 503 naming what is
down when the database, Redis or the file storage does not work, or no Celery worker reported lately. Both answer
without sign-in, whatever Host the load balancer sends, over plain HTTP in production, and write nothing to the
audit log. Unreachable services are ports in 9290-9299 on 127.0.0.1 that refuse connections."""

import os
import runpy
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from ipcity.celery import WorkerHeartbeat
from ipcity.celery import app as portal_app
from ipcity.health import WORKER_SEEN_KEY, worker_seen, worker_seen_record
from tests.celery_embedded import embedded_worker, throwaway_app
from units.models import AuditEvent

LIVE_REDIS = settings.REDIS_URL or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def closed_port() -> int:
    """A loopback port in 9290-9299 where nothing listens."""
    for port in range(9290, 9300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("every port of 9290-9299 answers: none to play an unreachable service")


def answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def own_cache(settings):
    """A cache of the test's own: the heartbeat a real worker writes (.ci/run's) does not show here."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ops"}
    }
    cache.clear()


@pytest.fixture
def broken_storage(settings, tmp_path):
    """The default storage in a folder that cannot be made: its parent is a file."""
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("测试数据")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }


def test_healthz_answers_without_sign_in_or_any_query(client):
    response = client.get("/healthz")  # without the db fixture any query would fail the test
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies and "no-cache" in response["Cache-Control"]


def test_the_probes_answer_whatever_host_the_load_balancer_sends(client, settings):
    settings.ALLOWED_HOSTS = ["ipcity.example.cn"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the pages still check it


def test_the_probes_answer_a_signed_in_user_who_owes_a_password_change(client, jingyang):
    jingyang.must_change_password = True
    jingyang.save(update_fields=["must_change_password"])
    client.force_login(jingyang)
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)  # answered, not sent to the password page
    assert client.get("/login/").status_code == 302


def test_production_sends_pages_to_https_but_answers_probes_over_http(client, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.delenv("DJANGO_SECURE_SSL_REDIRECT", raising=False)
    production = runpy.run_module("ipcity.settings.production")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_PROXY_SSL_HEADER"):
        setattr(settings, name, production[name])
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_on_the_embedded_default(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready"
    assert response.json()["checks"] == {"database": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_readyz_is_unready_naming_the_storage_when_it_cannot_write(client, settings, broken_storage):
    settings.REDIS_URL = ""
    audited = AuditEvent.objects.count()
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["storage"].startswith("Unavailable") and "NotADirectoryError" in checks["storage"]
    assert AuditEvent.objects.count() == audited  # an outage writes no audit row per probe


@pytest.mark.django_db
def test_readyz_is_unready_naming_redis_when_it_does_not_answer(client, settings, own_cache):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/11"
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == checks["storage"] == "ok"
    assert checks["redis"].startswith("Unavailable: Unable to connect to Redis")


def test_readyz_is_unready_naming_the_database_when_postgresql_does_not_answer(tmp_path):
    """In a process of its own whose DATABASE_URL names a port where no PostgreSQL listens."""
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "from django.test.utils import override_settings\n"
        f"with override_settings(MEDIA_ROOT={str(tmp_path)!r}):\n"
        "    response = Client().get('/readyz')\n"
        "print(response.status_code)\n"
        "print(response.content.decode())\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "LOG_FORMAT"} and not k.startswith(("DJANGO_", "S3_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "ipcity.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/ipcity_unreachable",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.splitlines()[-2:]
    assert status == "503"
    assert '"database": "Unavailable: connection to server at' in body
    assert '"storage": "ok"' in body


@pytest.mark.django_db
@pytest.mark.skipif(not answers(LIVE_REDIS), reason=f"needs a Redis answering at {LIVE_REDIS}")
def test_readyz_wants_a_worker_seen_in_the_last_minutes(client, settings, own_cache):
    settings.REDIS_URL = LIVE_REDIS
    settings.READYZ_WORKER_WITHIN_SECONDS = 180

    never = client.get("/readyz")
    assert never.status_code == 503
    assert never.json()["checks"]["redis"] == "ok"
    assert "没有 Celery worker 报到过" in never.json()["checks"]["worker"]

    cache.set(WORKER_SEEN_KEY, {"at": time.time() - 600, "hostname": "测试数据@worker"}, timeout=None)
    stale = client.get("/readyz")
    assert stale.status_code == 503 and "180秒内没有" in stale.json()["checks"]["worker"]

    worker_seen_record(hostname="测试数据@worker")
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.content
    assert ready.json()["checks"] == {"database": "ok", "storage": "ok", "redis": "ok", "worker": "ok"}


@pytest.mark.django_db
@pytest.mark.skipif(not answers(LIVE_REDIS), reason=f"needs a Redis answering at {LIVE_REDIS}")
def test_readyz_can_leave_the_workers_out(client, settings, own_cache):
    settings.REDIS_URL = LIVE_REDIS
    settings.READYZ_WORKER_WITHIN_SECONDS = 0
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert "worker" not in response.json()["checks"]


def test_a_running_worker_reports_itself_at_once(own_cache):
    assert worker_seen() is None
    app = throwaway_app("heartbeat-test")
    app.steps["worker"].add(WorkerHeartbeat)
    with embedded_worker(app) as worker:
        seen = worker_seen()
    assert seen is not None and seen["hostname"] == worker.hostname
    assert time.time() - seen["at"] < 30


def test_the_portals_workers_report_themselves():
    assert WorkerHeartbeat in portal_app.steps["worker"]


@pytest.mark.django_db
def test_on_the_node_the_same_checks_run_without_a_server(settings, request, capsys):
    """`manage.py health_check readyz --no-http` (django-health-check's command): exit 0 when ready, 1 when not."""
    settings.REDIS_URL = ""
    with pytest.raises(SystemExit) as ready:
        call_command("health_check", "readyz", "--no-http")
    assert ready.value.code == 0
    assert "Database(alias='default'): OK" in capsys.readouterr().out
    request.getfixturevalue("broken_storage")
    with pytest.raises(SystemExit) as unready:
        call_command("health_check", "readyz", "--no-http")
    assert unready.value.code == 1
    assert "StorageProbe(alias='default'): Unavailable" in capsys.readouterr().out
