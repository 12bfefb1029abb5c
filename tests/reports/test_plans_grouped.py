"""Two plans open at once (issue 16): the review queue, the alerts page and the reminder e-mails list what is due in
every open plan, grouped by plan and each naming its plan; a link from either leads into its own plan. Test data: the
pilot plan and the next plan of the `plans` fixture (tests/conftest.py), on 2025-11-01."""

import pytest
from django.core import mail
from django.urls import reverse

from reports.alerts.mail import alerts_send_email
from reports.alerts.selectors import alert_unread_count
from reports.alerts.services import alerts_refresh
from reports.models import Alert, Status, Submission
from reports.workflow.services import item_submit
from targets.models import Period
from tasks.lifecycle import plan_end


@pytest.fixture
def submitted(plans, jingyang) -> dict:
    """旌阳区's figure 1.1 submitted in each plan (2023Q4 of the pilot, 2025Q3 of the next)."""
    items = {}
    for key in ("pilot", "next"):
        item = Submission.objects.get(period__plan=plans[key], indicator__code="1.1", unit=jingyang.unit)
        assert item_submit(user=jingyang, item=item)
        items[key] = item
    return items


def test_the_review_queue_lists_each_plans_items_under_that_plan(client, plans, submitted, office_user):
    client.force_login(office_user)
    response = client.get(reverse("reports:review"))
    queues = response.context["queues"]
    # Both open: the newer plan first, as the plan bar lists them.
    assert [q.plan for q in queues] == [plans["next"], plans["pilot"]]
    assert [q.figures for q in queues] == [[submitted["next"]], [submitted["pilot"]]]
    assert [[(unit.code, period.code) for unit, period in q.sheets] for q in queues] == [
        [("jingyang", "2025Q3")],
        [("jingyang", "2023Q4")],
    ]
    page = response.content.decode()
    assert page.count('data-testid="plan-queue"') == 2
    assert page.index(plans["next"].title) < page.index(plans["pilot"].title)
    # Each item's link opens its own plan.
    for key in ("pilot", "next"):
        item = submitted[key]
        detail = reverse(
            "reports:item_detail", args=["jingyang", item.period.code, "figure", item.indicator_id]
        )
        assert f'href="{detail}?plan={plans[key].pk}"' in page


def test_the_review_queue_filters_by_plan_and_names_the_plan_of_each_quarter(
    client, plans, submitted, office_user
):
    client.force_login(office_user)
    response = client.get(reverse("reports:review"), {"plan": plans["pilot"].pk})
    assert [q.plan for q in response.context["queues"]] == [plans["pilot"]]
    form = response.context["filters"].form
    labels = [label for value, label in form.fields["period"].choices if value]
    assert f"2025年第三季度（{plans['next'].title}）" in labels
    assert f"2023年第四季度（{plans['pilot'].title}）" in labels
    assert not any(plans["draft"].title in label for label in labels)  # a draft's quarters are nobody's yet
    areas = [label for value, label in form.fields["area"].choices if value]
    assert len(areas) == len(set(areas))  # both plans have the same goal areas: the plan tells them apart


def test_approving_a_sheet_of_one_plan_leaves_the_other_plans_sheet_alone(
    client, plans, submitted, office_user
):
    client.force_login(office_user)
    client.post(
        reverse("reports:approve_sheet", args=["jingyang", "2025Q3"]) + f"?plan={plans['next'].pk}",
        {"confirmed": "1"},
    )
    submitted["next"].refresh_from_db()
    submitted["pilot"].refresh_from_db()
    assert (submitted["next"].status, submitted["pilot"].status) == (Status.APPROVED, Status.SUBMITTED)


def test_the_alerts_page_groups_a_units_alerts_by_plan_and_links_into_each(client, plans, jingyang):
    for key in ("pilot", "next"):
        alerts_refresh(plan=plans[key])
    client.force_login(jingyang)
    groups = client.get(reverse("reports:alert_list")).context["open_groups"]
    assert [g.plan for g in groups] == [plans["next"], plans["pilot"]]
    for group in groups:
        assert group.rows and all(row.alert.period.plan == group.plan for row in group.rows)
        assert all(row.url.split("#")[0].endswith(f"?plan={group.plan.pk}") for row in group.rows)
    # 2025Q3 of the next plan was due in October: on 2025-11-01 旌阳区 is more than a week late there.
    overdue = next(r for r in groups[0].rows if r.alert.kind == Alert.Kind.ESCALATED)
    assert overdue.alert.period == Period.objects.get(plan=plans["next"], year=2025, quarter=3)


def test_a_reminder_e_mail_names_its_plan(plans, jingyang):
    jingyang.email = "jingyang@example.test"
    jingyang.save()
    for key in ("pilot", "next"):
        alerts_refresh(plan=plans[key])
    mail.outbox.clear()
    assert alerts_send_email(plan=plans["next"]) > 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jingyang@example.test"]
    assert plans["next"].title in message.subject and plans["next"].title in message.body
    assert plans["pilot"].title not in message.body


def test_once_a_plan_ends_its_alerts_leave_every_list_and_the_bell(client, plans, jingyang, office_user):
    for key in ("pilot", "next"):
        alerts_refresh(plan=plans[key])
    client.force_login(jingyang)
    before = client.get(reverse("reports:alert_list")).context
    assert [g.plan for g in before["open_groups"]] == [plans["next"], plans["pilot"]]
    pilot_open = sum(len(g.rows) for g in before["open_groups"] if g.plan == plans["pilot"])
    assert alert_unread_count(user=jingyang) == before["open_count"] and pilot_open > 0

    plan_end(user=office_user, plan=plans["pilot"], reason="试点工作期已满（测试数据）")
    after = client.get(reverse("reports:alert_list")).context
    assert [g.plan for g in after["open_groups"]] == [plans["next"]]
    assert alert_unread_count(user=jingyang) == after["open_count"] == before["open_count"] - pilot_open
