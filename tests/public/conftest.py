"""The public page's test data (测试数据): indicators made for the tests in the plan's first goal area, figures approved
through the workflow's services (the office entering them for the units, 代填), and the rollup run as the job would.
The cache is never cleared here (with REDIS_URL it is the broker's Redis database): no two tests meet in it, as each
publication gets a revision of its own and the page's key carries it."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator
from tests.reports.factories import period
from units.models import Unit

PROXY = "代填（测试数据）"


def make_indicator(
    plan, code: str, name: str, *, kind: str = "level", target: int, uom: str, units: list[str]
):
    made = Indicator.objects.create(
        plan=plan,
        area=plan.areas.first(),
        code=code,
        name=name,
        uom=uom,
        kind=kind,
        target_value=target,
        position=1000 + len(code),
    )
    made.reporting_units.set(Unit.objects.filter(code__in=units))
    return made


def saved(office, plan, indicator: Indicator, unit: str, quarter: str, value) -> Submission:
    """The figure saved as a draft (the office entering it for the unit), on top of what is there."""
    held = Submission.objects.filter(
        indicator=indicator, unit__code=unit, period=period(plan, quarter)
    ).first()
    return figure_save(
        user=office,
        proxy_reason=PROXY,
        unit=Unit.objects.get(code=unit),
        period=period(plan, quarter),
        indicator=indicator,
        data={"value": Decimal(str(value)), "note": "测试数据"},
        expected_version=held.version if held else None,
    )


def submitted(office, plan, indicator, unit, quarter, value) -> Submission:
    figure = saved(office, plan, indicator, unit, quarter, value)
    item_submit(user=office, proxy_reason=PROXY, item=figure)
    return figure


def approved(office, plan, indicator, unit, quarter, value) -> Submission:
    figure = submitted(office, plan, indicator, unit, quarter, value)
    item_approve(user=office, item=figure)
    return figure


@pytest.fixture
def figures(plan, office_user, after_the_plan) -> dict[str, Indicator]:
    """Three indicators (测试数据), rolled up:
    - P1 公开测试存量（level, ≥ 1000 件, reported by 旌阳区 and 广汉市, summed): 2023Q4 413 + 687 = 1100, both
      approved; 2024Q1 旌阳区 300 approved, 广汉市 5000 only submitted.
    - P2 公开测试比率（rate, ≥ 95 %, 旌阳区 alone): 2023Q4 92, 2024Q1 80, 2024Q2 99, each approved.
    - P3 未公开测试指标（level, ≥ 10 件, 旌阳区）: 2023Q4 4321 approved; never published."""
    p1 = make_indicator(
        plan, "P1", "公开测试存量（测试数据）", target=1000, uom="件", units=["jingyang", "guanghan"]
    )
    p2 = make_indicator(
        plan, "P2", "公开测试比率（测试数据）", kind="rate", target=95, uom="%", units=["jingyang"]
    )
    p3 = make_indicator(plan, "P3", "未公开测试指标（测试数据）", target=10, uom="件", units=["jingyang"])
    approved(office_user, plan, p1, "jingyang", "2023Q4", 413)
    approved(office_user, plan, p1, "guanghan", "2023Q4", 687)
    approved(office_user, plan, p1, "jingyang", "2024Q1", 300)
    submitted(office_user, plan, p1, "guanghan", "2024Q1", 5000)
    for quarter, value in (("2023Q4", 92), ("2024Q1", 80), ("2024Q2", 99)):
        approved(office_user, plan, p2, "jingyang", quarter, value)
    approved(office_user, plan, p3, "jingyang", "2023Q4", 4321)
    rollup_rebuild_plan(plan=plan)
    return {"P1": p1, "P2": p2, "P3": p3}


class _Rows(HTMLParser):
    """The public page's indicator rows: code → {field: text} from the cells marked data-field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict[str, str]] = {}
        self.row: dict[str, str] | None = None
        self.open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("data-testid") == "public-indicator":
            self.row = self.rows.setdefault(attrs["data-code"], {})
        if self.row is not None and tag not in ("br",):
            self.handle_data(" ")  # a cell, a line: words apart
            self.open.append((tag, attrs.get("data-field")))
            if attrs.get("data-field"):
                self.row.setdefault(attrs["data-field"], "")

    def handle_endtag(self, tag) -> None:
        if self.row is None:
            return
        while self.open:
            opened, _ = self.open.pop()
            if opened == tag:
                break
        if not self.open:
            self.row = None

    def handle_data(self, data) -> None:
        if self.row is not None:
            for _, name in self.open:
                if name:
                    self.row[name] += data


def shown_rows(html: str) -> dict[str, dict[str, str]]:
    """code → {"name", "value", "status", "target", "through", and "units", "partial" when shown} (text, spaces
    collapsed)."""
    parser = _Rows()
    parser.feed(html)
    return {
        code: {name: " ".join(text.split()) for name, text in fields.items()}
        for code, fields in parser.rows.items()
    }
