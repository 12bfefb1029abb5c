"""Issue 17 in a real browser: the office uploads a Word plan whose targets are in an appendix table (主要指标详见附件)
and the draft check page shows the table's indicators, each with its name, target and unit, and no warning that
the table was not read. The city, plan and figures are test data (测试数据)."""

import os

import docx
from playwright.sync_api import expect

SHOTS = os.environ.get("SCREENSHOTS")  # a folder to save screenshots of each step in, when set
TITLE = "某市知识产权强市建设实施方案（2024—2026年）（测试数据）"
HEADER = ("序号", "指标名称", "单位", "2021年（基期）", "2026年（目标）", "属性", "责任单位")
# The appendix rows; the draft should show each one's name, target and unit in its indicator fields.
ROWS = (
    ("1", "每万人口高价值发明专利拥有量", "件", "8.2", "12", "预期性", "市市场监管局、市科技局"),
    ("2", "高新技术企业", "户", "260", "400", "预期性", "市科技局"),
    ("3", "知识产权行政执法按期结案率", "%", "95", "100", "约束性", "市市场监管局"),
)


def plan_docx(path) -> None:
    """A short plan in Word: its targets only in the appendix table, its tasks naming units the portal has."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph("为加快建设知识产权强市，制定本方案。实施期为2024年1月—2026年12月。")
    document.add_paragraph("一、主要目标")
    document.add_paragraph("到2026年，全市知识产权创造、运用、保护水平明显提升。主要指标详见附件。")
    document.add_paragraph("二、重点任务")
    document.add_paragraph(
        "1.加强高价值专利培育。支持骨干企业开展专利布局。（责任单位：市市场监管局、市科技局）"
    )
    document.add_paragraph("2.加强知识产权行政保护。开展专项执法行动。（责任单位：市市场监管局）")
    document.add_paragraph("三、保障措施")
    document.add_paragraph("（一）加强组织领导。各成员单位按照职责分工抓好落实。")
    document.add_paragraph("附件")
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for row, texts in zip(table.rows, (HEADER, *ROWS), strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(path)


def test_the_office_imports_a_docx_and_sees_its_appendix_tables_indicators_in_the_draft(
    demo, live_server, page, login, tmp_path
):
    path = tmp_path / "知识产权强市建设实施方案.docx"
    plan_docx(path)
    login("office")
    page.get_by_role("link", name="工作方案").first.click()
    page.get_by_role("link", name="从原文导入新方案").click()
    page.get_by_label("方案文件（.txt 或 .docx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()

    expect(page.locator("h1")).to_have_text("核对识别结果")
    expect(page.get_by_label("方案标题")).to_have_value(TITLE)
    expect(page.locator("main")).to_contain_text("指标 3 项")
    for number, (_n, name, uom, _base, target, _nature, _units) in enumerate(ROWS, 1):
        code = f"1.{number}"
        expect(page.get_by_label(f"{code} 指标", exact=True)).to_have_value(name)
        expect(page.get_by_label(f"{code} 目标值", exact=True)).to_have_value(target)
        expect(page.get_by_label(f"{code} 单位", exact=True)).to_have_value(uom)
    expect(page.get_by_label("1.3 类型", exact=True)).to_have_value("rate")
    # Whatever else there is to check, the table itself was read as an indicator table.
    expect(page.locator("main")).not_to_contain_text("未作为指标表读取")
    expect(page.get_by_test_id("draft-warnings")).to_have_count(0)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/draft_table.png", full_page=True)
