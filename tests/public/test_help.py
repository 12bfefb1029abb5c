"""使用说明 (issue 19 item 5): a short page per role, reached from the header of every signed-in page, open to every
role and to nobody signed out."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from units.models import User

UNIT_ROLES = {User.Role.REPORTER: "jingyang", User.Role.UNIT_HEAD: "jingyang"}
# What each role's page must explain (the portal's own words for it).
TOPICS = {
    User.Role.REPORTER: [
        "保存草稿",
        "本次提交此项",
        "用 Excel 填报",
        "确认导入",
        "申请重新打开",
        "待核实",
        "代填",
        "批示",
        "提醒",
    ],
    User.Role.UNIT_HEAD: ["单位审核", "审核通过勾选项，报送办公室", "退回勾选项", "待单位审核"],
    User.Role.OFFICE: ["审核通过勾选项", "退回勾选项", "重新打开", "待核实", "代填原因", "写批示", "公开"],
    User.Role.LEADER: ["总览", "指标进展", "写批示"],
}
COLOURS = [
    "达标",
    "正常",
    "预警",
    "滞后",
    "未报",
    "基线缺失",
    *(f"light-{c}" for c in ("green", "amber", "red", "grey")),
]


# The templates that are not a signed-in page of the portal, and why they carry no link to the 使用说明.
NOT_PORTAL_PAGES = {
    "base.html": "the frame every page extends: its header holds the link",
    "500.html": "a server error, drawn without the request or its user",
    "public/page.html": "the anonymous public page (公开): nobody signed in to help",
    "reports/review_tables.html": "a part of the review page, not a page",
}


def test_every_page_of_the_portal_has_the_help_in_its_header():
    """Every page template extends base.html, whose header links the 使用说明 for whoever is signed in (partials:
    includes/, help/, and names starting with _, are parts of pages)."""
    root = Path(settings.BASE_DIR) / "templates"
    pages = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in root.rglob("*.html")
        if not path.name.startswith("_") and path.parent.name not in ("includes", "help")
    }
    assert set(NOT_PORTAL_PAGES) <= set(pages)
    apart = sorted(
        name
        for name, text in pages.items()
        if name not in NOT_PORTAL_PAGES
        and not text.startswith(('{% extends "base.html" %}', "{% extends 'base.html' %}"))
    )
    assert apart == [], "pages without the portal's header (and its 使用说明 link)"
    header = pages["base.html"].split("<header", 1)[1].split("</header>", 1)[0]
    signed_in = header.split("{% if user.is_authenticated %}", 1)[1]
    assert "{% url 'public:help' %}" in signed_in


@pytest.mark.parametrize("role", list(TOPICS))
def test_each_role_opens_its_own_page_from_the_header(client, make_user, role):
    client.force_login(make_user(f"help-{role}", role, UNIT_ROLES.get(role)))
    home = client.get(reverse("reports:home"), follow=True).content.decode()
    assert f'href="{reverse("public:help")}"' in home and "使用说明" in home
    page = client.get(reverse("public:help"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-testid="help-{role}"' in html
    for topic in TOPICS[role] + COLOURS:
        assert topic in html, (role, topic)


def test_every_role_reads_the_other_roles_pages(client, jingyang):
    client.force_login(jingyang)
    for role in TOPICS:
        html = client.get(reverse("public:help"), {"role": role}).content.decode()
        assert f'data-testid="help-{role}"' in html
    unknown = client.get(reverse("public:help"), {"role": "<script>"}).content.decode()
    assert 'data-testid="help-reporter"' in unknown and "<script>" not in unknown


def test_the_colours_explained_are_those_the_portal_uses(client, jingyang):
    """The thresholds written on the page are the plan's defaults (targets.models.WorkPlan), and every status label
    of the progress engine is explained."""
    from targets.engine import ProgressStatus
    from targets.models import WorkPlan

    client.force_login(jingyang)
    html = client.get(reverse("public:help")).content.decode()
    assert WorkPlan._meta.get_field("amber_ratio").default * 100 == 85 and "85%" in html
    assert WorkPlan._meta.get_field("rate_amber_points").default == 5 and "5 个百分点" in html
    for status, label in ProgressStatus.LABELS.items():
        assert f'light-{ProgressStatus.COLOURS[status]}">{label}<' in html


def test_signed_out_the_help_asks_to_sign_in(client):
    response = client.get(reverse("public:help"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [User.Role.SYSADMIN, User.Role.AUDITOR])
def test_the_system_administrator_and_the_auditor_read_their_help(client, make_user, role):
    client.force_login(make_user(f"help-{role}", role))
    page = client.get(reverse("public:help"))
    assert page.status_code == 200 and f'data-testid="help-{role}"' in page.content.decode()
