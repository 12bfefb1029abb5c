"""Quarters read one way everywhere a person reads them: 2025年第二季度, as the plan writes it. The code (2025Q2) is
for addresses and the Excel template's key cell only."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from targets.models import Indicator

from .test_review_queue import visible

pytestmark = pytest.mark.usefixtures("after_the_plan")

CODE = re.compile(r"\b20\d\dQ[1-4]\b")


@pytest.mark.parametrize(
    "name",
    ["reports:home", "reports:indicator_table", "reports:heatmap", "reports:league", "reports:task_board"],
)
def test_dashboard_pages_show_quarters_in_chinese(client, office_user, name):
    client.force_login(office_user)
    text = visible(client.get(reverse(name), {"period": "2025Q2"}))
    assert not CODE.findall(text)
    if name != "reports:task_board":  # the latest report of each task, of no one quarter
        assert "2025年第二季度" in text


def test_the_indicator_page_and_its_chart_show_quarters_in_chinese(client, office_user, plan):
    client.force_login(office_user)
    pledges = Indicator.objects.get(plan=plan, code="2.3")
    response = client.get(reverse("reports:indicator_progress", args=[pledges.pk]), {"period": "2025Q2"})
    assert not CODE.findall(visible(response))
    assert "2022年第三季度" in visible(response)  # the per-unit table's first quarter
    assert response.context["trend"]["data"][0]["x"][0] == "2022年第三季度"


def book(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )


def test_downloads_name_quarters_in_chinese(client, office_user, plan):
    client.force_login(office_user)
    heatmap = book(client.get(reverse("reports:heatmap"), {"export": "xlsx"}))
    header = [c.value for c in next(heatmap.worksheets[0].iter_rows(max_row=1))]
    assert header[1] == "2022年第三季度" and "2025年第二季度" in header
    assert {row[1] for row in heatmap.worksheets[1].iter_rows(min_row=2, values_only=True)} >= {
        "2025年第二季度"
    }
    league = client.get(reverse("reports:league"), {"period": "2025Q2", "export": "xlsx"})
    assert "2025年第二季度" in book(league).active.title
    table = client.get(reverse("reports:indicator_table"), {"period": "2025Q2", "export": "xlsx"})
    assert "2025年第二季度" in book(table).active.title
    pledges = Indicator.objects.get(plan=plan, code="2.3")
    history = client.get(reverse("reports:indicator_progress", args=[pledges.pk]), {"export": "xlsx"})
    assert [c.value for c in next(book(history).active.iter_rows(max_row=1))][1] == "2022年第三季度"
