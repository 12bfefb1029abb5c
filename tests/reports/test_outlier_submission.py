"""An outlier at submission (issue 18, item 2): the figure needs the reason in 说明, the flag is kept on the figure
and the reviewer reads flag and reason in the queue. Test data: 旌阳区's 1.1 (高新技术企业) reported 100, 110, 120,
130 in 2023, then 200 in 2024Q1."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import Status
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")

FLAG = "与本单位前4个季度的数值相比异常（中位数115户，通常在63.11至166.89户之间）"


def save(plan, user, code: str, value: int, note: str = "", version=None):
    return figure_save(
        user=user,
        unit=user.unit,
        period=period(plan, code),
        indicator=indicator(plan, "1.1"),
        data={"value": value, "note": note},
        expected_version=version,
    )


@pytest.fixture
def history(plan, jingyang, office_user):
    for code, value in (("2023Q1", 100), ("2023Q2", 110), ("2023Q3", 120), ("2023Q4", 130)):
        item = save(plan, jingyang, code, value)
        assert item_submit(user=jingyang, item=item)
        assert item_approve(user=office_user, item=item)


def test_an_outlier_needs_its_reason_and_the_reviewer_reads_both(
    client, plan, jingyang, office_user, history
):
    item = save(plan, jingyang, "2024Q1", 200)
    with pytest.raises(ValidationError) as refused:
        item_submit(user=jingyang, item=item)
    assert f"{FLAG}。请在说明中写明原因" in refused.value.message_dict["note"]
    item = save(plan, jingyang, "2024Q1", 200, note="本季度新认定高新技术企业70户", version=item.version)
    assert item_submit(user=jingyang, item=item)
    item.refresh_from_db()
    assert (item.status, item.quality_flags) == (Status.SUBMITTED, [FLAG])

    client.force_login(office_user)
    page = client.get(reverse("reports:review")).content.decode()
    assert f"⚠ {FLAG}" in page and "本季度新认定高新技术企业70户" in page
    history = client.get(
        reverse("reports:item_detail", args=["jingyang", "2024Q1", "figure", item.indicator_id])
    ).content.decode()
    assert FLAG in history  # the flag is in the figure's 修改记录


def test_a_figure_in_line_with_its_history_is_submitted_without_a_flag(plan, jingyang, history):
    item = save(plan, jingyang, "2024Q1", 140)
    assert item_submit(user=jingyang, item=item)
    item.refresh_from_db()
    assert item.quality_flags == []


def test_the_sheet_shows_the_last_four_quarters_and_flags_the_outlier_as_it_is_typed(
    client, plan, jingyang, history
):
    save(plan, jingyang, "2024Q1", 200)
    client.force_login(jingyang)
    page = client.get(reverse("reports:sheet", args=["jingyang", "2024Q1"])).content.decode()
    assert "此前 100 / 110 / 120 / 130" in page
    assert f"⚠ {FLAG}。提交时请在说明中写明原因" in page
