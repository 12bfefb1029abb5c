"""Whole plans of other cities, as `manage.py import_plan FILE --dry-run --json` reads them (issue 17): each test plan
in tests/tasks/data/plans/ is test data (测试数据) written for this test in a layout other cities publish, with its
unit table (*.completions.json) and the structure written down by hand from reading the text (*.expected.json).

- nanping.txt: an issuing notice headed by its issuer; 第一部分/第二部分/第三部分 above 一、 and （一）; goal areas
  numbered （一）（二）（三） inside 二、主要目标; tasks at the （一） level with run-in titles; 力争突破, 翻一番 on a
  base year, 年均增长 (compounding, flagged), 累计达到, 新增X家, a score in 分, 较2023年缩短X%, 实现零的突破, 场次;
  牵头单位/配合单位 after the text; a nested name 市委宣传部（市版权局）; a full name 市中级人民法院 and a written
  市卫生健康委 matched to the table's short names; 各县（市、区）人民政府 and 各县（市、区） matched to the table's
  group; the period from the title.
- xiling.txt: the period as 实施期限为2024—2027年; goals as —— lines with 达到…项/户/人次, 增长X% without a base,
  不少于…万元, 缩短到…天 and a milestone 获批建设…; one level of tasks with sub-items （1）（2）（3）,
  each naming its own units; 牵头单位：…，配合单位：… with 各区、县人民政府, which the unit table has no group for:
  proposed, of the two counties the goals name (not the third); an unknown unit proposed as new; an
  appendix 主要指标表 pasted as tab-separated text, with base and target year columns and 预期性/约束性.
- anlan.txt, made a .docx here (its tab-separated lines become a Word table): goals as prose paragraphs without
  numbers; 提高到, 翻两番, 较2024年减少X%, 不少于, 超过; a 牵头单位 paragraph of its own; sub-items ①②; safeguards
  numbered 1. 2.; an appendix table with a 类别 column giving the goal areas."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import call_command

PLANS = Path(__file__).parent / "data" / "plans"
NO_UNITS = "这项目标没有写明责任单位，方案确认后请在管理后台补上"


def no_uom(code: str) -> str:
    return f"指标 {code} 原文没有写计量单位，请在识别稿中填写"


# What each plan's reading must flag for the office, as (line, message): worked out from the text by hand.
WARNINGS = {
    "nanping": [
        (14, "“年均增长10%”按逐年复合折算为基期（2023年底）的1.331倍（3年），请确认"),
        (22, "“各县（市、区）人民政府”按单位表中的“各区（市、县）人民政府”识别，请确认"),
        (22, "“市卫生健康委”按单位表中的“市卫健委”识别，请确认"),
        (24, "“各县（市、区）”按单位表中的“各区（市、县）人民政府”识别，请确认"),
        (13, no_uom("1.2")),  # 翻一番, 年均增长 and 缩短20% say no unit: the office fills it in
        (14, no_uom("2.1")),
        (15, no_uom("3.2")),
    ],
    "xiling": [
        (6, NO_UNITS),
        (8, NO_UNITS),
        (
            14,
            "单位组“各区、县人民政府”不在单位表中，已新建，成员为方案中点名的2个县级单位（南湖区人民政府、北岭县人民政府），"
            "请领导小组办公室确认",
        ),
        (17, "责任单位“市委目标办”不在单位表中，已作为新单位列出，请领导小组办公室确认"),
        (6, no_uom("1.3")),  # 增长20%: relative, no unit written
    ],
    "anlan": [(5, NO_UNITS), (6, NO_UNITS), (5, no_uom("1.3")), (6, no_uom("2.1"))],
}


def as_docx(text: str) -> bytes:
    """The text as a Word file: each line a paragraph, each run of tab-separated lines a table."""
    document, rows = docx.Document(), []

    def table() -> None:
        if rows:
            made = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    made.cell(r, c).text = cell
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        table()
        document.add_paragraph(line)
    table()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "suffix"), [("nanping", ".txt"), ("xiling", ".txt"), ("anlan", ".docx")])
def test_a_plan_of_another_city_reads_as_written_down_by_hand(name, suffix, tmp_path):
    source = PLANS / f"{name}.txt"
    if suffix == ".docx":
        path = tmp_path / f"{name}.docx"
        path.write_bytes(as_docx(source.read_text(encoding="utf-8")))
    else:
        path = source
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_plan",
        str(path),
        "--dry-run",
        "--json",
        "--completions",
        str(PLANS / f"{name}.completions.json"),
        stdout=out,
        stderr=err,
    )
    expected = json.loads((PLANS / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert json.loads(out.getvalue()) == expected
    said = [line.split("｜")[0] for line in err.getvalue().splitlines()]
    assert said == [f"第{line}行：{message}" for line, message in WARNINGS[name]]
