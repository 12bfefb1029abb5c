from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Evidence, ItemAction, Status, Submission, TaskReport

from .factories import indicator, task

pytestmark = pytest.mark.usefixtures("in_2024q1", "jingyang_signed_in")

PDF = b"%PDF-1.4\n%%EOF\n"


def sheet_url(unit="jingyang", quarter="2023Q4"):
    return reverse("reports:sheet", args=[unit, quarter])


def test_the_sheet_lists_every_obligation_of_the_unit(client, plan, jingyang):
    page = client.get(sheet_url()).content.decode()
    for code in ("1.1", "2.3", "4.5", "5.4"):
        assert f'id="row-f{indicator(plan, code).pk}"' in page
    assert f'id="row-f{indicator(plan, "3.1").pk}"' not in page
    assert f'id="row-t{task(plan, "二(一)2").pk}"' in page
    assert f'id="row-t{task(plan, "二(二)7").pk}"' not in page


def test_saving_a_draft_keeps_values_and_a_bad_row_keeps_what_was_typed(client, plan, jingyang):
    good, bad = indicator(plan, "1.1").pk, indicator(plan, "1.4").pk
    response = client.post(
        sheet_url(),
        {
            f"f{good}-value": "61",
            f"f{good}-version": "0",
            f"f{bad}-value": "很多",
            f"f{bad}-version": "0",
            "action": "save",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "有1项需要修改" in page
    assert "季末数应为数字，您填写的是“很多”" in page
    assert 'value="很多"' in page
    assert Submission.objects.get().value == Decimal("61")


def test_submit_all_then_the_office_returns_then_the_unit_sees_the_reason(
    client, plan, jingyang, office_user
):
    ind = indicator(plan, "1.1")
    client.post(
        sheet_url(),
        {
            f"f{ind.pk}-value": "61",
            f"f{ind.pk}-version": "0",
            f"f{ind.pk}-submit": "on",
            "action": "submit_selected",
        },
    )
    figure = Submission.objects.get()
    assert figure.status == Status.SUBMITTED
    client.force_login(office_user)
    client.post(
        reverse("reports:review_act"),
        {"figure": [figure.pk], "action": "return", "reason": "请与统计口径核对"},
    )
    client.force_login(jingyang)
    page = client.get(sheet_url()).content.decode()
    assert "已退回，请修改后重新提交" in page
    assert "请与统计口径核对" in page
    assert page.index("已退回，请修改后重新提交") < page.index("指标 · 1.")


def test_a_crafted_post_for_another_units_sheet_is_refused_and_stores_nothing(client, plan, jingyang):
    ind = indicator(plan, "1.1")
    response = client.post(
        sheet_url("guanghan"), {f"f{ind.pk}-value": "61", f"f{ind.pk}-version": "0", "action": "save"}
    )
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_a_crafted_field_for_an_indicator_not_on_the_sheet_is_ignored(client, plan, jingyang):
    court = indicator(plan, "3.1")
    client.post(
        sheet_url(), {f"f{court.pk}-numerator": "1", f"f{court.pk}-denominator": "2", "action": "save"}
    )
    assert not Submission.objects.exists()


def test_a_stale_save_from_the_sheet_shows_the_other_value(client, plan, jingyang, office_user):
    ind = indicator(plan, "1.1")
    client.post(sheet_url(), {f"f{ind.pk}-value": "61", f"f{ind.pk}-version": "0", "action": "save"})
    client.force_login(office_user)
    client.post(
        sheet_url(),
        {
            f"f{ind.pk}-value": "63",
            f"f{ind.pk}-version": "1",
            "action": "save",
            "proxy_reason": "代填（测试数据）",
        },
    )
    client.force_login(jingyang)
    response = client.post(
        sheet_url(), {f"f{ind.pk}-value": "70", f"f{ind.pk}-version": "1", "action": "save"}
    )
    assert "当前内容：63" in response.content.decode()
    assert Submission.objects.get().value == Decimal("63")


def test_a_double_submit_from_the_sheet_changes_state_once(client, plan, jingyang):
    ind = indicator(plan, "1.1")
    data = {f"f{ind.pk}-value": "61", f"f{ind.pk}-version": "0", "action": "submit_all"}
    client.post(sheet_url(), data)
    client.post(sheet_url(), data)
    figure = Submission.objects.get()
    assert figure.status == Status.SUBMITTED
    assert figure.history.filter(action=ItemAction.SUBMIT).count() == 1


def test_task_reports_are_saved_from_the_sheet(client, plan, jingyang):
    t = task(plan, "二(一)2")
    client.post(
        sheet_url(),
        {
            f"t{t.pk}-progress": "in_progress",
            f"t{t.pk}-progress_text": "旌阳区强县建设方案已印发",
            f"t{t.pk}-version": "0",
            "action": "save",
        },
    )
    report = TaskReport.objects.get()
    assert (report.progress, report.unit.code) == ("in_progress", "jingyang")


def test_evidence_upload_is_checked_by_content_and_downloadable_only_in_scope(
    client, plan, jingyang, guanghan_user
):
    ind = indicator(plan, "1.1")
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", ind.pk])
    client.post(url, {"action": "upload", "file": SimpleUploadedFile("假的.pdf", b"MZ\x90\x00not a pdf")})
    assert not Evidence.objects.exists()
    client.post(url, {"action": "upload", "file": SimpleUploadedFile("名单.pdf", PDF)})
    evidence = Evidence.objects.get()
    assert client.get(reverse("reports:evidence_download", args=[evidence.token])).status_code == 200
    client.force_login(guanghan_user)
    assert client.get(reverse("reports:evidence_download", args=[evidence.token])).status_code == 404


def test_the_item_page_shows_every_step_of_the_history(client, plan, jingyang, office_user):
    ind = indicator(plan, "1.1")
    client.post(sheet_url(), {f"f{ind.pk}-value": "61", f"f{ind.pk}-version": "0", "action": "submit_all"})
    client.force_login(office_user)
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", ind.pk])
    client.post(url, {"action": "approve"})
    page = client.get(url).content.decode()
    for step in ("新建草稿", "提交", "审核通过"):
        assert step in page
    assert "数值：— → 61" in page


def test_reporters_cannot_open_the_review_queue(client, plan, jingyang):
    assert client.get(reverse("reports:review")).status_code == 403
    assert client.post(reverse("reports:review_act"), {"action": "approve"}).status_code == 403


def test_the_office_approves_a_whole_unit_sheet_at_once(client, plan, jingyang, office_user):
    one, two = indicator(plan, "1.1"), indicator(plan, "1.2")
    client.post(
        sheet_url(),
        {
            f"f{one.pk}-value": "61",
            f"f{one.pk}-version": "0",
            f"f{two.pk}-value": "210",
            f"f{two.pk}-version": "0",
            f"f{one.pk}-submit": "on",
            f"f{two.pk}-submit": "on",
            "action": "submit_selected",
        },
    )
    client.force_login(office_user)
    queue = client.get(reverse("reports:review")).content.decode()
    assert "通过旌阳区人民政府 2023年第四季度全部已提交项" in queue
    client.post(reverse("reports:approve_sheet", args=["jingyang", "2023Q4"]), {"confirmed": "1"})
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.APPROVED}


def test_a_batch_return_without_reason_changes_nothing(client, plan, jingyang, office_user):
    one = indicator(plan, "1.1")
    client.post(sheet_url(), {f"f{one.pk}-value": "61", f"f{one.pk}-version": "0", "action": "submit_all"})
    client.force_login(office_user)
    response = client.post(
        reverse("reports:review_act"),
        {"figure": [Submission.objects.get().pk], "action": "return", "reason": ""},
        follow=True,
    )
    assert "请填写退回原因" in response.content.decode()
    assert Submission.objects.get().status == Status.SUBMITTED


def test_the_sheet_page_runs_a_bounded_number_of_queries(
    client, plan, jingyang, django_assert_max_num_queries
):
    one, two = indicator(plan, "1.1"), indicator(plan, "1.2")
    client.post(
        sheet_url(),
        {
            f"f{one.pk}-value": "61",
            f"f{one.pk}-version": "0",
            f"f{two.pk}-value": "3",
            f"f{two.pk}-version": "0",
            "action": "save",
        },
    )
    with django_assert_max_num_queries(30):
        assert client.get(sheet_url()).status_code == 200


def test_history_shows_times_in_shanghai_time_not_raw_utc(client, plan, jingyang):
    one = indicator(plan, "1.1")
    client.post(sheet_url(), {f"f{one.pk}-value": "61", f"f{one.pk}-version": "0", "action": "submit_all"})
    page = client.get(
        reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", one.pk])
    ).content.decode()
    assert "提交时间：— → " in page
    assert "+00:00" not in page


def test_a_sheet_partly_sent_lists_what_is_still_to_send_at_the_top(client, plan, jingyang):
    sent, kept = indicator(plan, "1.1"), indicator(plan, "1.4")
    client.post(
        sheet_url(),
        {
            f"f{sent.pk}-value": "61",
            f"f{sent.pk}-version": "0",
            f"f{sent.pk}-submit": "on",
            f"f{kept.pk}-value": "10000",
            f"f{kept.pk}-version": "0",
            "action": "submit_selected",
        },
    )
    assert Submission.objects.get(indicator=sent).status == Status.SUBMITTED
    page = client.get(sheet_url()).content.decode()
    todo = page.split('data-testid="outstanding"')[1].split("</nav>")[0]
    assert f'href="#row-f{kept.pk}"' in todo and "草稿" in todo
    assert f'href="#row-t{task(plan, "二(一)2").pk}"' in todo and "未填" in todo
    assert f'href="#row-f{sent.pk}"' not in todo


def test_a_sheet_with_nothing_sent_yet_needs_no_list_of_what_is_left(client, plan, jingyang):
    assert 'data-testid="outstanding"' not in client.get(sheet_url()).content.decode()
