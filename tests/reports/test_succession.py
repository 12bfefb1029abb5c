"""Successor plans (issue 16, item 3): the next plan names the pilot plan as its predecessor and its matching
indicators take their baselines from the pilot plan's approved figures (reports.figures.succession). The figures
are test data approved through the services; each expected baseline is worked out by hand below."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.succession import plan_succeed, succession_matches
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, WorkPlan
from tasks.services import plan_import
from tests.tasks.test_services import another_plan
from tests.units.factories import UserFactory
from units.models import AuditEvent, User

from .factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")


def approve(plan: WorkPlan, office: User, code: str, quarter: str, value: int, unit_code: str) -> None:
    indicator = plan.indicators.get(code=code)
    reporter = UserFactory(role=User.Role.REPORTER, unit_code=unit_code)
    figure = figure_save(
        user=reporter,
        unit=reporter.unit,
        period=period(plan, quarter),
        indicator=indicator,
        data={"value": Decimal(value), "note": "测试数据"},
        expected_version=None,
    )
    item_submit(user=reporter, item=figure)
    item_approve(user=office, item=figure)


@pytest.fixture
def pilot(plan, office_user) -> WorkPlan:
    """The pilot plan with approved figures (test data): 1.1 高新技术企业 from 旌阳区 30 for 2024Q4 and 41 for
    2025Q2, and from 广汉市 12 for 2025Q2, so the city's 2025Q2 value is 41 + 12 = 53 and its 2024Q4 value 30;
    1.4 有效注册商标数量 from 市市场监管局 46000 for 2024Q4 and 48428 for 2025Q2."""
    Indicator.reporting_units.through.objects.filter(indicator__plan=plan, indicator__code="1.4").delete()
    plan.indicators.get(code="1.4").reporting_units.add(UserFactory(unit_code="scjgj").unit)
    approve(plan, office_user, "1.1", "2024Q4", 30, "jingyang")
    approve(plan, office_user, "1.1", "2025Q2", 41, "jingyang")
    approve(plan, office_user, "1.1", "2025Q2", 12, "guanghan")
    approve(plan, office_user, "1.4", "2024Q4", 46000, "scjgj")
    approve(plan, office_user, "1.4", "2025Q2", 48428, "scjgj")
    rollup_rebuild_plan(plan=plan)
    return plan


@pytest.fixture
def following(pilot) -> WorkPlan:
    """The next plan (test data, 2025-07 to 2027-12) as its text would read: 1.4 doubles the trademarks of the end of
    2024 (a relative target dated inside the pilot plan), 1.2 states its own baseline, 1.5 renamed."""
    data = another_plan()
    indicators = {i["code"]: i for area in data["areas"] for i in area["indicators"]}
    indicators["1.4"].update(kind="relative", factor=2, target=None, baseline_date="2024-12-31")
    indicators["1.5"]["name"] = "作品版权登记数量"
    plan = plan_import(data=data, status=WorkPlan.Status.DRAFT)
    Indicator.objects.filter(plan=plan, code="1.2").update(baseline_value=900)
    return plan


def match(matches, code: str):
    return next(m for m in matches if m.indicator.code == code)


def test_the_matches_and_the_baselines_they_would_carry(pilot, following):
    matches = succession_matches(plan=following, predecessor=pilot)
    level = match(matches, "1.1")
    assert level.previous == pilot.indicators.get(code="1.1")
    assert (level.value, level.period.label) == (Decimal(53), "2025年第二季度")  # the last approved: 41 + 12
    dated = match(matches, "1.4")
    assert (dated.value, dated.period.label) == (Decimal(46000), "2024年第四季度")  # approved for 2024-12-31
    Indicator.objects.filter(pk=dated.indicator.pk).update(
        baseline_date="2023-12-31"
    )  # 2023Q4: nothing approved
    redated = match(succession_matches(plan=following, predecessor=pilot), "1.4")
    assert (
        redated.value is None
        and redated.note == "上一方案没有基线日（2023-12-31）的审核数据，请在管理后台填写"
    )
    assert match(matches, "1.2").keeps_own  # the text's own baseline (900) stays
    assert match(matches, "1.5").previous is None  # renamed: the office maps it by hand
    assert match(matches, "1.6").value is None  # same name, nothing approved in the pilot plan
    assert match(matches, "1.6").note == "上一方案还没有审核通过的数据，请在管理后台填写"
    # 1.3's baseline date (2021-01-01) is older than the pilot plan: nothing to carry.
    assert match(matches, "1.3").previous is not None and match(matches, "1.3").value is None
    assert match(matches, "1.3").note == "基线日（2021-01-01）早于上一方案，请在管理后台填写"
    assert match(matches, "4.1").note == "里程碑指标不需要基线"


def test_carrying_sets_the_baselines_with_their_source_and_keeps_the_texts_own(pilot, following, office_user):
    carried = plan_succeed(user=office_user, plan=following, predecessor=pilot)
    assert sorted(m.indicator.code for m in carried) == ["1.1", "1.4"]
    following.refresh_from_db()
    assert following.predecessor == pilot
    level = following.indicators.get(code="1.1")
    assert (level.baseline_value, level.baseline_date.isoformat()) == (Decimal(53), "2025-06-30")
    assert level.baseline_source == f"来自上一方案《{pilot.title}》2025年第二季度审核值"
    assert level.carried_from == pilot.indicators.get(code="1.1")
    dated = following.indicators.get(code="1.4")
    assert (dated.baseline_value, dated.baseline_date.isoformat()) == (Decimal(46000), "2024-12-31")
    own = following.indicators.get(code="1.2")
    assert (own.baseline_value, own.baseline_source) == (Decimal(900), "")
    assert level.history.first().history_change_reason == "承接上一方案基线"
    (event,) = AuditEvent.objects.filter(action="plan_succeed")
    assert event.detail == f"上一方案：《{pilot.title}》；承接基线2项"


def test_the_office_maps_a_renamed_indicator_and_unmaps_one(pilot, following, office_user):
    renamed, level = following.indicators.get(code="1.5"), following.indicators.get(code="1.1")
    plan_succeed(user=office_user, plan=following, predecessor=pilot)
    carried = plan_succeed(
        user=office_user,
        plan=following,
        predecessor=pilot,
        chosen={renamed.pk: pilot.indicators.get(code="1.4").pk, level.pk: None},
    )
    assert sorted(m.indicator.code for m in carried) == ["1.4", "1.5"]
    renamed.refresh_from_db()
    assert renamed.baseline_value == Decimal(48428)  # mapped to 1.4 (test data): its last approved value
    level.refresh_from_db()
    assert (level.baseline_value, level.baseline_source, level.carried_from) == (None, "", None)


def test_who_and_what_may_be_a_predecessor(pilot, following, office_user, jingyang):
    with pytest.raises(PermissionDenied):
        plan_succeed(user=jingyang, plan=following, predecessor=pilot)
    with pytest.raises(ValidationError, match="工作期早于本方案"):
        plan_succeed(user=office_user, plan=pilot, predecessor=following)
    with pytest.raises(ValidationError, match="工作期早于本方案"):
        plan_succeed(user=office_user, plan=following, predecessor=following)
    WorkPlan.objects.filter(pk=pilot.pk).update(status=WorkPlan.Status.DRAFT)
    with pytest.raises(ValidationError, match="还是草稿"):
        plan_succeed(user=office_user, plan=following, predecessor=WorkPlan.objects.get(pk=pilot.pk))
    assert WorkPlan.objects.get(pk=following.pk).predecessor is None


def test_the_succession_page_previews_a_mapping_then_carries(client, pilot, following, office_user):
    client.force_login(office_user)
    url = reverse("reports:plan_succession", args=[following.pk])
    page = client.get(url).content.decode()
    assert "将承接基线2项" in page and "保留方案原文基线 900" in page
    renamed = following.indicators.get(code="1.5")
    # The form as the page posts it, with 1.5 (renamed) mapped to the pilot plan's 1.4 by the office.
    defaults = succession_matches(plan=following, predecessor=pilot)
    form = {f"follow-{m.indicator.pk}": m.previous.pk if m.previous else "" for m in defaults}
    form |= {"predecessor": pilot.pk, f"follow-{renamed.pk}": pilot.indicators.get(code="1.4").pk}
    preview = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "将承接基线3项" in preview and WorkPlan.objects.get(pk=following.pk).predecessor is None
    done = client.post(url, {**form, "action": "carry"}, follow=True).content.decode()
    assert "承接基线3项" in done
    detail = client.get(reverse("reports:indicator_detail", args=[following.indicators.get(code="1.1").pk]))
    assert f"来自上一方案《{pilot.title}》2025年第二季度审核值" in detail.content.decode()


def test_a_reporter_cannot_open_the_succession_page(client, following, jingyang):
    client.force_login(jingyang)
    assert client.get(reverse("reports:plan_succession", args=[following.pk])).status_code == 403
