"""The plan reader's outline (issue 17, items 1, 2, 4 and 6): the levels come from the markers the document uses and
how they nest, the parts from their headings' words; every paragraph is read into the plan or listed as skipped
with the reason. The short plans here are test data (测试数据) written for these tests in the layouts other cities
publish, not copies of any real plan."""

import json

import pytest
from django.conf import settings

from tasks.plantext import plan_parse
from tasks.plantext.normalize import text_clean

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


def every_paragraph_accounted_for(text: str, result) -> None:
    """Each paragraph after the title is read into the plan or skipped with a reason, never both, never neither."""
    lines = {p.line for p in text_clean(text).paragraphs[1:]}
    read, skipped = set(result.lines_read), {s.line for s in result.skipped}
    assert read | skipped == lines, sorted(lines - read - skipped)
    assert not read & skipped, sorted(read & skipped)
    assert all(s.reason for s in result.skipped)


def test_every_paragraph_of_the_deyang_text_is_read_or_skipped_with_its_reason():
    text = (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")
    completions = json.loads((settings.BASE_DIR / "fixtures" / "deyang_completions.json").read_text("utf-8"))
    result = plan_parse(text, completions=completions)
    every_paragraph_accounted_for(text, result)
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
    every_paragraph_accounted_for("\n".join(PARTS), result)


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
    every_paragraph_accounted_for("\n".join(DASHED), result)
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
    every_paragraph_accounted_for("\n".join(PROSE), result)


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
    every_paragraph_accounted_for("\n".join(SUB_ITEMS), result)


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


def test_a_first_line_that_is_a_whole_title_stays_alone():
    lines = [
        "某市知识产权工作方案",
        "（测试数据）",
        "一、重点任务",
        "1.加强保护。开展执法。（责任单位：市公安局）",
    ]
    assert parsed(lines).plan["plan"]["title"] == "某市知识产权工作方案"
