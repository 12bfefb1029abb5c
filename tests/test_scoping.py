"""Walk every URL pattern as a reporter of another unit: what belongs to 旌阳区 is 403/404 for 广汉市, and
nothing is stored. Pages that hold no unit's data (the plan text, one's own home) are listed with the reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import (
    Document,
    Evidence,
    Instruction,
    InstructionReply,
    ReopenRequest,
    Submission,
    TaskReport,
)
from reports.services import evidence_add, figure_save, item_approve, item_submit, reopen_request_create
from targets.models import WorkPlan
from targets.periods import portal_now
from tasks.models import PlanDraft
from tasks.services import plan_draft_create
from tests.conftest import PASSWORD
from units.models import AuditEvent, User

from .reports.factories import indicator, period

# Pages every signed-in user may open: they show the plan's own text or the user's own things, never another
# unit's figures. Each is checked for that below.
NOT_UNIT_SCOPED = {
    "home": "redirects to one's own unit",
    "login": "the sign-in page",
    "logout": "signs oneself out",
    "set_language": "one's own language",
    "plan_overview": "the plan's published text",
    "plan_detail": "the plan's published text",
    "indicator_detail": "the plan's published text",
    "task_detail": "the plan's published text",
    "my_unit": "redirects to one's own unit",
    "report_index": "lists one's own sheets",
    "unit_list": "redirects reporters to their own unit",
    "alert_list": "lists one's own alerts (alerts_for_user)",
    "alert_mark_read": "marks one's own alerts read",
    "instruction_list": "lists the instructions meant for one's own unit (instructions_visible_to)",
    "document_list": "lists the finished bulletins, written for every unit (documents_visible_to)",
    "password_change": "changes one's own password",
}


def all_patterns(resolvers=None, prefix=""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # admin: proven separately (reporters are not staff)
            yield from all_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry


@pytest.fixture
def jingyang_data(settings, plan, make_user, office_user):
    settings.PORTAL_TODAY = "2024-01-05"
    jy = make_user("jy", User.Role.REPORTER, "jingyang")
    q = period(plan, "2023Q4")
    figure = figure_save(
        user=jy,
        unit=jy.unit,
        period=q,
        indicator=indicator(plan, "1.1"),
        data={"value": 5},
        expected_version=None,
    )
    evidence_add(user=jy, item=figure, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    item_submit(user=jy, item=figure)
    item_approve(user=office_user, item=figure)
    request = reopen_request_create(user=jy, item=figure, reason="核对")
    draft = plan_draft_create(user=office_user, name="方案.txt", content=plan.source_text.encode())
    evaluation = Document.objects.create(  # the office's and leaders' only: refused to units
        plan=plan, kind=Document.Kind.EVALUATION, created_by=office_user, created_at=portal_now()
    )
    return {
        "unit_code": "jingyang",
        "code": "jingyang",
        "period_code": "2023Q4",
        "kind": {"item_detail": "figure", "instruction_new": "indicator"},
        "pk": {
            "item_detail": indicator(plan, "1.1").pk,
            "instruction_new": indicator(plan, "1.1").pk,
            "reopen_decide": request.pk,
            "plan_draft": draft.pk,
            "document_status": evaluation.pk,
            "document_download": evaluation.pk,
            "indicator_progress": indicator(plan, "1.1").pk,
        },
        "token": Evidence.objects.get().token,
        "plan_id": plan.pk,
    }


def url_for(pattern: URLPattern, data: dict) -> str:
    kwargs = {}
    for name in pattern.pattern.converters:
        value = data[name]
        kwargs[name] = value[pattern.name] if isinstance(value, dict) else value
    return reverse(pattern.name, kwargs=kwargs)


def snapshot():
    return (
        list(Submission.objects.values_list("pk", "version", "status", "value")),
        list(TaskReport.objects.values_list("pk", "version", "status")),
        Evidence.objects.count(),
        list(ReopenRequest.objects.values_list("pk", "decision")),
        Instruction.objects.count(),
        InstructionReply.objects.count(),
        list(PlanDraft.objects.values_list("pk", "version", "status", "plan")),
        list(WorkPlan.objects.values_list("pk", "status")),
        list(Document.objects.values_list("pk", "state")),
    )


def test_every_url_of_another_unit_is_refused_and_changes_nothing(client, jingyang_data, make_user):
    guanghan = make_user("gh", User.Role.REPORTER, "guanghan")
    assert client.login(username=guanghan.username, password=PASSWORD)
    before = snapshot()
    checked = []
    for pattern in all_patterns():
        if pattern.name in NOT_UNIT_SCOPED:
            continue
        url = url_for(pattern, jingyang_data)
        for method in ("get", "post"):
            denials = AuditEvent.objects.filter(action="denied", username=guanghan.username).count()
            response = getattr(client, method)(
                url, {"action": "approve", "value": "999", "grant": "1", "reason": "x"}
            )
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url} → {response.status_code}"
            if response.status_code != 405:  # a method the page does not take is not a denial
                latest = AuditEvent.objects.filter(action="denied", username=guanghan.username)
                assert latest.count() == denials + 1, f"{method.upper()} {url}: denial not in the audit log"
                assert latest.first().path.startswith(url)
        checked.append(pattern.name)
    assert snapshot() == before
    assert {
        "sheet",
        "item_detail",
        "evidence_download",
        "sheet_excel",
        "sheet_excel_upload",
        "review",
    } <= set(checked)


def test_the_unscoped_pages_show_no_figures_of_another_unit(client, jingyang_data, make_user):
    guanghan = make_user("gh", User.Role.REPORTER, "guanghan")
    client.force_login(guanghan)
    for name in ("plan_overview", "indicator_detail", "report_index"):
        kwargs = {"pk": jingyang_data["pk"]["item_detail"]} if name == "indicator_detail" else {}
        page = client.get(reverse(name, kwargs=kwargs), follow=True).content.decode()
        assert "旌阳区人民政府</td>" not in page
        assert "jingyang" not in page


def test_the_admin_is_closed_to_reporters(client, jingyang_data, make_user):
    client.force_login(make_user("gh", User.Role.REPORTER, "guanghan"))
    for url in ("/admin/", "/admin/reports/submission/", "/admin/units/user/"):
        assert client.get(url).status_code == 302
