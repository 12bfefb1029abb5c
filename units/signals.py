"""Audit of identity events: sign-in, failed sign-in, sign-out, accounts created and roles changed."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .audit import audit
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
    instance._role_before = (
        User.objects.filter(pk=instance.pk).values_list("role", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=User)
def _role_changed(sender, instance: User, created: bool, **kwargs) -> None:
    """Who (the signed-in administrator, or the command that ran) made whom what."""
    role = instance.get_role_display()
    if created:
        audit(action="account_create", obj=instance, detail=f"角色：{role}")
    elif getattr(instance, "_role_before", None) not in (None, instance.role):
        before = User.Role(instance._role_before).label
        audit(action="role_change", obj=instance, detail=f"{before} → {role}")


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit(
        action="lockout", username=str(username or "")[:150], result=AuditEvent.Result.DENIED, request=request
    )
