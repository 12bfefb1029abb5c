"""The plan parser: the Deyang text gives the reviewed structure whole, and plan variants written the ways real
files come (other bracket styles, 牵头/配合, ASCII punctuation, broken lines, .docx, GB18030, traditional
characters, an issuing notice) give the same goals, targets and responsible units."""

import copy
import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.conf import settings

from tasks.documents import plan_text_read
from tasks.plantext import plan_parse
from tasks.plantext.measures import targets_find
from tasks.plantext.normalize import TRADITIONAL_PAIRS
from tasks.selectors import plan_export_shape

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "deyang_plan_expected.json").read_text(encoding="utf-8"))
TEXT = (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")
COMPLETIONS = json.loads(
    (settings.BASE_DIR / "fixtures" / "deyang_completions.json").read_text(encoding="utf-8")
)
UNITS_ONLY = {"units": COMPLETIONS["units"], "groups": COMPLETIONS["groups"]}
END = "2025-06-30"


def parsed(text: str, completions: dict = COMPLETIONS):
    return plan_parse(text, completions=completions)


def tasks_of(plan: dict) -> list[dict]:
    return [t for s in plan["sections"] for t in s["tasks"]]


def essence(plan: dict) -> dict:
    """What a variant must get right: every goal, target number and responsible unit (texts may differ)."""
    return plan_export_shape(plan)


# The Deyang text.


def test_the_deyang_text_parses_into_the_reviewed_structure_with_no_warnings():
    result = parsed(TEXT)
    assert result.warnings == []
    assert result.plan == EXPECTED


def test_without_completions_only_what_the_text_does_not_say_differs():
    """The completions file holds the unit table and three wordings the text leaves out, nothing more."""
    result = parsed(TEXT, UNITS_ONLY)
    assert [w.message for w in result.warnings] == [
        "指标 1.3 原文没有写计量单位，请在识别稿中填写",
        "指标 二(二)2.1 原文没有写计量单位，请在识别稿中填写",
    ]
    assert [w.line for w in result.warnings] == [9, 22]  # the lines of goal 1 and task 二(二)2
    indicators = {i["code"]: i for a in result.plan["areas"] for i in a["indicators"]}
    indicators |= {i["code"]: i for t in tasks_of(result.plan) for i in t["indicators"]}
    assert indicators["1.3"]["uom"] == ""
    assert indicators["二(二)2.1"]["name"] == "平均审理时间"
    assert indicators["二(二)5.1"]["name"] == "维权援助工作站"
    assert set(COMPLETIONS["indicators"]) == {"1.3", "二(二)2.1", "二(二)5.1"}


def test_a_completion_for_an_indicator_the_text_lacks_is_reported():
    result = parsed(TEXT, {**COMPLETIONS, "indicators": {**COMPLETIONS["indicators"], "9.9": {"uom": "件"}}})
    assert [w.message for w in result.warnings] == ["补充信息中的指标 9.9 不在识别结果中"]


# Targets, clause by clause.


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("高新技术企业达到402户", ("高新技术企业", "level", ">=", 402, "户", None)),
        ("知识产权质押金额累计达22亿元", ("知识产权质押金额", "cumulative", ">=", 22, "亿元", None)),
        ("作品登记总数超过2万件", ("作品登记总数", "level", ">", 20000, "件", None)),
        ("服判息诉率达85%以上", ("服判息诉率", "rate", ">=", 85, "%", None)),
        ("新增知识产权贯标企业15户", ("新增知识产权贯标企业", "increment", ">=", 15, "户", None)),
        ("建成省级高价值专利育成中心5个", ("省级高价值专利育成中心", "level", ">=", 5, "个", None)),
        ("专利代理机构突破30家", ("专利代理机构", "level", ">", 30, "家", None)),
        ("发明专利授权量达 1,200 件", ("发明专利授权量", "level", ">=", 1200, "件", None)),
        ("专利侵权纠纷结案周期控制在60天以内", ("专利侵权纠纷结案周期", "level", "<=", 60, "天", None)),
        ("将平均审理时间减少10%", ("平均审理时间", "relative", "<=", None, "", 0.9)),
        ("专利密集型产业增加值比2020年底增长20%", ("专利密集型产业增加值", "relative", ">=", None, "", 1.2)),
        ("每万人发明专利拥有量比2021年初翻一番", ("每万人发明专利拥有量", "relative", ">=", None, "", 2)),
        ("知识产权保护社会满意度达到85%以上", ("知识产权保护社会满意度", "rate", ">=", 85, "%", None)),
        ("被处罚信息100%公示", ("被处罚信息公示比例", "rate", ">=", 100, "%", None)),
    ],
)
def test_a_target_clause_gives_name_kind_comparison_number_and_unit(clause, expected):
    found = targets_find(clause, default_deadline=END)
    assert found.unread == []
    [target] = found.targets
    got = (
        target["name"],
        target["kind"],
        target["comparison"],
        target["target"],
        target["uom"],
        target["factor"],
    )
    assert got == expected


def test_relative_targets_keep_their_baseline_and_lower_is_better_for_a_decrease():
    [doubled] = targets_find("每万人发明专利拥有量比2021年初翻一番", default_deadline=END).targets
    [grown] = targets_find("专利密集型产业增加值比2020年底增长20%", default_deadline=END).targets
    [shorter] = targets_find("将平均审理时间减少10%", default_deadline=END).targets
    assert (doubled["baseline_date"], grown["baseline_date"], shorter["baseline_date"]) == (
        "2021-01-01",
        "2020-12-31",
        None,
    )
    assert (doubled["direction"], shorter["direction"]) == ("increase", "decrease")


def test_several_targets_in_one_clause():
    listed = targets_find("拥有服务德阳企业的知识产权师15人、专利代理师100人", default_deadline=END).targets
    assert [(t["name"], t["target"], t["uom"]) for t in listed] == [
        ("服务德阳企业的知识产权师", 15, "人"),
        ("服务德阳企业的专利代理师", 100, "人"),
    ]
    each = targets_find(
        "争创国家知识产权试点区（市、县）、园区和省级地理标志示范区各1家", default_deadline=END
    )
    assert [(t["name"], t["kind"], t["target"]) for t in each.targets] == [
        ("国家知识产权试点区（市、县）", "milestone", 1),
        ("国家知识产权试点园区", "milestone", 1),
        ("省级地理标志示范区", "milestone", 1),
    ]


def test_the_deadline_applies_to_the_targets_after_it_and_years_are_not_targets():
    found = targets_find(
        "依据《知识产权强国建设纲要（2021-2035年）》开展工作，到2024年底，建成服务站10个；专利质押登记达50件",
        default_deadline=END,
    )
    assert [(t["name"], t["target_date"]) for t in found.targets] == [
        ("服务站", "2024-12-31"),
        ("专利质押登记", END),
    ]
    assert found.unread == []


def test_a_figure_that_is_not_a_target_is_kept_for_the_office_to_read():
    found = targets_find("组织培训3期以上并形成报告", default_deadline=END)
    assert found.targets == [] and found.unread == ["组织培训3期以上并形成报告"]


# Variants of the Deyang text: the same plan written differently must give the same structure.

CLAUSE_STYLES = [
    lambda names: "[责任单位：" + "、".join(names) + "]",
    lambda names: "［责任单位：" + "，".join(names) + "］",
    lambda names: "【责任单位：" + "；".join(names) + "】",
    lambda names: "（责任单位：" + "、".join(names) + "）",
    lambda names: "(责任单位:" + ",".join(names) + ")",
    lambda names: "（" + "、".join(names) + "负责）",
    lambda names: "(" + "、".join(names) + "负责)",
]


def restyled(text: str, style) -> str:
    """The Deyang text with every task's responsibility clause rewritten in one style."""
    for task in tasks_of(EXPECTED):
        _body, sep, clause_start = task["text"].rpartition("。")
        names = [n if isinstance(n, str) else n["name"] for n in task["responsible"]]
        text = text.replace(task["text"], task["text"][: len(_body) + len(sep)] + style(names))
    return text


@pytest.mark.parametrize("style", range(len(CLAUSE_STYLES)))
def test_every_bracket_and_separator_style_gives_the_same_responsible_units(style):
    text = restyled(TEXT, CLAUSE_STYLES[style])
    prefix, suffix = CLAUSE_STYLES[style](["§"]).split("§")
    assert text.count(max(prefix, suffix, key=len)) >= len(
        tasks_of(EXPECTED)
    )  # every task's clause rewritten
    result = parsed(text)
    assert result.warnings == []
    assert essence(result.plan) == essence(EXPECTED)


def test_a_lead_and_co_operating_split_keeps_who_leads():
    task = EXPECTED["sections"][3]["tasks"][
        1
    ]  # 探索知识产权金融创新：市市场监管局、市财政局、市金融局、人行德阳中心支行
    body = task["text"][: task["text"].rindex("（")]
    text = TEXT.replace(
        task["text"], body + "（牵头单位：市市场监管局；配合单位：市财政局、市金融局，人行德阳中心支行）"
    )
    result = parsed(text)
    assert result.warnings == []
    assert tasks_of(result.plan)[task_index(task)]["responsible"] == [
        {"name": "市市场监管局", "role": "lead"},
        {"name": "市财政局", "role": "support"},
        {"name": "市金融局", "role": "support"},
        {"name": "人行德阳中心支行", "role": "support"},
    ]


def task_index(task: dict) -> int:
    return next(i for i, t in enumerate(tasks_of(EXPECTED)) if t["text"] == task["text"])


def test_ascii_punctuation_throughout_gives_the_same_plan():
    ascii_text = TEXT.translate(str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"}))
    result = parsed(ascii_text)
    assert result.warnings == []
    assert essence(result.plan) == essence(EXPECTED)


def wrapped(text: str, width: int) -> str:
    """The text as copied from a PDF: every line cut at a fixed width, page numbers between pages."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip().replace("\u3000", "")
        lines.extend(line[i : i + width] for i in range(0, len(line), width))
    for page, at in enumerate(range(40, len(lines), 40), start=1):
        lines.insert(at, f"- {page} -")
    return "\n".join(lines)


def test_lines_broken_anywhere_and_page_numbers_give_the_same_plan():
    result = parsed(wrapped(TEXT, 33))
    assert result.warnings == []
    assert essence(result.plan) == essence(EXPECTED)


def test_stray_spaces_and_a_heading_run_into_its_paragraph():
    text = TEXT.replace("（一）指导思想\n　　坚持", "(一)指导思想。坚持").replace("达到402户", "达到 402 户")
    text = text.replace("市科技局、市市场监管局", "市 科技局、 市市场监管局")
    result = parsed(text)
    assert result.warnings == []
    assert essence(result.plan) == essence(EXPECTED)


def test_an_issuing_notice_before_the_plan_is_set_aside_and_gives_the_issuer():
    notice = (
        "德府办发〔2022〕35号\n关于印发《德阳市推进国家知识产权强市建设试点城市工作方案》的通知\n"
        "各区（市、县）人民政府，德阳经开区管委会，德阳高新区管委会，市级有关部门：\n"
        "　　现将《德阳市推进国家知识产权强市建设试点城市工作方案》印发给你们，请认真组织实施。\n"
        "德阳市人民政府办公室\n2022年8月26日\n"
    )
    result = parsed(notice + TEXT)
    assert result.warnings == []
    assert result.plan["plan"]["issuer"] == "德阳市人民政府办公室"
    assert essence(result.plan) == essence(EXPECTED)


def test_traditional_characters_are_read_as_simplified_and_said_once():
    to_traditional = str.maketrans(TRADITIONAL_PAIRS[1::2], TRADITIONAL_PAIRS[0::2])
    lines = TEXT.splitlines()
    lines[8] = lines[8].translate(to_traditional)  # the first goal, its units and targets
    assert "責任單位" in lines[8] and "高新技術企業達到402戶" in lines[8]
    result = parsed("\n".join(lines))
    assert [w.line for w in result.warnings] == [9]
    assert "繁体" in result.warnings[0].message
    assert essence(result.plan) == essence(EXPECTED)


def test_a_gb18030_file_gives_the_same_plan():
    text = plan_text_read(name="方案.txt", content=TEXT.encode("gb18030"))
    assert parsed(text).plan == EXPECTED


def test_a_docx_file_gives_the_same_plan():
    document = docx.Document()
    for line in TEXT.splitlines():
        paragraph = document.add_paragraph()
        half = len(line) // 2  # Word keeps text in runs; a paragraph's runs are one line
        paragraph.add_run(line[:half])
        paragraph.add_run(line[half:])
    buffer = io.BytesIO()
    document.save(buffer)
    text = plan_text_read(name="方案.docx", content=buffer.getvalue())
    assert parsed(text).plan == EXPECTED


# What it cannot read becomes a warning with its line; unknown units are kept and flagged.


def test_an_unknown_unit_is_kept_as_a_new_unit_flagged_for_review():
    text = TEXT.replace("（责任单位：市市场监管局）\n", "（责任单位：市大数据中心、市市场监督局）\n", 1)
    result = parsed(text)
    new = [u for u in result.plan["units"] if u.get("needs_review")]
    assert [u["name"] for u in new] == ["市大数据中心", "市市场监督局"]
    task = tasks_of(result.plan)[6]  # 二(二)3 加强知识产权跨区域保护
    assert task["responsible"] == ["市大数据中心", "市市场监督局"]
    line = TEXT.splitlines().index(next(x for x in TEXT.splitlines() if "3.加强知识产权跨区域保护" in x)) + 1
    assert [(w.line, w.message[:12]) for w in result.warnings] == [
        (line, "责任单位“市大数据中心”"),
        (line, "责任单位“市市场监督局”"),
    ]


def test_an_alias_is_matched_to_the_unit():
    text = TEXT.replace("（责任单位：市市场监管局）\n", "（责任单位：德阳市市场监督管理局）\n", 1)
    result = parsed(text)
    assert result.warnings == []
    assert tasks_of(result.plan)[6]["responsible"] == ["市市场监管局"]


def test_what_cannot_be_classified_is_reported_with_its_line_not_dropped_silently():
    lines = TEXT.splitlines()
    lines.insert(20, "　　各单位要高度重视，认真落实。")  # an unnumbered paragraph among the tasks
    lines.append("　　四、附则")
    lines.append("　　本方案自印发之日起施行。")
    result = parsed("\n".join(lines))
    assert [(w.line, w.message) for w in result.warnings] == [
        (21, "这一段没有编号，不像一项任务，未导入；如是任务，请在原文中加上编号"),
        (len(lines) - 1, "“附则”这一部分不是目标、任务或保障措施，未导入"),
    ]


def test_a_task_without_responsible_units_and_a_figure_not_understood_are_reported():
    task = tasks_of(EXPECTED)[2]
    body = task["text"][: task["text"].rindex("［")]
    text = TEXT.replace(task["text"], body.replace("培育一批", "培育3批以上并形成报告，培育一批"))
    result = parsed(text)
    messages = [w.message for w in result.warnings]
    assert messages == [
        "这项任务没有写明责任单位，方案确认后请在管理后台补上",
        "这句话含有数字，但未能识别为指标，请核对；需要时在识别稿中补上",
    ]


def test_a_plan_without_its_period_says_so():
    result = parsed(TEXT.replace("工作期为2022年7月-2025年6月。", ""))
    assert result.plan["plan"]["start"] == "" and result.warnings[0].line == 1
    assert "工作期" in result.warnings[0].message


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("实施期为2023年1月至2025年12月。", ("2023-01-01", "2025-12-31")),
        ("建设期：2023—2025年。", ("2023-01-01", "2025-12-31")),
        ("试点期为2022年7月～2024年6月。", ("2022-07-01", "2024-06-30")),
    ],
)
def test_period_sentences(sentence, period):
    result = parsed(TEXT.replace("工作期为2022年7月-2025年6月。", sentence))
    assert (result.plan["plan"]["start"], result.plan["plan"]["end"]) == period


def test_a_small_plan_of_another_city_with_goals_in_one_paragraph():
    text = "\n".join(
        [
            "绵阳市知识产权强市建设工作方案",
            "为推进知识产权强市建设，制定本方案。实施期为2023年1月至2025年12月。",
            "一、工作目标",
            "到2025年底，全市有效发明专利达到6000件，知识产权质押融资额累计突破30亿元。",
            "二、重点任务",
            "1.加强知识产权保护。开展专项执法行动。（牵头单位：市市场监管局；配合单位：市公安局）",
            "2.促进转化运用。建设运营中心3个。【市科技局负责】",
            "三、保障措施",
            "(一)加强组织领导。各单位抓好落实。",
        ]
    )
    units = [
        {
            "code": "scjgj",
            "name": "市市场监管局",
            "full_name": "绵阳市市场监督管理局",
            "kind": "city_department",
        },
        {"code": "gaj", "name": "市公安局", "full_name": "绵阳市公安局", "kind": "city_department"},
        {"code": "kjj", "name": "市科技局", "full_name": "绵阳市科学技术局", "kind": "city_department"},
    ]
    result = parsed(text, {"units": units, "groups": []})
    assert [(w.line, w.message) for w in result.warnings] == [
        (4, "这项目标没有写明责任单位，方案确认后请在管理后台补上")
    ]
    plan = result.plan
    assert plan["plan"] | {} == {
        "title": "绵阳市知识产权强市建设工作方案",
        "start": "2023-01-01",
        "end": "2025-12-31",
        "issuer": "",
        "due_days": 10,
    }
    [area] = plan["areas"]
    assert [(i["code"], i["name"], i["kind"], i["target"], i["uom"]) for i in area["indicators"]] == [
        ("1.1", "全市有效发明专利", "level", 6000, "件"),
        ("1.2", "知识产权质押融资额", "cumulative", 30, "亿元"),
    ]
    [section] = plan["sections"]
    assert [(t["number"], t["title"], t["responsible"]) for t in section["tasks"]] == [
        (
            "1",
            "加强知识产权保护",
            [{"name": "市市场监管局", "role": "lead"}, {"name": "市公安局", "role": "support"}],
        ),
        ("2", "促进转化运用", ["市科技局"]),
    ]
    assert section["tasks"][1]["indicators"][0]["code"] == "二2.1"
    assert [(s["number"], s["title"], s["text"]) for s in plan["safeguards"]] == [
        ("一", "加强组织领导", "各单位抓好落实。")
    ]


def test_the_reader_is_pure_it_imports_no_django_and_no_other_app():
    """Text in, a structure and warnings out: importing the reader loads neither Django nor the portal's apps."""
    code = (
        "import sys, tasks.plantext, tasks.plantext.tables; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'docx', 'units', 'targets', 'reports'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_nothing_in_the_completions_is_changed_by_a_parse():
    completions = copy.deepcopy(COMPLETIONS)
    result = parsed(TEXT, completions)
    result.plan["units"][0]["name"] = "changed"
    assert completions == COMPLETIONS
