"""Walk every URL pattern as a reporter of another unit: what belongs to 旌阳区 is 403/404 for 广汉市, and
nothing is stored. Pages that hold no unit's data (the plan text, one's own home) are listed with the reason.
Then as the other roles: the system administrator and the auditor reach only their own pages (三员分立), leaders
write nothing but instructions, and a unit's own reporter opens none of the office's pages."""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.views import APIView

from ipcity.health import PROBES
from reports.models import (
    Alert,
    Document,
    Evidence,
    Instruction,
    InstructionReply,
    ReopenRequest,
    Submission,
    TaskReport,
)
from reports.workflow.drafts import figure_save
from reports.workflow.evidence import evidence_add
from reports.workflow.services import item_approve, item_submit, reopen_request_create
from targets.models import WorkPlan
from targets.periods import portal_now
from tasks.drafts import plan_draft_create
from tasks.models import PlanDraft
from tests.conftest import PASSWORD
from units.models import AuditEvent, Unit, User

from .reports.factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

# Pages every signed-in user may open: they show the plan's own text or the user's own things, never another
# unit's figures. Each is checked for that below.
NOT_UNIT_SCOPED = {
    "reports:home": "redirects to one's own unit",
    "login": "the sign-in page",
    "logout": "signs oneself out",
    "set_language": "one's own language",
    "tasks:plan_overview": "the plan's published text",
    "tasks:plan_detail": "the plan's published text",
    "tasks:plan_switch": "chooses which open or ended plan one's own pages show (tasks.plan_choice)",
    "reports:indicator_detail": "the plan's published text",
    "reports:task_detail": "the plan's published text",
    "reports:my_unit": "redirects to one's own unit",
    "reports:report_index": "lists one's own sheets",
    "reports:unit_list": "redirects reporters to their own unit",
    "reports:alert_list": "lists one's own alerts (alerts_for_user)",
    "reports:alert_mark_read": "marks one's own alerts read",
    "reports:alert_preferences": "one's own choice of e-mail and SMS for alerts (NotificationPreference)",
    "reports:instruction_list": "lists the instructions meant for one's own unit (instructions_visible_to)",
    "reports:document_list": "lists the finished bulletins, written for every unit (documents_visible_to)",
    "units:password_change": "changes one's own password",
    "units:second_factor_setup": "binds one's own authenticator (redirects those who need none)",
    "units:second_factor_verify": "checks one's own code (redirects those who need none)",
    "public:index": "the public page: what the office published, the same for everyone (public.selectors)",
    "public:plan": "a published plan's public page, the same for everyone (public.selectors)",
    "public:help": "使用说明: the same text for everyone, no data",
    "api:tokens": "one's own API tokens (created, listed and revoked for oneself)",
}


@dataclass
class Page:
    name: str  # the view name, with its namespace ("reports:sheet")
    pattern: RoutePattern


def all_patterns(resolvers=None, namespace=""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # admin: proven separately (reporters are not staff)
            inner = f"{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if is_api_endpoint(entry):
                continue  # the REST API (/api/): tests/api/test_api_scoping.py walks it as each role
            if not namespace and entry.name in PROBES:
                continue  # /healthz, /readyz, /metrics: no page, open to probes (tests/ops/test_health.py)
            yield Page(name=namespace + entry.name, pattern=entry.pattern)


def is_api_endpoint(entry: URLPattern) -> bool:
    """A view of the REST API (a DRF view: its lists answer each user with what it may see, never 403)."""
    view = getattr(entry.callback, "cls", None)
    return isinstance(view, type) and issubclass(view, APIView)


@pytest.fixture
def jingyang_data(plan, jingyang, office_user):
    q = period(plan, "2023Q4")
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=q,
        indicator=indicator(plan, "1.1"),
        data={"value": 5},
        expected_version=None,
    )
    evidence_add(user=jingyang, item=figure, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    request = reopen_request_create(user=jingyang, item=figure, reason="核对")
    waiting = figure_save(  # submitted, so an approval or a return that got through would show
        user=jingyang,
        unit=jingyang.unit,
        period=q,
        indicator=indicator(plan, "1.4"),
        data={"value": 3},
        expected_version=None,
    )
    item_submit(user=jingyang, item=waiting)
    draft = plan_draft_create(
        user=office_user, name="方案.txt", content=plan.source_text.replace(plan.title, "新方案", 1).encode()
    )
    evaluation = Document.objects.create(  # the office's and leaders' only: refused to units
        plan=plan, kind=Document.Kind.EVALUATION, created_by=office_user, created_at=portal_now()
    )
    return {
        "unit_code": "jingyang",
        "code": "jingyang",
        "period_code": "2023Q4",
        "kind": {"reports:item_detail": "figure", "reports:instruction_new": "indicator"},
        "pk": {
            "reports:item_detail": indicator(plan, "1.1").pk,
            "reports:instruction_new": indicator(plan, "1.1").pk,
            "reports:reopen_decide": request.pk,
            "tasks:plan_draft": draft.pk,
            "reports:document_status": evaluation.pk,
            "reports:document_download": evaluation.pk,
            "reports:document_table_download": evaluation.pk,
            "reports:indicator_progress": indicator(plan, "1.1").pk,
            "reports:indicator_detail": indicator(plan, "1.1").pk,
            "reports:task_detail": task(plan, "二(一)2").pk,
            "units:privilege_decide": 999_999,  # no such request: nobody but the auditor finds one anyway
        },
        "token": Evidence.objects.get().token,
        "plan_id": plan.pk,
        # What a crafted POST carries: every field a write action reads, aimed at jingyang's items.
        "post": {
            "action": "approve",
            "figure": [figure.pk, waiting.pk],
            "value": "999",
            f"f{indicator(plan, '1.4').pk}-value": "999",
            f"f{indicator(plan, '1.4').pk}-version": str(waiting.version),
            "grant": "1",
            "reason": "x",
            "text": "请加快进度",
            "kind": Document.Kind.BULLETIN,
            "period": str(q.pk),
        },
    }


def url_for(pattern: Page, data: dict) -> str:
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
        Alert.read_by.through.objects.count(),
        list(Unit.objects.values_list("pk", "name")),
        list(User.objects.values_list("pk", "role", "unit")),
    )


def assert_refused(client, user: User, method: str, url: str, data: dict) -> None:
    """The request is refused (403/404, or 405 for a method the page does not take) and a refusal is audited."""
    denials = AuditEvent.objects.filter(action="denied", username=user.username).count()
    response = getattr(client, method)(url, data)
    assert response.status_code in (403, 404, 405), (
        f"{user.role} {method.upper()} {url} → {response.status_code}"
    )
    if response.status_code != 405:  # a method the page does not take is not a denial
        latest = AuditEvent.objects.filter(action="denied", username=user.username)
        assert latest.count() == denials + 1, f"{method.upper()} {url}: denial not in the audit log"
        assert latest.first().path.startswith(url)


def test_every_url_of_another_unit_is_refused_and_changes_nothing(client, jingyang_data, guanghan_user):
    assert client.login(username=guanghan_user.username, password=PASSWORD)
    before = snapshot()
    checked = []
    for pattern in all_patterns():
        if pattern.name in NOT_UNIT_SCOPED:
            continue
        url = url_for(pattern, jingyang_data)
        for method in ("get", "post"):
            assert_refused(client, guanghan_user, method, url, jingyang_data["post"])
        checked.append(pattern.name)
    assert snapshot() == before
    assert {
        "reports:sheet",
        "reports:item_detail",
        "reports:evidence_download",
        "reports:sheet_excel",
        "reports:sheet_excel_upload",
        "reports:review",
    } <= set(checked)


# 三员分立: besides signing in and out, changing one's password and language, the system administrator opens the
# account list, the privilege requests he made and the admin site (where its permissions stop at accounts and
# units), the auditor the audit log and the privilege requests he decides.
OWN_PAGES = {
    "reports:home",
    "login",
    "logout",
    "units:password_change",
    "set_language",
    "units:second_factor_setup",
    "units:second_factor_verify",
    "public:help",
}
DUTY_PAGES = {
    User.Role.SYSADMIN: {"units:account_list", "units:privilege_requests"},
    User.Role.AUDITOR: {"reports:audit_log", "units:privilege_requests", "units:privilege_decide"},
}


@pytest.mark.parametrize("role", [User.Role.SYSADMIN, User.Role.AUDITOR])
def test_the_system_administrator_and_the_auditor_open_no_page_of_the_plans_work(
    client, jingyang_data, make_user, role
):
    user = make_user(f"x-{role}", role)
    assert client.login(username=user.username, password=PASSWORD)
    before = snapshot()
    checked = set()
    for pattern in all_patterns():
        if pattern.name in OWN_PAGES | DUTY_PAGES[role]:
            continue
        for method in ("get", "post"):
            assert_refused(client, user, method, url_for(pattern, jingyang_data), jingyang_data["post"])
        checked.add(pattern.name)
    assert snapshot() == before
    assert {
        "tasks:plan_overview",
        "reports:indicator_detail",
        "reports:sheet",
        "reports:review_act",
        "reports:indicator_table",
        "reports:document_list",
    } <= checked


def admin_model_urls(app_labels: set[str]) -> list[str]:
    urls = []
    for model in admin.site._registry:
        if model._meta.app_label in app_labels:
            info = model._meta.app_label, model._meta.model_name
            urls += [
                reverse("admin:{}_{}_changelist".format(*info)),
                reverse("admin:{}_{}_add".format(*info)),
            ]
    return urls


def test_the_system_administrators_admin_stops_at_accounts_and_units(client, jingyang_data, make_user):
    sysadmin = make_user("x-sysadmin", User.Role.SYSADMIN)
    client.force_login(sysadmin)
    before = snapshot()
    urls = admin_model_urls({"targets", "tasks", "reports"})
    # 通知发送记录: the one reports list he reads (the sends that failed are his to see), read-only.
    urls.remove(deliveries := reverse("admin:reports_notificationdelivery_changelist"))
    assert len(urls) >= 16
    for url in urls:
        for method in ("get", "post"):
            assert_refused(client, sysadmin, method, url, jingyang_data["post"])
    assert client.get(reverse("admin:units_user_changelist")).status_code == 200
    assert client.get(deliveries).status_code == 200
    assert (
        client.get(reverse("admin:index") + "units/auditevent/").status_code == 404
    )  # the audit log is not in the admin at all
    assert snapshot() == before


def test_the_auditor_opens_no_admin_page(client, jingyang_data, make_user):
    auditor = make_user("x-auditor", User.Role.AUDITOR)
    client.force_login(auditor)
    before = snapshot()
    for url in [reverse("admin:index"), *admin_model_urls({"units", "targets", "tasks", "reports"})]:
        for method in ("get", "post"):
            assert_refused(client, auditor, method, url, {"username": "new", "name": "新单位"})
    assert snapshot() == before


# The actions whose POST writes something. Leaders read everything and write instructions only (besides their own
# alerts, password, language and session).
WRITES = {
    "public:publication",
    "tasks:plan_open",
    "tasks:plan_reporting_defaults",
    "tasks:plan_upload",
    "tasks:plan_draft",
    "reports:sheet",
    "reports:sheet_excel_upload",
    "reports:item_detail",
    "reports:evidence_delete",
    "reports:review_act",
    "reports:approve_sheet",
    "reports:reopen_decide",
    "reports:document_new",
    "reports:quality_run",
    "reports:unit_review_act",
}


def test_a_leader_writes_nothing_but_instructions(client, jingyang_data, make_user):
    leader = make_user("x-leader", User.Role.LEADER)
    assert client.login(username=leader.username, password=PASSWORD)
    names = {pattern.name for pattern in all_patterns()}
    assert names >= WRITES
    before = snapshot()
    for pattern in all_patterns():
        if pattern.name in WRITES:
            assert_refused(client, leader, "post", url_for(pattern, jingyang_data), jingyang_data["post"])
        elif pattern.name not in {
            "logout",
            "set_language",
            "reports:instruction_new",
            "reports:alert_mark_read",
            "reports:alert_preferences",
        }:
            client.post(url_for(pattern, jingyang_data), jingyang_data["post"])  # a read page: stores nothing
    assert snapshot() == before


# The office's own pages: review, plan import, dashboards, documents, instructions, plus the 三员 pages.
OFFICE_ONLY = {
    "public:publication",
    "reports:review",
    "reports:review_act",
    "reports:approve_sheet",
    "reports:reopen_decide",
    "reports:quality",
    "reports:quality_run",
    "tasks:plan_upload",
    "tasks:plan_draft",
    "tasks:plan_open",
    "tasks:plan_reporting_defaults",
    "reports:indicator_table",
    "reports:indicator_progress",
    "reports:heatmap",
    "reports:task_board",
    "reports:league",
    "reports:document_new",
    "reports:document_status",  # of the evaluation, the office's and leaders'
    "reports:document_download",
    "reports:document_table_download",
    "reports:instruction_new",
    "reports:audit_log",
    "units:account_list",
}


def test_a_reporter_opens_none_of_the_office_pages_even_for_its_own_unit(client, jingyang_data, make_user):
    reporter = make_user(
        "jy-2", User.Role.REPORTER, "jingyang"
    )  # jingyang's own colleague: scope is no excuse
    assert client.login(username=reporter.username, password=PASSWORD)
    before = snapshot()
    patterns = [pattern for pattern in all_patterns() if pattern.name in OFFICE_ONLY]
    assert {pattern.name for pattern in patterns} == OFFICE_ONLY
    for pattern in patterns:
        for method in ("get", "post"):
            assert_refused(client, reporter, method, url_for(pattern, jingyang_data), jingyang_data["post"])
    assert snapshot() == before


# 单位审核's pages: a unit head's own queue; every other role is refused them (the office reviews on its own pages).
UNIT_HEAD_ONLY = {"reports:unit_review", "reports:unit_review_act"}


@pytest.mark.parametrize("role", [User.Role.REPORTER, User.Role.OFFICE, User.Role.LEADER])
def test_the_unit_review_pages_are_a_unit_heads_alone(client, jingyang_data, make_user, role):
    user = make_user(f"x-{role}", role, "jingyang" if role == User.Role.REPORTER else None)
    client.force_login(user)
    before = snapshot()
    patterns = [pattern for pattern in all_patterns() if pattern.name in UNIT_HEAD_ONLY]
    assert {pattern.name for pattern in patterns} == UNIT_HEAD_ONLY
    for pattern in patterns:
        for method in ("get", "post"):
            assert_refused(client, user, method, url_for(pattern, jingyang_data), jingyang_data["post"])
    assert snapshot() == before


def test_a_unit_head_of_another_unit_passes_none_of_its_items(client, jingyang_data, make_user):
    """广汉市's head: 旌阳区's pending figure is not in its queue, and posting its id changes nothing."""
    figure = Submission.objects.filter(unit__code="jingyang").first()
    Submission.objects.filter(pk=figure.pk).update(status="pending")
    head = make_user("gh-head", User.Role.UNIT_HEAD, "guanghan")
    client.force_login(head)
    before = snapshot()
    page = client.get(reverse("reports:unit_review")).content.decode()
    assert f'value="{figure.pk}"' not in page
    client.post(reverse("reports:unit_review_act"), {"figure": [figure.pk], "action": "forward"})
    assert snapshot() == before
    item = reverse(
        "reports:item_detail", args=["jingyang", figure.period.code, "figure", figure.indicator_id]
    )
    assert_refused(client, head, "post", item, {"action": "forward"})
    assert snapshot() == before


def test_the_unscoped_pages_show_no_figures_of_another_unit(client, jingyang_data, guanghan_user):
    client.force_login(guanghan_user)
    for name in ("tasks:plan_overview", "reports:indicator_detail", "reports:report_index"):
        kwargs = (
            {"pk": jingyang_data["pk"]["reports:item_detail"]} if name == "reports:indicator_detail" else {}
        )
        page = client.get(reverse(name, kwargs=kwargs), follow=True).content.decode()
        assert "旌阳区人民政府</td>" not in page
        assert "jingyang" not in page


def test_the_admin_is_closed_to_reporters(client, jingyang_data, guanghan_user):
    client.force_login(guanghan_user)
    for name in ("admin:index", "admin:reports_submission_changelist", "admin:units_user_changelist"):
        url = reverse(name)
        assert_refused(
            client, guanghan_user, "get", url, {}
        )  # 403 saying why, not a second sign-in (issue 15)


def test_before_its_code_an_office_account_reaches_nothing_but_the_code_page(
    client, jingyang_data, office_user, settings
):
    settings.DEMO_MODE = False  # the second factor is asked outside demo mode only
    TOTPDevice.objects.create(user=office_user, name="验证器", confirmed=True)
    assert client.login(username=office_user.username, password=PASSWORD)  # the password alone
    before = snapshot()
    verify = reverse("units:second_factor_verify")
    for pattern in all_patterns():
        if pattern.name in {
            "logout",
            "set_language",
            "units:second_factor_setup",
            "units:second_factor_verify",
        }:
            continue
        url = url_for(pattern, jingyang_data)
        for method in ("get", "post"):
            response = getattr(client, method)(url, jingyang_data["post"])
            assert response.status_code == 302, f"{method.upper()} {url} → {response.status_code}"
            assert response.url.startswith(f"{verify}?next="), f"{method.upper()} {url} → {response.url}"
    assert client.get(reverse("admin:index")).url.startswith(verify)
    assert snapshot() == before
