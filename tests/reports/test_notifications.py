"""Notification channels: alerts sent to 企业微信 and 钉钉 group robots and by SMS, each once, retried after a failure.

The robot is played by a small HTTP server on 127.0.0.1 (a random port, in a thread) that records what it receives
and can be told to fail. test_notifications_settings.py covers setting channels up (encryption, 管理后台, each user's
choice)."""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.alerts import transports
from reports.alerts.channels import channel_save, preference_save
from reports.alerts.delivery import deliveries_create, deliveries_send, notifications_send
from reports.alerts.transports import DeliveryError, LoggingSmsGateway
from reports.jobs import alerts_refresh_all, notifications_send_all
from reports.models import Alert, NotificationChannel, NotificationDelivery
from reports.models.notifications import all_alert_kinds
from targets.models import WorkPlan
from targets.periods import portal_now
from tests.markers import eager_only, needs_worker
from units.models import Unit, UnitGroup

from .factories import period

MESSAGE = "2024年第四季度的数据已于2025年1月10日截止，本单位还有3项未提交，已逾期。（测试数据）"
OK = {"errcode": 0, "errmsg": "ok"}


def _serve(handler) -> ThreadingHTTPServer:
    """A server on 127.0.0.1: on any free port, or on the first free one of FAKE_ROBOT_PORTS ("9310-9319") where
    the machine's ports are shared out."""
    first, _, last = os.environ.get("FAKE_ROBOT_PORTS", "").partition("-")
    if not first:
        return ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for port in range(int(first), int(last or first) + 1):
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise OSError(f"FAKE_ROBOT_PORTS {first}-{last}: no free port")


@dataclass
class Received:
    path: str
    query: dict[str, str]
    content_type: str
    body: dict


class FakeRobot:
    """Answers each POST like a 企业微信/钉钉 robot and records it. `fail_next(n, how)` makes the next n requests
    fail: "http" answers HTTP 500, "errcode" answers 200 with a refusal ({"errcode": 310000, ...}). Each answer takes
    `delay` seconds."""

    def __init__(self, delay: float = 0) -> None:
        self.delay = delay  # seconds each answer takes: a slow robot, for sends that overlap
        self.received: list[Received] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urllib.parse.urlsplit(self.path)
                with robot._lock:
                    robot.received.append(
                        Received(
                            path=parts.path,
                            query=dict(urllib.parse.parse_qsl(parts.query)),
                            content_type=self.headers["Content-Type"],
                            body=json.loads(raw),
                        )
                    )
                    failure = robot._failures.pop(0) if robot._failures else None
                time.sleep(robot.delay)
                status, reply = (500, {}) if failure == "http" else (200, OK)
                if failure == "errcode":
                    reply = {"errcode": 310000, "errmsg": "sign not match（测试数据）"}
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        self.server = _serve(Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=test0token"

    def fail_next(self, n: int, how: str = "http") -> None:
        with self._lock:
            self._failures += [how] * n

    def contents(self) -> list[str]:
        return [r.body["text"]["content"] for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def open_alert(
    plan: WorkPlan,
    unit_code: str | None = "jingyang",
    kind: str = Alert.Kind.OVERDUE,
    quarter: str = "2024Q4",
    message: str = MESSAGE,
) -> Alert:
    """An open alert of a unit, opened now (as alerts_refresh opens one)."""
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    q = period(plan, quarter)
    return Alert.objects.create(
        key=f"{kind}:{unit.pk if unit else 0}:{q.pk}",
        kind=kind,
        unit=unit,
        for_office=kind == Alert.Kind.ESCALATED or unit is None,
        period=q,
        message=message,
        opened_at=portal_now(),
    )


def channel(
    kind: str = NotificationChannel.Kind.WECOM,
    webhook: str = "",
    *,
    unit_code: str | None = "jingyang",
    secret: str = "",
    kinds: list[str] | None = None,
    **fields,
) -> NotificationChannel:
    """A channel set up as the office sets one up (reports.alerts.channels.channel_save), for a unit by default."""
    return channel_save(
        channel=NotificationChannel(
            name="旌阳区工作群（测试数据）",
            kind=kind,
            unit=Unit.objects.get(code=unit_code) if unit_code else None,
            alert_kinds=kinds if kinds is not None else all_alert_kinds(),
            **fields,
        ),
        webhook=webhook,
        secret=secret,
    )


@pytest.fixture
def robot():
    server = FakeRobot()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def portal_address(settings):
    settings.PORTAL_BASE_URL = "http://portal.test"


def sheet_link(plan, unit_code: str = "jingyang", quarter: str = "2024Q4") -> str:
    return "http://portal.test" + reverse("reports:sheet", args=[unit_code, quarter]) + f"?plan={plan.pk}"


def test_a_wecom_robot_receives_the_alert_as_short_text_with_a_link_back(plan, robot):
    sent_to = channel(NotificationChannel.Kind.WECOM, robot.url)
    alert = open_alert(plan)
    assert notifications_send() == {"queued": 1, "sent": 1}
    (received,) = robot.received
    assert received.path == "/robot/send" and received.query == {"access_token": "test0token"}
    assert received.content_type == "application/json; charset=utf-8"
    assert received.body == {
        "msgtype": "text",
        "text": {"content": f"【预警提醒·逾期未报】旌阳区人民政府：{MESSAGE} 查看：{sheet_link(plan)}"},
    }
    delivery = NotificationDelivery.objects.get()
    assert (delivery.alert, delivery.channel, delivery.state) == (
        alert,
        sent_to,
        NotificationDelivery.State.SENT,
    )
    assert delivery.attempts == 1 and delivery.sent_at is not None


def test_a_long_alert_is_cut_short_for_the_robot_and_keeps_its_link(plan, robot):
    """A returned item's alert quotes the office's reason, which may run to 2,000 characters (ReturnForm): the
    robot's message stays short (企业微信 refuses a text over 2,048 bytes, errcode 40058, and every retry would fail
    alike) and still ends with the link back to the item."""
    channel(NotificationChannel.Kind.WECOM, robot.url)
    reason = "退回原因：" + "请按亿元重新填报并附佐证材料（测试数据）。" * 100
    open_alert(plan, message=reason)
    assert notifications_send() == {"queued": 1, "sent": 1}
    (content,) = robot.contents()
    assert len(content.encode()) <= 2048
    assert content.startswith("【预警提醒·逾期未报】旌阳区人民政府：退回原因：请按亿元重新填报")
    assert content.endswith(f"…… 查看：{sheet_link(plan)}")
    assert len(content) < 400


def test_a_dingtalk_robot_gets_the_timestamp_and_the_signature_of_its_secret(plan, robot):
    secret = "SEC0123456789abcdef测试数据"
    channel(NotificationChannel.Kind.DINGTALK, robot.url, secret=secret)
    open_alert(plan)
    before = int(timezone.now().timestamp() * 1000)
    notifications_send()
    (received,) = robot.received
    assert received.body["msgtype"] == "text" and received.body["text"]["content"].startswith(
        "【预警提醒·逾期未报】"
    )
    assert received.query["access_token"] == "test0token"
    timestamp = received.query["timestamp"]
    assert before <= int(timestamp) <= before + 60_000  # milliseconds, as 钉钉 wants them
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert received.query["sign"] == expected  # parse_qsl undid the URL-encoding the robot expects


def test_a_failing_webhook_is_retried_after_a_growing_wait_and_then_succeeds(plan, robot):
    channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    robot.fail_next(1, "http")
    robot.fail_next(1, "errcode")
    start = timezone.now()
    assert notifications_send(now=start) == {"queued": 1, "retry": 1}
    delivery = NotificationDelivery.objects.get()
    assert delivery.state == NotificationDelivery.State.PENDING and "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=2)

    assert deliveries_send(now=start + datetime.timedelta(minutes=1)) == {}  # still waiting
    assert len(robot.received) == 1

    second = start + datetime.timedelta(minutes=2)
    assert deliveries_send(now=second) == {"retry": 1}
    delivery.refresh_from_db()
    assert "310000" in delivery.last_error and delivery.next_attempt_at == second + datetime.timedelta(
        minutes=4
    )

    assert deliveries_send(now=second + datetime.timedelta(minutes=4)) == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        NotificationDelivery.State.SENT,
        3,
        "",
    )
    assert len(set(robot.contents())) == 1 and len(robot.received) == 3  # the same message, tried three times


def test_a_webhook_that_keeps_failing_is_given_up_after_the_last_try(plan, robot, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    robot.fail_next(5)
    start = timezone.now()
    notifications_send(now=start)
    assert deliveries_send(now=start + datetime.timedelta(minutes=2)) == {"failed": 1}
    assert deliveries_send(now=start + datetime.timedelta(days=1)) == {}
    delivery = NotificationDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (NotificationDelivery.State.FAILED, 2)
    assert delivery.next_attempt_at is None and len(robot.received) == 2


def test_an_alert_is_sent_once_however_often_the_job_runs(plan, robot):
    channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    notifications_send()
    assert notifications_send() == {"queued": 0}
    assert deliveries_create() == 0
    assert len(robot.received) == 1 and NotificationDelivery.objects.count() == 1


def test_an_alert_that_closed_and_opened_again_is_news_again(plan, robot):
    """As for e-mail: alerts_refresh reopens a cause that came back with a new opening time."""
    channel(NotificationChannel.Kind.WECOM, robot.url)
    alert = open_alert(plan)
    notifications_send()
    alert.closed_at = portal_now()
    alert.save(update_fields=["closed_at"])
    alert.closed_at, alert.opened_at = None, portal_now()
    alert.save(update_fields=["closed_at", "opened_at"])
    notifications_send()
    assert len(robot.received) == 2


def test_an_alert_closed_before_its_turn_is_not_sent(plan, robot):
    channel(NotificationChannel.Kind.WECOM, robot.url)
    alert = open_alert(plan)
    deliveries_create()
    alert.closed_at = portal_now()
    alert.save(update_fields=["closed_at"])
    assert deliveries_send() == {"cancelled": 1}
    assert robot.received == []
    assert NotificationDelivery.objects.get().last_error == "提醒已解除，不再发送"


def test_a_retry_is_withdrawn_when_the_channel_no_longer_carries_the_kind(plan, robot):
    """The office unticks a kind while a send of it waits for its retry: the retry is not sent, as when the channel is
    switched off."""
    sent_to = channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    robot.fail_next(1)
    start = timezone.now()
    assert notifications_send(now=start) == {"queued": 1, "retry": 1}
    sent_to.alert_kinds = [Alert.Kind.REMINDER_7]
    channel_save(channel=sent_to)
    assert deliveries_send(now=start + datetime.timedelta(minutes=2)) == {"cancelled": 1}
    assert len(robot.received) == 1
    assert NotificationDelivery.objects.get().state == NotificationDelivery.State.CANCELLED


def test_a_retry_is_withdrawn_when_the_users_account_is_deactivated(plan, jingyang, monkeypatch):
    """An SMS waiting for its retry is not sent once the user's account is deactivated (they left the unit)."""
    preference_save(user=jingyang, email_kinds=[], sms_kinds=[Alert.Kind.OVERDUE], mobile="13900000003")
    open_alert(plan)
    sent = []

    class Refusing(LoggingSmsGateway):
        def send(self, numbers: list[str], text: str) -> None:
            sent.append(numbers)
            if len(sent) == 1:
                raise DeliveryError("网关繁忙（测试数据）")

    monkeypatch.setattr(transports, "_gateway_class", lambda path: Refusing)
    start = timezone.now()
    assert notifications_send(now=start) == {"queued": 1, "retry": 1}
    jingyang.is_active = False
    jingyang.save(update_fields=["is_active"])
    assert deliveries_send(now=start + datetime.timedelta(minutes=2)) == {"cancelled": 1}
    assert sent == [["13900000003"]]


def test_a_channel_carries_only_its_unit_its_kinds_and_only_while_active(plan, robot):
    channel(NotificationChannel.Kind.WECOM, robot.url, unit_code="guanghan")  # another county's group
    channel(NotificationChannel.Kind.WECOM, robot.url, kinds=[Alert.Kind.REMINDER_3])  # not overdue
    channel(NotificationChannel.Kind.WECOM, robot.url, active=False)
    open_alert(plan)
    assert notifications_send() == {"queued": 0}
    assert robot.received == []


def test_a_new_channel_does_not_replay_the_alerts_already_open(plan, robot):
    open_alert(plan)
    channel(NotificationChannel.Kind.WECOM, robot.url)
    notifications_send()
    assert robot.received == []


def test_a_group_channel_carries_its_members_alerts_and_the_office_channel_what_is_meant_for_it(plan, robot):
    counties = UnitGroup.objects.get(name="各区（市、县）人民政府")
    channel(NotificationChannel.Kind.WECOM, robot.url, unit_code=None, group=counties)
    channel(NotificationChannel.Kind.WECOM, robot.url + "&office=1", unit_code=None, for_office=True)
    open_alert(plan, "jingyang")
    open_alert(plan, "kjj")  # 市科技局: not a county
    open_alert(plan, "guanghan", Alert.Kind.ESCALATED, "2024Q3")
    notifications_send()

    def who(received: Received) -> str:
        return received.body["text"]["content"].split("】", 1)[1].split("：", 1)[0]

    assert sorted(who(r) for r in robot.received if "office" not in r.query) == [
        "广汉市人民政府",
        "旌阳区人民政府",
    ]
    assert [who(r) for r in robot.received if "office" in r.query] == ["广汉市人民政府"]


def test_an_sms_channel_goes_through_the_gateway_which_logs_it(plan, caplog):
    channel(NotificationChannel.Kind.SMS, phone_numbers="13800000001\n13800000002")
    open_alert(plan)
    with caplog.at_level(logging.INFO, logger="reports.alerts.transports"):
        assert notifications_send()["sent"] == 1
    (record,) = [r for r in caplog.records if r.name == "reports.alerts.transports"]
    assert "13800000001、13800000002" in record.getMessage()
    assert f"旌阳区人民政府：{MESSAGE} 查看：{sheet_link(plan)}" in record.getMessage()


def test_a_user_who_chose_sms_gets_what_they_see_by_sms_from_then_on(plan, jingyang, guanghan_user, caplog):
    open_alert(plan, "jingyang", quarter="2024Q3")  # open before SMS was turned on
    preference_save(user=jingyang, email_kinds=[], sms_kinds=[Alert.Kind.OVERDUE], mobile="13900000003")
    open_alert(plan, "jingyang")
    open_alert(plan, "guanghan")  # not jingyang's
    with caplog.at_level(logging.INFO, logger="reports.alerts.transports"):
        assert notifications_send()["sent"] == 1
    delivery = NotificationDelivery.objects.get()
    assert delivery.user == jingyang and delivery.alert.period.code == "2024Q4"
    assert "13900000003" in caplog.text


@eager_only
def test_the_refresh_job_sends_the_new_alerts_to_the_robot(plan, robot, settings):
    """The whole chain: the scheduled refresh opens the 2024Q4 overdue alert and queues the sending."""
    settings.PORTAL_TODAY = "2025-01-11"
    channel(NotificationChannel.Kind.WECOM, robot.url, kinds=[Alert.Kind.OVERDUE])
    alerts_refresh_all.delay().get()
    (content,) = robot.contents()
    assert content.startswith(
        "【预警提醒·逾期未报】旌阳区人民政府：2024年第四季度的数据已于2025年1月10日截止"
    )
    assert content.endswith(f"查看：{sheet_link(plan)}")
    assert notifications_send_all.delay().get() == {"queued": 0}


@needs_worker
@pytest.mark.worker
def test_the_sending_job_runs_on_a_real_worker_once(transactional_db, plan, robot):
    channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    assert notifications_send_all.delay().get(timeout=60)["sent"] == 1
    assert notifications_send_all.delay().get(timeout=60) == {"queued": 0}
    assert len(robot.received) == 1
    assert NotificationDelivery.objects.get().state == NotificationDelivery.State.SENT
