"""Access tokens for the REST API (接口令牌): each belongs to one user, who creates and revokes it in the portal.

Only a SHA-256 hash of the token is stored, with its first characters to tell one token from another in the list:
the token itself is shown once, when it is created, and cannot be read back from the database."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("用途"), max_length=100, help_text=_("如 督查督办系统：写明哪个系统使用此令牌"))
    prefix = models.CharField(_("令牌开头"), max_length=12)
    key_hash = models.CharField(_("令牌哈希"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
