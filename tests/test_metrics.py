"""/metrics (issue 20 item 4, ipcity.metrics): django-prometheus's request and database metrics and the portal's own
gauges (items waiting for review, alerts open, notifications failed, the last rollup's age), computed at scrape time
with four queries; readable only from the addresses METRICS_ALLOWED_IPS names, judged behind a proxy by the address
the trusted proxy saw. Test data: a 旌阳区 figure submitted, alerts and a failed notification made for the test."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ipcity.metrics import job_success_record
from reports.models import Alert, NotificationDelivery
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_submit
from tests.markers import postgresql_only
from tests.reports.factories import indicator, period


@pytest.fixture
def own_cache(settings):
    """A cache of the test's own: job stamps a real worker (.ci/run's) writes do not show here."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "metrics"}
    }
    cache.clear()


def samples(response) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) → value, from Prometheus's text format."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def portal_state(plan, jingyang, in_2024q1, own_cache):
    """One figure waiting for review, two alerts open and one closed, one notification failed and one pending, and
    the nightly rollup done 2 minutes ago."""
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 7, "note": "测试数据"},
        expected_version=None,
    )
    item_submit(user=jingyang, item=figure)
    now = timezone.now()
    alerts = [
        Alert.objects.create(
            key=f"test:{n}",
            kind=kind,
            unit=jingyang.unit,
            message="测试数据",
            opened_at=now,
            closed_at=closed,
        )
        for n, (kind, closed) in enumerate(
            [(Alert.Kind.OVERDUE, None), (Alert.Kind.OVERDUE, None), (Alert.Kind.REMINDER_3, now)]
        )
    ]
    for state, alert in (
        (NotificationDelivery.State.FAILED, alerts[0]),
        (NotificationDelivery.State.PENDING, alerts[1]),
    ):
        NotificationDelivery.objects.create(alert=alert, user=jingyang, opened_at=now, state=state)
    cache.set("ops:job-success:reports.jobs.rollup_all", time.time() - 120, timeout=None)


def test_metrics_gives_the_portals_gauges(client, portal_state):
    found = samples(client.get("/metrics"))
    assert found[("ipcity_portal_gauges_up", ())] == 1
    assert found[("ipcity_review_waiting_items", (("kind", "figure"),))] == 1
    assert found[("ipcity_review_waiting_items", (("kind", "task_report"),))] == 0
    assert found[("ipcity_alerts_open", (("kind", "overdue"),))] == 2
    assert found[("ipcity_alerts_open", (("kind", "reminder_3"),))] == 0
    assert found[("ipcity_notifications", (("state", "failed"),))] == 1
    assert found[("ipcity_notifications", (("state", "pending"),))] == 1
    assert 120 <= found[("ipcity_last_rollup_age_seconds", ())] < 180
    assert 120 <= found[("ipcity_job_last_success_age_seconds", (("job", "rollup_all"),))] < 180


def test_a_scrape_costs_four_queries(client, portal_state, django_assert_num_queries):
    with django_assert_num_queries(4):
        client.get("/metrics")


LOGIN_VIEW = (
    "django_http_requests_latency_seconds_by_view_method_count",
    (("method", "GET"), ("view", "login")),
)


def test_metrics_gives_request_latency_by_view(client, db, own_cache):
    client.get("/login/")
    assert samples(client.get("/metrics"))[LOGIN_VIEW] >= 1


@postgresql_only(
    "django-prometheus counts the queries of PostgreSQL; the embedded SQLite keeps Django's own backend"
)
def test_metrics_gives_the_database_queries(client, plan, own_cache):
    found = samples(client.get("/metrics"))
    executed = {labels: value for (name, labels), value in found.items() if name == "django_db_execute_total"}
    assert executed[(("alias", "default"), ("vendor", "postgresql"))] > 0


def test_a_job_that_succeeds_is_stamped_and_the_last_rollup_is_the_newer_of_the_two(client, db, own_cache):
    cache.set("ops:job-success:reports.jobs.rollup_all", time.time() - 3600, timeout=None)
    job_success_record(name="reports.jobs.rollup_indicator")
    found = samples(client.get("/metrics"))
    assert found[("ipcity_last_rollup_age_seconds", ())] < 60
    assert found[("ipcity_job_last_success_age_seconds", (("job", "rollup_all"),))] >= 3600


def test_no_rollup_seen_gives_no_age_rather_than_a_made_up_one(client, db, own_cache):
    found = samples(client.get("/metrics"))
    assert ("ipcity_last_rollup_age_seconds", ()) not in found


def test_metrics_refuses_an_address_not_allowed(client, db):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 403
    assert "METRICS_ALLOWED_IPS" in response.content.decode()


def test_metrics_answers_the_networks_the_settings_allow(client, db, settings, own_cache):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403
    assert client.get("/metrics").status_code == 403  # loopback is no longer named


def test_behind_a_trusted_proxy_metrics_judges_the_address_the_proxy_saw(client, db, settings, own_cache):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.20.3.4", **via_nginx).status_code == 200
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5", **via_nginx).status_code == 403
    # What the client wrote before nginx's entry is not believed.
    assert (
        client.get("/metrics", HTTP_X_FORWARDED_FOR="10.20.3.4, 203.0.113.5", **via_nginx).status_code == 403
    )


def test_through_a_proxy_the_portal_does_not_trust_metrics_is_refused_even_from_loopback(
    client, db, settings
):
    """Without TRUSTED_PROXY_COUNT every request through nginx arrives from 127.0.0.1: that says nothing."""
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 403


def test_metrics_needs_no_sign_in_and_writes_no_audit_row(client, db, own_cache):
    from units.models import AuditEvent

    audited = AuditEvent.objects.count()
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    assert AuditEvent.objects.count() == audited


def test_under_gunicorn_metrics_add_up_every_worker_process(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (deploy/systemd/ipcity-web.service), a scrape answered by one process counts the
    requests another served: two processes here, one after the other, as two of gunicorn's workers."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LOG_FORMAT"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "ipcity.settings.test",
        # The sign-in page reads no table: an empty SQLite file is enough.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    serve = "import django; django.setup(); from django.test import Client; c = Client()\n"

    def run(code: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", serve + code],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("assert c.get('/login/').status_code == 200")
    run("assert c.get('/login/').status_code == 200")
    scraped = run("print(c.get('/metrics').content.decode())")
    counts = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert counts[LOGIN_VIEW] == 2
