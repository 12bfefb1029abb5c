"""Validation rules the office keeps per plan (issue 18, item 1): each comparison worked out by hand on small cases;
a warning without a reason refuses submission and with one passes; an error refuses; the nightly check finds an
approved figure that breaks a rule added after it was approved, and the office's 数据质量 page lists it. Test data:
rules written for these tests on the Deyang fixture plan."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from reports.jobs import quality_check_all
from reports.models import QualityIssue, Status, ValidationRule
from reports.workflow.drafts import figure_save
from reports.workflow.rules import Context, Figure, rule_check
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator
from units.models import User

from .factories import indicator, period

AMOUNT = Indicator(pk=1, code="2.3", name="知识产权质押金额", uom="亿元")
CASES = Indicator(pk=2, code="3.1", name="受理案件数", uom="件")
# 旌阳区 (unit 10, a county) in quarter 5; quarter 4 before it. Its 2.3 was 3 亿元 in quarter 4, its 3.1 is 2 件, the
# city-level unit reported 2 亿元 for 2.3 in quarter 5.
CONTEXT = Context(
    values={(1, 10, 4): Decimal("3"), (2, 10, 5): Decimal("2")}, city={(1, 5): Decimal("2")}, previous={5: 4}
)
FIGURE = Figure(indicator_id=1, unit_id=10, period_id=5, value=Decimal("2.5"), local=True)


def rule(**fields) -> ValidationRule:
    made = ValidationRule(name="测试规则", indicator=AMOUNT, severity=ValidationRule.Severity.WARNING)
    for name, value in fields.items():
        setattr(made, name, value)
    return made


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"operator": ">=", "compare": "previous"},
            "测试规则：指标2.3的数值2.5亿元，应不小于上季度的数值（3亿元）",
        ),
        (
            {"operator": "<=", "compare": "indicator", "other_indicator": CASES},
            "测试规则：指标2.3的数值2.5亿元，应不大于指标3.1 受理案件数的数值（2件）",
        ),
        (
            {"operator": "<=", "compare": "city"},
            "测试规则：指标2.3的数值2.5亿元，应不大于市级单位报送的数值（2亿元）",
        ),
        (
            {"operator": "==", "compare": "constant", "constant": Decimal("3")},
            "测试规则：指标2.3的数值2.5亿元，应等于3亿元",
        ),
    ],
)
def test_each_comparison_finds_the_figure_that_breaks_it(fields, message):
    violation = rule_check(rule(**fields), FIGURE, CONTEXT)
    assert violation is not None and violation.message == message and not violation.is_error


@pytest.mark.parametrize(
    ("fields", "figure"),
    [
        ({"operator": "<=", "compare": "previous"}, FIGURE),  # 2.5 ≤ 3
        ({"operator": ">=", "compare": "indicator", "other_indicator": CASES}, FIGURE),  # 2.5 ≥ 2
        ({"operator": "==", "compare": "constant", "constant": Decimal("2.5")}, FIGURE),
        # Nothing to compare with: no earlier quarter, the other indicator not in, a city-level unit's own figure.
        ({"operator": ">=", "compare": "previous"}, Figure(1, 10, 4, Decimal("9"), True)),
        (
            {"operator": "<=", "compare": "indicator", "other_indicator": CASES},
            Figure(1, 11, 5, Decimal("9"), True),
        ),
        ({"operator": "<=", "compare": "city"}, Figure(1, 30, 5, Decimal("9"), False)),
        ({"operator": ">=", "compare": "previous"}, Figure(1, 10, 5, None, True)),  # no value typed
    ],
)
def test_a_figure_that_meets_the_rule_or_has_nothing_to_compare_with_passes(fields, figure):
    assert rule_check(rule(**fields), figure, CONTEXT) is None


@pytest.fixture
def saved(plan, jingyang):
    """旌阳区's 1.1 (高新技术企业) of 2023Q4: 150 户."""
    return figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 150},
        expected_version=None,
    )


def cap(plan, severity: str) -> ValidationRule:
    return ValidationRule.objects.create(
        plan=plan,
        name="县级高新技术企业不超过100户（测试数据）",
        indicator=indicator(plan, "1.1"),
        operator="<=",
        compare="constant",
        constant=100,
        severity=severity,
    )


@pytest.mark.usefixtures("in_2024q1")
def test_a_warning_asks_for_a_reason_and_passes_with_one(plan, jingyang, saved):
    cap(plan, ValidationRule.Severity.WARNING)
    with pytest.raises(ValidationError) as refused:
        item_submit(user=jingyang, item=saved)
    assert refused.value.message_dict["note"] == [
        "县级高新技术企业不超过100户（测试数据）：指标1.1的数值150户，应不大于100户。请在说明中写明原因"
    ]
    saved = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=saved.period,
        indicator=saved.indicator,
        data={"value": 150, "note": "本季度新认定高新技术企业较多"},
        expected_version=saved.version,
    )
    assert item_submit(user=jingyang, item=saved)


@pytest.mark.usefixtures("in_2024q1")
def test_an_error_refuses_the_figure_whatever_the_reason(plan, jingyang, saved):
    cap(plan, ValidationRule.Severity.ERROR)
    saved.note = "已核实"
    saved.save(update_fields=["note"])
    with pytest.raises(ValidationError, match="应不大于100户"):
        item_submit(user=jingyang, item=saved)
    saved.refresh_from_db()
    assert saved.status == Status.DRAFT


@pytest.mark.usefixtures("in_2024q1")
def test_the_nightly_check_finds_an_approved_figure_that_breaks_a_rule_added_later(
    client, plan, jingyang, office_user, saved
):
    assert item_submit(user=jingyang, item=saved)
    assert item_approve(user=office_user, item=saved)
    assert quality_check_all() == 0
    cap(plan, ValidationRule.Severity.ERROR)
    assert quality_check_all() == 1
    [issue] = QualityIssue.objects.all()
    assert issue.submission == saved
    assert issue.message == "县级高新技术企业不超过100户（测试数据）：指标1.1的数值150户，应不大于100户"
    client.force_login(office_user)
    page = client.get(reverse("reports:quality")).content.decode()
    assert issue.message in page and "旌阳区人民政府" in page
    # The rule switched off, the check finds nothing again.
    ValidationRule.objects.update(active=False)
    response = client.post(reverse("reports:quality_run"), {"plan": plan.pk}, follow=True)
    assert "发现0项" in response.content.decode()
    assert not QualityIssue.objects.exists()


def test_only_the_office_sees_the_quality_page(client, plan, jingyang, office_user, make_user):
    for user in (jingyang, make_user("leader-quality", User.Role.LEADER)):
        client.force_login(user)
        assert client.get(reverse("reports:quality")).status_code == 403
        assert client.post(reverse("reports:quality_run"), {"plan": plan.pk}).status_code == 403
    client.force_login(office_user)
    assert client.get(reverse("reports:quality")).status_code == 200


def test_a_rule_says_what_it_lacks(plan):
    made = ValidationRule(plan=plan, name="缺少比较对象", indicator=indicator(plan, "1.1"), operator="<=")
    made.compare = "indicator"
    with pytest.raises(ValidationError) as refused:
        made.full_clean()
    assert refused.value.message_dict["other_indicator"] == ["比较对象为另一指标时，请选择该指标"]
    made.compare, made.other_indicator = "indicator", indicator(plan, "1.1")
    with pytest.raises(ValidationError, match="请选择另一个指标"):
        made.full_clean()
    made.compare, made.other_indicator = "constant", None
    with pytest.raises(ValidationError, match="请填写该数值"):
        made.full_clean()


def test_the_office_keeps_rules_in_the_admin_with_their_history(client, plan, office_user, jingyang):
    client.force_login(office_user)
    add = reverse("admin:reports_validationrule_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "plan": plan.pk,
            "name": "质押金额不得下降（测试数据）",
            "indicator": indicator(plan, "2.3").pk,
            "operator": ">=",
            "compare": "previous",
            "severity": "warning",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = ValidationRule.objects.get()
    assert made.history.count() == 1
    client.force_login(jingyang)
    assert client.get(add).status_code in (302, 403)


@pytest.mark.usefixtures("in_2024q1")
def test_the_command_line_lists_a_quarters_figures_that_break_a_rule(plan, saved):
    cap(plan, ValidationRule.Severity.WARNING)
    out = io.StringIO()
    call_command("data_quality", "--period", "2023Q4", "--json", stdout=out)
    assert json.loads(out.getvalue()) == [
        {
            "indicator": "1.1",
            "unit": "jingyang",
            "quarter": "2023Q4",
            "rule": "县级高新技术企业不超过100户（测试数据）",
            "method": "rule",
            "severity": "warning",
            "value": 150.0,
            "expected": "≤ 100",
            "message": "县级高新技术企业不超过100户（测试数据）：指标1.1的数值150户，应不大于100户",
        }
    ]
    out = io.StringIO()
    call_command("data_quality", "--period", "2023Q3", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []
