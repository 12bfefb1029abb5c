"""The plan reader's outline (issue 17, items 1, 2, 4 and 6): the levels come from the markers the document uses and
how they nest, the parts from their headings' words; every paragraph is read into the plan or listed as skipped
with the reason. The short plans here are test data (测试数据) written for these tests in the layouts other cities
publish, not copies of any real plan."""

import json

import pytest
from django.conf import settings

from tasks.plantext import plan_parse
from tasks.plantext.normalize import _line_clean, text_clean

UNITS = [
    {"code": "kjj", "name": "市科技局", "full_name": "某市科学技术局", "kind": "city_department"},
    {"code": "scjgj", "name": "市市场监管局", "full_name": "某市市场监督管理局", "kind": "city_department"},
    {"code": "czj", "name": "市财政局", "full_name": "某市财政局", "kind": "city_department"},
    {"code": "gaj", "name": "市公安局", "full_name": "某市公安局", "kind": "city_department"},
    {"code": "jrj", "name": "市金融局", "full_name": "某市地方金融监督管理局", "kind": "city_department"},
]
COMPLETIONS = {"units": UNITS, "groups": []}


def parsed(lines: list[str]):
    return plan_parse("\n".join(lines), completions=COMPLETIONS)


def every_line_accounted_for(text: str, result) -> None:
    """Each line of the source with text is read into the plan (the title, a paragraph, a table line), listed as
    skipped with a reason (a paragraph, a table line, a page number, the issuing notice), or the continuation of
    a paragraph that is one of those (a sentence broken over lines); never both read and skipped."""
    read, skipped = set(result.lines_read), {s.line for s in result.skipped}
    assert not read & skipped, sorted(read & skipped)
    assert all(s.reason for s in result.skipped)
    cleaned = text_clean(text)
    starts = {p.line: p.text for p in cleaned.paragraphs}
    tables = {line for table in cleaned.tables for line in table.lines}
    aside = {line for line, _text, _reason in cleaned.set_aside}
    assert read | skipped == set(starts) | tables | aside, sorted(
        (read | skipped) ^ (set(starts) | tables | aside)
    )
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if line.strip() and number not in read | skipped:
            owner = max(start for start in starts if start < number)
            assert _line_clean(line) in starts[owner], (number, line)


def test_every_line_of_the_deyang_text_is_read_or_skipped_with_its_reason():
    text = (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")
    completions = json.loads((settings.BASE_DIR / "fixtures" / "deyang_completions.json").read_text("utf-8"))
    result = plan_parse(text, completions=completions)
    every_line_accounted_for(text, result)
    reasons = {s.reason for s in result.skipped}
    assert reasons == {"方案开头的说明，不导入", "“总体要求”是方案的说明部分，不导入", "“指导思想”是方案的说明部分，不导入",
                       "目标的导语，没有可识别的指标"}  # fmt: skip


PARTS = [
    "某市知识产权强市建设实施方案（2023—2025年）",
    "为加快建设知识产权强市，制定本方案。",
    "第一部分 总体要求",
    "一、指导思想",
    "以习近平新时代中国特色社会主义思想为指导。",
    "二、主要目标",
    "（一）知识产权创造更加高质。到2025年，全市有效发明专利达到6000件。",
    "（二）知识产权运用更加高效。知识产权质押融资额累计突破30亿元。",
    "第二部分 重点任务",
    "一、加强知识产权创造",
    "（一）加强专利导航。围绕主导产业开展专利导航，建设导航服务基地3个。（牵头单位：市科技局；配合单位：市财政局）",
    "（二）培育高价值专利。支持企业培育高价值专利组合。（责任单位：市市场监管局）",
    "二、加强知识产权保护",
    "（一）强化行政执法。开展专项执法行动。（责任单位：市市场监管局、市公安局）",
    "第三部分 保障措施",
    "一、加强组织领导。各单位要把知识产权工作摆上重要议事日程。",
    "二、强化资金保障。市财政统筹安排资金。",
]


def test_parts_above_the_chapters_tasks_at_the_second_level_and_goals_numbered_in_brackets():
    result = parsed(PARTS)
    no_units = "这项目标没有写明责任单位，方案确认后请在管理后台补上"
    assert [(w.line, w.message) for w in result.warnings] == [(7, no_units), (8, no_units)]
    plan = result.plan
    assert (plan["plan"]["start"], plan["plan"]["end"]) == ("2023-01-01", "2025-12-31")  # from the title
    assert [(a["number"], a["headline"], a["name"]) for a in plan["areas"]] == [
        ("1", "知识产权创造更加高质", "创造"),
        ("2", "知识产权运用更加高效", "运用"),
    ]
    assert [(i["code"], i["name"], i["target"]) for a in plan["areas"] for i in a["indicators"]] == [
        ("1.1", "全市有效发明专利", 6000),
        ("2.1", "知识产权质押融资额", 30),
    ]
    assert [(s["number"], s["title"]) for s in plan["sections"]] == [
        ("一", "加强知识产权创造"),
        ("二", "加强知识产权保护"),
    ]
    tasks = [(t["number"], t["title"], t["responsible"]) for s in plan["sections"] for t in s["tasks"]]
    assert tasks == [
        (
            "一",
            "加强专利导航",
            [{"name": "市科技局", "role": "lead"}, {"name": "市财政局", "role": "support"}],
        ),
        ("二", "培育高价值专利", ["市市场监管局"]),
        ("一", "强化行政执法", ["市市场监管局", "市公安局"]),
    ]
    [indicator] = plan["sections"][0]["tasks"][0]["indicators"]
    assert (indicator["code"], indicator["name"], indicator["target"]) == ("一(一).1", "导航服务基地", 3)
    assert [(s["number"], s["title"], s["text"]) for s in plan["safeguards"]] == [
        ("一", "加强组织领导", "各单位要把知识产权工作摆上重要议事日程。"),
        ("二", "强化资金保障", "市财政统筹安排资金。"),
    ]
    every_line_accounted_for("\n".join(PARTS), result)


DASHED = [
    "某市知识产权保护和运用规划实施方案",
    "实施期限为2024—2027年。",
    "一、工作目标",
    "到2027年，知识产权强市建设取得明显成效：",
    "——知识产权创造更加高质。每万人口高价值发明专利拥有量达到12件。",
    "——知识产权保护更加有力。知识产权侵权案件结案率达到95%。",
    "二、重点任务",
    "1.完善保护体系。建立快速维权机制。（责任单位：市市场监管局）",
]


def test_goals_written_as_dashed_lines_are_the_goal_areas():
    result = parsed(DASHED)
    plan = result.plan
    assert (plan["plan"]["start"], plan["plan"]["end"]) == ("2024-01-01", "2027-12-31")
    assert [(a["number"], a["headline"]) for a in plan["areas"]] == [
        ("1", "知识产权创造更加高质"),
        ("2", "知识产权保护更加有力"),
    ]
    assert [
        (i["code"], i["name"], i["target"], i["uom"], i["target_date"])
        for a in plan["areas"]
        for i in a["indicators"]
    ] == [
        ("1.1", "每万人口高价值发明专利拥有量", 12, "件", "2027-12-31"),
        ("2.1", "知识产权侵权案件结案率", 95, "%", "2027-12-31"),
    ]
    [section] = plan["sections"]
    assert (section["number"], section["title"], section["tasks"][0]["title"]) == (
        "",
        "重点任务",
        "完善保护体系",
    )
    every_line_accounted_for("\n".join(DASHED), result)
    assert [s.line for s in result.skipped] == [2, 4]  # the period sentence, the goals' lead-in


PROSE = [
    "某县知识产权强县建设工作方案",
    "工作期为2024年1月至2026年12月。",
    "一、建设目标",
    "到2026年底，全县有效发明专利达到800件，规上工业企业有效发明专利拥有率达到30%。",
    "知识产权质押融资额累计达到5亿元，知识产权纠纷调解成功率达到90%。",
    "二、主要任务",
    "（一）提升创造质量。实施专利提质行动。（责任单位：市科技局）",
]


def test_goals_written_as_prose_paragraphs_each_become_an_area():
    result = parsed(PROSE)
    areas = result.plan["areas"]
    assert [(a["number"], a["name"], [i["name"] for i in a["indicators"]]) for a in areas] == [
        ("1", "建设目标（一）", ["全县有效发明专利", "规上工业企业有效发明专利拥有率"]),
        ("2", "建设目标（二）", ["知识产权质押融资额", "知识产权纠纷调解成功率"]),
    ]
    # A section written as one heading with its text: the task is that section.
    [section] = result.plan["sections"]
    assert [(t["number"], t["title"], t["responsible"]) for t in section["tasks"]] == [
        ("一", "提升创造质量", ["市科技局"])
    ]
    every_line_accounted_for("\n".join(PROSE), result)


SUB_ITEMS = [
    "某市知识产权工作方案",
    "工作期为2024年1月至2025年12月。",
    "一、重点任务",
    "（一）推进知识产权金融。",
    "1.扩大质押融资规模。",
    "（1）建立质押融资风险补偿资金池。（责任单位：市财政局）",
    "（2）开展银企对接活动。（责任单位：市金融局、市市场监管局）",
    "（3）完善评估服务。（责任单位：市市场监管局）",
]


def test_each_sub_item_of_a_task_names_its_own_units_and_every_clause_counts():
    result = parsed(SUB_ITEMS)
    [section] = result.plan["sections"]
    [task] = section["tasks"]
    assert (task["number"], task["title"]) == ("1", "扩大质押融资规模")
    assert task["responsible"] == ["市财政局", "市金融局", "市市场监管局"]
    assert "（1）建立质押融资风险补偿资金池。" in task["text"] and "（3）完善评估服务。" in task["text"]
    every_line_accounted_for("\n".join(SUB_ITEMS), result)


def test_sub_items_run_on_in_one_paragraph_each_name_their_own_units():
    lines = ["某市知识产权工作方案", "工作期为2024年1月至2025年12月。", "一、重点任务",
             "1.加强知识产权保护。（1）开展专项执法行动（责任单位：市公安局）；（2）建设维权援助工作站3个"
             "（责任单位：市市场监管局）。",
             "2.加强运用。开展专利导航，（1）建设导航基地2个，（2）培育示范企业5家。（责任单位：市科技局）"]  # fmt: skip
    result = parsed(lines)
    first, second = result.plan["sections"][0]["tasks"]
    assert first["responsible"] == ["市公安局", "市市场监管局"]
    assert [(i["name"], i["target"], i["uom"]) for i in first["indicators"]] == [("维权援助工作站", 3, "个")]
    # Sub-items without clauses of their own: the task's clause is the only one, its numbers no stray figures.
    assert second["responsible"] == ["市科技局"]
    assert [(i["name"], i["target"]) for i in second["indicators"]] == [("导航基地", 2), ("示范企业", 5)]
    assert result.warnings == []
    every_line_accounted_for("\n".join(lines), result)


NOTICE = [
    "某市人民政府办公室关于印发《某市知识产权强市建设行动方案（2025—2027年）》的通知",
    "各县（市、区）人民政府，市级有关部门：",
    "现将《某市知识产权强市建设行动方案（2025—2027年）》印发给你们，请认真贯彻执行。",
    "某市知识产权强市建设行动方案（2025—2027年）",
    "一、主要目标",
    "1.创造质量提升。全市有效发明专利达到9000件。（责任单位：市市场监管局）",
    "二、重点任务",
    "1.加强专利转化。推动高校专利转化。（责任单位：市科技局）",
]


def test_a_notice_headed_by_its_issuer_is_set_aside_and_the_period_read_from_the_title():
    result = parsed(NOTICE)
    meta = result.plan["plan"]
    assert (meta["title"], meta["issuer"]) == (
        "某市知识产权强市建设行动方案（2025—2027年）",
        "某市人民政府办公室",
    )
    assert (meta["start"], meta["end"]) == ("2025-01-01", "2027-12-31")
    assert result.warnings == []
    every_line_accounted_for("\n".join(NOTICE), result)


def test_the_notice_a_document_number_and_page_numbers_are_listed_with_why():
    notice = "印发通知（文号、主送单位、正文、落款），不导入"
    lines = ["某府办发〔2025〕3号", *NOTICE[:3], "某市人民政府办公室", "2025年1月10日", *NOTICE[3:6], "- 2 -",
             *NOTICE[6:], "第3页 共3页"]  # fmt: skip
    result = parsed(lines)
    assert result.plan["plan"]["issuer"] == "某市人民政府办公室"
    assert [(s.line, s.reason) for s in result.skipped] == [
        *[(n, notice) for n in range(1, 7)],
        (10, "页码，不导入"),
        (13, "页码，不导入"),
    ]
    assert 7 in result.lines_read  # the title
    every_line_accounted_for("\n".join(lines), result)
    # Without a notice, a document number or 附件 line before the title is listed too.
    lines = ["某府办发〔2025〕3号", "附件1", *NOTICE[3:]]
    assert [(s.line, s.reason) for s in parsed(lines).skipped] == [
        (1, "文号，不导入"),
        (2, "“附件”标记，不导入"),
    ]


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("某市知识产权强市建设方案（2023—2025年）", ("2023-01-01", "2025-12-31")),
        ("某市知识产权强市建设方案(2024-2026年)", ("2024-01-01", "2026-12-31")),
        ("某市知识产权强市建设方案（2025年—2027年）", ("2025-01-01", "2027-12-31")),
    ],
)
def test_the_period_in_the_title(title, period):
    meta = parsed([title, "一、重点任务", "1.加强保护。开展执法。（责任单位：市公安局）"]).plan["plan"]
    assert (meta["start"], meta["end"]) == period


def test_a_period_sentence_wins_over_the_title():
    lines = ["某市知识产权强市建设方案（2023—2025年）", "实施期限为2023年7月至2025年6月。", "一、重点任务",
             "1.加强保护。开展执法。（责任单位：市公安局）"]  # fmt: skip
    meta = parsed(lines).plan["plan"]
    assert (meta["start"], meta["end"]) == ("2023-07-01", "2025-06-30")


def test_a_paragraph_after_a_task_keeps_the_units_its_clause_names():
    lines = ["某市知识产权工作方案", "工作期为2024年1月至2025年12月。", "一、重点任务",
             "1.加强执法。开展专项执法行动。（责任单位：市公安局）", "各单位要高度重视，抓好落实。",
             "2.完善机制。（责任单位：市市场监管局）"]  # fmt: skip
    result = parsed(lines)
    tasks = [(t["number"], t["responsible"]) for t in result.plan["sections"][0]["tasks"]]
    assert tasks == [("1", ["市公安局"]), ("2", ["市市场监管局"])]
    assert result.warnings == []


def test_a_county_group_the_table_lacks_is_made_of_the_counties_the_plan_names():
    units = [*UNITS] + [
        {"code": "dc", "name": "东城区人民政府", "full_name": "某市东城区人民政府", "kind": "county"},
        {"code": "xs", "name": "西山县人民政府", "full_name": "某市西山县人民政府", "kind": "county"},
        {"code": "nh", "name": "南河区人民政府", "full_name": "某市南河区人民政府", "kind": "county"},
    ]
    lines = ["某市知识产权工作方案", "工作期为2024年1月至2025年12月。", "一、工作目标",
             "1.强县建设取得突破。支持东城区、西山县创建国家知识产权强县。（责任单位：市市场监管局）", "二、重点任务",
             "1.推进强县建设。（责任单位：各县（市、区）人民政府）"]  # fmt: skip
    result = plan_parse("\n".join(lines), completions={"units": units, "groups": []})
    [group] = result.plan["groups"]
    assert (group["name"], group["members"], group["needs_review"]) == (
        "各县（市、区）人民政府",
        ["东城区人民政府", "西山县人民政府"],
        True,
    )
    assert [(w.line, w.message) for w in result.warnings] == [
        (6, "单位组“各县（市、区）人民政府”不在单位表中，已新建，成员为方案中点名的2个县级单位（东城区人民政府、西山县人民政府），"
            "请领导小组办公室确认")
    ]  # fmt: skip
    # Naming none (or all) of them: all the table's counties, as proposed.
    lines[3] = "1.强县建设取得突破。开展强县建设。（责任单位：市市场监管局）"
    [group] = plan_parse("\n".join(lines), completions={"units": units, "groups": []}).plan["groups"]
    assert group["members"] == ["东城区人民政府", "西山县人民政府", "南河区人民政府"]


def test_a_county_group_the_table_lacks_is_made_of_the_counties_a_clause_names():
    units = [*UNITS] + [
        {"code": "dc", "name": "东城区人民政府", "full_name": "某市东城区人民政府", "kind": "county"},
        {"code": "xs", "name": "西山县人民政府", "full_name": "某市西山县人民政府", "kind": "county"},
        {"code": "nh", "name": "南河区人民政府", "full_name": "某市南河区人民政府", "kind": "county"},
    ]
    lines = ["某市知识产权工作方案", "工作期为2024年1月至2025年12月。", "一、重点任务",
             "1.建设知识产权强县。开展强县试点。（牵头单位：市市场监管局；配合单位：东城区人民政府、南河区人民政府）",
             "2.推进县域工作。（责任单位：各区（市、县）人民政府）"]  # fmt: skip
    result = plan_parse("\n".join(lines), completions={"units": units, "groups": []})
    [group] = result.plan["groups"]
    assert (group["name"], group["members"]) == (
        "各区（市、县）人民政府",
        ["东城区人民政府", "南河区人民政府"],
    )
    assert result.plan["sections"][0]["tasks"][1]["responsible"] == [
        "各区（市、县）人民政府"
    ]  # one name, not split
    assert [(w.line, w.message) for w in result.warnings] == [
        (5, "单位组“各区（市、县）人民政府”不在单位表中，已新建，成员为方案中点名的2个县级单位（东城区人民政府、南河区人民政府），"
            "请领导小组办公室确认")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second"),
    [("某市推进知识产权强市建设", "工作方案（2024—2026年）"), ("某市知识产权保护和运用", "“十四五”规划")],
)
def test_a_title_broken_over_two_lines_is_one_title(first, second):
    lines = [
        first,
        second,
        "工作期为2024年1月至2026年12月。",
        "一、重点任务",
        "1.加强保护。开展执法。（责任单位：市公安局）",
    ]
    result = parsed(lines)
    assert result.plan["plan"]["title"] == first + second
    assert [s.line for s in result.skipped] == [3]  # the period sentence alone


def test_the_years_on_the_line_under_a_whole_title_are_part_of_it_and_give_the_period():
    lines = [
        "某市知识产权强市建设三年行动计划",
        "（2024—2026年）",
        "一、重点任务",
        "1.加强保护。开展执法。（责任单位：市公安局）",
    ]
    result = parsed(lines)
    meta = result.plan["plan"]
    assert (meta["title"], meta["start"], meta["end"]) == (
        "某市知识产权强市建设三年行动计划（2024—2026年）",
        "2024-01-01",
        "2026-12-31",
    )
    assert result.warnings == [] and result.skipped == []
    every_line_accounted_for("\n".join(lines), result)


def test_a_first_line_that_is_a_whole_title_stays_alone():
    lines = [
        "某市知识产权工作方案",
        "（测试数据）",
        "一、重点任务",
        "1.加强保护。开展执法。（责任单位：市公安局）",
    ]
    assert parsed(lines).plan["plan"]["title"] == "某市知识产权工作方案"
