"""`manage.py data_quality` lists a quarter's outliers besides its rule violations (issue 18): every figure of the
quarter, draft to approved, checked as submission checks it, the numbers worked out by hand on small cases. Test
data on the Deyang fixture plan, quarter 2023Q4:

- 旌阳区's 1.1 (高新技术企业) was 10, 11, 12, 11, 10 from 2022Q3 to 2023Q3, then 100. Median 11, deviations 1, 0, 1,
  0, 1 → MAD 1; z = 0.6745 × 89 / 1 = 60 > 3.5. Expected range 11 ± 3.5 × 1 / 0.6745 = 11 ± 5.19: 5.81 – 16.19.
- 1.2 (科技中小型企业) of the eight counties and zones: 10, 20, 40, 20, 40, 10, 20 and 高新区's 1280. On a log2 scale
  0, 1, 2, 1, 2, 0, 1 (median 1, i.e. 20; MAD 1) and 7: z = 0.6745 × 6 = 4.05 > 3.5. Expected range 20 ÷ 2^5.19 to
  20 × 2^5.19 = 0.55 – 729.6. The others are within their peers (10: z = 0.6745 × 1 = 0.67)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.models import Status, Submission, ValidationRule
from reports.workflow.drafts import figure_save
from reports.workflow.outliers import figure_outliers
from reports.workflow.quality import period_outliers
from reports.workflow.selectors import quarter_peers, unit_history
from reports.workflow.services import item_submit
from tests.units.factories import UserFactory
from units.models import Unit, User

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")

QUARTER = "2023Q4"
HISTORY_FLAG = "与本单位前5个季度的数值相比异常（中位数11户，通常在5.81至16.19户之间）"
PEERS_FLAG = "与其他7个单位同季度的数值相比异常（中位数20户，通常在0.55至729.6户之间）"
PEERS = {
    "jingyang": 20,
    "luojiang": 10,
    "guanghan": 20,
    "shifang": 40,
    "mianzhu": 20,
    "zhongjiang": 40,
    "jkq": 10,
    "gxq": 1280,
}


def reporter(unit_code: str) -> User:
    """The unit's own reporter (made once)."""
    return User.objects.filter(unit__code=unit_code, role=User.Role.REPORTER).first() or UserFactory(
        role=User.Role.REPORTER, unit_code=unit_code
    )


def save(plan, unit_code: str, code: str, quarter: str, value, note: str = "") -> Submission:
    """A draft of the unit's figure, saved by its reporter."""
    return figure_save(
        user=reporter(unit_code),
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": value, "note": note},
        expected_version=None,
    )


@pytest.fixture
def history(plan) -> Submission:
    """旌阳区's 1.1: 10, 11, 12, 11, 10, then 100 in 2023Q4 (a draft)."""
    for quarter, value in zip(
        ("2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3"), (10, 11, 12, 11, 10), strict=True
    ):
        save(plan, "jingyang", "1.1", quarter, value)
    return save(plan, "jingyang", "1.1", QUARTER, 100)


@pytest.fixture
def peers(plan) -> None:
    """1.2 of the eight counties and zones in 2023Q4: 高新区's 1280 far above the others."""
    for unit_code, value in PEERS.items():
        save(plan, unit_code, "1.2", QUARTER, value)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("data_quality", "--period", QUARTER, *args, stdout=out)
    return out.getvalue()


def test_a_figure_far_from_the_units_earlier_quarters_is_listed_with_its_range(history):
    assert json.loads(run("--json")) == [
        {
            "indicator": "1.1",
            "unit": "jingyang",
            "quarter": QUARTER,
            "rule": "异常值：与本单位往期数值相比",
            "method": "history",
            "severity": "warning",
            "value": 100.0,
            "expected": "5.81 – 16.19",
            "message": HISTORY_FLAG,
        }
    ]


def test_a_figure_far_from_the_other_units_of_the_quarter_is_listed_with_its_range(peers):
    assert json.loads(run("--json")) == [
        {
            "indicator": "1.2",
            "unit": "gxq",
            "quarter": QUARTER,
            "rule": "异常值：与同级单位同季度数值相比",
            "method": "peers",
            "severity": "warning",
            "value": 1280.0,
            "expected": "0.55 – 729.6",
            "message": PEERS_FLAG,
        }
    ]


def test_a_figure_in_line_with_its_history_is_not_listed(plan, jingyang, history):
    figure_save(
        user=jingyang,
        unit=history.unit,
        period=history.period,
        indicator=history.indicator,
        data={"value": 12},
        expected_version=history.version,
    )
    assert json.loads(run("--json")) == []


def test_a_submitted_figure_is_listed_with_the_flag_submission_kept(jingyang, history):
    item = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=history.period,
        indicator=history.indicator,
        data={"value": 100, "note": "本季度新认定高新技术企业较多"},
        expected_version=history.version,
    )
    assert item_submit(user=jingyang, item=item)
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    [row] = json.loads(run("--json"))
    assert item.quality_flags == [row["message"]] == [HISTORY_FLAG]


def test_rule_violations_and_outliers_are_listed_together_in_text(plan, history, peers):
    ValidationRule.objects.create(
        plan=plan,
        name="县级高新技术企业不超过50户（测试数据）",
        indicator=indicator(plan, "1.1"),
        operator="<=",
        compare="constant",
        constant=50,
        severity=ValidationRule.Severity.ERROR,
    )
    lines = run().splitlines()
    assert lines == [
        "\t".join(
            [
                "1.1",
                "jingyang",
                QUARTER,
                "县级高新技术企业不超过50户（测试数据）",
                "错误",
                "100",
                "≤ 50",
                "县级高新技术企业不超过50户（测试数据）：指标1.1的数值100户，应不大于50户",
            ]
        ),
        "\t".join(
            [
                "1.1",
                "jingyang",
                QUARTER,
                "异常值：与本单位往期数值相比",
                "警告",
                "100",
                "5.81 – 16.19",
                HISTORY_FLAG,
            ]
        ),
        "\t".join(
            [
                "1.2",
                "gxq",
                QUARTER,
                "异常值：与同级单位同季度数值相比",
                "警告",
                "1280",
                "0.55 – 729.6",
                PEERS_FLAG,
            ]
        ),
        f"《{plan.title}》2023年第四季度：1项不符合校验规则，2项异常值。",
    ]


def test_the_outliers_are_those_submission_finds_for_every_figure_of_the_quarter(plan, history, peers):
    """A mixed quarter (histories of several lengths, a city-level unit reporting 1.2 too, which is no county's
    peer): for each figure, what period_outliers finds is what submission's selectors and figure_outliers find."""
    city = Unit.objects.get(code="kjj")
    indicator(plan, "1.2").reporting_units.add(city)
    save(plan, "kjj", "1.2", QUARTER, 900_000)
    for quarter, values in (("2023Q2", (5, 9, 30)), ("2023Q3", (6, 8, 31)), ("2023Q1", (7, 9, 29))):
        for unit_code, value in zip(("luojiang", "shifang", "gxq"), values, strict=True):
            save(plan, unit_code, "1.2", quarter, value)
    for unit_code, value in (("guanghan", 21), ("gxq", 28), ("luojiang", 6)):
        save(plan, unit_code, "1.2", "2022Q4", value)
    found = {
        (o.figure.submission_id, o.outlier.method): o.outlier
        for o in period_outliers(plan=plan, period=period(plan, QUARTER))
    }
    expected = {}
    for item in Submission.objects.filter(period=period(plan, QUARTER)).select_related("period", "unit"):
        for o in figure_outliers(item.value, history=unit_history(item=item), peers=quarter_peers(item=item)):
            expected[(item.pk, o.method)] = o
    assert found == expected
    assert {(Submission.objects.get(pk=pk).unit.code, method) for pk, method in found} == {
        ("jingyang", "history"),
        ("gxq", "peers"),
        ("gxq", "history"),  # 1280 after 28, 29, 30, 31
        ("luojiang", "history"),  # 10 after 6, 7, 5, 6: median 6, MAD 0.5, z = 0.6745 × 4 / 0.5 = 5.4
    }


def test_the_outliers_of_a_quarter_cost_two_queries(plan, history, peers, django_assert_num_queries):
    quarter = period(plan, QUARTER)
    with django_assert_num_queries(2):
        assert len(period_outliers(plan=plan, period=quarter)) == 2


def test_the_value_is_listed_as_typed(plan):
    """A decimal figure keeps its places in the text output."""
    for quarter, value in zip(
        ("2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3"), ("1.5", "1.6", "1.5", "1.7", "1.6"), strict=True
    ):
        save(plan, "jingyang", "2.3", quarter, Decimal(value))
    save(plan, "jingyang", "2.3", QUARTER, Decimal("12.25"))
    [line, summary] = run().splitlines()
    assert line.split("\t")[:6] == [
        "2.3",
        "jingyang",
        QUARTER,
        "异常值：与本单位往期数值相比",
        "警告",
        "12.25",
    ]
    assert summary.endswith("0项不符合校验规则，1项异常值。")
