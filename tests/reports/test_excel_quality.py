"""The Excel import checks its figures as the sheet's submission will (issue 18): a figure that breaks one of the
office's rules or is an outlier gets the message beside its row in the preview. The import only saves drafts, so
these are notices, not refusals. Test data on the Deyang fixture plan, quarter 2023Q4: 旌阳区's 1.1 (高新技术企业)
was 10, 11, 12, 11, 10 from 2022Q3 to 2023Q3 (median 11, MAD 1: expected 5.81 – 16.19); the other counties' and
zones' 1.2 (科技中小型企业) are 10, 20, 40, 20, 40, 10, 20 (median 20 on a log scale: expected 0.55 – 729.6)."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Status, Submission, ValidationRule
from reports.workflow.drafts import figure_save
from reports.workflow.excel import SHEET_FIGURES, UNCHANGED
from reports.workflow.quality import Notice
from reports.workflow.services import item_submit
from tests.units.factories import UserFactory
from units.models import Unit, User

from .factories import indicator, period
from .test_excel import QUARTER, fill, row_of, template, upload

pytestmark = pytest.mark.usefixtures("in_2024q1")

HISTORY_FLAG = "与本单位前5个季度的数值相比异常（中位数11户，通常在5.81至16.19户之间）"
PEERS_FLAG = "与其他7个单位同季度的数值相比异常（中位数20户，通常在0.55至729.6户之间）"
ASK_REASON = "。提交时需在说明中写明原因"
REASON_GIVEN = "。说明已填写，提交后审核人员将看到此提示和说明"


def save(plan, unit_code: str, code: str, quarter: str, value) -> Submission:
    """A draft of the unit's figure, saved by its own reporter."""
    user = User.objects.filter(unit__code=unit_code, role=User.Role.REPORTER).first() or UserFactory(
        role=User.Role.REPORTER, unit_code=unit_code
    )
    return figure_save(
        user=user,
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": value},
        expected_version=None,
    )


@pytest.fixture
def history(plan, jingyang) -> None:
    for quarter, value in zip(
        ("2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3"), (10, 11, 12, 11, 10), strict=True
    ):
        save(plan, "jingyang", "1.1", quarter, value)


@pytest.fixture
def peers(plan) -> None:
    for unit_code, value in zip(
        ("luojiang", "guanghan", "shifang", "mianzhu", "zhongjiang", "jkq", "gxq"),
        (10, 20, 40, 20, 40, 10, 20),
        strict=True,
    ):
        save(plan, unit_code, "1.2", QUARTER, value)


def cap(plan, severity: str, limit: int = 50) -> ValidationRule:
    return ValidationRule.objects.create(
        plan=plan,
        name=f"县级高新技术企业不超过{limit}户（测试数据）",
        indicator=indicator(plan, "1.1"),
        operator="<=",
        compare="constant",
        constant=limit,
        severity=severity,
    )


def test_an_outlier_against_the_units_history_is_noticed_beside_its_row(plan, jingyang, history):
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 100}})
    result = upload(plan, jingyang, content, dry_run=True)
    assert not result.has_errors and result.notice_count == 1
    assert row_of(result, "1.1").notices == [Notice(text=HISTORY_FLAG + ASK_REASON, is_error=False)]
    assert not Submission.objects.filter(period=period(plan, QUARTER)).exists()


def test_an_outlier_against_the_other_units_is_noticed(plan, jingyang, peers):
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.2"): {"数值": 1280}})
    result = upload(plan, jingyang, content, dry_run=True)
    assert row_of(result, "1.2").notices == [Notice(text=PEERS_FLAG + ASK_REASON, is_error=False)]


def test_a_figure_in_line_gets_no_notice(plan, jingyang, history, peers):
    content = fill(
        template(plan, jingyang.unit),
        {(SHEET_FIGURES, "1.1"): {"数值": 12}, (SHEET_FIGURES, "1.2"): {"数值": 25}},
    )
    result = upload(plan, jingyang, content, dry_run=True)
    assert result.notice_count == 0 and result.created == 2


def test_a_warning_with_its_reason_in_the_note_says_the_reviewer_will_read_both(plan, jingyang, history):
    cap(plan, ValidationRule.Severity.WARNING)
    content = fill(
        template(plan, jingyang.unit),
        {(SHEET_FIGURES, "1.1"): {"数值": 100, "说明": "本季度新认定高新技术企业较多"}},
    )
    result = upload(plan, jingyang, content, dry_run=True)
    assert [n.text for n in row_of(result, "1.1").notices] == [
        "县级高新技术企业不超过50户（测试数据）：指标1.1的数值100户，应不大于50户" + REASON_GIVEN,
        HISTORY_FLAG + REASON_GIVEN,
    ]
    assert not any(n.is_error for n in row_of(result, "1.1").notices)


def test_an_error_rule_says_the_figure_cannot_be_submitted_but_the_draft_is_imported(plan, jingyang):
    cap(plan, ValidationRule.Severity.ERROR)
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 60, "说明": "已核实"}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.applied and not result.has_errors
    assert row_of(result, "1.1").notices == [
        Notice(
            text="县级高新技术企业不超过50户（测试数据）：指标1.1的数值60户，应不大于50户。按此数值不能提交，请核对修改",
            is_error=True,
        )
    ]
    figure = Submission.objects.get(indicator__code="1.1", period=period(plan, QUARTER))
    assert (figure.value, figure.status) == (60, Status.DRAFT)
    with pytest.raises(ValidationError, match="应不大于50户"):
        item_submit(user=jingyang, item=figure)


def test_the_notices_are_the_flags_submission_then_keeps(plan, jingyang, history):
    cap(plan, ValidationRule.Severity.WARNING)
    content = fill(
        template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 100, "说明": "新认定较多"}}
    )
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.applied
    figure = Submission.objects.get(indicator__code="1.1", period=period(plan, QUARTER))
    assert item_submit(user=jingyang, item=figure)
    figure.refresh_from_db()
    notices = row_of(result, "1.1").notices
    assert len(notices) == 2
    assert figure.quality_flags == [notice.text.removesuffix(REASON_GIVEN) for notice in notices]


def test_a_rule_against_another_figure_compares_with_the_files_value(plan, jingyang):
    """科技中小型企业 (1.2) at least the 高新技术企业 (1.1) of the unit: both typed in the same file."""
    ValidationRule.objects.create(
        plan=plan,
        name="科技中小型企业不少于高新技术企业（测试数据）",
        indicator=indicator(plan, "1.2"),
        operator=">=",
        compare="indicator",
        other_indicator=indicator(plan, "1.1"),
        severity=ValidationRule.Severity.WARNING,
    )
    content = fill(
        template(plan, jingyang.unit),
        {(SHEET_FIGURES, "1.1"): {"数值": 30}, (SHEET_FIGURES, "1.2"): {"数值": 20}},
    )
    result = upload(plan, jingyang, content, dry_run=True)
    assert [n.text for n in row_of(result, "1.2").notices] == [
        "科技中小型企业不少于高新技术企业（测试数据）：指标1.2的数值20户，应不小于指标1.1 高新技术企业的数值（30户）"
        + ASK_REASON
    ]
    assert row_of(result, "1.1").notices == []


def test_an_unchanged_row_is_not_checked(plan, jingyang):
    save(plan, "jingyang", "1.1", QUARTER, 60)
    cap(plan, ValidationRule.Severity.ERROR)
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.2"): {"数值": 5}})
    result = upload(plan, jingyang, content, dry_run=True)
    assert row_of(result, "1.1").action == UNCHANGED and row_of(result, "1.1").notices == []


def test_the_preview_lists_the_notice_beside_the_row_and_still_offers_the_import(
    client, plan, jingyang, history
):
    cap(plan, ValidationRule.Severity.ERROR)
    client.force_login(jingyang)
    url = reverse("reports:sheet_excel_upload", args=["jingyang", QUARTER])
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 100}})
    response = client.post(url, {"file": SimpleUploadedFile("填报表.xlsx", content)})
    page = response.content.decode()
    assert 'value="confirm"' in page
    assert "其中 1 行数据有数据质量提示" in page
    assert f'<div class="warn small" data-testid="import-notice">⚠ {HISTORY_FLAG}{ASK_REASON}</div>' in page
    assert (
        '<div class="error small" data-testid="import-notice">⚠ 县级高新技术企业不超过50户（测试数据）：'
        "指标1.1的数值100户，应不大于50户。按此数值不能提交，请核对修改</div>"
    ) in page
    response = client.post(url, {"action": "confirm", "token": response.context["token"]})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("其中1项数据有数据质量提示")
    assert Submission.objects.get(indicator__code="1.1", period=period(plan, QUARTER)).value == 100


def test_rows_with_notices_are_listed_first_when_the_preview_is_cut(plan, jingyang, history):
    content = fill(
        template(plan, jingyang.unit),
        {
            (SHEET_FIGURES, "1.2"): {"数值": 5},
            (SHEET_FIGURES, "1.4"): {"数值": 6},
            (SHEET_FIGURES, "1.1"): {"数值": 100},
        },
    )
    preview = upload(plan, jingyang, content, dry_run=True).preview(limit=2)
    assert [row.code for row in preview.changes] == ["1.1", "1.2"]
    assert (preview.change_count, preview.more_changes) == (3, 1)
