"""待核实 marks (issue 18, item 3): the office marks an approved figure with a note; the unit sees it on its sheet and
the figure's page; it stays listed on 数据质量 until corrected through a reopen or confirmed with a reason. Test data:
旌阳区's figure 1.1 of 2023Q4, approved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import FollowUp
from reports.workflow.drafts import figure_save
from reports.workflow.followups import follow_up_confirm, follow_up_mark
from reports.workflow.services import item_approve, item_reopen, item_submit
from units.models import AuditEvent

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")
NOTE = "与统计局口径相差较大，请核实"


@pytest.fixture
def approved(plan, jingyang, office_user):
    item = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 58},
        expected_version=None,
    )
    assert item_submit(user=jingyang, item=item)
    assert item_approve(user=office_user, item=item)
    item.refresh_from_db()
    return item


def page(item) -> str:
    return reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", item.indicator_id])


def test_the_office_marks_the_unit_sees_and_confirms_with_a_reason(client, approved, office_user, jingyang):
    client.force_login(office_user)
    client.post(page(approved), {"action": "follow_up", "note": NOTE})
    mark = FollowUp.objects.get()
    assert (mark.note, mark.is_open) == (NOTE, True)
    listed = client.get(reverse("reports:quality")).content.decode()
    assert NOTE in listed

    client.force_login(jingyang)
    sheet = client.get(reverse("reports:sheet", args=["jingyang", "2023Q4"])).content.decode()
    assert 'data-testid="follow-up-tag"' in sheet and f'title="{NOTE}"' in sheet
    shown = client.get(page(approved)).content.decode()
    assert 'data-testid="follow-up"' in shown and NOTE in shown
    response = client.post(
        page(approved),
        {"action": "follow_up_confirm", "mark": mark.pk, "reason": "已与统计局核对，口径一致"},
        follow=True,
    )
    assert "已确认数据无误" in response.content.decode()
    mark.refresh_from_db()
    assert (mark.resolution, mark.reason, mark.resolved_by) == (
        "confirmed",
        "已与统计局核对，口径一致",
        jingyang,
    )
    client.force_login(office_user)
    assert NOTE not in client.get(reverse("reports:quality")).content.decode()
    assert AuditEvent.objects.filter(action__in=["follow_up_mark", "follow_up_resolve"]).count() == 2


def test_a_figure_reopened_corrected_and_approved_again_resolves_its_mark(approved, office_user, jingyang):
    mark = follow_up_mark(user=office_user, item=approved, note=NOTE)
    assert item_reopen(user=office_user, item=approved, reason=NOTE)
    approved.refresh_from_db()
    corrected = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=approved.period,
        indicator=approved.indicator,
        data={"value": 52, "note": "已按统计局口径更正"},
        expected_version=approved.version,
    )
    assert item_submit(user=jingyang, item=corrected)
    mark.refresh_from_db()
    assert mark.is_open  # still open while the correction waits for the office
    assert item_approve(user=office_user, item=corrected)
    mark.refresh_from_db()
    assert (mark.resolution, mark.resolved_by) == ("corrected", office_user)


def test_only_the_office_marks_and_only_an_approved_figure_once(
    plan, approved, office_user, jingyang, guanghan_user
):
    with pytest.raises(PermissionDenied):
        follow_up_mark(user=jingyang, item=approved, note=NOTE)
    with pytest.raises(ValidationError, match="请写明需要核实的问题"):
        follow_up_mark(user=office_user, item=approved, note="  ")
    mark = follow_up_mark(user=office_user, item=approved, note=NOTE)
    with pytest.raises(ValidationError, match="已标记待核实"):
        follow_up_mark(user=office_user, item=approved, note=NOTE)
    with pytest.raises(PermissionDenied):
        follow_up_confirm(user=guanghan_user, mark=mark, reason="无误")
    with pytest.raises(ValidationError, match="请说明数据无误的依据"):
        follow_up_confirm(user=jingyang, mark=mark, reason="")
    draft = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2024Q1"),
        indicator=indicator(plan, "1.1"),
        data={"value": 60},
        expected_version=None,
    )
    with pytest.raises(ValidationError, match="只有审核通过的数据可以标记待核实"):
        follow_up_mark(user=office_user, item=draft, note=NOTE)
