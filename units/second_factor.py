"""The second factor (双因素认证): office, system administrator and auditor accounts sign in with their password and
then a 6-digit code from an authenticator app (TOTP, django-otp), outside demo mode. Reporters and leaders are not
asked. A user binds one authenticator (绑定验证器); only the system administrator can remove it (重置验证器).

Wrong codes are refused and audited; django-otp's throttling doubles the wait after each wrong code (1, 2, 4, 8 …
seconds), so guessing a code is hopeless, and a right code is accepted once only (a replayed one is refused).
"""

import math
import re

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit
from .models import AuditEvent, User

SECOND_FACTOR_ROLES = (User.Role.OFFICE, User.Role.SYSADMIN, User.Role.AUDITOR)
DEVICE_NAME = "验证器"
CODE = re.compile(r"\d{6}")


def second_factor_required(*, user: User) -> bool:
    """Whether this account must give a code after its password: office, sysadmin and auditor, outside demo mode."""
    return not settings.DEMO_MODE and user.is_authenticated and user.role in SECOND_FACTOR_ROLES


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The authenticator this user has bound (confirmed), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_enrolment(*, user: User) -> TOTPDevice:
    """The authenticator the user is binding: a new secret the first time, the same one until confirmed. Raises
    ValidationError when one is bound already: it is replaced only after the system administrator resets it."""
    if second_factor_device(user=user) is not None:
        raise ValidationError(_("您已绑定验证器。如需更换，请联系系统管理员重置。"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def second_factor_qr_svg(*, device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG data: URI the page shows as an image (CSP img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def second_factor_secret(*, device: TOTPDevice) -> str:
    """The secret in the base32 form authenticator apps take when typed in, in groups of four."""
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _verify(*, device: TOTPDevice, code: str, action: str) -> None:
    """Check a code against the device; audit and raise ValidationError with what to do when it is refused."""
    code = re.sub(r"\s", "", code or "")
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = math.ceil(((info or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds())
        audit(action=action, user=device.user, result=AuditEvent.Result.DENIED, detail="尝试过于频繁，已拒绝")
        raise ValidationError(_("验证码错误次数过多，请%(seconds)s秒后再试。") % {"seconds": max(wait, 1)})
    if not CODE.fullmatch(code):
        raise ValidationError(_("请输入验证器上显示的6位数字。"))
    with transaction.atomic():  # one verification at a time per device: a code is accepted once
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = device.verify_token(code)  # counts the failure (throttling) itself
    if not verified:
        audit(action=action, user=device.user, result=AuditEvent.Result.FAILURE, detail="验证码不正确")
        raise ValidationError(_("验证码不正确或已过期，请输入验证器上当前显示的6位数字。"))


def second_factor_bind(*, request: HttpRequest, code: str) -> TOTPDevice:
    """Confirm the authenticator being bound with a code it shows, and count this sign-in verified. Audited.
    Raises ValidationError for a wrong or too early code, or when an authenticator is bound already."""
    device = second_factor_enrolment(user=request.user)
    _verify(device=device, code=code, action="second_factor_bind")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit(action="second_factor_bind", user=request.user, obj=device)
    return device


def second_factor_check(*, request: HttpRequest, code: str) -> TOTPDevice:
    """Verify a code from the user's bound authenticator and count this sign-in verified. Audited. Raises
    ValidationError for a wrong, reused or too early code, or when no authenticator is bound."""
    device = second_factor_device(user=request.user)
    if device is None:
        raise ValidationError(_("您还没有绑定验证器。"))
    _verify(device=device, code=code, action="second_factor")
    otp_login(request, device)
    audit(action="second_factor", user=request.user)
    return device


@transaction.atomic
def second_factor_reset(*, user: User, by: User) -> int:
    """Remove the user's authenticators, so they bind a new one at their next request (a lost or new phone). Only
    the system administrator may. Audited. Returns how many were removed. Raises PermissionDenied."""
    if by.role != User.Role.SYSADMIN:
        raise PermissionDenied(_("只有系统管理员可以重置验证器"))
    removed, _counts = TOTPDevice.objects.filter(user=user).delete()
    audit(action="second_factor_reset", user=by, obj=user, detail=f"删除验证器{removed}个")
    return removed
