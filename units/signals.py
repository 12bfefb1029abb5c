"""Audit of identity events: sign-in, failed sign-in, sign-out, accounts created and roles changed; and the two
stamps third-party code writes (Django's last_login, django-simple-history's history rows) put on the portal's
clock."""

from axes.signals import user_locked_out
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .audit import audit
from .clock import portal_now
from .middleware import session_start
from .models import AuditEvent, User


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    if hasattr(request, "session"):
        session_start(request.session)
    audit(action="login", user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(action="logout", user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit(
        action="login_failed",
        username=str(credentials.get("username", ""))[:150],
        result=AuditEvent.Result.FAILURE,
        request=request,
    )


@receiver(pre_save, sender=User)
def _remember_role(sender, instance: User, **kwargs) -> None:
    before = (
        User.objects.filter(pk=instance.pk).values_list("role", "is_superuser", "is_staff").first()
        if instance.pk
        else None
    )
    instance._role_before, instance._flags_before = (before[0], before[1:]) if before else (None, None)


@receiver(post_save, sender=User)
def _role_changed(sender, instance: User, created: bool, **kwargs) -> None:
    """Who (the signed-in administrator, or the command that ran) made whom what."""
    role = instance.get_role_display()
    if created:
        audit(action="account_create", obj=instance, detail=f"角色：{role}")
    elif getattr(instance, "_role_before", None) not in (None, instance.role):
        before = User.Role(instance._role_before).label
        audit(action="role_change", obj=instance, detail=f"{before} → {role}")
    flags = getattr(instance, "_flags_before", None)
    if not created and flags is not None and flags != (instance.is_superuser, instance.is_staff):
        changes = [
            f"{label}：{'是' if old else '否'} → {'是' if new else '否'}"
            for label, old, new in zip(
                ("超级用户", "可进入管理后台"), flags, (instance.is_superuser, instance.is_staff), strict=True
            )
            if old != new
        ]
        audit(action="privilege_change", obj=instance, detail="；".join(changes))


@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=User.groups.through)
def _privileges_changed(sender, instance, action: str, model, pk_set, **kwargs) -> None:
    """Permissions or Django groups given or taken (the portal's own forms offer neither; the role sets them when an
    account is created, which account_create records)."""
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    if getattr(instance, "_privileges_set_by_role", False):
        return
    what = "权限" if model is Permission else "用户组"
    names = sorted(str(getattr(o, "codename", o)) for o in model.objects.filter(pk__in=pk_set or ()))
    verb = {"post_add": "增加", "post_remove": "取消", "post_clear": "清空"}[action]
    audit(action="privilege_change", obj=instance, detail=f"{verb}{what}：{'、'.join(names) or '全部'}")


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit(
        action="lockout", username=str(username or "")[:150], result=AuditEvent.Result.DENIED, request=request
    )


# Dates people read follow the portal's clock (units.clock): Django's own sign-in stamp and simple-history's rows
# would take the machine's time, which in the demo is another day than the portal's (最近登录, 修改记录).
user_logged_in.disconnect(dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="units_last_login")
def _last_login(sender, request, user, **kwargs) -> None:
    user.last_login = portal_now()
    user.save(update_fields=["last_login"])


@receiver(pre_create_historical_record)
def _history_on_the_portal_clock(sender, instance, history_instance, **kwargs) -> None:
    """A history row saved through the model's save hook (an indicator edited in 管理后台, a baseline set) is dated
    by the portal's clock unless its writer gave a date."""
    if not hasattr(instance, "_history_date"):
        history_instance.history_date = portal_now()
