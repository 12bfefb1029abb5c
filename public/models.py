"""What the office publishes of a plan on the public page (公开): which indicators, up to which quarter, and whether
each unit's figures are shown."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Indicator, Period, WorkPlan


class Publication(models.Model):
    """One per plan, changed only by public.services.publication_update (audited). Quarters are published as "up to
    quarter X" rather than one by one: an indicator's value and status at a quarter rest on every quarter before it
    (a cumulative sum, the expected path), so a published quarter never shows what an unpublished earlier one holds."""

    plan = models.OneToOneField(
        WorkPlan, on_delete=models.CASCADE, related_name="publication", verbose_name=_("方案")
    )
    published = models.BooleanField(_("公开"), default=False, help_text=_("关闭后公开页面不再显示本方案"))
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+", verbose_name=_("公开的指标"))
    through = models.ForeignKey(
        Period,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开截至季度"),
        help_text=_("公开这一季度及以前各季度审核通过的数据"),
    )
    show_units = models.BooleanField(
        _("公开各单位数据"), default=False, help_text=_("默认只公开全市数据；勾选后同时公开各报送单位的数据")
    )
    # What the public page's cache is keyed on (public.selectors.public_cache_key): a new value whenever the office
    # changes the publication or edits the plan in 管理后台, so no cached page outlives either.
    revision = models.CharField(max_length=32, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), null=True, editable=False)
    history = HistoricalRecords(m2m_fields=[indicators], verbose_name=_("公开设置修改记录"))

    class Meta:
        verbose_name = _("公开设置")
        verbose_name_plural = _("公开设置")

    def __str__(self) -> str:
        return f"{self.plan}：{_('公开') if self.published else _('不公开')}"
