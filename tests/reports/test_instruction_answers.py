"""A unit's answer to an instruction (批示) is typed on its quarterly sheet and stays a draft (editable, not shown to
the office, the instruction still awaiting it) until the unit submits the sheet item it belongs to: its figure of
the indicator, or its report on the task, of that quarter. An instruction written after the plan's last quarter has
no quarter left to be answered with: it is answered within 10 working days, straight from the sheet.

The portal stands on 2024-01-05 (2023Q4 open, due 2024-01-10) unless a test moves it.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.alerts.services import alerts_refresh
from reports.instructions.services import instruction_create, instruction_reply
from reports.models import Alert, Instruction, InstructionReply, Status, TaskReport
from reports.workflow.drafts import item_save
from reports.workflow.services import item_submit
from tests.conftest import PASSWORD
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

ASKED = "请说明强县建设方案的落实情况。"
ANSWER = "已印发强县建设方案，正在逐项落实。"
REPORT = {
    "progress": "in_progress",
    "progress_text": "方案已印发",
    "problems": "",
    "next_steps": "",
    "note": "",
}


@pytest.fixture
def leader(make_user) -> User:
    return make_user("leader-a", User.Role.LEADER)


@pytest.fixture
def instruction(plan, leader) -> Instruction:
    jingyang = Unit.objects.get(code="jingyang")
    return instruction_create(user=leader, task=task(plan, "二(一)2"), text=ASKED, units=[jingyang])


def sheet_url(quarter: str = "2023Q4") -> str:
    return reverse("reports:sheet", args=["jingyang", quarter])


def answer_on_the_sheet(client, user: User, instruction: Instruction, text: str, **rows) -> None:
    assert client.login(username=user.username, password=PASSWORD)
    response = client.post(sheet_url(), {f"ins{instruction.pk}-text": text, "action": "save", **rows})
    assert response.status_code == 302, response.content.decode()


def office_list(client, office_user: User) -> str:
    client.force_login(office_user)
    return client.get(reverse("reports:instruction_list")).content.decode()


def instruction_alert(instruction: Instruction, unit: Unit) -> Alert | None:
    return Alert.objects.filter(key=f"instruction:{instruction.pk}:{unit.pk}").first()


def test_an_answer_saved_with_the_draft_stays_a_draft_the_office_does_not_read(
    client, plan, instruction, jingyang, office_user
):
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    reply = InstructionReply.objects.get()
    assert reply.is_draft
    page = office_list(client, office_user)
    assert "旌阳区人民政府（待答复）" in page and ANSWER not in page
    alerts_refresh(plan=plan)
    assert instruction_alert(instruction, jingyang.unit).is_open


def test_a_draft_answer_stays_editable_on_the_sheet(client, instruction, jingyang):
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    sheet = client.get(sheet_url()).content.decode()
    assert f'name="ins{instruction.pk}-text"' in sheet and ANSWER in sheet
    assert "草稿" in sheet
    answer_on_the_sheet(client, jingyang, instruction, "已印发方案，并召开推进会。")
    assert list(InstructionReply.objects.values_list("text", flat=True)) == ["已印发方案，并召开推进会。"]


def test_clearing_a_draft_answer_removes_it(client, instruction, jingyang):
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    answer_on_the_sheet(client, jingyang, instruction, "")
    assert not InstructionReply.objects.exists()


def test_submitting_the_item_sends_its_answer(client, plan, instruction, jingyang, office_user):
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    q4 = period(plan, "2023Q4")
    report = item_save(
        user=jingyang, unit=jingyang.unit, period=q4, subject=task(plan, "二(一)2"), data=REPORT,
        expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=report)
    reply = InstructionReply.objects.get()
    assert not reply.is_draft and reply.submitted_at is not None
    page = office_list(client, office_user)
    assert "旌阳区人民政府（已答复）" in page and ANSWER in page
    alerts_refresh(plan=plan)
    assert instruction_alert(instruction, jingyang.unit) is None


def test_an_answer_typed_with_the_submitted_sheet_is_sent_with_it(client, plan, instruction, jingyang):
    t = task(plan, "二(一)2").pk
    rows = {f"t{t}-{name}": value for name, value in REPORT.items()} | {
        f"t{t}-version": "0",
        f"t{t}-submit": "on",
    }
    answer_on_the_sheet(client, jingyang, instruction, ANSWER, **rows, action="submit_selected")
    assert TaskReport.objects.get().status == Status.SUBMITTED
    assert not InstructionReply.objects.get().is_draft


def test_another_items_submission_does_not_send_the_answer(client, plan, instruction, jingyang):
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    figure = item_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), subject=indicator(plan, "1.1"),
        data={"value": Decimal("61")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    assert InstructionReply.objects.get().is_draft


def test_an_answer_to_an_item_already_submitted_is_sent_when_saved(client, plan, instruction, jingyang):
    q4 = period(plan, "2023Q4")
    report = item_save(
        user=jingyang, unit=jingyang.unit, period=q4, subject=task(plan, "二(一)2"), data=REPORT,
        expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=report)
    answer_on_the_sheet(client, jingyang, instruction, ANSWER)
    assert not InstructionReply.objects.get().is_draft


# After the plan's last quarter


@pytest.fixture
def written_after_the_plan(settings, plan, leader) -> Instruction:
    """Written on 2025-07-15 (as after_the_plan stands): every quarter of the plan is past its due date."""
    settings.PORTAL_TODAY = "2025-07-15"
    jingyang = Unit.objects.get(code="jingyang")
    return instruction_create(user=leader, task=task(plan, "二(一)2"), text=ASKED, units=[jingyang])


def test_an_instruction_written_after_the_plan_is_due_in_ten_working_days_not_in_a_past_quarter(
    client, plan, written_after_the_plan, jingyang
):
    assert written_after_the_plan.answer_due == datetime.date(2025, 7, 29)  # 10 working days after Tue 07-15
    client.force_login(jingyang)
    page = client.get(reverse("reports:task_detail", args=[task(plan, "二(一)2").pk])).content.decode()
    assert "请在2025年第二季度报送时答复" not in page
    assert "请于2025-07-29前答复" in page
    home = client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    assert "请于2025-07-29前答复" in home and "在2025年第二季度填报表中答复" not in home
    alerts_refresh(plan=plan)
    message = instruction_alert(written_after_the_plan, jingyang.unit).message
    assert "请于2025年7月29日前" in message and "请在2025年第二季度" not in message


def test_an_instruction_written_during_the_plan_is_still_answered_with_its_quarter(instruction):
    assert instruction.answer_due is None
    assert instruction.period.code == "2023Q4"


def test_an_instruction_written_after_the_plan_is_answered_straight_from_the_sheet(
    plan, written_after_the_plan, jingyang
):
    """Its quarter's task report is not even drafted: the answer does not wait for it."""
    reply = instruction_reply(
        user=jingyang,
        instruction=written_after_the_plan,
        unit=jingyang.unit,
        period=period(plan, "2025Q2"),
        text=ANSWER,
    )
    assert not reply.is_draft
