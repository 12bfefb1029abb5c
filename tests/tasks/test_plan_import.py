"""Importing a plan from its text: the office uploads, corrects, confirms and opens it; the commands do the same
from a terminal. Bad input gets a clear error and stores nothing."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from targets.models import WorkPlan
from tasks.drafts import (
    draft_indicators,
    plan_draft_confirm,
    plan_draft_create,
    plan_draft_discard,
    plan_draft_update,
)
from tasks.lifecycle import plan_open
from tasks.models import PlanDraft, Task
from tasks.selectors import plan_export_shape
from tasks.services import plan_reporting_defaults
from tests.conftest import PASSWORD
from units.models import Unit, User

from .variants import MISSPELLED, TITLE, UNKNOWN, variant_text

DATA = Path(__file__).parent / "data"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def uploaded(office_user) -> PlanDraft:
    return plan_draft_create(user=office_user, name="修订稿.txt", content=variant_text().encode("gb18030"))


UOMS = {"1.3": "件", "二(二)2.1": "天"}  # what the text does not say: the office fills it in


def unit_warnings(draft: PlanDraft) -> list[str]:
    return [w["message"][:12] for w in draft.warnings if w["message"].startswith("责任单位")]


def uoms_filled(draft: PlanDraft) -> dict:
    indicators = draft_indicators(draft.data)
    return {str(i): {"uom": UOMS[ind["code"]]} for i, ind in enumerate(indicators) if ind["code"] in UOMS}


def new_unit_codes(draft: PlanDraft) -> dict[str, str]:
    return {u["name"]: u["code"] for u in draft.data["units"] if u.get("needs_review")}


# Services.


def test_an_upload_becomes_a_draft_with_the_unknown_names_flagged(office_user):
    draft = uploaded(office_user)
    assert draft.status == PlanDraft.Status.PENDING and draft.data["plan"]["title"] == TITLE
    assert list(new_unit_codes(draft)) == [MISSPELLED, UNKNOWN]
    assert unit_warnings(draft) == [f"责任单位“{MISSPELLED}”", f"责任单位“{UNKNOWN}”"]
    line = next(w["line"] for w in draft.warnings if MISSPELLED in w["message"])
    assert draft.source_text.splitlines()[line - 1].startswith("　　3.加强知识产权跨区域保护")
    assert [w["message"] for w in draft.warnings if "计量单位" in w["message"]] == [
        "指标 1.3 原文没有写计量单位，请在识别稿中填写",
        "指标 二(二)2.1 原文没有写计量单位，请在识别稿中填写",
    ]
    assert not WorkPlan.objects.filter(
        title=TITLE
    ).exists()  # nothing but the draft until the office confirms


def test_only_the_office_imports_plans(guanghan_user):
    with pytest.raises(PermissionDenied):
        plan_draft_create(user=guanghan_user, name="a.txt", content=variant_text().encode())
    assert not PlanDraft.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("方案.doc", b"\xd0\xcf\x11\xe0", "不支持旧版 Word（.doc）文件"),
        ("方案.txt", b"", "文件是空的"),
        ("方案.txt", "会议通知\n请各单位准时参会。".encode(), "没有识别出目标和任务"),
        ("方案.docx", b"PK\x03\x04 not really a zip", ".docx"),
    ],
)
def test_a_file_that_is_not_a_plan_is_refused_with_what_to_do(office_user, name, content, message):
    with pytest.raises(ValidationError) as error:
        plan_draft_create(user=office_user, name=name, content=content)
    assert message in " ".join(error.value.messages)
    assert not PlanDraft.objects.exists()


def test_mapping_a_flagged_name_to_an_existing_unit_renames_it_everywhere(office_user):
    draft = uploaded(office_user)
    codes = new_unit_codes(draft)
    draft = plan_draft_update(
        user=office_user,
        draft=draft,
        changes={"units": {codes[MISSPELLED]: {"existing": "市市场监管局"}}},
        expected_version=1,
    )
    assert list(new_unit_codes(draft)) == [UNKNOWN]
    task = draft.data["sections"][1]["tasks"][2]
    assert task["responsible"] == ["市市场监管局", UNKNOWN]
    assert unit_warnings(draft) == [f"责任单位“{UNKNOWN}”"]
    assert draft.version == 2


def test_an_edit_made_on_an_older_version_is_refused(office_user):
    draft = uploaded(office_user)
    plan_draft_update(user=office_user, draft=draft, changes={"plan": {"title": "甲"}}, expected_version=1)
    with pytest.raises(ValidationError, match="别人刚刚修改过"):
        plan_draft_update(
            user=office_user, draft=draft, changes={"plan": {"title": "乙"}}, expected_version=1
        )
    draft.refresh_from_db()
    assert draft.data["plan"]["title"] == "甲"


def test_confirming_creates_the_plan_in_draft_with_its_tasks_and_the_new_unit_to_review(office_user):
    draft = uploaded(office_user)
    codes = new_unit_codes(draft)
    changes = {"units": {codes[MISSPELLED]: {"existing": "市市场监管局"}}, "indicators": uoms_filled(draft)}
    draft = plan_draft_update(user=office_user, draft=draft, changes=changes, expected_version=1)
    plan = plan_draft_confirm(user=office_user, draft=draft)
    assert plan.status == WorkPlan.Status.DRAFT and plan.title == TITLE
    assert plan.tasks.count() == Task.objects.filter(plan__title__startswith="德阳市推进").count() // 2
    task = plan.tasks.get(section__number="二", number="3")
    assert [r.name for r in task.responsibilities.order_by("position")] == ["市市场监管局", UNKNOWN]
    assert Unit.objects.get(name=UNKNOWN).needs_review
    assert not Unit.objects.filter(name=MISSPELLED).exists()
    draft.refresh_from_db()
    assert (draft.status, draft.plan) == (PlanDraft.Status.CONFIRMED, plan)
    with pytest.raises(ValidationError, match="已确认"):
        plan_draft_confirm(user=office_user, draft=draft)
    assert WorkPlan.objects.filter(title=TITLE).count() == 1


def test_the_office_corrects_an_indicator_before_confirming(office_user):
    draft = uploaded(office_user)
    with pytest.raises(ValidationError) as error:
        plan_draft_confirm(user=office_user, draft=draft)
    assert error.value.messages == ["指标 1.3：计量单位：此字段不能为空。"]
    changes = uoms_filled(draft)
    index = next(i for i, ind in enumerate(draft_indicators(draft.data)) if ind["code"] == "1.1")
    changes[str(index)] = {"name": "高新技术企业数", "target": 410}
    draft = plan_draft_update(
        user=office_user, draft=draft, changes={"indicators": changes}, expected_version=1
    )
    plan = plan_draft_confirm(user=office_user, draft=draft)
    assert plan.indicators.get(code="1.3").uom == "件"
    assert (plan.indicators.get(code="1.1").name, plan.indicators.get(code="1.1").target_value) == (
        "高新技术企业数",
        410,
    )


def test_a_plan_already_in_the_portal_cannot_be_confirmed_again(office_user, plan):
    draft = uploaded(office_user)
    WorkPlan.objects.filter(pk=plan.pk).update(title=TITLE)  # the same plan entered since the upload
    with pytest.raises(ValidationError, match="已存在"):
        plan_draft_confirm(user=office_user, draft=draft)
    draft.refresh_from_db()
    assert draft.status == PlanDraft.Status.PENDING and WorkPlan.objects.count() == 1


def test_discarding_keeps_the_record_and_stops_further_edits(office_user):
    draft = uploaded(office_user)
    plan_draft_discard(user=office_user, draft=draft)
    with pytest.raises(ValidationError, match="已放弃"):
        plan_draft_update(user=office_user, draft=draft, changes={}, expected_version=None)


def confirmed(office_user) -> WorkPlan:
    draft = uploaded(office_user)
    draft = plan_draft_update(
        user=office_user, draft=draft, changes={"indicators": uoms_filled(draft)}, expected_version=1
    )
    return plan_draft_confirm(user=office_user, draft=draft)


def test_reporting_defaults_come_from_the_responsible_units(office_user):
    plan = confirmed(office_user)
    assert plan_reporting_defaults(user=office_user, plan=plan) == plan.indicators.count() == 27

    def reporters(code: str) -> list[str]:
        return sorted(u.code for u in plan.indicators.get(code=code).reporting_units.all())

    counties_and_zones = sorted(
        ["jingyang", "luojiang", "guanghan", "shifang", "mianzhu", "zhongjiang", "jkq", "gxq"]
    )
    assert reporters("1.1") == counties_and_zones  # summed: each county and zone among the responsible units
    assert reporters("3.1") == ["zyfy"]  # a rate: the first city-level unit of goal 3 (市中级法院)
    assert reporters("二(二)5.1") == ["scjgj"]  # a task's figure: its unit
    assert plan_reporting_defaults(user=office_user, plan=plan) == 0  # what is set is left alone


def test_a_plan_opens_only_once_everything_has_someone_to_report_it(office_user):
    plan = confirmed(office_user)
    with pytest.raises(ValidationError, match="还有27项指标没有指定报送单位"):
        plan_open(user=office_user, plan=plan)
    plan_reporting_defaults(user=office_user, plan=plan)
    with pytest.raises(ValidationError, match="项内容待补充，请在确认页核对后确认开放"):
        plan_open(user=office_user, plan=plan)
    assert plan_open(user=office_user, plan=plan, acknowledged=True) is True
    assert plan_open(user=office_user, plan=plan, acknowledged=True) is False
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.ACTIVE


# Views.


@pytest.fixture
def office_client(client, office_user):
    assert client.login(username=office_user.username, password=PASSWORD)
    return client


def test_reporters_cannot_open_the_import_pages(client, guanghan_user):
    assert client.login(username=guanghan_user.username, password=PASSWORD)
    assert client.get(reverse("tasks:plan_upload")).status_code == 403
    response = client.post(
        reverse("tasks:plan_upload"), {"file": SimpleUploadedFile("a.txt", variant_text().encode())}
    )
    assert response.status_code == 403 and not PlanDraft.objects.exists()


def test_upload_check_correct_confirm_and_open_in_the_browser_forms(office_client):
    response = office_client.post(
        reverse("tasks:plan_upload"), {"file": SimpleUploadedFile("修订稿.txt", variant_text().encode())}
    )
    draft = PlanDraft.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasks:plan_draft", args=[draft.pk])
    page = office_client.get(response.url).content.decode()
    assert "需要核对的 4 处" in page and MISSPELLED in page and 'class="warned"' in page

    form = form_data(office_client, draft)
    codes = new_unit_codes(draft)
    form[f"unit-{codes[MISSPELLED]}-existing"] = "市市场监管局"
    form.update({f"ind-{index}-uom": change["uom"] for index, change in uoms_filled(draft).items()})
    form["action"] = "confirm"
    response = office_client.post(reverse("tasks:plan_draft", args=[draft.pk]), form)
    plan = WorkPlan.objects.get(title=TITLE)
    assert response.status_code == 302 and response.url == reverse("tasks:plan_detail", args=[plan.pk])
    page = office_client.get(response.url).content.decode()
    assert "此方案是草稿，尚未开放填报" in page and "加强知识产权跨区域保护" in page and UNKNOWN in page

    again = office_client.post(reverse("tasks:plan_draft", args=[draft.pk]), form)  # a double submit
    assert again.status_code == 302 and WorkPlan.objects.filter(title=TITLE).count() == 1

    refused = office_client.post(reverse("tasks:plan_open", args=[plan.pk]), follow=True).content.decode()
    assert "还有27项指标没有指定报送单位" in refused
    office_client.post(reverse("tasks:plan_reporting_defaults", args=[plan.pk]))
    office_client.post(reverse("tasks:plan_open", args=[plan.pk]), {"acknowledged": "1"})
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.ACTIVE


def form_data(client, draft: PlanDraft) -> dict:
    """The draft page's form as the browser would post it untouched."""
    form = client.get(reverse("tasks:plan_draft", args=[draft.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["start"], data["end"] = draft.data["plan"]["start"], draft.data["plan"]["end"]
    return {key: "" if value is None else value for key, value in data.items()}


def test_a_bad_number_is_explained_and_what_was_typed_is_kept(office_client, office_user):
    draft = uploaded(office_user)
    form = form_data(office_client, draft)
    form["ind-0-target"] = "四百零二"
    form["ind-1-name"] = "科技型中小企业"
    form["action"] = "save"
    response = office_client.post(reverse("tasks:plan_draft", args=[draft.pk]), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "目标值应为数字，您填写的是“四百零二”" in page
    assert 'value="科技型中小企业"' in page and 'value="四百零二"' in page
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_malformed_upload_says_what_to_fix_and_stores_nothing(office_client):
    response = office_client.post(
        reverse("tasks:plan_upload"), {"file": SimpleUploadedFile("方案.doc", b"\xd0\xcf")}
    )
    assert response.status_code == 200
    assert "另存为” .docx" in response.content.decode()
    assert not PlanDraft.objects.exists()


# Commands.


def test_import_plan_dry_run_json_prints_the_export_shape_and_writes_nothing(plan):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_plan",
        str(FIXTURES / "deyang_plan.txt"),
        "--dry-run",
        "--json",
        "--completions",
        str(FIXTURES / "deyang_completions.json"),
        stdout=out,
        stderr=err,
    )
    expected = json.loads((DATA / "deyang_plan_expected.json").read_text(encoding="utf-8"))
    assert json.loads(out.getvalue()) == plan_export_shape(expected)
    assert err.getvalue() == ""
    assert WorkPlan.objects.count() == 1 and not PlanDraft.objects.exists()


def test_import_plan_without_dry_run_keeps_a_docx_as_a_draft_for_the_office(office_user, tmp_path):
    document = docx.Document()
    for line in variant_text().splitlines():
        document.add_paragraph(line)
    path = tmp_path / "修订稿.docx"
    document.save(path)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", str(path), stdout=out, stderr=err)
    draft = PlanDraft.objects.get()
    assert (draft.data["plan"]["title"], draft.uploaded_by, draft.file_name) == (
        TITLE,
        office_user,
        "修订稿.docx",
    )
    assert f"新单位（待确认）：{MISSPELLED}、{UNKNOWN}" in out.getvalue()
    assert reverse("tasks:plan_draft", args=[draft.pk]) in out.getvalue()
    assert f"责任单位“{MISSPELLED}”不在单位表中" in err.getvalue()
    assert not WorkPlan.objects.filter(title=TITLE).exists()


def test_import_plan_needs_an_office_account(plan, tmp_path):
    path = tmp_path / "修订稿.txt"
    path.write_text(variant_text(), encoding="utf-8")
    with pytest.raises(CommandError, match="还没有领导小组办公室账号"):
        call_command("import_plan", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not PlanDraft.objects.exists()


def test_import_plan_refuses_a_missing_file():
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_plan", "/nonexistent/方案.txt", stdout=io.StringIO())


def test_load_plan_refuses_a_text_that_needs_checking(plan, tmp_path):
    path = tmp_path / "修订稿.txt"
    path.write_text(variant_text(), encoding="utf-8")
    with pytest.raises(CommandError, match="请用 import_plan 导入"):
        call_command("load_plan", str(path), stdout=io.StringIO())
    assert not WorkPlan.objects.filter(title=TITLE).exists()


def test_the_office_sees_the_import_link_and_reporters_do_not(office_client, client, guanghan_user):
    assert reverse("tasks:plan_upload") in office_client.get(reverse("tasks:plan_overview")).content.decode()
    client.logout()
    assert client.login(username=guanghan_user.username, password=PASSWORD)
    assert reverse("tasks:plan_upload") not in client.get(reverse("tasks:plan_overview")).content.decode()
    assert User.objects.filter(role=User.Role.OFFICE).exists()
