"""Stored XSS: a script or an image handler typed into any free-text field (a figure's note, a task report's
progress, problems and next steps, a return or reopen reason, an instruction and its answer, a unit's or an
indicator's name) is shown as the text it is on every page, in the charts' data, the xlsx downloads and the Word
bulletin, and never reaches a page as markup."""

import io
import json
import re

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from reports.documents.bulletin import bulletin_data
from reports.documents.bulletin_docx import bulletin_docx
from reports.instructions.services import instruction_create, instruction_reply
from reports.models import Instruction
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_return, item_submit, reopen_request_create
from targets.models import Indicator
from units.models import Unit, User

from .reports.factories import indicator, period, task

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x onerror")


def hostile(field: str) -> str:
    return f"{field}{PAYLOAD}"


FIELDS = [
    "单位名称",
    "指标名称",
    "数值说明",
    "工作进展",
    "存在问题",
    "下步打算",
    "退回原因",
    "申请理由",
    "批示内容",
    "批示答复",
]


@pytest.fixture
def typed_everywhere(plan, in_2024q1, make_user, office_user):
    """Every free-text field holds a script, each marked with its field's name."""
    Unit.objects.filter(code="jingyang").update(name=hostile("单位名称"))
    Indicator.objects.filter(pk=indicator(plan, "1.1").pk).update(name=hostile("指标名称"))
    jy = make_user("jy-x", User.Role.REPORTER, "jingyang")
    leader = make_user("leader-x", User.Role.LEADER)
    q = period(plan, "2023Q4")
    mine = {"user": jy, "unit": jy.unit, "period": q, "expected_version": None}
    noted = figure_save(
        indicator=indicator(plan, "1.1"), data={"value": 5, "note": hostile("数值说明")}, **mine
    )
    returned = figure_save(indicator=indicator(plan, "1.4"), data={"value": 3}, **mine)
    report = task_report_save(
        task=task(plan, "二(一)2"),
        data={
            "progress": "in_progress",
            "progress_text": hostile("工作进展"),
            "problems": hostile("存在问题"),
            "next_steps": hostile("下步打算"),
        },
        **mine,
    )
    for item in (noted, returned, report):
        item_submit(user=jy, item=item)
    item_return(user=office_user, item=returned, reason=hostile("退回原因"))
    item_approve(user=office_user, item=noted)
    reopen_request_create(user=jy, item=noted, reason=hostile("申请理由"))
    instruction = instruction_create(
        user=leader, text=hostile("批示内容"), indicator=indicator(plan, "1.1"), units=[jy.unit]
    )
    instruction_reply(user=jy, instruction=instruction, unit=jy.unit, period=q, text=hostile("批示答复"))
    return {"jy": jy, "leader": leader, "period": q, "instruction": Instruction.objects.get()}


def office_pages(plan) -> list[str]:
    one = indicator(plan, "1.1").pk
    sheet = ["jingyang", "2023Q4"]
    return [
        reverse("reports:home"),
        reverse("reports:unit_list"),
        reverse("reports:unit_detail", args=["jingyang"]),
        reverse("reports:sheet", args=sheet),
        reverse("reports:item_detail", args=[*sheet, "figure", one]),
        reverse("reports:item_detail", args=[*sheet, "figure", indicator(plan, "1.4").pk]),
        reverse("reports:item_detail", args=[*sheet, "task", task(plan, "二(一)2").pk]),
        reverse("reports:review"),
        reverse("reports:indicator_detail", args=[one]),
        reverse("reports:indicator_table"),
        reverse("reports:indicator_progress", args=[one]) + "?period=2023Q4",
        reverse("reports:heatmap"),
        reverse("reports:task_board") + "?period=2023Q4",
        reverse("reports:league"),
        reverse("reports:instruction_list"),
        reverse("tasks:plan_overview"),
        reverse("reports:task_detail", args=[task(plan, "二(一)2").pk]),
    ]


def test_every_free_text_field_shows_as_text_on_every_page(client, plan, typed_everywhere, office_user):
    pages = {}
    for user in (office_user, typed_everywhere["jy"], typed_everywhere["leader"]):
        client.force_login(user)
        for url in office_pages(plan):
            response = client.get(url)
            if response.status_code == 200:
                pages[f"{user.username} {url}"] = response.content.decode()
    assert len(pages) > 30
    for name, html in pages.items():
        for raw in RAW:
            assert raw not in html, f"{name}: {raw} reached the page as markup"
    shown = "\n".join(pages.values())
    for field in FIELDS:
        assert escape(hostile(field)) in shown, f"{field} is not shown as text anywhere"


def test_chart_data_carries_the_names_as_data_not_markup(client, plan, typed_everywhere, office_user):
    client.force_login(office_user)
    page = client.get(
        reverse("reports:indicator_progress", args=[indicator(plan, "1.1").pk]), {"period": "2023Q4"}
    )
    html = page.content.decode()
    scripts = dict(re.findall(r'<script id="([\w-]+)" type="application/json">(.*?)</script>', html, re.S))
    assert {"trend-figure", "breakdown-figure"} <= set(scripts)
    for source in scripts.values():
        assert "<" not in source  # json_script writes < as \u003C: nothing in it can close the script element
    bars = json.loads(scripts["breakdown-figure"])["data"][0]["x"]
    assert hostile("单位名称") in bars


def cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("reports:indicator_table", {"指标名称"}),
        ("reports:review", {"单位名称"}),
        ("reports:heatmap", {"单位名称"}),
        ("reports:league", {"单位名称"}),
        ("reports:task_board", {"单位名称"}),
    ],
)
def test_xlsx_downloads_hold_the_text_as_typed(client, plan, typed_everywhere, office_user, name, fields):
    client.force_login(office_user)
    response = client.get(reverse(name), {"export": "xlsx", "period": "2023Q4"})
    assert response.status_code == 200
    written = cells(response.content)
    values = {cell.value for cell in written if isinstance(cell.value, str)}
    for field in fields:
        assert any(hostile(field) in value for value in values), f"{name}: {field} missing"
    assert not [cell for cell in written if cell.data_type == "f"]


def test_the_word_bulletin_holds_the_text_as_typed(plan, typed_everywhere, settings):
    settings.CHART_BROWSER = ""  # the tables and text are what is checked here
    content, _charts = bulletin_docx(bulletin_data(plan=plan, period=typed_everywhere["period"]))
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert hostile("单位名称") in text and hostile("指标名称") in text
    xml = document.part.blob.decode()
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
