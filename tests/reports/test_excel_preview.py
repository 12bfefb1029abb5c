"""The Excel preview lets the reporter upload the corrected file right there (issue 15, item 11): no going back to the
sheet and opening 用 Excel 填报 again."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.workflow.excel import SHEET_FIGURES, sheet_template_xlsx

from .factories import period
from .test_excel import fill

pytestmark = pytest.mark.usefixtures("in_2024q1")

QUARTER = "2023Q4"


class Forms(HTMLParser):
    """The page's forms: each one's attributes and its named inputs and buttons ({name: (type, value)})."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": {}})
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = (attrs.get("type", ""), attrs.get("value", ""))


def upload_url(unit_code: str) -> str:
    return reverse("reports:sheet_excel_upload", args=[unit_code, QUARTER])


def template(plan, jingyang) -> bytes:
    return sheet_template_xlsx(unit=jingyang.unit, period=period(plan, QUARTER))


def preview(client, jingyang, content: bytes) -> str:
    client.force_login(jingyang)
    response = client.post(
        upload_url(jingyang.unit.code), {"file": SimpleUploadedFile("填报表.xlsx", content)}
    )
    assert response.status_code == 200
    return response.content.decode()


def file_forms(page: str) -> list[dict]:
    return [form for form in Forms(page).forms if form["fields"].get("file", ("",))[0] == "file"]


def test_a_preview_with_errors_offers_to_upload_the_corrected_file(client, plan, jingyang):
    page = preview(
        client, jingyang, fill(template(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": "很多"}})
    )
    assert "数值应为数字，您填写的是“很多”" in page
    [form] = file_forms(page)
    assert form["attrs"]["action"] == upload_url("jingyang") and form["attrs"]["method"] == "post"
    assert form["attrs"]["enctype"] == "multipart/form-data"
    assert form["fields"]["action"] == ("submit", "preview")
    assert "改好后重新上传" in page


def test_the_corrected_file_uploaded_from_the_preview_is_previewed_again(client, plan, jingyang):
    page = preview(
        client, jingyang, fill(template(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": "很多"}})
    )
    [form] = file_forms(page)
    corrected = fill(template(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": 12}})
    data = {name: value for name, (_type, value) in form["fields"].items() if name != "file"}
    response = client.post(
        form["attrs"]["action"], {**data, "file": SimpleUploadedFile("改好的.xlsx", corrected)}
    )
    assert not response.context["result"].has_errors
    assert 'value="confirm"' in response.content.decode()


def test_a_clean_preview_also_takes_another_file(client, plan, jingyang):
    page = preview(client, jingyang, fill(template(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": 12}}))
    assert 'value="confirm"' in page
    assert len(file_forms(page)) == 1
