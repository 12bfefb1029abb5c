"""Writes through the API are the sheet's writes: stored by reports.workflow.drafts and services, with their history
row and audit row; a bad value, a stale version, another unit's item and 代填 without its reason are refused with the
service's own Chinese words and store nothing."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ItemAction, Status, Submission, TaskReport
from tests.reports.factories import indicator
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.usefixtures("in_2024q1")


def send(client: Client, method: str, url: str, body: dict):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def new_figure(plan, code: str = "1.4", **content) -> dict:
    return {"unit": "jingyang", "quarter": "2023Q4", "indicator": indicator(plan, code).pk, **content}


def item_rows(user) -> int:
    return AuditEvent.objects.filter(username=user.username, action__startswith="item_").count()


def test_a_figure_saved_and_changed_by_token_is_stored_with_its_history_and_audit(
    plan, jingyang, token_client
):
    client = token_client(jingyang)
    created = send(
        client, "post", reverse("api:figure_list"), new_figure(plan, value="12,300", note="测试数据")
    )
    assert created.status_code == 201
    assert (created.json()["value"], created.json()["version"], created.json()["status"]) == (
        "12300",
        1,
        "draft",
    )
    figure = Submission.objects.get(pk=created.json()["id"])
    assert (figure.unit.code, figure.period.code, figure.value, figure.updated_by) == (
        "jingyang",
        "2023Q4",
        12300,
        jingyang,
    )
    changed = send(
        client, "put", reverse("api:figure_detail", args=[figure.pk]), {"value": "12400", "version": 1}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    history = list(figure.history.order_by("history_id").values_list("action", "value", "history_user"))
    assert history == [(ItemAction.CREATE, 12300, jingyang.pk), (ItemAction.SAVE, 12400, jingyang.pk)]
    audited = AuditEvent.objects.filter(
        username=jingyang.username, object_type="reports.Submission", object_id=str(figure.pk)
    ).order_by("id")
    assert [(e.action, e.path) for e in audited] == [
        ("item_create", reverse("api:figure_list")),
        ("item_change", reverse("api:figure_detail", args=[figure.pk])),
    ]


def test_a_submission_through_the_api_goes_to_the_office_once(world, jingyang, token_client):
    client = token_client(jingyang)
    url = reverse("api:figure_submit", args=[world.figure.pk])
    first = send(client, "post", url, {"version": world.figure.version})
    assert first.status_code == 200 and first.json()["status"] == Status.SUBMITTED
    again = send(client, "post", url, {"version": world.figure.version})  # a retried request: nothing changes
    assert again.status_code == 200 and again.json()["version"] == first.json()["version"]
    assert list(world.figure.history.values_list("action", flat=True).order_by("history_id")) == [
        ItemAction.CREATE,
        ItemAction.SUBMIT,
    ]
    assert AuditEvent.objects.filter(action="item_submit", object_type="reports.Submission").count() == 1


def test_where_the_unit_reviews_first_a_submission_waits_for_it(world, jingyang, token_client):
    Unit.objects.filter(code="jingyang").update(unit_review=True)
    answer = send(
        token_client(jingyang),
        "post",
        reverse("api:task_report_submit", args=[world.report.pk]),
        {"version": world.report.version},
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["status_label"]) == ("pending", "待单位审核")


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("abc", "value", "季末数应为数字，您填写的是“abc”"),
        ("-3", "value", "季末数不能为负数，您填写的是-3"),
        ("3.5", "value", "指标1.4 有效注册商标数量以件计，只能填整数（填写了3.5）"),
        ("1e3", "value", "季末数请不要使用科学计数法（如1e3），请直接填写数字，您填写的是“1e3”"),
    ],
)
def test_a_bad_value_is_refused_by_field_in_the_sheets_words_and_stores_nothing(
    plan, jingyang, token_client, typed, field, message
):
    answer = send(token_client(jingyang), "post", reverse("api:figure_list"), new_figure(plan, value=typed))
    assert answer.status_code == 400
    assert answer.json() == {field: [message]}
    assert not Submission.objects.exists()
    assert item_rows(jingyang) == 0


def test_a_stale_version_is_refused_with_409_and_stores_nothing(world, jingyang, make_user, token_client):
    colleague = token_client(make_user("jingyang-2", "reporter", "jingyang"))
    url = reverse("api:figure_detail", args=[world.figure.pk])
    assert send(colleague, "put", url, {"value": "7", "version": 1}).status_code == 200
    mine = send(
        token_client(jingyang), "put", url, {"value": "8", "version": 1}
    )  # based on what it read before
    assert mine.status_code == 409
    assert "修改了此项（当前内容：7）" in mine.json()["detail"] and "您的修改未保存" in mine.json()["detail"]
    world.figure.refresh_from_db()
    assert (world.figure.value, world.figure.version) == (7, 2)
    submitted = send(
        token_client(jingyang), "post", reverse("api:figure_submit", args=[world.figure.pk]), {"version": 1}
    )
    assert submitted.status_code == 409 and "此项未提交" in submitted.json()["detail"]
    world.figure.refresh_from_db()
    assert world.figure.status == Status.DRAFT


def test_another_units_figure_is_refused_and_stores_nothing(world, plan, guanghan_user, token_client):
    client = token_client(guanghan_user)
    named = send(client, "post", reverse("api:figure_list"), new_figure(plan, "1.1", value="9", version=1))
    assert named.status_code == 403 and named.json() == {"detail": "您只能填报本单位的数据"}
    url = reverse("api:figure_detail", args=[world.figure.pk])
    assert send(client, "put", url, {"value": "9", "version": 1}).status_code == 404
    world.figure.refresh_from_db()
    assert (world.figure.value, world.figure.version) == (5, 1)
    assert item_rows(guanghan_user) == 0


def test_an_indicator_the_unit_does_not_report_is_refused(plan, make_user, token_client):
    court = make_user("zyfy-api", "reporter", "zyfy")  # 市中级法院 does not report 1.4 有效注册商标数量
    body = {**new_figure(plan, value="1"), "unit": "zyfy"}
    answer = send(token_client(court), "post", reverse("api:figure_list"), body)
    assert answer.status_code == 403 and answer.json() == {"detail": "指标 1.4 不由市中级法院报送"}


def test_the_office_writes_for_a_unit_only_with_its_reason(world, office_user, token_client):
    client = token_client(office_user)
    url = reverse("api:figure_detail", args=[world.figure.pk])
    refused = send(client, "put", url, {"value": "6", "version": 1})
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["办公室代旌阳区人民政府填报，请在“代填原因”中写明原因（如：该单位无法登录平台）"]
    }
    done = send(
        client, "put", url, {"value": "6", "version": 1, "proxy_reason": "测试数据：该单位无法登录平台"}
    )
    assert done.status_code == 200 and done.json()["proxy_reason"] == "测试数据：该单位无法登录平台"
    assert (
        world.figure.history.latest("history_id").history_change_reason
        == "代填：测试数据：该单位无法登录平台"
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"unit": "nowhere"}, {"unit": ["没有代码为“nowhere”的单位"]}),
        ({"quarter": "2025Q9"}, {"quarter": ["季度编号应形如 2025Q2，收到“2025Q9”"]}),
        (
            {"quarter": "2030Q1"},
            {"quarter": ["《德阳市推进国家知识产权强市建设试点城市工作方案》没有2030Q1这个季度"]},
        ),
        ({"indicator": 999999}, {"indicator": ["没有编号为999999的指标"]}),
    ],
)
def test_an_obligation_that_does_not_exist_is_refused_by_field(plan, jingyang, token_client, body, errors):
    answer = send(
        token_client(jingyang), "post", reverse("api:figure_list"), {**new_figure(plan, value="1"), **body}
    )
    assert answer.status_code == 400 and answer.json() == errors


def test_a_task_report_is_checked_as_on_the_sheet(world, jingyang, token_client):
    client = token_client(jingyang)
    url = reverse("api:task_report_detail", args=[world.report.pk])
    bad = send(client, "put", url, {"progress": "soon", "version": 1})
    assert bad.status_code == 400 and list(bad.json()) == ["progress"]
    emptied = send(
        client, "put", url, {"progress": "delayed", "version": 1}
    )  # progress_text left out: emptied
    assert emptied.status_code == 200 and emptied.json()["progress_text"] == ""
    submitted = send(
        client, "post", reverse("api:task_report_submit", args=[world.report.pk]), {"version": 2}
    )
    assert submitted.status_code == 400
    assert submitted.json() == {
        "progress_text": ["请填写本季度工作进展"],
        "problems": ["进展状态为“滞后”时，请写明存在问题"],
    }
    world.report.refresh_from_db()
    assert world.report.status == Status.DRAFT


def test_a_session_write_needs_the_csrf_token_and_a_token_write_does_not(world, jingyang, token_client):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(jingyang)
    url = reverse("api:figure_detail", args=[world.figure.pk])
    refused = send(browser, "put", url, {"value": "6", "version": 1})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get(reverse("api:docs"))  # the page sets the CSRF cookie, as a browser's visit does
    csrf = browser.cookies["csrftoken"].value
    done = browser.put(
        url, json.dumps({"value": "6", "version": 1}), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert done.status_code == 200
    assert send(token_client(jingyang), "put", url, {"value": "7", "version": 2}).status_code == 200
    assert TaskReport.objects.count() == 1
