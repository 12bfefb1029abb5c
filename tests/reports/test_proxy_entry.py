"""代填 (issue 18, item 5): the office may enter and submit figures for a unit that cannot, giving the reason; the
figure is marked 代填 with it, on the sheet, the item's page, the review queue and in the history; the unit sees
what was entered for it. Nobody else writes another unit's figures. Test data: 旌阳区's 2023Q4 sheet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.history import item_history
from reports.workflow.services import item_submit
from tests.conftest import PASSWORD
from units.models import AuditEvent, Unit, User

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")
REASON = "该单位账号尚未开通，按其报送的纸质报表代填"


def sheet_url() -> str:
    return reverse("reports:sheet", args=["jingyang", "2023Q4"])


def test_the_office_posting_a_units_sheet_without_a_reason_stores_nothing_and_keeps_what_was_typed(
    client, plan, office_user
):
    client.force_login(office_user)
    key = f"f{indicator(plan, '1.1').pk}"
    page = client.get(sheet_url()).content.decode()
    assert 'name="proxy_reason"' in page
    response = client.post(sheet_url(), {f"{key}-value": "61", f"{key}-version": "0", "action": "save"})
    shown = response.content.decode()
    assert response.status_code == 200 and "代填原因" in shown and "您输入的内容都还在页面上" in shown
    assert 'value="61"' in shown
    assert not Submission.objects.exists()

    response = client.post(
        sheet_url(),
        {
            f"{key}-value": "61",
            f"{key}-version": "0",
            f"{key}-submit": "on",
            "action": "submit_selected",
            "proxy_reason": REASON,
        },
    )
    assert response.status_code == 302
    figure = Submission.objects.get()
    assert (figure.value, figure.status, figure.proxy_reason) == (61, Status.SUBMITTED, REASON)
    assert [entry["why"] for entry in item_history(item=figure)][:2] == [
        f"提交：代填：{REASON}",
        f"新建草稿：代填：{REASON}",
    ]
    assert AuditEvent.objects.filter(action="item_submit", detail__contains="代填").exists()


def test_the_unit_sees_what_the_office_entered_for_it(client, plan, office_user, jingyang):
    figure = figure_save(
        user=office_user,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 61},
        expected_version=None,
        proxy_reason=REASON,
    )
    assert client.login(username=jingyang.username, password=PASSWORD)
    sheet = client.get(sheet_url()).content.decode()
    assert 'data-testid="proxy-tag"' in sheet and 'name="proxy_reason"' not in sheet
    item_url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", figure.indicator_id])
    page = client.get(item_url).content.decode()
    assert "此项由领导小组办公室代填" in page and REASON in page


def test_the_units_own_change_clears_the_mark_and_the_history_keeps_it(plan, office_user, jingyang):
    figure = figure_save(
        user=office_user,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 61},
        expected_version=None,
        proxy_reason=REASON,
    )
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=figure.period,
        indicator=figure.indicator,
        data={"value": 62},
        expected_version=figure.version,
        proxy_reason="被忽略：填报单位自己填写",
    )
    assert figure.proxy_reason == "" and not figure.is_proxy
    assert figure.history.earliest("history_date").proxy_reason == REASON


def test_the_offices_submission_skips_the_units_own_review_and_is_marked_in_the_queue(
    client, plan, office_user
):
    unit = Unit.objects.get(code="jingyang")
    unit.unit_review = True
    unit.save(update_fields=["unit_review"])
    figure = figure_save(
        user=office_user,
        unit=unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 61},
        expected_version=None,
        proxy_reason=REASON,
    )
    with pytest.raises(ValidationError, match="代填原因"):
        item_submit(user=office_user, item=figure)
    assert item_submit(user=office_user, item=figure, proxy_reason=REASON)
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED
    client.force_login(office_user)
    queue = client.get(reverse("reports:review")).content.decode()
    assert f'title="{REASON}"' in queue and "代填" in queue


@pytest.mark.parametrize(
    ("username", "role", "unit_code"),
    [
        ("gh-clerk", User.Role.REPORTER, "guanghan"),
        ("leader", User.Role.LEADER, None),
        ("town-head", User.Role.UNIT_HEAD, "guanghan"),
    ],
)
def test_only_the_office_enters_for_another_unit(plan, make_user, username, role, unit_code):
    user = make_user(username, role, unit_code)
    with pytest.raises(PermissionDenied):
        figure_save(
            user=user,
            unit=Unit.objects.get(code="jingyang"),
            period=period(plan, "2023Q4"),
            indicator=indicator(plan, "1.1"),
            data={"value": 61},
            expected_version=None,
            proxy_reason=REASON,
        )
    assert not Submission.objects.exists()
