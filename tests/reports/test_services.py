from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.models import ItemAction, ReopenRequest, Status, Submission, TaskReport
from reports.workflow.drafts import StaleEditError, figure_save, task_report_save
from reports.workflow.evidence import evidence_add
from reports.workflow.services import (
    item_approve,
    item_reopen,
    item_return,
    item_submit,
    reopen_request_create,
    reopen_request_decide,
)
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save(user, code, value, plan, quarter="2023Q4", unit=None, version=None, proxy_reason="", **extra):
    unit = unit or user.unit
    existing = Submission.objects.filter(
        indicator__code=code, unit=unit, period=period(plan, quarter)
    ).first()
    return figure_save(
        user=user,
        unit=unit,
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(value) if value is not None else None, **extra},
        expected_version=version if version is not None else (existing.version if existing else None),
        proxy_reason=proxy_reason,
    )


def test_a_draft_is_saved_and_versioned(plan, jingyang):
    figure = save(jingyang, "1.1", "60", plan)
    assert (figure.status, figure.value, figure.version) == (Status.DRAFT, Decimal("60"), 1)
    figure = save(jingyang, "1.1", "61", plan)
    assert figure.version == 2
    assert figure.history.count() == 2


def test_a_reporter_cannot_save_for_another_unit_and_nothing_is_stored(plan, jingyang):
    with pytest.raises(PermissionDenied):
        save(jingyang, "1.1", "60", plan, unit=Unit.objects.get(code="guanghan"))
    assert not Submission.objects.exists()


def test_a_unit_cannot_save_a_figure_it_does_not_report(plan, jingyang):
    with pytest.raises(PermissionDenied, match="3.1"):
        save(jingyang, "3.1", "90", plan)
    assert not Submission.objects.exists()


def test_the_office_may_enter_a_figure_for_any_unit_giving_its_reason(plan, office_user):
    jy = Unit.objects.get(code="jingyang")
    with pytest.raises(ValidationError, match="代填原因"):
        save(office_user, "1.1", "60", plan, unit=jy)
    assert not Submission.objects.exists()
    figure = figure_save(
        user=office_user,
        unit=jy,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60")},
        expected_version=None,
        proxy_reason="账号未开通",
    )
    assert (figure.unit.code, figure.proxy_reason, figure.is_proxy) == ("jingyang", "账号未开通", True)


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.SYSADMIN, User.Role.AUDITOR])
def test_leaders_sysadmin_and_auditor_cannot_write_figures(plan, make_user, role):
    with pytest.raises(PermissionDenied):
        save(make_user(f"x-{role}", role), "1.1", "60", plan, unit=Unit.objects.get(code="jingyang"))
    assert not Submission.objects.exists()


def test_a_rate_over_100_is_refused_in_chinese(plan, scjgj):
    with pytest.raises(ValidationError) as error:
        save(scjgj, "3.5", "120", plan)
    assert "比率不能超过100%" in str(error.value.message_dict["value"])
    assert not Submission.objects.exists()


def test_a_rate_from_numerator_and_denominator_is_computed(plan, court):
    figure = save(court, "3.1", None, plan, numerator=Decimal("45"), denominator=Decimal("50"))
    assert figure.value == Decimal("90.00")


def test_numerator_above_denominator_is_refused(plan, court):
    with pytest.raises(ValidationError) as error:
        save(court, "3.1", None, plan, numerator=Decimal("51"), denominator=Decimal("50"))
    assert "审限内结案数（51）不能大于结案总数（50）" in error.value.message_dict["numerator"][0]


def test_a_negative_flow_is_refused(plan, jingyang):
    with pytest.raises(ValidationError, match="不能为负数"):
        save(jingyang, "2.3", "-1", plan)


def test_the_stale_second_save_is_refused_and_shows_the_other_value(plan, jingyang, office_user):
    first = save(jingyang, "1.1", "60", plan)
    save(
        office_user,
        "1.1",
        "62",
        plan,
        unit=first.unit,
        version=first.version,
        proxy_reason="代填（测试数据）",
    )
    with pytest.raises(StaleEditError) as error:
        save(jingyang, "1.1", "65", plan, version=first.version)
    assert "当前内容：62" in error.value.messages[0]
    assert Submission.objects.get().value == Decimal("62")


def test_a_second_person_creating_the_same_figure_is_refused(plan, jingyang, office_user):
    save(jingyang, "1.1", "60", plan)
    with pytest.raises(StaleEditError):
        save(office_user, "1.1", "70", plan, unit=jingyang.unit, version=0, proxy_reason="代填（测试数据）")
    assert Submission.objects.get().value == Decimal("60")


def test_submitting_requires_a_value(plan, jingyang):
    figure = save(jingyang, "1.1", None, plan, note="稍后补")
    with pytest.raises(ValidationError, match="请填写季末数后再提交"):
        item_submit(user=jingyang, item=figure)
    figure.refresh_from_db()
    assert figure.status == Status.DRAFT


def test_a_double_submit_changes_state_once(plan, jingyang):
    figure = save(jingyang, "1.1", "60", plan)
    assert item_submit(user=jingyang, item=figure) is True
    assert item_submit(user=jingyang, item=figure) is False
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED
    assert figure.history.filter(action=ItemAction.SUBMIT).count() == 1


def test_a_falling_stock_needs_an_explanation(plan, jingyang):
    save(jingyang, "1.1", "60", plan, quarter="2023Q3")
    figure = save(jingyang, "1.1", "50", plan)
    with pytest.raises(ValidationError, match="下降"):
        item_submit(user=jingyang, item=figure)
    figure = save(jingyang, "1.1", "50", plan, note="3户企业资格到期")
    assert item_submit(user=jingyang, item=figure)


def test_a_stock_jumping_more_than_half_needs_an_explanation(plan, jingyang):
    save(jingyang, "1.1", "40", plan, quarter="2023Q3")
    figure = save(jingyang, "1.1", "61", plan)
    with pytest.raises(ValidationError, match="增长超过50%"):
        item_submit(user=jingyang, item=figure)


def test_an_achieved_milestone_needs_date_and_evidence(plan, scjgj):
    figure = save(scjgj, "4.1", None, plan, achieved=True)
    with pytest.raises(ValidationError) as error:
        item_submit(user=scjgj, item=figure)
    assert "达成日期" in str(error.value) and "佐证材料" in str(error.value)
    figure = save(
        scjgj, "4.1", None, plan, achieved=True, achieved_on=__import__("datetime").date(2023, 11, 2)
    )
    evidence_add(user=scjgj, item=figure, upload=SimpleUploadedFile("批复.pdf", PDF))
    assert item_submit(user=scjgj, item=figure)


def test_return_needs_a_reason_and_the_unit_sees_it(plan, jingyang, office_user):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    with pytest.raises(ValidationError, match="退回原因"):
        item_return(user=office_user, item=figure, reason=" ")
    assert item_return(user=office_user, item=figure, reason="与统计局口径不一致")
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (Status.RETURNED, "与统计局口径不一致")


def test_the_full_cycle_locks_the_figure_and_keeps_every_step(plan, jingyang, office_user):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    item_return(user=office_user, item=figure, reason="请核对")
    figure = save(jingyang, "1.1", "58", plan)
    item_submit(user=jingyang, item=figure)
    assert item_approve(user=office_user, item=figure)
    figure.refresh_from_db()
    assert figure.is_locked
    with pytest.raises(ValidationError, match="已审核"):
        save(jingyang, "1.1", "59", plan)
    reasons = [record.why for record in figure.history.order_by("history_date", "history_id")]
    assert reasons == ["新建草稿", "提交", "退回：请核对", "保存草稿", "重新提交", "审核通过"]


def test_a_reporter_cannot_approve(plan, jingyang):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    with pytest.raises(PermissionDenied):
        item_approve(user=jingyang, item=figure)


def test_reopen_request_granted_sends_the_item_back(plan, jingyang, office_user):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    request = reopen_request_create(user=jingyang, item=figure, reason="统计口径调整")
    with pytest.raises(ValidationError, match="待处理"):
        reopen_request_create(user=jingyang, item=figure, reason="再次申请")
    reopen_request_decide(user=office_user, request=request, grant=True)
    figure.refresh_from_db()
    assert figure.status == Status.RETURNED
    with pytest.raises(ValidationError, match="不能重复处理"):
        reopen_request_decide(user=office_user, request=request, grant=False, note="x")


def test_reopen_request_refused_keeps_the_lock_and_the_record(plan, jingyang, office_user):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    request = reopen_request_create(user=jingyang, item=figure, reason="想改")
    with pytest.raises(ValidationError, match="理由"):
        reopen_request_decide(user=office_user, request=request, grant=False)
    reopen_request_decide(user=office_user, request=request, grant=False, note="数据已上报省局")
    figure.refresh_from_db()
    assert figure.status == Status.APPROVED
    assert ReopenRequest.objects.get().decision == ReopenRequest.Decision.REFUSED


def test_the_office_can_reopen_directly_with_a_reason(plan, jingyang, office_user):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    assert item_reopen(user=office_user, item=figure, reason="省局要求核实")
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (Status.RETURNED, "省局要求核实")


def test_task_report_workflow_and_its_rules(plan, make_user, office_user):
    kjj = make_user("k", User.Role.REPORTER, "kjj")
    nav = task(plan, "二(四)1")
    report = task_report_save(
        user=kjj,
        unit=kjj.unit,
        period=period(plan, "2023Q4"),
        task=nav,
        data={"progress": "delayed"},
        expected_version=None,
    )
    with pytest.raises(ValidationError) as error:
        item_submit(user=kjj, item=report)
    assert set(error.value.message_dict) == {"progress_text", "problems"}
    report = task_report_save(
        user=kjj,
        unit=kjj.unit,
        period=period(plan, "2023Q4"),
        task=nav,
        data={
            "progress": "delayed",
            "progress_text": "完成装备制造产业导航初稿",
            "problems": "数据库采购延迟",
        },
        expected_version=report.version,
    )
    assert item_submit(user=kjj, item=report)
    assert item_approve(user=office_user, item=report)
    assert TaskReport.objects.get().status == Status.APPROVED


def test_a_unit_cannot_report_a_task_it_is_not_assigned(plan, jingyang):
    with pytest.raises(PermissionDenied):
        task_report_save(
            user=jingyang,
            unit=jingyang.unit,
            period=period(plan, "2023Q4"),
            task=task(plan, "二(二)7"),
            data={"progress": "in_progress"},
            expected_version=None,
        )


def test_a_future_quarter_cannot_be_reported(plan, jingyang):
    with pytest.raises(ValidationError, match="尚未开始"):
        save(jingyang, "1.1", "60", plan, quarter="2024Q2")


def test_timeliness_keeps_the_first_submission_time(plan, jingyang, office_user, settings):
    figure = save(jingyang, "1.1", "60", plan)
    item_submit(user=jingyang, item=figure)
    item_return(user=office_user, item=figure, reason="请核对")
    settings.PORTAL_TODAY = "2024-02-20"
    figure = save(jingyang, "1.1", "58", plan)
    item_submit(user=jingyang, item=figure)
    figure.refresh_from_db()
    assert timezone.localtime(figure.first_submitted_at).date().isoformat() == "2024-01-05"
    assert timezone.localtime(figure.submitted_at).date().isoformat() == "2024-02-20"
