"""Units (the bodies the plan names), the groups the plan uses for several units at once, and users."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", _("市直部门")
        PARTY_DEPARTMENT = "party_department", _("党委部门")
        JUDICIAL = "judicial", _("司法机关")
        COUNTY = "county", _("县级人民政府")
        ZONE = "zone", _("开发区管委会")
        CENTRAL = "central", _("中央驻德单位")
        SCENIC = "scenic", _("景区管委会")
        OFFICE = "office", _("领导小组办公室")

    # A county or a zone: its figure is part of the city's (summed into it), not the city's own.
    LOCAL_KINDS = (Kind.COUNTY, Kind.ZONE)

    code = models.SlugField(_("代码"), max_length=40, unique=True, help_text=_("拼音缩写，如 kjj"))
    name = models.CharField(_("简称"), max_length=100, unique=True, help_text=_("方案中的写法，如 市科技局"))
    full_name = models.CharField(_("全称"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    aliases = models.JSONField(_("别名"), default=list, blank=True, help_text=_("其他写法，用于识别方案文本"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    needs_review = models.BooleanField(
        _("待确认"), default=False, help_text=_("从方案文本识别出的新单位，需办公室确认")
    )
    # 单位审核 (two-level review): the unit's figures go to its 单位审核 users first, then to the office.
    unit_review = models.BooleanField(
        _("单位审核"),
        default=False,
        help_text=_("开启后，本单位填报员提交的数据先由本单位的单位审核人审核通过，再报送领导小组办公室"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_units",
        help_text=_(
            "乡镇（街道）或部门作为区县的下级单位时填写：其提交的数据先由上级单位的单位审核人审核；"
            "下级单位的数据不计入全市合计（全市合计按区县本级数据计算）"
        ),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": _("单位不能是自己的上级单位")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("上级单位本身是下级单位；只支持一级下级单位，请选择区县")})
        if self.pk and Unit.objects.filter(parent_id=self.pk).exists():
            raise ValidationError({"parent": _("本单位已有下级单位，不能再设上级单位")})

    @property
    def reviewing_unit_id(self) -> int | None:
        """The unit whose 单位审核 users check this unit's submissions before the office: its parent for a sub-unit,
        itself when it has 单位审核 on, else none (its submissions go straight to the office)."""
        if self.parent_id:
            return self.parent_id
        return self.pk if self.unit_review else None


class UnitGroup(models.Model):
    """A name the plan uses for several units at once, e.g. 各区（市、县）人民政府."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    members = models.ManyToManyField(Unit, related_name="groups", verbose_name=_("成员单位"))
    note = models.TextField(_("说明"), blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("填报员")
        UNIT_HEAD = "unit_head", _("单位审核")
        OFFICE = "office", _("领导小组办公室")
        LEADER = "leader", _("领导")
        SYSADMIN = "sysadmin", _("系统管理员")
        AUDITOR = "auditor", _("安全审计员")

    UNIT_ROLES = (Role.REPORTER, Role.UNIT_HEAD)

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Set when an administrator sets the password: a one-time password the user replaces at the next sign-in.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["reporter", "unit_head"]) | Q(unit__isnull=False),
                name="unit_role_needs_unit",
                violation_error_message=_("填报员和单位审核必须属于一个单位"),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PrivilegeRequest(models.Model):
    """A change no one may make alone (三员分立): giving or taking the office, auditor or system administrator role
    (activating such an account included), or resetting such an account's authenticator. The system administrator
    asks; the security auditor, who is neither the one asking nor the account concerned, approves or refuses; only
    then does it take effect (units.privileges)."""

    class Kind(models.TextChoices):
        ROLE = "role", _("角色变更")
        SECOND_FACTOR = "second_factor", _("重置验证器")

    class State(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        "User", on_delete=models.CASCADE, related_name="privilege_requests", verbose_name=_("账号")
    )
    role = models.CharField(_("申请角色"), max_length=20, choices=User.Role.choices, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属单位")
    )
    reason = models.TextField(_("申请说明"), blank=True)
    requested_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("权限变更申请")
        verbose_name_plural = _("权限变更申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], condition=Q(state="pending"), name="one_pending_privilege_request"
            ),
        ]

    def __str__(self) -> str:
        what = self.get_role_display() if self.kind == self.Kind.ROLE else self.get_kind_display()
        return f"{self.user} · {what} · {self.get_state_display()}"


class Responsibility(models.Model):
    """One responsible body of a goal area or task: a unit or a group, as the plan names it, in its order."""

    class Role(models.TextChoices):
        UNSPECIFIED = "", _("未区分")
        LEAD = "lead", _("牵头")
        SUPPORT = "support", _("配合")

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, null=True, blank=True)
    group = models.ForeignKey(
        UnitGroup, verbose_name=_("单位组"), on_delete=models.PROTECT, null=True, blank=True
    )
    role = models.CharField(_("牵头/配合"), max_length=10, choices=Role.choices, blank=True, default="")
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True)
                | Q(unit__isnull=True, group__isnull=False),
                name="%(app_label)s_%(class)s_unit_xor_group",
                violation_error_message=_("责任主体必须是一个单位或一个单位组，二者选一"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.unit.name if self.unit_id else self.group.name


class AuditEvent(models.Model):
    """One line of the audit log (审计日志): who did what to which object, from where, with what result.

    Append-only: the log is only ever inserted into (units.audit.audit). A migration installs database triggers
    that refuse UPDATE (everywhere) and DELETE (on PostgreSQL) of these rows, so not even the application's own
    database role can rewrite history. The user is copied in by name, not linked, for the same reason.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    at = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.IntegerField(_("用户编号"), null=True, blank=True, db_index=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.SUCCESS)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    # Who opened the connection: the reverse proxy when `ip` is the address it forwarded, else `ip` itself.
    peer_ip = models.GenericIPAddressField(_("连接来源IP"), null=True, blank=True)
    path = models.CharField(_("访问路径"), max_length=300, blank=True)
    detail = models.TextField(_("说明"), blank=True)
    # The hash chain (units.audit_chain): set once, when the row is sealed after its transaction commits.
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, editable=False)
    # Nullable on purpose (DJ001): a column with a default would make SQLite rebuild the table and its triggers.
    chain = models.CharField(_("链哈希"), max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seq"], condition=Q(seq__isnull=False), name="audit_sealed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.object_repr}"


class PasswordHistory(models.Model):
    """The hashes of an account's earlier passwords, so a new one is not one of the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码（摘要）"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
