"""管理后台 for reporting: figures, task reports and reopen requests are shown with their history, never edited
there (they change only through the workflow's services, with their checks). The office keeps the plans' validation
rules here, each change in the rule's history, and the channels alerts go to (group robots, SMS); the system
administrator reads here which of those messages failed."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from targets.admin import ReadOnlyHistoryAdmin
from units.models import User

from .alerts.channels import channel_prepare, channel_save, webhook_hint
from .models import (
    Alert,
    NotificationChannel,
    NotificationDelivery,
    ReopenRequest,
    Submission,
    TaskReport,
    ValidationRule,
)
from .models.notifications import all_alert_kinds


class ReadOnlyAdmin(ReadOnlyHistoryAdmin):
    """Figures change only through the portal's workflow (with its checks); the admin shows them and their history."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "unit", "period", "value", "status", "updated_at")
    list_filter = ("status", "period", "unit")
    list_select_related = ("indicator", "unit", "period")


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "period", "progress", "status", "updated_at")
    list_filter = ("status", "progress", "period", "unit")
    list_select_related = ("task__section", "unit", "period")


@admin.register(ReopenRequest)
class ReopenRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "requested_by", "requested_at", "decision")
    list_filter = ("decision",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OfficeOnly:
    """What the office keeps in 管理后台 by its role, not by permissions granted account by account."""

    def _office(self, request) -> bool:
        return request.user.is_authenticated and request.user.role == User.Role.OFFICE

    def has_module_permission(self, request) -> bool:
        return self._office(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._office(request)

    def has_add_permission(self, request) -> bool:
        return self._office(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._office(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._office(request)


@admin.register(ValidationRule)
class ValidationRuleAdmin(OfficeOnly, ReadOnlyHistoryAdmin):
    """校验规则: the office's (its role, not a permission granted account by account, as it keeps the plan)."""

    list_display = ("name", "plan", "indicator", "operator", "compare", "severity", "active")
    list_filter = ("plan", "severity", "active", "compare")
    search_fields = ("name", "indicator__code", "indicator__name")
    list_select_related = ("plan", "indicator")
    autocomplete_fields = ("indicator", "other_indicator")
    fields = (
        "plan",
        "name",
        "indicator",
        "operator",
        "compare",
        "other_indicator",
        "constant",
        "severity",
        "active",
    )


class NotificationChannelForm(forms.ModelForm):
    """The office's form for a channel: the webhook and the 钉钉 secret are typed, never shown back (blank keeps
    what is stored); reports.alerts.channels encrypts them."""

    alert_kinds = forms.MultipleChoiceField(
        label=_("发送的提醒类型"),
        choices=Alert.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=all_alert_kinds,
    )
    webhook = forms.CharField(
        label=_("Webhook地址"),
        required=False,
        widget=forms.TextInput(attrs={"size": 90, "autocomplete": "off"}),
        help_text=_("在群设置 › 群机器人中复制完整地址（https://开头）。"),
    )
    secret = forms.CharField(
        label=_("加签密钥（钉钉）"),
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"size": 70, "autocomplete": "new-password"}),
        help_text=_(
            "钉钉机器人安全设置选“加签”时填写（SEC开头）；选“自定义关键词”时请把关键词设为“预警提醒”。"
        ),
    )

    class Meta:
        model = NotificationChannel
        fields = ("name", "kind", "unit", "group", "for_office", "alert_kinds", "active", "phone_numbers")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.webhook_token:
            self.fields["webhook"].help_text = _("已加密保存：%(hint)s。留空则保持不变，填写则替换。") % {
                "hint": webhook_hint(self.instance)
            }
        if self.instance.secret_token:
            self.fields["secret"].help_text = _("已加密保存（不显示）。留空则保持不变，填写则替换。")

    def clean(self):
        cleaned = super().clean()
        self.instance.kind = cleaned.get("kind") or self.instance.kind
        try:
            channel_prepare(
                channel=self.instance, webhook=cleaned.get("webhook", ""), secret=cleaned.get("secret", "")
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(NotificationChannel)
class NotificationChannelAdmin(OfficeOnly, admin.ModelAdmin):
    """通知渠道: the office sets up the group robots and SMS lists alerts go to, per unit, group or the office."""

    form = NotificationChannelForm
    list_display = ("name", "kind", "audience", "kinds", "active", "webhook_shown", "failed")
    list_filter = ("kind", "active")
    search_fields = ("name", "unit__name", "group__name")
    list_select_related = ("unit", "group")
    readonly_fields = ("carries_from",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "active", "alert_kinds", "carries_from")}),
        (_("发给谁（三选一）"), {"fields": ("unit", "group", "for_office")}),
        (_("群机器人"), {"fields": ("webhook", "secret")}),
        (_("短信"), {"fields": ("phone_numbers",)}),
    )

    def get_queryset(self, request):
        failed = Count("deliveries", filter=Q(deliveries__state=NotificationDelivery.State.FAILED))
        return super().get_queryset(request).annotate(failed_count=failed)

    @admin.display(description=_("发给"))
    def audience(self, obj: NotificationChannel) -> str:
        return obj.audience

    @admin.display(description=_("提醒类型"))
    def kinds(self, obj: NotificationChannel) -> str:
        labels = dict(Alert.Kind.choices)
        if set(labels) <= set(obj.alert_kinds):
            return _("全部类型")
        return "、".join(str(labels[k]) for k in obj.alert_kinds if k in labels)

    @admin.display(description=_("Webhook地址"))
    def webhook_shown(self, obj: NotificationChannel) -> str:
        return webhook_hint(obj)

    @admin.display(description=_("发送失败"), ordering="failed_count")
    def failed(self, obj: NotificationChannel) -> int:
        return obj.failed_count

    def save_model(self, request, obj, form, change) -> None:
        channel_save(channel=obj)


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    """通知发送记录: each alert sent to a robot or by SMS, read-only. The system administrator watches the failures
    here (by role, as his permissions stop at accounts and units); the office sees them beside its channels."""

    list_display = (
        "created_at",
        "alert_kind",
        "alert_unit",
        "recipient",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("state", "channel__kind")
    list_select_related = ("alert__unit", "alert__period", "channel", "user")
    search_fields = ("last_error", "channel__name", "alert__unit__name")
    fields = (
        "alert",
        "channel",
        "user",
        "opened_at",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
    )
    readonly_fields = fields

    def _watches(self, request) -> bool:
        return request.user.is_authenticated and request.user.role in (User.Role.SYSADMIN, User.Role.OFFICE)

    def has_module_permission(self, request) -> bool:
        return self._watches(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._watches(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("提醒类型"), ordering="alert__kind")
    def alert_kind(self, obj: NotificationDelivery) -> str:
        return obj.alert.get_kind_display()

    @admin.display(description=_("单位"))
    def alert_unit(self, obj: NotificationDelivery) -> str:
        return obj.alert.unit.name if obj.alert.unit_id else ""

    @admin.display(description=_("发往"))
    def recipient(self, obj: NotificationDelivery) -> str:
        return obj.recipient
