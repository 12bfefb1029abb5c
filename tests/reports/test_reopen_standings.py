"""Withdrawing an approved figure (the office reopening it, or granting a unit's request to) never makes a standing
look better (issue 15, item 1). While it is being corrected, the figure keeps counting with the values the office
approved, the standing says so, and it says which quarter's data it rests on; only a new approval changes it.

Every kind × direction, on indicators made for the test (test data) that 旌阳区 alone reports, so the city value is
its figure: hand-computed expectations are in each case."""

import datetime
import io
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.alerts.services import alerts_refresh
from reports.documents.bulletin import bulletin_data
from reports.documents.bulletin_docx import bulletin_docx
from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.selectors import plan_standings
from reports.models import Alert, ReopenRequest, Standing, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.evidence import evidence_add
from reports.workflow.services import (
    item_approve,
    item_reopen,
    item_submit,
    reopen_request_create,
    reopen_request_decide,
)
from targets.models import Indicator
from units.models import Unit

from .factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")

# kind, direction, comparison, target, baseline, factor, Q1 2025 value, Q2 2025 value (worse than Q1), uom
CASES = [
    ("level", "increase", ">=", 100, None, None, 90, 50, "项"),
    ("level", "decrease", "<=", 10, None, None, 12, 30, "项"),
    ("cumulative", "increase", ">=", 100, None, None, 60, 10, "项"),
    ("cumulative", "decrease", "<=", 50, None, None, 20, 40, "项"),
    ("increment", "increase", ">=", 100, None, None, 60, 10, "项"),
    ("increment", "decrease", "<=", 50, None, None, 20, 40, "项"),
    ("rate", "increase", ">=", 95, None, None, 100, 80, "%"),
    ("rate", "decrease", "<=", 5, None, None, 3, 9, "%"),
    ("relative", "increase", ">=", None, 100, 2, 180, 120, "项"),
    ("relative", "decrease", "<=", None, 100, Decimal("0.9"), 85, 110, "项"),
    ("milestone", "increase", ">=", None, None, None, 0, 1, ""),
]


def _indicator(plan, n: int, case) -> Indicator:
    kind, direction, comparison, target, baseline, factor, _, _, uom = case
    made = Indicator.objects.create(
        plan=plan,
        area=plan.areas.first(),
        code=f"T{n}",
        name=f"测试指标{n}（{kind}，{direction}）",
        uom=uom,
        kind=kind,
        direction=direction,
        comparison=comparison,
        target_value=target,
        baseline_value=baseline,
        baseline_date=datetime.date(2022, 6, 30) if baseline else None,
        factor=factor,
        position=1000 + n,
    )
    made.reporting_units.set([Unit.objects.get(code="jingyang")])
    return made


def _data(indicator: Indicator, value) -> dict:
    if indicator.kind == Indicator.Kind.MILESTONE:
        return {
            "achieved": bool(value),
            "achieved_on": datetime.date(2025, 5, 1) if value else None,
            "note": "测试",
        }
    return {"value": Decimal(str(value)), "note": "测试数据"}


def _approved(office, plan, indicator, quarter: str, value):
    figure = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(plan, quarter),
        indicator=indicator,
        data=_data(indicator, value),
        expected_version=None,
    )
    if indicator.kind == Indicator.Kind.MILESTONE and value:
        proof = SimpleUploadedFile(
            "批复文件（测试数据）.pdf", b"%PDF-1.4 test", content_type="application/pdf"
        )
        evidence_add(user=office, item=figure, upload=proof)
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office, item=figure)
    return figure


def _standings(plan, quarter="2025Q2", *, live=False) -> dict:
    if live:  # computed by the engine from the city rows, not read from the stored standings
        Standing.objects.all().delete()
    return {s.indicator.code: s for s in plan_standings(plan=plan, period=period(plan, quarter))}


def _shown(standing) -> tuple:
    return standing.progress.status, standing.progress.value


@pytest.fixture
def reopened(plan, office_user):
    """Every case approved in 2025Q1 and 2025Q2 (worse), rolled up; then 2025Q2 reopened and rolled up again."""
    indicators = [_indicator(plan, n, case) for n, case in enumerate(CASES, 1)]
    figures = {}
    for indicator, case in zip(indicators, CASES, strict=True):
        _approved(office_user, plan, indicator, "2025Q1", case[6])
        figures[indicator.code] = _approved(office_user, plan, indicator, "2025Q2", case[7])
    rollup_rebuild_plan(plan=plan)
    before = {code: _shown(s) for code, s in _standings(plan).items() if code.startswith("T")}
    for figure in figures.values():
        item_reopen(user=office_user, item=figure, reason="测试：请核实后重报")
    rollup_rebuild_plan(plan=plan)
    return indicators, figures, before


def test_a_reopened_quarter_leaves_every_kind_and_direction_as_approved(plan, reopened):
    indicators, _, before = reopened
    # Hand-checked: the Q2 values the office approved are what count (a level's 50, a rate's 80 %), not Q1's.
    assert before["T1"][1] == Decimal(50) and before["T7"][1] == Decimal(80)
    for stored in (False, True):
        after = _standings(plan, live=stored)
        for indicator in indicators:
            standing = after[indicator.code]
            assert _shown(standing) == before[indicator.code], (indicator.name, stored)
            assert "1项已审核数据正在重新打开修改，暂按原审核值计" in standing.note, indicator.name
            assert standing.note.startswith("依据2025年第二季度数据"), standing.note


def test_a_better_value_counts_only_once_the_office_approves_it(plan, office_user, reopened):
    indicators, figures, before = reopened
    rate = next(i for i in indicators if i.code == "T7")  # rate ≥ 95 %: Q2 approved at 80 %, lagging
    figure = figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(plan, "2025Q2"),
        indicator=rate,
        data=_data(rate, 99),
        expected_version=Submission.objects.get(pk=figures["T7"].pk).version,
    )
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    rollup_rebuild_plan(plan=plan)
    assert _shown(_standings(plan)["T7"]) == before["T7"]  # submitted, not approved: still 80 %

    item_approve(user=office_user, item=figure)
    rollup_rebuild_plan(plan=plan)
    standing = _standings(plan)["T7"]
    assert standing.progress.value == Decimal(99) and standing.progress.status == "met"
    assert "重新打开" not in standing.note


def test_a_granted_request_to_reopen_keeps_the_red_alert(plan, office_user, make_user):
    reporter = make_user("jingyang-reopen", unit_code="jingyang")
    rate = _indicator(plan, 1, CASES[6])  # rate ≥ 95 %
    _approved(office_user, plan, rate, "2025Q1", 100)
    q2 = _approved(office_user, plan, rate, "2025Q2", 60)
    rollup_rebuild_plan(plan=plan)
    alerts_refresh(plan=plan)
    red = Alert.objects.filter(kind=Alert.Kind.INDICATOR_RED, closed_at__isnull=True, message__contains="T1 ")
    assert red.count() == 1 and _standings(plan)["T1"].progress.status == "lagging"

    request = reopen_request_create(user=reporter, item=q2, reason="数据口径有误，申请修改")
    reopen_request_decide(user=office_user, request=request, grant=True, note="同意，请于一周内重报")
    rollup_rebuild_plan(plan=plan)
    alerts_refresh(plan=plan)
    assert ReopenRequest.objects.get().decision == ReopenRequest.Decision.GRANTED
    assert _standings(plan)["T1"].progress.status == "lagging"
    assert red.count() == 1


def test_a_standing_says_which_quarter_it_rests_on(plan, office_user):
    level = _indicator(plan, 1, CASES[0])
    _approved(office_user, plan, level, "2025Q1", 90)
    figure_save(  # 2025Q2 only saved, never approved: the standing rests on 2025Q1
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(plan, "2025Q2"),
        indicator=level,
        data=_data(level, 40),
        expected_version=None,
    )
    rollup_rebuild_plan(plan=plan)
    for live in (False, True):
        standing = _standings(plan, live=live)["T1"]
        assert standing.progress.value == Decimal(90)
        assert standing.note == "依据2025年第一季度数据；2025年第二季度数据尚未审核通过", live
    assert _standings(plan, "2025Q1")["T1"].note == "依据2025年第一季度数据"


def test_the_pages_and_the_bulletin_say_what_the_standing_rests_on(
    client, plan, office_user, reopened, settings
):
    settings.CHART_BROWSER = ""  # the tables are what is checked here, not the charts
    rate = next(i for i in reopened[0] if i.code == "T7")
    caveat = "依据2025年第二季度数据；1项已审核数据正在重新打开修改，暂按原审核值计"
    client.force_login(office_user)
    page = client.get(reverse("reports:indicator_progress", args=[rate.pk]), {"period": "2025Q2"})
    assert page.status_code == 200 and caveat in page.content.decode()
    table = client.get(reverse("reports:indicator_table"), {"period": "2025Q2"}).content.decode()
    assert caveat in table
    content, _ = bulletin_docx(bulletin_data(plan=plan, period=period(plan, "2025Q2")))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert f"注：T7 {rate.name}——{caveat}。" in text
