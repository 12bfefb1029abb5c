"""The Excel preview's error table reads on a desk and on a phone, and the corrected file is uploaded from the preview
itself (issue 15, item 11)."""

import pytest
from playwright.sync_api import expect

from reports.workflow.excel import SHEET_FIGURES, SHEET_TASKS, sheet_template_xlsx
from targets.models import Period
from tests.reports.test_excel import add_row, fill
from units.models import Unit

from .test_phone_layout import PHONE, page_scroll_width, shoot, sign_in, squeezed

pytestmark = pytest.mark.usefixtures("in_2024q1")


def template() -> bytes:
    period = Period.objects.get(year=2023, quarter=4)
    return sheet_template_xlsx(unit=Unit.objects.get(code="jingyang"), period=period)


def with_errors() -> bytes:
    """Four rows the import refuses, each for another reason and some at length, beside a good one."""
    content = fill(
        template(),
        {
            (SHEET_FIGURES, "1.1"): {"数值": 60},
            (SHEET_FIGURES, "1.2"): {"数值": "很多"},
            (SHEET_FIGURES, "1.4"): {"数值": 5, "单位": "广汉市人民政府"},
            (SHEET_TASKS, "二(一)2"): {"进展状态": "差不多"},
        },
    )
    return add_row(
        content,
        SHEET_FIGURES,
        {"单位": "旌阳区人民政府", "季度": "2023Q4", "编号": "3.1", "数值": 90, "版本": 0},
    )


def upload_from_the_sheet(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    page.get_by_text("用 Excel 填报").click()
    page.locator("#excel-file").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("h1")).to_have_text("Excel 导入预览")


DESK = {"width": 1280, "height": 900}


@pytest.fixture
def sized_page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport=request.param)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("sized_page", [DESK, PHONE], indirect=True, ids=["desk", "phone"])
def test_the_error_rows_read_whole_and_the_corrected_file_goes_up_from_the_preview(
    demo, live_server, sized_page, tmp_path
):
    page, viewport = sized_page, sized_page.viewport_size
    bad, good = tmp_path / "填报表.xlsx", tmp_path / "改好的填报表.xlsx"
    bad.write_bytes(with_errors())
    good.write_bytes(
        fill(template(), {(SHEET_FIGURES, "1.1"): {"数值": 60}, (SHEET_FIGURES, "1.2"): {"数值": 12}})
    )
    sign_in(page, live_server, "jingyang")
    upload_from_the_sheet(page, live_server, bad)

    errors = page.get_by_test_id("import-preview").locator("tr.row-error")
    expect(errors).to_have_count(4)
    for message in ("数值应为数字", "不是旌阳区人民政府", "进展状态应为", "不由旌阳区人民政府报送"):
        expect(errors.get_by_text(message)).to_be_visible()
    shoot(page, "excel-preview.png" if viewport == DESK else "phone-excel-preview.png")
    assert squeezed(page, "[data-testid=import-preview] td") == []
    assert page_scroll_width(page) <= viewport["width"]
    if viewport == DESK:  # on a desk a table whose headings stand over their columns
        table = page.get_by_test_id("import-preview").locator("table").first
        columns = table.evaluate(
            """table => [table.tHead.rows[0], table.tBodies[0].rows[0]].map(
                 row => [...row.cells].map(cell => Math.round(cell.getBoundingClientRect().left)))"""
        )
        assert columns[0] == columns[1]

    page.get_by_label("改好后重新上传").set_input_files(good)
    page.get_by_test_id("reupload").get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("button", name="确认导入")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("已导入：新增2项")
