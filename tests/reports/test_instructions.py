"""Instructions (批示): written by the office or a leader on an indicator or a task, seen by the responsible
units on their pages and in their alerts, answered on their next quarterly sheet; the thread stays with the item.

The portal stands on 2024-01-05: 2023Q4 (due 2024-01-10) is the report that answers an instruction written today.
Indicator 1.1 is reported by the six counties and the two zones; task 二(一)2 names 各区（市、县）人民政府 (the six
counties). An answer is sent with the unit's item on the subject (a draft until then: test_instruction_answers.py),
so the tests of sent answers submit that item first (`item_submitted`).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.alerts.selectors import alerts_for_user
from reports.alerts.services import alerts_refresh
from reports.instructions.selectors import instruction_candidates, instructions_on, period_to_answer
from reports.instructions.services import instruction_create, instruction_reply
from reports.jobs import alerts_refresh_plan
from reports.models import Alert, Instruction, InstructionReply
from reports.workflow.drafts import item_save
from reports.workflow.selectors import unit_reports_task
from reports.workflow.services import item_submit
from targets.models import Indicator
from tests.conftest import PASSWORD
from tests.markers import eager_only, needs_worker
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

TEXT = "请旌阳区说明专利拥有量增速放缓的原因，提出下季度加快推进的具体措施。"


@pytest.fixture
def leader(make_user) -> User:
    return make_user("leader-t", User.Role.LEADER)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def instruction_alert(instruction: Instruction, unit_: Unit) -> Alert | None:
    return Alert.objects.filter(key=f"instruction:{instruction.pk}:{unit_.pk}").first()


def item_submitted(user: User, subject, quarter: str = "2023Q4") -> None:
    """The user's unit has submitted its figure or task report on `subject`: an answer on it is sent when saved."""
    data = (
        {"value": Decimal("61")}
        if isinstance(subject, Indicator)
        else {"progress": "in_progress", "progress_text": "推进中"}
    )
    item = item_save(
        user=user,
        unit=user.unit,
        period=period(subject.plan, quarter),
        subject=subject,
        data=data,
        expected_version=None,
    )
    item_submit(user=user, item=item)


# Writing an instruction


def test_an_instruction_goes_to_every_responsible_unit_by_default_and_is_answered_in_the_next_report(
    plan, leader
):
    on_indicator = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    assert set(on_indicator.units.values_list("code", flat=True)) == {
        "jingyang",
        "luojiang",
        "guanghan",
        "shifang",
        "mianzhu",
        "zhongjiang",
        "jkq",
        "gxq",
    }
    assert on_indicator.period == period(plan, "2023Q4")
    on_task = instruction_create(user=leader, task=task(plan, "二(一)2"), text="各县要加快推进。")
    assert on_task.units.count() == 6 and not on_task.units.filter(code__in=["jkq", "gxq"]).exists()


def test_after_a_quarters_due_date_the_next_quarter_answers(settings, plan):
    settings.PORTAL_TODAY = "2024-01-11"
    assert period_to_answer(plan=plan) == period(plan, "2024Q1")
    settings.PORTAL_TODAY = "2026-01-01"  # after the plan: its last quarter
    assert period_to_answer(plan=plan) == period(plan, "2025Q2")


def test_an_instruction_can_go_to_some_of_the_responsible_units_only(plan, office_user):
    chosen = instruction_create(
        user=office_user, indicator=indicator(plan, "1.1"), text=TEXT, units=[unit("jingyang")]
    )
    assert list(chosen.units.all()) == [unit("jingyang")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "请填写批示内容"),
        ({"text": "字" * 2001}, "批示内容最多2000字，现有2001字"),
        ({"text": TEXT, "units": []}, "请至少选择一个批示对象单位"),
        ({"text": TEXT, "units": ["kjj"]}, "只能批示给此项的责任单位"),
    ],
)
def test_a_bad_instruction_is_refused_with_what_to_fix(plan, office_user, kwargs, message):
    if "units" in kwargs:
        kwargs["units"] = [unit(code) for code in kwargs["units"]]
    with pytest.raises(ValidationError) as error:
        instruction_create(user=office_user, indicator=indicator(plan, "1.1"), **kwargs)
    assert message in str(error.value)
    assert not Instruction.objects.exists()


def test_only_the_office_and_leaders_write_instructions(plan, jingyang):
    with pytest.raises(PermissionDenied):
        instruction_create(user=jingyang, indicator=indicator(plan, "1.1"), text=TEXT)


def test_a_double_click_writes_one_instruction(plan, leader):
    first = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    again = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    assert again.pk == first.pk and Instruction.objects.count() == 1


def test_the_candidates_of_a_task_are_the_units_that_report_on_it(plan):
    """Named directly or through a group: the same units whose sheets carry the task."""
    for code in ("二(二)7", "二(一)2", "三(二)"):
        subject = task(plan, code)
        reporting = {u for u in Unit.objects.all() if unit_reports_task(unit=u, task=subject)}
        assert set(instruction_candidates(task=subject)) == reporting
    assert unit("jingyang") in instruction_candidates(task=task(plan, "二(一)2"))


# Answering it


def test_a_unit_answers_once_even_when_it_sends_twice_and_a_new_answer_adds_to_the_thread(
    plan, leader, jingyang
):
    instruction = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    item_submitted(jingyang, indicator(plan, "1.1"))
    q4 = period(plan, "2023Q4")
    first = instruction_reply(
        user=jingyang, instruction=instruction, unit=jingyang.unit, period=q4, text="已部署。"
    )
    again = instruction_reply(
        user=jingyang, instruction=instruction, unit=jingyang.unit, period=q4, text="已部署。"
    )
    assert again.pk == first.pk
    instruction_reply(
        user=jingyang, instruction=instruction, unit=jingyang.unit, period=q4, text="补充：已完成。"
    )
    assert list(instruction.replies.values_list("text", flat=True)) == ["已部署。", "补充：已完成。"]


def test_a_unit_cannot_answer_for_another_unit_nor_an_instruction_not_meant_for_it(
    plan, leader, guanghan_user
):
    instruction = instruction_create(
        user=leader, indicator=indicator(plan, "1.1"), text=TEXT, units=[unit("jingyang")]
    )
    q4 = period(plan, "2023Q4")
    with pytest.raises(PermissionDenied):
        instruction_reply(
            user=guanghan_user, instruction=instruction, unit=unit("jingyang"), period=q4, text="代答"
        )
    with pytest.raises(ValidationError, match="此批示不是给广汉市人民政府的"):
        instruction_reply(
            user=guanghan_user, instruction=instruction, unit=guanghan_user.unit, period=q4, text="答复"
        )
    assert not InstructionReply.objects.exists()


# Alerts


def test_each_addressed_unit_is_alerted_until_it_answers(plan, leader, jingyang, guanghan_user):
    instruction = instruction_create(
        user=leader,
        task=task(plan, "二(一)2"),
        text="请加快推进。",
        units=[unit("jingyang"), unit("guanghan")],
    )
    alerts_refresh(plan=plan)
    alert = instruction_alert(instruction, jingyang.unit)
    assert alert.is_open and alert.kind == Alert.Kind.INSTRUCTION
    assert "请加快推进。" in alert.message and "2023年第四季度" in alert.message
    assert alert in alerts_for_user(user=jingyang)
    assert alert not in alerts_for_user(user=guanghan_user)
    assert alerts_refresh(plan=plan)["opened"] == 0  # a second run opens nothing again

    item_submitted(jingyang, task(plan, "二(一)2"))
    q4 = period(plan, "2023Q4")
    instruction_reply(user=jingyang, instruction=instruction, unit=jingyang.unit, period=q4, text="已推进。")
    alerts_refresh(plan=plan)
    assert not instruction_alert(instruction, jingyang.unit).is_open
    assert instruction_alert(instruction, guanghan_user.unit).is_open


@eager_only
def test_writing_or_answering_refreshes_the_alerts_at_once(
    plan, leader, jingyang, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item_submitted(jingyang, indicator(plan, "1.1"))
    with django_capture_on_commit_callbacks(execute=True):
        instruction = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    assert instruction_alert(instruction, jingyang.unit).is_open
    with django_capture_on_commit_callbacks(execute=True):
        instruction_reply(
            user=jingyang,
            instruction=instruction,
            unit=jingyang.unit,
            period=period(plan, "2023Q4"),
            text="已办。",
        )
    assert not instruction_alert(instruction, jingyang.unit).is_open


# Who reads the thread


def test_units_read_only_the_instructions_meant_for_them_and_their_own_answers(
    plan, leader, jingyang, guanghan_user, office_user
):
    both = instruction_create(
        user=leader,
        task=task(plan, "二(一)2"),
        text="请两地加快推进。",
        units=[unit("jingyang"), unit("guanghan")],
    )
    only_guanghan = instruction_create(
        user=leader, task=task(plan, "二(一)2"), text="请广汉单独说明。", units=[unit("guanghan")]
    )
    item_submitted(guanghan_user, task(plan, "二(一)2"))
    q4 = period(plan, "2023Q4")
    instruction_reply(
        user=guanghan_user, instruction=both, unit=guanghan_user.unit, period=q4, text="广汉已推进。"
    )
    thread = instructions_on(user=jingyang, task=task(plan, "二(一)2"))
    assert thread == [both]
    assert thread[0].thread == [] and list(thread[0].units.all()) == [jingyang.unit]
    office_thread = instructions_on(user=office_user, task=task(plan, "二(一)2"))
    assert office_thread == [only_guanghan, both]
    assert [r.text for r in office_thread[1].thread] == ["广汉已推进。"]


# Pages


def login(client, user: User) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_the_leader_writes_an_instruction_from_the_task_page(client, plan, leader):
    target = task(plan, "二(一)2")
    login(client, leader)
    page = client.get(reverse("reports:task_detail", args=[target.pk])).content.decode()
    new_url = reverse("reports:instruction_new", args=["task", target.pk])
    assert new_url in page
    form = client.get(new_url).content.decode()
    assert form.count('type="checkbox"') == 6 and form.count("checked") == 6

    blank = client.post(new_url, {"text": "", "units": [unit("jingyang").pk]})
    assert blank.status_code == 200 and "请填写批示内容" in blank.content.decode()
    response = client.post(new_url, {"text": "请加快推进。", "units": [unit("jingyang").pk]})
    assert response.status_code == 302 and response["Location"].endswith("#instructions")
    assert Instruction.objects.get().text == "请加快推进。"
    page = client.get(response["Location"]).content.decode()
    assert "请加快推进。" in page and "旌阳区人民政府（待答复）" in page


def test_a_bad_post_keeps_what_the_leader_typed(client, plan, leader):
    login(client, leader)
    new_url = reverse("reports:instruction_new", args=["indicator", indicator(plan, "1.1").pk])
    response = client.post(new_url, {"text": TEXT})
    page = response.content.decode()
    assert "请至少选择一个批示对象单位" in page and TEXT in page
    assert not Instruction.objects.exists()


def test_unit_staff_cannot_open_the_instruction_form(client, plan, jingyang):
    login(client, jingyang)
    response = client.get(reverse("reports:instruction_new", args=["indicator", indicator(plan, "1.1").pk]))
    assert response.status_code == 403
    assert (
        "instruction_new"
        not in client.get(
            reverse("reports:indicator_detail", args=[indicator(plan, "1.1").pk])
        ).content.decode()
    )


def test_the_unit_answers_on_its_sheet_and_the_answer_joins_the_thread(client, plan, leader, jingyang):
    instruction = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    login(client, jingyang)
    home = client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    assert TEXT in home and "在2023年第四季度填报表中答复" in home
    sheet_url = reverse("reports:sheet", args=["jingyang", "2023Q4"])
    sheet = client.get(sheet_url).content.decode()
    assert TEXT in sheet and f'name="ins{instruction.pk}-text"' in sheet and "有批示待答复" in sheet

    figure = indicator(plan, "1.1").pk
    response = client.post(
        sheet_url,
        {
            f"ins{instruction.pk}-text": "已约谈重点企业，下季度增速回升。",
            f"f{figure}-value": "61",
            f"f{figure}-version": "0",
            f"f{figure}-submit": "on",
            "action": "submit_selected",
        },
    )
    assert response.status_code == 302
    reply = InstructionReply.objects.get()
    assert (reply.unit, reply.period, reply.author) == (jingyang.unit, period(plan, "2023Q4"), jingyang)
    sheet = client.get(sheet_url).content.decode()
    assert "已约谈重点企业" in sheet and f'name="ins{instruction.pk}-text"' not in sheet
    assert TEXT not in client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    figure_page = client.get(
        reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", indicator(plan, "1.1").pk])
    ).content.decode()
    assert TEXT in figure_page and "已约谈重点企业" in figure_page


def test_an_answer_typed_beside_a_bad_figure_is_kept_and_the_page_says_so(client, plan, leader, jingyang):
    instruction = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    login(client, jingyang)
    bad = indicator(plan, "1.4").pk
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {
            f"ins{instruction.pk}-text": "已部署。",
            f"f{bad}-value": "很多",
            f"f{bad}-version": "0",
            "action": "save",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "保存批示答复草稿1条" in page
    assert InstructionReply.objects.get().text == "已部署。"
    assert "已部署。" in page and 'value="很多"' in page


def test_an_overlong_answer_is_refused_and_kept_on_the_page(client, plan, leader, jingyang):
    instruction = instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT)
    login(client, jingyang)
    long = "答" * 2001
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {f"ins{instruction.pk}-text": long, "action": "save"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "有1项需要修改" in page and long in page
    assert not InstructionReply.objects.exists()


def test_the_instruction_list_shows_who_has_answered(client, plan, leader, jingyang, guanghan_user):
    instruction = instruction_create(
        user=leader,
        task=task(plan, "二(一)2"),
        text="请加快推进。",
        units=[unit("jingyang"), unit("guanghan")],
    )
    item_submitted(jingyang, task(plan, "二(一)2"))
    instruction_reply(
        user=jingyang,
        instruction=instruction,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        text="已推进。",
    )
    login(client, leader)
    page = client.get(reverse("reports:instruction_list")).content.decode()
    assert "旌阳区人民政府（已答复）" in page and "广汉市人民政府（待答复）" in page and "已推进。" in page
    assert "请加快推进。" in client.get(reverse("reports:instruction_list") + "?state=open").content.decode()
    login(client, guanghan_user)
    page = client.get(reverse("reports:instruction_list")).content.decode()
    assert "请加快推进。" in page and "已推进。" not in page


def test_the_office_home_counts_instructions_still_awaiting_answers(
    client, plan, leader, jingyang, office_user
):
    instruction = instruction_create(
        user=leader,
        task=task(plan, "二(一)2"),
        text="请加快推进。",
        units=[unit("jingyang"), unit("guanghan")],
    )
    instruction_create(user=leader, indicator=indicator(plan, "1.1"), text=TEXT, units=[unit("jingyang")])
    item_submitted(jingyang, task(plan, "二(一)2"))
    instruction_reply(
        user=jingyang,
        instruction=instruction,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        text="已推进。",
    )
    login(client, office_user)
    todo = client.get(reverse("reports:home")).context["todo"]
    assert (todo["open"], todo["answers_awaited"]) == (2, 2)
    page = client.get(
        reverse("reports:indicator_progress", args=[indicator(plan, "1.1").pk])
    ).content.decode()
    assert (
        TEXT in page
        and reverse("reports:instruction_new", args=["indicator", indicator(plan, "1.1").pk]) in page
    )


@needs_worker
@pytest.mark.worker
def test_on_a_real_worker_an_instruction_alerts_its_unit_until_answered(transactional_db, plan, make_user):
    leader = make_user("leader-w", User.Role.LEADER)
    reporter = make_user("jy-w", User.Role.REPORTER, "jingyang")
    instruction = instruction_create(
        user=leader, indicator=indicator(plan, "1.1"), text=TEXT, units=[unit("jingyang")]
    )
    alerts_refresh_plan.delay(plan.pk).get(timeout=60)
    assert instruction_alert(instruction, reporter.unit).is_open
    item_submitted(reporter, indicator(plan, "1.1"))
    instruction_reply(
        user=reporter,
        instruction=instruction,
        unit=reporter.unit,
        period=period(plan, "2023Q4"),
        text="已办。",
    )
    alerts_refresh_plan.delay(plan.pk).get(timeout=60)
    assert not instruction_alert(instruction, reporter.unit).is_open
