"""Alerts by e-mail: each unit's new alerts, the office's daily digest, the plan's gaps and the integrity check.
The bodies are templates (templates/emails/)."""

import datetime
from collections import defaultdict

from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.figures.integrity import figures_check
from reports.models import Alert
from targets.models import Indicator, WorkPlan
from targets.periods import portal_now, portal_today
from tasks.selectors import plan_readiness
from units.models import Unit, User
from units.selectors import office_emails


@transaction.atomic
def alerts_send_email(*, plan: WorkPlan) -> int:
    """E-mail each open alert not yet e-mailed to the active users of its unit (of its indicator's reporting units
    for a red indicator) who have an address and have not turned e-mail off for its kind: one message per unit
    listing its new alerts of this plan, the plan named in the subject and the text. An alert is marked
    e-mailed once someone received it, so a rerun sends nothing again. Returns how many alerts were e-mailed."""
    # skip_locked: a concurrent run leaves these rows to us instead of mailing them a second time.
    pending_ids = list(
        Alert.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(period__plan=plan, closed_at__isnull=True, emailed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not pending_ids:
        return 0
    pending = list(
        Alert.objects.filter(pk__in=pending_ids).select_related("period").order_by("opened_at", "pk")
    )
    red = {a.indicator_id for a in pending if a.unit_id is None and a.indicator_id}
    reporters: dict[int, list[int]] = defaultdict(list)
    for indicator_id, unit_id in Indicator.reporting_units.through.objects.filter(
        indicator_id__in=red
    ).values_list("indicator_id", "unit_id"):
        reporters[indicator_id].append(unit_id)
    by_unit: dict[int, list[Alert]] = defaultdict(list)
    for alert in pending:
        for unit_id in [alert.unit_id] if alert.unit_id else reporters.get(alert.indicator_id, []):
            by_unit[unit_id].append(alert)
    # Each address with the kinds its user is e-mailed (NotificationPreference; every kind unless they chose).
    addresses: dict[int, list[tuple[str, set[str] | None]]] = defaultdict(list)
    for unit_id, email, kinds in (
        User.objects.filter(unit_id__in=by_unit, is_active=True)
        .exclude(email="")
        .values_list("unit_id", "email", "notification_preference__email_kinds")
    ):
        addresses[unit_id].append((email, None if kinds is None else set(kinds)))
    names = dict(Unit.objects.filter(pk__in=addresses).values_list("pk", "name"))
    messages, mailed = [], set()
    for unit_id, unit_alerts in by_unit.items():
        # One message per distinct list of alerts: colleagues who chose the same kinds share it.
        recipients: dict[tuple[int, ...], set[str]] = defaultdict(set)
        for email, kinds in addresses.get(unit_id, []):
            chosen = tuple(a.pk for a in unit_alerts if kinds is None or a.kind in kinds)
            if chosen:
                recipients[chosen].add(email)
        for chosen, emails in recipients.items():
            alerts = [a for a in unit_alerts if a.pk in chosen]
            body = render_to_string(
                "emails/alerts.txt", {"unit": names[unit_id], "plan": plan, "alerts": alerts}
            )
            subject = _("【预警提醒】%(unit)s：%(n)d条新提醒（%(plan)s）") % {
                "unit": names[unit_id],
                "n": len(alerts),
                "plan": plan.title,
            }
            messages.append((subject, body, None, sorted(emails)))
            mailed.update(chosen)
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Alert.objects.filter(pk__in=mailed).update(emailed_at=portal_now())
    return len(mailed)


def office_digest(*, plan: WorkPlan, today: datetime.date | None = None) -> str | None:
    """The office's daily digest of open overdue and escalated sheets by unit, stale returns and red indicators,
    e-mailed to the active office users who have an address. Returns its text, or None when nothing is open."""
    today = today or portal_today()
    alerts = list(
        Alert.objects.filter(
            period__plan=plan,
            closed_at__isnull=True,
            kind__in=(
                Alert.Kind.OVERDUE,
                Alert.Kind.ESCALATED,
                Alert.Kind.RETURNED_STALE,
                Alert.Kind.INDICATOR_RED,
            ),
        )
        .select_related("unit", "period", "indicator")
        .order_by("unit__position", "unit_id", "period__year", "period__quarter", "indicator__position", "pk")
    )
    if not alerts:
        return None
    late: dict[Unit, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.kind in (Alert.Kind.OVERDUE, Alert.Kind.ESCALATED):
            late[alert.unit].append(alert)
    stale = [a for a in alerts if a.kind == Alert.Kind.RETURNED_STALE]
    red = [a for a in alerts if a.kind == Alert.Kind.INDICATOR_RED]
    units = []
    for unit, unit_alerts in late.items():
        parts = []
        for kind, title in (
            (Alert.Kind.ESCALATED, _("逾期超过一周")),
            (Alert.Kind.OVERDUE, _("逾期未满一周")),
        ):
            quarters = "、".join(
                _("%(period)s%(n)d项") % {"period": a.period.label, "n": a.count}
                for a in unit_alerts
                if a.kind == kind
            )
            if quarters:
                parts.append(f"{title}：{quarters}")
        units.append(
            {"name": unit.name, "missing": sum(a.count for a in unit_alerts), "detail": "；".join(parts)}
        )
    text = render_to_string(
        "emails/office_digest.txt", {"plan": plan, "today": today, "late": units, "stale": stale, "red": red}
    )
    _mail_office(
        _("【预警日报】%(day)s：逾期%(late)d个单位，退回未改%(stale)d项，滞后指标%(red)d个（%(plan)s）")
        % {
            "day": f"{today:%Y-%m-%d}",
            "late": len(late),
            "stale": len(stale),
            "red": len(red),
            "plan": plan.title,
        },
        text,
    )
    return text


def plan_problems_mail(*, plan: WorkPlan) -> list[str]:
    """E-mail the office what it still has to complete in a plan (tasks.selectors.plan_readiness). Returns the list."""
    problems = plan_readiness(plan=plan).problems
    if problems:
        _mail_office(
            _("【待补充】%(plan)s：%(n)d项") % {"plan": plan.title, "n": len(problems)},
            render_to_string("emails/plan_problems.txt", {"problems": problems}),
        )
    return problems


def figures_check_mail() -> int:
    """The integrity check of every approved figure (reports.figures.integrity.figures_check, which writes the audit
    row for the auditor), its findings e-mailed to the office. Returns how many figures do not match."""
    tampered = figures_check()
    if tampered:
        _mail_office(
            _("【数据校验】%(n)d项已审核数据校验码不符") % {"n": len(tampered)},
            render_to_string("emails/figures_tampered.txt", {"figures": tampered}),
        )
    return len(tampered)


def _mail_office(subject: str, body: str) -> None:
    """One message to the active office users who have an address (none when nobody has one)."""
    recipients = office_emails()
    if recipients:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
