"""How a message leaves the portal: a 企业微信 or 钉钉 group robot (an HTTP POST of JSON to its webhook) or an SMS
through a provider (SmsGateway). Each raises DeliveryError when the message did not get through, and
reports.alerts.delivery tries again later.

A real SMS provider plugs in as a subclass of SmsGateway named by the setting NOTIFY_SMS_GATEWAY (a dotted path,
e.g. "ipcity_sms.AliyunSmsGateway"): its `__init__` takes no argument and reads the provider's credentials from the
settings or the environment; its `send(numbers, text)` calls the provider's API once for the numbers and raises
DeliveryError with the provider's reason when it refuses (a provider that only sends registered templates gets
`text` as the template's one parameter). The default, LoggingSmsGateway, only writes the message to the log: the
tests and the demo use it.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message did not get through (the reason, for 通知发送记录); sending it again later may succeed."""


def webhook_host_allowed(url: str) -> bool:
    """Whether the webhook's host is one of NOTIFY_WEBHOOK_HOSTS (the robots' own hosts, and a privately deployed
    企业微信's or 钉钉's where the government runs one): the office types webhooks and the server posts to them, so no
    channel may make it post to another machine of the network."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host in {h.lower() for h in settings.NOTIFY_WEBHOOK_HOSTS}


def robot_payload(text: str) -> dict:
    """The JSON both robots take for a plain text message."""
    return {"msgtype": "text", "text": {"content": text}}


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """钉钉's 加签: base64 of the HMAC-SHA256, keyed by the secret, of "<timestamp>\\n<secret>" (not yet URL-encoded)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_url(*, webhook: str, secret: str, timestamp_ms: int) -> str:
    """The webhook with the timestamp and the URL-encoded signature added, as 钉钉 checks them (valid one hour)."""
    sign = urllib.parse.quote_plus(dingtalk_sign(secret=secret, timestamp_ms=timestamp_ms))
    joiner = "&" if urllib.parse.urlsplit(webhook).query else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign}"


def robot_send(*, kind: str, webhook: str, secret: str, text: str) -> None:
    """POST the text to a group robot ("wecom" or "dingtalk"; a 钉钉 robot signed when it has a secret). Raises
    DeliveryError on a network error, an HTTP error or a reply whose errcode is not 0."""
    url = webhook
    if kind == "dingtalk" and secret:
        url = dingtalk_url(webhook=webhook, secret=secret, timestamp_ms=int(time.time() * 1000))
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(_("Webhook地址不是http(s)地址"))
    if not webhook_host_allowed(url):
        raise DeliveryError(_("Webhook地址不在允许的群机器人地址中（NOTIFY_WEBHOOK_HOSTS），请重新填写"))
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(robot_payload(text), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        raise DeliveryError(_("群机器人返回HTTP %(code)d") % {"code": error.code}) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(
            _("无法连接群机器人：%(reason)s") % {"reason": getattr(error, "reason", error)}
        ) from error
    try:
        reply = json.loads(body or b"{}")
    except ValueError as error:
        raise DeliveryError(_("群机器人的答复不是JSON")) from error
    errcode = reply.get("errcode", 0) if isinstance(reply, dict) else None
    if errcode != 0:
        raise DeliveryError(
            _("群机器人拒绝了消息：errcode %(code)s %(message)s")
            % {"code": errcode, "message": reply.get("errmsg", "") if isinstance(reply, dict) else ""}
        )


class SmsGateway:
    """An SMS provider (see the module's docstring for plugging in a real one)."""

    def send(self, numbers: list[str], text: str) -> None:
        """Deliver `text` to each of `numbers` (11-digit mainland mobiles). Raises DeliveryError if refused."""
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """The default provider: writes each message to the log (logger reports.alerts.transports) and sends nothing."""

    def send(self, numbers: list[str], text: str) -> None:
        logger.info("短信（未接入短信平台，仅记录）→ %s：%s", "、".join(numbers), text)


@cache
def _gateway_class(path: str) -> type[SmsGateway]:
    return import_string(path)


def sms_send(*, numbers: list[str], text: str) -> None:
    """Send an SMS through the provider NOTIFY_SMS_GATEWAY names. Raises DeliveryError if it refuses."""
    if not numbers:
        raise DeliveryError(_("没有接收短信的手机号码"))
    _gateway_class(settings.NOTIFY_SMS_GATEWAY)().send(numbers, text)
