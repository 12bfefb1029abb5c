"""A write's body, read as the sheet reads a row: the obligation it names (unit, quarter, indicator or task), checked
for the writer's unit first, and its content through the sheet's own forms (reports.workflow.forms: numbers as people
type them, texts and their limits, with the same Chinese messages), ready for the sheet's services."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.models import ReportItem, Submission
from reports.workflow.drafts import check_reporter
from reports.workflow.forms import FigureForm, TaskReportForm
from targets.models import Indicator, Period
from targets.periods import parse_period_code
from tasks.models import Task
from tasks.selectors import plans_listed
from units.models import Unit, User


@dataclass
class ItemWrite:
    """What item_save takes: whose item, which quarter, about what, the content, and what it is based on."""

    unit: Unit
    period: Period
    subject: Indicator | Task
    data: dict
    expected_version: int
    proxy_reason: str

    def arguments(self) -> dict:
        return {
            "unit": self.unit,
            "period": self.period,
            "subject": self.subject,
            "data": self.data,
            "expected_version": self.expected_version,
            "proxy_reason": self.proxy_reason,
        }


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def obligation_named(*, user: User, body: dict, kind: str) -> tuple[Unit, Period, Indicator | Task]:
    """The unit, quarter and indicator (`kind` "indicator") or task ("task") a new write names: 400 naming the field
    that names nothing, PermissionDenied (403) when the user may not write for the unit."""
    unit = Unit.objects.filter(code=body["unit"]).first()
    if unit is None:
        raise _refused("unit", _("没有代码为“%(code)s”的单位") % {"code": body["unit"]})
    check_reporter(user, unit)
    model = Indicator if kind == "indicator" else Task
    plans = [plan.pk for plan in plans_listed()]
    subject = model.objects.select_related("plan").filter(pk=body[kind], plan_id__in=plans).first()
    if subject is None:
        message = _("没有编号为%(pk)s的指标") if kind == "indicator" else _("没有编号为%(pk)s的任务")
        raise _refused(kind, message % {"pk": body[kind]})
    try:
        year, quarter = parse_period_code(body["quarter"])
    except ValueError:
        raise _refused(
            "quarter", _("季度编号应形如 2025Q2，收到“%(code)s”") % {"code": body["quarter"]}
        ) from None
    period = Period.objects.filter(plan=subject.plan, year=year, quarter=quarter).order_by("pk").first()
    if period is None:
        raise _refused(
            "quarter",
            _("《%(title)s》没有%(code)s这个季度") % {"title": subject.plan.title, "code": body["quarter"]},
        )
    period.plan = subject.plan
    return unit, period, subject


def _form_data(form) -> dict:
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


def _typed(value) -> str:
    return "" if value is None else str(value)


def figure_content(*, indicator: Indicator, body: dict) -> dict:
    """A figure's content as the sheet's FigureForm reads it (1,234 and full-width digits as on the sheet; a number
    with more decimals than the indicator takes refused later by the service, as on the sheet)."""
    achieved = {True: "yes", False: "no"}.get(body.get("achieved"), "")
    typed = {
        name: _typed(body.get(name)) for name in ("value", "numerator", "denominator", "achieved_on", "note")
    }
    return _form_data(FigureForm({**typed, "achieved": achieved}, indicator=indicator))


def task_report_content(*, body: dict) -> dict:
    typed = {
        name: _typed(body.get(name))
        for name in ("progress", "progress_text", "problems", "next_steps", "note")
    }
    return _form_data(TaskReportForm(typed))


def item_write_new(*, user: User, body: dict, kind: str) -> ItemWrite:
    """A write that names its obligation (POST): see obligation_named, then the content."""
    unit, period, subject = obligation_named(user=user, body=body, kind=kind)
    return _write(unit=unit, period=period, subject=subject, body=body)


def item_write_over(*, user: User, item: ReportItem, body: dict) -> ItemWrite:
    """A write over an item the user can see (PUT): its own obligation, then the content."""
    check_reporter(user, item.unit)
    subject = item.indicator if isinstance(item, Submission) else item.task
    return _write(unit=item.unit, period=item.period, subject=subject, body=body)


def _write(*, unit: Unit, period: Period, subject, body: dict) -> ItemWrite:
    if isinstance(subject, Indicator):
        data = figure_content(indicator=subject, body=body)
    else:
        data = task_report_content(body=body)
    return ItemWrite(
        unit=unit,
        period=period,
        subject=subject,
        data=data,
        expected_version=body["version"],
        proxy_reason=body.get("proxy_reason", ""),
    )
