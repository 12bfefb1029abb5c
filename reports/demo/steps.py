"""The steps the demo data (演示数据) takes as people would: an obligation a unit owes each quarter, the day the portal
stands on while it is reported, and saving and submitting one item through the reporting services. Shared by the
quarters of reports.demo.services and the examples of reports.demo.review_examples, which import this module and
not each other."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.test.utils import override_settings

from reports.demo.values import DEMO, Figure
from reports.models import ReportItem
from reports.workflow.drafts import item_save
from reports.workflow.services import item_submit
from targets.models import Indicator, Period
from tasks.models import Task
from units.models import Unit, User


@dataclass
class Obligation:
    """One figure or task report a unit owes each quarter, with what it enters in each."""

    key: tuple[str, str, str]  # ("f" | "t", indicator or task code, unit code): stable across databases
    unit: Unit
    indicator: Indicator | None
    task: Task | None
    entries: list  # Figure per quarter, or task-report data per quarter


@contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Stand the portal on `day`, so the services stamp their dates as if the work were done then."""
    with override_settings(PORTAL_TODAY=day.isoformat()):
        yield


def obligation_save(
    obligation: Obligation, user: User, period: Period, entry, version: int | None, proxy_reason: str = ""
) -> ReportItem:
    """Save the obligation's item of `period` as a draft (item_save) with `entry`, a Figure or task-report data."""
    return item_save(
        user=user,
        unit=obligation.unit,
        period=period,
        subject=obligation.indicator or obligation.task,
        data=entry.data() if isinstance(entry, Figure) else entry,
        expected_version=version,
        proxy_reason=proxy_reason,
    )


def obligation_submit(
    obligation: Obligation, user: User, period: Period, item: ReportItem, entry
) -> ReportItem:
    """Submit as a unit does: a figure the checks flag (far from its earlier quarters or from other units, a rule's
    warning) goes with the reason in 说明."""
    try:
        item_submit(user=user, item=item)
        return item
    except ValidationError as error:
        if set(error.message_dict) != {"note"}:
            raise
    data = entry.data() if isinstance(entry, Figure) else dict(entry)
    item = obligation_save(
        obligation, user, period, {**data, "note": f"{DEMO}：数值已核实，变化属实"}, item.version
    )
    item_submit(user=user, item=item)
    return item
