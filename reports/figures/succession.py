"""Successor plans (issue 16, item 3): a plan names the plan it follows, and each of its indicators that matches one
of the predecessor's (the same name, or the one the office chose) takes its baseline from the predecessor's
approved figures: the value approved for the baseline date when the plan dates its baseline inside the
predecessor's period (较2024年底翻一番), else the last value approved. Units, groups and users are the portal's, not
a plan's: they carry over by themselves.

A baseline the plan's own text gives is kept; a carried one says where it came from (Indicator.baseline_source)
and can be changed in 管理后台 like any other, the change in the indicator's history.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import Rollup
from targets.models import Indicator, Period, WorkPlan
from targets.signals import plan_edited
from units.audit import audit
from units.models import User


@dataclass(frozen=True)
class Match:
    """One indicator of the new plan and what it would take from the predecessor."""

    indicator: Indicator
    previous: Indicator | None  # the predecessor's indicator it follows, None when none matches
    value: (
        Decimal | None
    )  # the baseline it would carry, None when the predecessor has no approved value for it
    period: Period | None  # the predecessor's quarter that value was approved for
    keeps_own: bool  # the plan's text gives a baseline of its own: it is kept
    note: str = ""  # why nothing carries, for the office

    @property
    def source(self) -> str:
        return _("来自上一方案《%(title)s》%(period)s审核值") % {
            "title": self.previous.plan.title,
            "period": self.period.label,
        }


def _normal(name: str) -> str:
    """A name as compared across plans: spaces and punctuation dropped."""
    return re.sub(r"[\s（）()“”\"'、，,：:]", "", name)


def succession_matches(
    *, plan: WorkPlan, predecessor: WorkPlan, chosen: dict[int, int | None] | None = None
) -> list[Match]:
    """For each indicator of `plan`, in order: the predecessor's indicator it follows (`chosen`: new indicator id →
    predecessor indicator id or None, as the office mapped them; otherwise the one of the same name) and the baseline
    that would carry. 4 queries."""
    chosen = chosen or {}
    previous = {i.pk: i for i in predecessor.indicators.select_related("plan")}
    by_name = {_normal(i.name): i for i in previous.values()}
    approved: dict[int, list[tuple[Period, Decimal]]] = {}
    rows = Rollup.objects.filter(
        indicator__plan=predecessor, unit__isnull=True, reported__gt=0, value__isnull=False
    ).select_related("period__plan")
    for row in sorted(rows, key=lambda r: (r.period.year, r.period.quarter)):
        approved.setdefault(row.indicator_id, []).append((row.period, row.value))
    quarters = list(predecessor.periods.all())
    matches = []
    for indicator in plan.indicators.order_by("position", "pk"):
        if indicator.pk in chosen:
            follows = previous.get(chosen[indicator.pk]) if chosen[indicator.pk] else None
        else:
            follows = by_name.get(_normal(indicator.name))
        period, value, note = (
            _carried(indicator, approved.get(follows.pk, []), predecessor, quarters)
            if follows
            else (None, None, "")
        )
        keeps_own = indicator.baseline_value is not None and not indicator.baseline_source
        matches.append(Match(indicator, follows, value, period, keeps_own, note))
    return matches


def _carried(
    indicator: Indicator,
    approved: list[tuple[Period, Decimal]],
    predecessor: WorkPlan,
    quarters: list[Period],
) -> tuple[Period | None, Decimal | None, str]:
    """The predecessor's approved city value this indicator starts from, and when there is none, why: at its baseline
    date when that falls in the predecessor's period (the value approved for the last of its `quarters` ending by
    then, if any); nothing when it is older than the predecessor; else the last one approved. A milestone carries
    nothing."""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return None, None, _("里程碑指标不需要基线")
    when = indicator.baseline_date
    if when and when < predecessor.start:
        return None, None, _("基线日（%(day)s）早于上一方案，请在管理后台填写") % {"day": when.isoformat()}
    if when and when <= predecessor.end:
        ended = [p for p in quarters if p.end <= when]
        found = next(((p, v) for p, v in approved if ended and p == ended[-1]), None)
        if found is None:
            return (
                None,
                None,
                _("上一方案没有基线日（%(day)s）的审核数据，请在管理后台填写") % {"day": when.isoformat()},
            )
        return *found, ""
    if not approved:
        return None, None, _("上一方案还没有审核通过的数据，请在管理后台填写")
    return *approved[-1], ""


@transaction.atomic
def plan_succeed(
    *, user: User, plan: WorkPlan, predecessor: WorkPlan, chosen: dict[int, int | None] | None = None
) -> list[Match]:
    """Name `predecessor` as the plan's predecessor and carry the baselines of the matching indicators (see the
    module's text). Returns the matches that carried. Baselines carried before and now unmatched are cleared;
    baselines of the plan's own are kept. Audited; the plan's stored standings are refreshed."""
    if user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以设置上一方案"))
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if predecessor.pk == plan.pk or predecessor.start >= plan.start:
        raise ValidationError(_("上一方案必须是工作期早于本方案的另一方案"))
    if predecessor.status == WorkPlan.Status.DRAFT:
        raise ValidationError(_("《%(title)s》还是草稿，不能作为上一方案") % {"title": predecessor.title})
    if plan.status in (WorkPlan.Status.CLOSED, WorkPlan.Status.ARCHIVED):
        raise ValidationError(_("《%(title)s》已结束，不能再承接基线") % {"title": plan.title})
    plan.predecessor = predecessor
    plan.save(update_fields=["predecessor"])
    carried = []
    for match in succession_matches(plan=plan, predecessor=predecessor, chosen=chosen):
        indicator = match.indicator
        if match.keeps_own:
            continue
        if match.value is None:
            if indicator.baseline_source:  # carried before, not any more
                indicator.baseline_value, indicator.baseline_source, indicator.carried_from = None, "", None
                indicator._change_reason = _("不再承接上一方案基线")
                indicator.save()
            continue
        indicator.carried_from = match.previous
        indicator.baseline_value = match.value
        indicator.baseline_date = indicator.baseline_date or match.period.end
        indicator.baseline_source = match.source
        indicator._change_reason = _("承接上一方案基线")
        indicator.save()
        carried.append(match)
    audit(
        action="plan_succeed",
        user=user,
        obj=plan,
        detail=_("上一方案：《%(title)s》；承接基线%(n)d项")
        % {"title": predecessor.title, "n": len(carried)},
    )
    plan_edited.send(sender=WorkPlan, plan=plan, due_dates_changed=False)
    return carried
