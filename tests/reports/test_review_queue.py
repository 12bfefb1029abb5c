"""The review queue (审核): several items are approved or returned only after a confirmation that lists them, the
ticked items kept; a single item needs none. Quarters read as the plan writes them (2023年第四季度), never 2023Q4."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reports.models import Status, Submission, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_submit

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")


class VisibleText(HTMLParser):
    """The text a reader sees (as the DOM's textContent: a <br> joins its lines), without tags, attributes, scripts
    or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(response) -> str:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join("".join(parser.parts).split())


@pytest.fixture
def queued(plan, jingyang) -> dict:
    """旌阳区 submitted two 2023Q4 figures (1.1, 2.3) and a task report (二(一)2)."""
    quarter = period(plan, "2023Q4")
    figures = [
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=quarter,
            indicator=indicator(plan, code),
            data={"value": Decimal(value)},
            expected_version=None,
        )
        for code, value in (("1.1", "58"), ("2.3", "0.8"))
    ]
    report = task_report_save(
        user=jingyang,
        unit=jingyang.unit,
        period=quarter,
        task=task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "已印发强县建设实施方案"},
        expected_version=None,
    )
    for item in (*figures, report):
        item_submit(user=jingyang, item=item)
    return {"figures": figures, "report": report}


def statuses() -> set[str]:
    return {
        *Submission.objects.values_list("status", flat=True),
        *TaskReport.objects.values_list("status", flat=True),
    }


def test_approving_several_ticked_items_first_shows_what_will_be_approved(client, queued, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("reports:review_act"),
        {
            "figure": [f.pk for f in queued["figures"]],
            "task_report": [queued["report"].pk],
            "action": "approve",
            "next": reverse("reports:review"),
        },
    )
    assert response.status_code == 200
    assert statuses() == {Status.SUBMITTED}
    text = visible(response)
    assert "确定审核通过以下3项？" in text
    for name in ("高新技术企业", "促进县域知识产权管理能力提升", "旌阳区人民政府", "2023年第四季度"):
        assert name in text, name
    assert "2023Q4" not in text
    page = response.content.decode()
    for figure in queued["figures"]:
        assert f'name="figure" value="{figure.pk}"' in page
    assert f'name="task_report" value="{queued["report"].pk}"' in page
    assert 'name="confirmed" value="1"' in page
    assert f'href="{reverse("reports:review")}"' in page  # 返回: back to the queue as it was


def test_the_confirmed_selection_is_approved(client, queued, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("reports:review_act"),
        {
            "figure": [f.pk for f in queued["figures"]],
            "task_report": [queued["report"].pk],
            "action": "approve",
            "confirmed": "1",
        },
        follow=True,
    )
    assert statuses() == {Status.APPROVED}
    assert "已审核通过3项。" in response.content.decode()


def test_a_single_ticked_item_is_approved_without_a_confirmation_step(client, queued, office_user):
    client.force_login(office_user)
    figure = queued["figures"][0]
    response = client.post(reverse("reports:review_act"), {"figure": [figure.pk], "action": "approve"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.status == Status.APPROVED


def test_returning_several_items_asks_first_and_keeps_the_reason(client, queued, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("reports:review_act"),
        {"figure": [f.pk for f in queued["figures"]], "action": "return", "reason": "请按年末认定名单核对"},
    )
    assert response.status_code == 200
    assert statuses() == {Status.SUBMITTED}
    assert "确定退回以下2项？" in visible(response)
    assert 'value="请按年末认定名单核对"' in response.content.decode()


def test_approving_a_whole_sheet_first_lists_its_submitted_items(client, queued, office_user):
    client.force_login(office_user)
    url = reverse("reports:approve_sheet", args=["jingyang", "2023Q4"])
    response = client.post(url)
    assert response.status_code == 200
    assert statuses() == {Status.SUBMITTED}
    text = visible(response)
    assert "确定审核通过旌阳区人民政府2023年第四季度全部已提交的3项？" in text
    assert "高新技术企业" in text
    page = response.content.decode()
    assert f'action="{reverse("reports:review_act")}"' in page  # exactly the items listed are approved
    for figure in queued["figures"]:
        assert f'name="figure" value="{figure.pk}"' in page
    client.post(url, {"confirmed": "1"})
    assert statuses() == {Status.APPROVED}


def test_the_queue_shows_quarters_as_the_plan_writes_them(client, queued, office_user):
    client.force_login(office_user)
    text = visible(client.get(reverse("reports:review")))
    assert "2023年第四季度" in text
    assert "通过旌阳区人民政府 2023年第四季度全部已提交项" in text
    assert "2023Q4" not in text


def test_the_queue_has_a_select_all_box_per_table_and_its_script(client, queued, office_user):
    client.force_login(office_user)
    page = client.get(reverse("reports:review")).content.decode()
    assert page.count("data-select-all") == 2
    assert "全选" in page
    assert "js/review.js" in page
    assert "<script>" not in page  # the Content-Security-Policy allows no inline script
