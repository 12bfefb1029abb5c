"""Importing a plan says what is wrong where the office is looking (issue 15, item 11): a plan already in the portal is
refused at upload, not at the last step; the long draft page lists its errors at the top, each linked to its field."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.drafts import draft_indicators, plan_draft_create, plan_draft_update
from tasks.models import PlanDraft
from tests.conftest import PASSWORD

from .variants import TITLE, deyang_text, variant_text

DEYANG = "德阳市推进国家知识产权强市建设试点城市工作方案"


@pytest.fixture
def office_client(client, office_user):
    assert client.login(username=office_user.username, password=PASSWORD)
    return client


def draft_page(client, draft: PlanDraft) -> str:
    return reverse("tasks:plan_draft", args=[draft.pk])


def form_data(client, draft: PlanDraft) -> dict:
    """The draft page's form as the browser would post it, with the two units of measure the text does not say."""
    form = client.get(draft_page(client, draft)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["start"], data["end"] = draft.data["plan"]["start"], draft.data["plan"]["end"]
    data.update(
        {f"ind-{uom_index(draft, code)}-uom": uom for code, uom in (("1.3", "件"), ("二(二)2.1", "天"))}
    )
    return {key: "" if value is None else value for key, value in data.items()}


def uom_index(draft: PlanDraft, code: str) -> int:
    return next(i for i, ind in enumerate(draft_indicators(draft.data)) if ind["code"] == code)


def error_summary(page: str) -> str:
    start = page.index('data-testid="error-summary"')
    return page[start : page.index("</section>", start)]


def test_a_plan_already_in_the_portal_is_refused_at_upload(office_user):
    with pytest.raises(ValidationError, match=f"方案《{DEYANG}》（2022-07-01起）已存在"):
        plan_draft_create(user=office_user, name="方案.txt", content=deyang_text().encode())
    assert not PlanDraft.objects.exists()


def test_the_upload_page_says_the_plan_exists_and_keeps_the_form(office_client):
    response = office_client.post(
        reverse("tasks:plan_upload"), {"file": SimpleUploadedFile("方案.txt", deyang_text().encode())}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not PlanDraft.objects.exists()
    assert f"方案《{DEYANG}》（2022-07-01起）已存在，不能重复导入" in page
    assert re.search(r'<input type="file" name="file"[^>]*id="id_file"', page)


def test_a_plan_with_the_same_title_but_another_period_is_still_read(office_user):
    text = deyang_text().replace("2022年7月-2025年6月", "2025年7月-2028年6月", 1)
    assert text != deyang_text()
    draft = plan_draft_create(user=office_user, name="下一期方案.txt", content=text.encode())
    assert (draft.data["plan"]["title"], draft.data["plan"]["start"]) == (DEYANG, "2025-07-01")


def test_retitling_a_draft_as_a_plan_in_the_portal_is_an_error_on_the_title(office_user):
    draft = plan_draft_create(user=office_user, name="修订稿.txt", content=variant_text().encode())
    with pytest.raises(ValidationError) as error:
        plan_draft_update(
            user=office_user, draft=draft, changes={"plan": {"title": DEYANG}}, expected_version=1
        )
    assert list(error.value.message_dict) == ["title"]
    draft.refresh_from_db()
    assert draft.data["plan"]["title"] == TITLE and draft.version == 1


def test_the_draft_page_lists_its_errors_at_the_top_with_links_to_the_fields(office_client, office_user):
    draft = plan_draft_create(user=office_user, name="修订稿.txt", content=variant_text().encode())
    index = uom_index(draft, "1.3")
    form = form_data(office_client, draft)
    form.update({"title": "", f"ind-{index}-uom": "", "ind-0-target": "四百零二", "action": "save"})
    page = office_client.post(draft_page(office_client, draft), form).content.decode()

    summary = error_summary(page)
    assert "有3处需要修改：" in summary
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary))
    # "This field is required." in Chinese as the installed catalogues word it (Django REST framework's comes first)
    assert links == {
        "id_title": "方案标题：该字段是必填项。",
        "id_ind-0-target": "指标 1.1 目标值：目标值应为数字，您填写的是“四百零二”",
        f"id_ind-{index}-uom": "指标 1.3 单位：该字段是必填项。",
    }
    for anchor in links:
        assert f'id="{anchor}"' in page
    assert page.index('data-testid="error-summary"') < page.index('data-testid="draft-warnings"')


def test_an_error_about_the_whole_draft_is_in_the_summary_too(office_client, office_user):
    draft = plan_draft_create(user=office_user, name="修订稿.txt", content=variant_text().encode())
    form = form_data(office_client, draft)
    plan_draft_update(user=office_user, draft=draft, changes={"plan": {"title": "甲"}}, expected_version=1)
    form["action"] = "save"
    page = office_client.post(draft_page(office_client, draft), form).content.decode()
    summary = error_summary(page)
    assert "有1处需要修改：" in summary and "别人刚刚修改过此识别稿" in summary


def test_a_draft_without_errors_has_no_summary(office_client, office_user):
    draft = plan_draft_create(user=office_user, name="修订稿.txt", content=variant_text().encode())
    assert (
        'data-testid="error-summary"'
        not in office_client.get(draft_page(office_client, draft)).content.decode()
    )
