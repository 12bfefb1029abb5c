"""Two sweeps of the notification job at once (the every-two-minutes job and the one a refresh of alerts runs, on two
workers) send each alert once: deliveries_create's unique keys let one of two concurrent runs record a delivery,
and deliveries_send sends each under its row lock, which the other run skips. PostgreSQL only: SQLite has one writer
and no row locks, so there the two runs could not overlap at all."""

import threading

import pytest
from django.db import connections

from reports.alerts.delivery import deliveries_send, notifications_send
from reports.models import NotificationChannel, NotificationDelivery
from tests.markers import postgresql_only

from .test_notifications import FakeRobot, channel, open_alert

pytestmark = postgresql_only("row locks held by two sweeps at once")

ALERTS = ("jingyang", "guanghan", "luojiang", "shifang")


@pytest.fixture
def slow_robot():
    """A robot that takes 0.3 s to answer: each send holds its row lock long enough for the other sweep to meet it."""
    server = FakeRobot(delay=0.3)
    yield server
    server.close()


def at_once(work, n: int = 2) -> list:
    """Run `work` in `n` threads released together; each thread's result (or the exception it raised)."""
    start, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        try:
            start.wait(5)
            results[i] = work()
        except Exception as error:  # noqa: BLE001 (shown by the test's assertion)
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_sweeps_at_once_send_each_alert_once(transactional_db, plan, settings, slow_robot):
    settings.PORTAL_BASE_URL = "http://portal.test"
    for code in ALERTS:
        channel(NotificationChannel.Kind.WECOM, slow_robot.url, unit_code=code)
        open_alert(plan, code)
    results = at_once(notifications_send)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert NotificationDelivery.objects.count() == len(ALERTS)  # each recorded once, by one or the other
    assert sum(r.get("sent", 0) for r in results) == len(ALERTS)
    assert len(slow_robot.received) == len(ALERTS)
    assert sorted(c.split("】", 1)[1].split("：", 1)[0] for c in slow_robot.contents()) == sorted(
        f"{name}人民政府" for name in ("旌阳区", "广汉市", "罗江区", "什邡市")
    )
    deliveries = NotificationDelivery.objects.all()
    assert {(d.state, d.attempts) for d in deliveries} == {(NotificationDelivery.State.SENT, 1)}
    assert at_once(deliveries_send) == [{}, {}]  # and nothing is left for a third
