"""通知渠道: where alerts go besides the portal and e-mail (企业微信 and 钉钉 group robots, SMS), each user's choice of
e-mail and SMS, and one row per message sent (or tried) so that no alert goes twice to the same place. Written by
reports.alerts.channels (configuration) and reports.alerts.delivery (sending)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitGroup

from .alerts import Alert

MOBILE = re.compile(r"^1\d{10}$")  # a mainland mobile number


def all_alert_kinds() -> list[str]:
    """Every alert kind: what a new channel carries and what a user is e-mailed unless they choose otherwise."""
    return list(Alert.Kind.values)


class NotificationChannel(models.Model):
    """A group robot (企业微信 or 钉钉) or a list of mobile numbers that the office set up for a unit, a group of units
    or the office itself, carrying the alert kinds chosen. The webhook address and the 钉钉 signing secret are stored
    encrypted (reports.alerts.channels), never shown back in full. It carries the alerts opened from `carries_from`
    on: a new channel does not replay every alert already open."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        SMS = "sms", _("短信")

    ROBOTS = (Kind.WECOM, Kind.DINGTALK)

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("渠道"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_channels",
        verbose_name=_("单位"),
    )
    group = models.ForeignKey(
        UnitGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_channels",
        verbose_name=_("单位组"),
    )
    for_office = models.BooleanField(
        _("领导小组办公室"), default=False, help_text=_("报领导小组办公室的提醒（逾期升级、指标滞后）")
    )
    alert_kinds = models.JSONField(_("发送的提醒类型"), default=all_alert_kinds)
    active = models.BooleanField(_("启用"), default=True)
    webhook_token = models.TextField(_("Webhook地址（加密）"), blank=True, editable=False)
    secret_token = models.TextField(_("加签密钥（加密）"), blank=True, editable=False)
    phone_numbers = models.TextField(_("手机号码"), blank=True, help_text=_("短信渠道：每行一个11位手机号码"))
    carries_from = models.DateTimeField(_("发送起始时间"), editable=False)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道（群机器人、短信）")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True, for_office=False)
                | Q(unit__isnull=True, group__isnull=False, for_office=False)
                | Q(unit__isnull=True, group__isnull=True, for_office=True),
                name="channel_has_one_audience",
                violation_error_message=_("请在“单位”“单位组”“领导小组办公室”中选择且只选择一项"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def audience(self) -> str:
        if self.for_office:
            return str(_("领导小组办公室"))
        return str(self.unit or self.group or "")

    @property
    def numbers(self) -> list[str]:
        return [
            n.strip() for n in self.phone_numbers.replace(",", "\n").replace("，", "\n").split() if n.strip()
        ]

    def clean(self) -> None:
        errors = {}
        if not self.alert_kinds:
            errors["alert_kinds"] = _("请至少选择一种提醒类型")
        if self.kind in self.ROBOTS and not self.webhook_token:
            errors["webhook"] = _("请填写群机器人的Webhook地址")
        bad = [n for n in self.numbers if not MOBILE.match(n)]
        if self.kind == self.Kind.SMS and not self.numbers:
            errors["phone_numbers"] = _("请填写接收短信的手机号码，每行一个")
        elif bad:
            errors["phone_numbers"] = _("手机号码应为11位数字，以1开头：%(bad)s") % {"bad": "、".join(bad)}
        if errors:
            raise ValidationError(errors)


class NotificationPreference(models.Model):
    """How one user wants to be told, per alert kind: by e-mail (every kind unless they turn it off) and by SMS to
    their mobile (none unless they turn it on). The portal's own list of alerts is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("用户"),
    )
    email_kinds = models.JSONField(_("邮件提醒的类型"), default=all_alert_kinds, blank=True)
    sms_kinds = models.JSONField(_("短信提醒的类型"), default=list, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    # SMS carries the alerts opened from when the user turned it on (or changed the number), not those already open.
    sms_from = models.DateTimeField(_("短信起始时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人提醒方式")
        verbose_name_plural = _("个人提醒方式")

    def __str__(self) -> str:
        return str(self.user)


class NotificationDelivery(models.Model):
    """One alert sent (or being sent) to one channel or one user's mobile: the unique keys make "never twice for the
    same alert" a property of the database. `opened_at` is the alert's opening it is for (a closed alert that opens
    again is news again, as for e-mail). A failure is tried again after a growing wait; after the last try it stays
    failed, for the system administrator to see."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        CANCELLED = "cancelled", _("未发送（已撤销）")

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("预警提醒")
    )
    channel = models.ForeignKey(
        NotificationChannel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("通知渠道"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_deliveries",
        verbose_name=_("短信接收人"),
    )
    opened_at = models.DateTimeField(_("提醒时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        constraints = [
            # NULLs are distinct: each constraint holds for the rows that name a channel, resp. a user.
            models.UniqueConstraint(
                fields=["alert", "channel", "opened_at"], name="delivery_once_per_channel"
            ),
            models.UniqueConstraint(fields=["alert", "user", "opened_at"], name="delivery_once_per_user"),
            models.CheckConstraint(
                condition=Q(channel__isnull=False, user__isnull=True)
                | Q(channel__isnull=True, user__isnull=False),
                name="delivery_has_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.recipient}"

    @property
    def recipient(self) -> str:
        if self.channel_id:
            return str(self.channel)
        return str(_("%(user)s的手机") % {"user": self.user})
