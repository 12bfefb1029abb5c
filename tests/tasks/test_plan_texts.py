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
  numbered 1. 2.; an appendix table with a 类别 column giving the goal areas.
- hechuan.txt, read both as a .docx (its tab-separated lines a Word table, a group row merged across it) and as
  the same table pasted as tab-separated text: 一、总体要求 › （二）主要目标 › 1. 2. 3.; 年均增长12% (compounding,
  flagged), 建成… without a number, 比2021年翻一番, 突破, 较2021年降低25%, 达到…%以上; sub-items （1）（2） run on in
  one paragraph, each with its own clause; a 牵头单位/配合单位 paragraph of its own separated by "，" naming
  各区（市、县）人民政府, proposed of the two counties a 责任单位 clause names; 市中级人民法院 matched to the table's
  市中级法院, shown; a 工作进度安排 part with a schedule table (listed, not used); an appendix 主要指标表 with 序号 |
  指标名称 | 单位 | 基期值（2021年） | 目标值（2025年） | 属性（预期性/约束性） | 责任单位 and group rows, giving its
  rows to the goal areas they name, a 年均增长15% row (compounding, flagged), a row it cannot read (listed) and an
  unknown unit (proposed).
- yunxiu.txt, as copied out of a PDF: a document number before the title, the years on the line under the title
  (the period from them), lines broken inside sentences, page numbers; 超过…万件, 年均增长8%, 累计达到; 各县（市、区）
  matched to the table's group of all counties under another name (全市县级人民政府), shown; tasks at the （一）
  level of a 重点行动 part; 开展…不少于…家/人次; a 保障措施 part without headings; an appendix table aligned with
  spaces, with bare year columns and a target below its base (to come down).

Every line of each plan is read into the plan, listed as skipped with why, or part of a paragraph that is."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import call_command

from tasks.documents import plan_text_read
from tasks.plantext import plan_parse

from .test_plantext_outline import every_line_accounted_for

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
    "hechuan": [
        (23, "“工作进度安排”这一部分不是目标、任务或保障措施，未导入"),
        (9, "“年均增长12%”按逐年复合折算为基期（2021年底）的1.5735倍（4年），请确认"),  # 1.12⁴ = 1.57351936
        (11, "“市中级人民法院”按单位表中的“市中级法院”识别，请确认"),
        (
            15,
            "单位组“各区（市、县）人民政府”不在单位表中，已新建，成员为方案中点名的2个县级单位（青溪区人民政府、白石县人民政府），"
            "请领导小组办公室确认",
        ),
        (24, "表格“阶段 | 时间 | 主要内容”未作为指标表读取：没有“指标名称”列"),
        (33, "“年均增长15%”按逐年复合折算为基期（2021年底）的1.749倍（4年），请确认"),  # 1.15⁴ = 1.74900625
        (40, "目标值“明显完善”无法识别，未读取"),
        (33, "责任单位“市商务局”不在单位表中，已作为新单位列出，请领导小组办公室确认"),
        (9, no_uom("1.1")),
        (10, no_uom("2.1")),
        (11, no_uom("3.1")),
    ],
    "yunxiu": [
        (9, "“各县（市、区）”按单位表中的“全市县级人民政府”识别，请确认"),
        (9, "“年均增长8%”按逐年复合折算为基期（2023年底）的1.2597倍（3年），请确认"),  # 1.08³ = 1.259712
        (13, "责任单位“市教育局”不在单位表中，已作为新单位列出，请领导小组办公室确认"),
        (9, no_uom("2.1")),
    ],
}
PLANS_READ = [
    ("nanping", ".txt"),
    ("xiling", ".txt"),
    ("anlan", ".docx"),
    ("hechuan", ".docx"),
    ("hechuan", ".txt"),
    ("yunxiu", ".txt"),
]


def as_docx(text: str) -> bytes:
    """The text as a Word file: each line a paragraph, each run of tab-separated lines a table; a row with only its
    first cell filled ("一、知识产权创造" and tabs) is one cell merged across the table, as Word tables have them."""
    document, rows = docx.Document(), []

    def table() -> None:
        if rows:
            made = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, cells in enumerate(rows):
                if len(cells) > 1 and not any(cells[1:]):
                    made.cell(r, 0).merge(made.cell(r, len(cells) - 1)).text = cells[0]
                    continue
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


def plan_file(name: str, suffix: str, folder: Path) -> Path:
    source = PLANS / f"{name}.txt"
    if suffix == ".txt":
        return source
    path = folder / f"{name}.docx"
    path.write_bytes(as_docx(source.read_text(encoding="utf-8")))
    return path


@pytest.mark.parametrize(("name", "suffix"), PLANS_READ)
def test_a_plan_of_another_city_reads_as_written_down_by_hand(name, suffix, tmp_path):
    path = plan_file(name, suffix, tmp_path)
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


@pytest.mark.parametrize(("name", "suffix"), PLANS_READ)
def test_every_line_of_a_plan_of_another_city_is_read_or_listed_with_why(name, suffix, tmp_path):
    path = plan_file(name, suffix, tmp_path)
    text = plan_text_read(name=path.name, content=path.read_bytes())
    completions = json.loads((PLANS / f"{name}.completions.json").read_text(encoding="utf-8"))
    every_line_accounted_for(text, plan_parse(text, completions=completions))


def test_the_word_table_of_hechuan_has_its_group_rows_merged_across_it(tmp_path):
    """So the .docx reading of hechuan reads merged group rows, not only tab-padded ones."""
    document = docx.Document(io.BytesIO(as_docx((PLANS / "hechuan.txt").read_text(encoding="utf-8"))))
    group_row = document.tables[1].rows[1]
    assert len({cell._tc for cell in group_row.cells}) == 1
    assert group_row.cells[0].text == "一、知识产权创造"
