"""Setting up where alerts go: the office's channels (group robots, SMS lists) with their webhook and 钉钉 secret
stored encrypted, and each user's own choice of e-mail and SMS per alert kind.

Encryption: Fernet (AES-128-CBC with an HMAC) keyed by NOTIFY_ENCRYPTION_KEY, comma-separated keys of which the
first encrypts and every one decrypts (rotation: put the new key first, keep the old after it); when that setting is
empty, by a key derived from SECRET_KEY."""

import base64
import urllib.parse

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from reports.alerts.transports import webhook_host_allowed
from reports.models import Alert, NotificationChannel, NotificationPreference
from reports.models.notifications import MOBILE, all_alert_kinds
from targets.periods import portal_now
from units.models import User

KEY_SALT = "ipcity.notify.encryption"


def _fernet() -> MultiFernet:
    keys = [key.strip().encode() for key in settings.NOTIFY_ENCRYPTION_KEY.split(",") if key.strip()]
    if not keys:
        # A key of its own, not SECRET_KEY itself: the HMAC of a fixed label keyed by SECRET_KEY.
        keys = [base64.urlsafe_b64encode(salted_hmac(KEY_SALT, "fernet", algorithm="sha256").digest())]
    return MultiFernet([Fernet(key) for key in keys])


def seal(text: str) -> str:
    """`text` encrypted for storage."""
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    """The text `seal` stored. Raises ValueError when no configured key opens it (the key was changed)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError(_("无法解密（加密密钥已更换？请重新填写）")) from error


def webhook_check(url: str) -> str:
    """The webhook address, stripped. Raises ValidationError unless it is an http(s) address with a host."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            {"webhook": _("Webhook地址须以 https:// 或 http:// 开头，请从群机器人设置中完整复制")}
        )
    if not webhook_host_allowed(url):
        raise ValidationError(
            {
                "webhook": _("Webhook地址只能是群机器人的地址（%(hosts)s），请从群机器人设置中完整复制")
                % {"hosts": "、".join(settings.NOTIFY_WEBHOOK_HOSTS)}
            }
        )
    return url


def webhook_hint(channel: NotificationChannel) -> str:
    """The stored webhook shown without its key: its host and the key's last 4 characters."""
    if not channel.webhook_token:
        return ""
    try:
        url = unseal(channel.webhook_token)
    except ValueError as error:
        return str(error)
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}"


def channel_prepare(*, channel: NotificationChannel, webhook: str = "", secret: str = "") -> None:
    """Put a newly typed webhook and 钉钉 secret on the channel, encrypted (blank: keep what is stored); a channel
    being created carries the alerts opened from now on. Saves nothing. Raises ValidationError on a webhook that is
    not an http(s) address."""
    if webhook.strip():
        channel.webhook_token = seal(webhook_check(webhook))
    if secret.strip():
        channel.secret_token = seal(secret.strip())
    if channel.kind == NotificationChannel.Kind.SMS:
        channel.webhook_token = channel.secret_token = ""
    if channel.carries_from is None:
        channel.carries_from = portal_now()


@transaction.atomic
def channel_save(*, channel: NotificationChannel, webhook: str = "", secret: str = "") -> NotificationChannel:
    """Create or change a channel (the office's, in 管理后台): webhook and secret stored encrypted. Raises
    ValidationError on what is missing or wrong (one audience, a robot's webhook, an SMS list's numbers)."""
    channel_prepare(channel=channel, webhook=webhook, secret=secret)
    channel.full_clean()
    channel.save()
    return channel


def preference_for(*, user: User) -> NotificationPreference:
    """The user's choice of e-mail and SMS, or the default (e-mail for every kind, no SMS) if they made none."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def preference_save(
    *, user: User, email_kinds: list[str], sms_kinds: list[str], mobile: str
) -> NotificationPreference:
    """Store how the user wants to be told. SMS carries the alerts opened from the moment it is turned on or the
    number changes. Raises ValidationError when SMS is chosen without a valid mobile number."""
    kinds = set(all_alert_kinds())
    mobile = mobile.strip()
    if mobile and not MOBILE.match(mobile):
        raise ValidationError({"mobile": _("手机号码应为11位数字，以1开头，例如13800000000")})
    if sms_kinds and not mobile:
        raise ValidationError({"mobile": _("选择了短信提醒，请填写手机号码")})
    preference = preference_for(user=user)
    sms_before = (bool(preference.sms_kinds), preference.mobile)
    preference.email_kinds = [k for k in Alert.Kind.values if k in set(email_kinds) & kinds]
    preference.sms_kinds = [k for k in Alert.Kind.values if k in set(sms_kinds) & kinds]
    preference.mobile = mobile
    if preference.sms_kinds and (sms_before != (True, mobile) or preference.sms_from is None):
        preference.sms_from = portal_now()
    preference.full_clean()
    preference.save()
    return preference
