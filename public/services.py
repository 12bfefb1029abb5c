"""Writes of what the public page shows: the office's publication choices (audited, kept in their history), and the
cache version the plan's edits in 管理后台 renew."""

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_now
from units.audit import audit
from units.models import User

from .models import Publication

# The audit log's action for a change of the publication. units.audit.ACTIONS names it for the auditor's page
# ("修改公开内容"); the log itself takes any action code.
AUDIT_ACTION = "publication_change"


def _describe(
    *, published: bool, indicators: list[Indicator], through: Period | None, show_units: bool
) -> str:
    codes = "、".join(i.code for i in indicators) or _("无")
    return _("%(state)s；公开指标：%(codes)s；公开截至：%(through)s；各单位数据：%(units)s") % {
        "state": _("公开") if published else _("不公开"),
        "codes": codes,
        "through": through.label if through else _("未选择"),
        "units": _("公开") if show_units else _("不公开"),
    }


@transaction.atomic
def publication_update(
    *,
    user: User,
    plan: WorkPlan,
    published: bool,
    indicators: Iterable[Indicator],
    through: Period | None,
    show_units: bool,
) -> Publication:
    """The office sets what the public page shows of `plan`: whether it is published, which of its indicators, up to
    which of its quarters, and whether each unit's figures are shown. Audited and kept in the publication's history;
    the page's cache follows at once. Saving the same choices again changes nothing. Raises PermissionDenied for
    anyone but the office, ValidationError for a draft plan, an indicator or quarter of another plan, or a
    publication switched on without an indicator or a quarter."""
    if not user.is_authenticated or user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以设置公开内容"))
    if plan.status == WorkPlan.Status.DRAFT:
        raise ValidationError(_("草稿方案不能公开，请先开放填报"))
    chosen = sorted(set(indicators), key=lambda i: (i.position, i.pk))
    if any(i.plan_id != plan.pk for i in chosen):
        raise ValidationError(_("只能公开本方案的指标"))
    if through is not None and through.plan_id != plan.pk:
        raise ValidationError(_("公开截至的季度不是本方案的季度"))
    if published and not chosen:
        raise ValidationError(_("请至少勾选一项要公开的指标，或取消“公开”"))
    if published and through is None:
        raise ValidationError(_("请选择公开截至哪个季度，或取消“公开”"))
    publication, created = Publication.objects.select_for_update().get_or_create(
        plan=plan, defaults={"revision": uuid.uuid4().hex}
    )
    before = (
        publication.published,
        set(publication.indicators.values_list("pk", flat=True)),
        publication.through_id,
        publication.show_units,
    )
    after = (published, {i.pk for i in chosen}, through.pk if through else None, show_units)
    if before == after and not created:
        return publication
    publication.published, publication.through, publication.show_units = published, through, show_units
    publication.revision = uuid.uuid4().hex
    publication.updated_by, publication.updated_at = user, portal_now()
    publication.full_clean()
    publication.save()
    publication.indicators.set(chosen)
    audit(
        action=AUDIT_ACTION,
        user=user,
        obj=plan,
        detail=_describe(published=published, indicators=chosen, through=through, show_units=show_units),
    )
    return publication


def publication_plan_edited(*, plan: WorkPlan, **kwargs) -> None:
    """On targets.signals.plan_edited (the office edited a target, a baseline, a quarter or the plan in 管理后台): the
    plan's public page is computed afresh at its next request rather than when its cache expires."""
    Publication.objects.filter(plan=plan).update(revision=uuid.uuid4().hex)
