"""The exported plan, pinned to the plan TEXT (fixtures/deyang_plan.txt).

Every expected value below was written by hand from the text, not taken from
fixtures/deyang_plan.json. Two kinds of test live here:

* self-checks (no database) proving the hand tables say what the text says:
  each quoted phrase is literally in its paragraph, each responsibility clause
  splits into exactly the listed bodies, every clause in the text is covered;
* export checks proving `export_plan` gives what the hand tables say.

A `None` uom means the text states no unit for that figure, so none is pinned.
"""

import functools
import re
from typing import NamedTuple

import pytest
from django.conf import settings

# --------------------------------------------------------------------------- names

COUNTIES = "各区（市、县）人民政府"
MEMBERS = "市国家知识产权强市建设试点城市工作领导小组成员单位"
OFFICE = "市国家知识产权强市建设试点城市工作领导小组办公室"
KAIFA = "德阳经开区管委会"
GAOXIN = "德阳高新区管委会"
LOCAL = [COUNTIES, KAIFA, GAOXIN]  # the clause "各区（市、县）人民政府、德阳经开区管委会、德阳高新区管委会"
MKT = "市市场监管局"

COUNTY_GOVERNMENTS = [
    "旌阳区人民政府",
    "罗江区人民政府",
    "广汉市人民政府",
    "什邡市人民政府",
    "绵竹市人民政府",
    "中江县人民政府",
]

JUNE_2025 = "2025-06-30"
START_OF_2021 = "2021-01-01"

# --------------------------------------------------------------------------- goal areas (一(二) 主要目标)


class Area(NamedTuple):
    number: str
    name: str
    headline: str
    responsible: list[str]


AREAS = [
    Area("1", "创造", "知识产权创造更加高质", [*LOCAL, "市科技局", MKT, "市委宣传部"]),
    Area("2", "运用", "知识产权运用更加高效", [*LOCAL, MKT, "市金融局", "人行德阳中心支行"]),
    Area(
        "3",
        "保护",
        "知识产权保护更加有力",
        [*LOCAL, "市中级法院", MKT, "市文旅局", "市农业农村局", "市自然资源局", "市检察院", "市公安局"],
    ),
    Area("4", "管理", "知识产权管理更加规范", [*LOCAL, MKT, "市委宣传部"]),
    Area("5", "服务", "知识产权服务更加优质", [*LOCAL, MKT]),
]


class Goal(NamedTuple):
    code: str
    keyword: str  # a phrase the indicator's name must contain
    uom: str | None
    kind: str
    comparison: str
    target: int | None
    quote: str  # the phrase exactly as the area paragraph writes it


ZHENGCHUANG = (
    "争创国家知识产权试点区（市、县）、园区和省级地理标志示范区各1家"  # one phrase, three milestones
)

GOALS = [
    Goal("1.1", "高新技术企业", "户", "level", ">=", 402, "高新技术企业达到402户"),
    Goal("1.2", "科技中小型企业", "户", "level", ">=", 1000, "科技中小型企业达到1000户"),
    Goal("1.3", "高价值发明专利", None, "relative", ">=", None, "每万人高价值发明专利拥有量比2021年初翻一番"),
    Goal("1.4", "有效注册商标", "件", "level", ">=", 48000, "有效注册商标数量达48000件"),
    Goal("1.5", "版权登记", "件", "level", ">=", 4800, "版权登记数量达4800件"),
    Goal("1.6", "地理标志", "件", "level", ">=", 16, "地理标志商标和地理标志保护产品达16件"),
    Goal("2.1", "省级高价值专利育成中心", "个", "level", ">=", 5, "建成省级高价值专利育成中心5个"),
    Goal("2.2", "市级高价值专利育成中心", "个", "level", ">=", 8, "培育市级高价值专利育成中心8个"),
    Goal("2.3", "质押金额", "亿元", "cumulative", ">=", 22, "知识产权质押金额累计达22亿元"),
    Goal("3.1", "法定审限内结案率", "%", "rate", ">=", 100, "知识产权案件法定审限内结案率达100%"),
    Goal("3.2", "行政执法按期结案率", "%", "rate", ">=", 100, "知识产权行政执法按期结案率达100%"),
    Goal("3.3", "被处罚信息", "%", "rate", ">=", 100, "被处罚信息100%公示并记入信用记录"),
    Goal("3.4", "服判息诉率", "%", "rate", ">=", 85, "知识产权民事一审案件服判息诉率达85%以上"),
    Goal("3.5", "社会满意度", "%", "rate", ">=", 85, "知识产权保护社会满意度达到85%以上"),
    Goal("4.1", "试点区（市、县）", "家", "milestone", ">=", 1, ZHENGCHUANG),
    Goal("4.2", "园区", "家", "milestone", ">=", 1, ZHENGCHUANG),
    Goal("4.3", "地理标志示范区", "家", "milestone", ">=", 1, ZHENGCHUANG),
    Goal("4.4", "版权示范单位", "家", "level", ">=", 2, "建成省级以上版权示范单位或示范园区（基地）2家"),
    Goal("4.5", "优势示范", "户", "increment", ">=", 15, "新增国省知识产权优势示范（强企）企业15户"),
    Goal("4.6", "贯标企业", "户", "increment", ">=", 15, "新增知识产权贯标企业15户"),
    Goal("5.1", "覆盖率", "%", "rate", ">=", 100, "知识产权公共服务网点区（市、县）覆盖率达100%"),
    Goal("5.2", "全链条知识产权服务机构", "户", "level", ">=", 20, "全链条知识产权服务机构达20户"),
    Goal("5.3", "知识产权师", "人", "level", ">=", 15, "拥有服务德阳企业的知识产权师15人"),
    Goal("5.4", "专利代理师", "人", "level", ">=", 100, "专利代理师100人"),
]

GOALS_PER_AREA = {"1": 6, "2": 3, "3": 5, "4": 6, "5": 4}

# --------------------------------------------------------------------------- 二、主要工作

SECTIONS = {
    "一": "强化示范试点建设，统筹推进知识产权强国战略",
    "二": "强化知识产权保护，营造公平竞争市场环境",
    "三": "强化市场主体知识产权培育，提升创新创造活力",
    "四": "突出地方特色，提升知识产权转化应用效益",
    "五": "强化服务支撑，提升知识产权管理能级",
}


class Task(NamedTuple):
    section: str
    number: str
    title: str
    responsible: list[str]


TASKS = [
    Task("一", "1", "深入实施知识产权强市战略", [OFFICE, MEMBERS]),
    Task("一", "2", "促进县域知识产权管理能力提升", [COUNTIES]),
    Task("一", "3", "推动园区知识产权机制创新", [*LOCAL]),
    Task("一", "4", "强化创新主体自主创新能力", [*LOCAL, MKT, "市财政局"]),
    Task("二", "1", "加强知识产权行政保护", [COUNTIES, MKT, "市文旅局", "市农业农村局", "市自然资源局"]),
    Task("二", "2", "加强知识产权司法保护", ["市中级法院", "市检察院", "市公安局"]),
    Task("二", "3", "加强知识产权跨区域保护", [MKT]),
    Task(
        "二",
        "4",
        "夯实知识产权保护基础",
        [MKT, "市中级法院", "市检察院", "市公安局", "市司法局", "市文旅局", "市农业农村局", "市自然资源局"],
    ),
    Task("二", "5", "提升知识产权维权援助水平", [MKT]),
    Task("二", "6", "提升商业秘密综合保护能力", [MKT, "市中级法院", "市公安局"]),
    Task("二", "7", "强化“三星堆”品牌全方位保护", ["广汉市人民政府", MKT, "市文旅局", "三星堆景区管委会"]),
    Task("二", "8", "开展企业知识产权海外布局护航行动", [*LOCAL, MKT, "市商务局"]),
    Task("三", "1", "加强高价值专利培育", [*LOCAL, "市经信局", "市科技局", MKT]),
    Task("三", "2", "强力实施商标品牌战略", [*LOCAL, MKT]),
    Task(
        "三",
        "3",
        "加强地理标志培育，助力乡村振兴",
        ["什邡市人民政府", "绵竹市人民政府", "中江县人民政府", MKT, "市农业农村局"],
    ),
    Task("三", "4", "加强版权创作，促进产业发展", ["市委宣传部"]),
    Task("四", "1", "实施知识产权导航工程", [MKT, "市经信局", "市科技局"]),
    Task("四", "2", "探索知识产权金融创新", [MKT, "市财政局", "市金融局", "人行德阳中心支行"]),
    Task("四", "3", "推动知识产权运营中心建设", [MKT]),
    Task("四", "4", "搭建知识产权交易平台", [MKT, "市委宣传部"]),
    Task("四", "5", "积极探索推进专利标准化工作", [MKT, "市经信局"]),
    Task("五", "1", "持续完善知识产权政策和工作体系", [*LOCAL, MEMBERS]),
    Task(
        "五",
        "2",
        "持续完善知识产权公共服务体系",
        [COUNTIES, MKT, "市委宣传部", "市农业农村局", "市自然资源局", "市中级法院"],
    ),
    Task("五", "3", "加强知识产权服务窗口建设", [MKT, "市司法局"]),
    Task("五", "4", "提升知识产权中介服务能力和水平", [MKT, "市经信局", "市科技局", "市金融局"]),
    Task("五", "5", "加强知识产权托管", [*LOCAL, MKT, "市经信局"]),
    Task("五", "6", "加强知识产权人才引育", ["市委组织部", "市经信局", "市科技局", "市人社局", MKT]),
]

TASKS_PER_SECTION = {"一": 4, "二": 8, "三": 4, "四": 5, "五": 6}


TASK_QUOTES = {  # each task figure exactly as its task paragraph writes it
    "二(二)2.1": "将平均审理时间减少10%",
    "二(二)5.1": "维权援助工作站达到50个以上",
    "二(三)1.1": "每万人口高价值发明专利拥有量比2021年初翻一番",
    "二(三)4.1": "作品登记总数超过2万件",
}


class TaskGoal(NamedTuple):
    code: str  # 二(section)task.1
    keyword: str
    uom: str | None
    kind: str
    direction: str
    comparison: str
    target: int | None
    factor: float | None
    ref: str | None

    @property
    def section(self) -> str:
        return self.code[2]

    @property
    def task(self) -> str:
        return self.code[4:].split(".")[0]

    @property
    def quote(self) -> str:
        return TASK_QUOTES[self.code]


TASK_GOALS = [
    TaskGoal("二(二)2.1", "审理时间", None, "relative", "decrease", "<=", None, 0.9, None),
    TaskGoal("二(二)5.1", "维权援助工作站", "个", "level", "increase", ">=", 50, None, None),
    TaskGoal("二(三)1.1", "高价值发明专利", None, "relative", "increase", ">=", None, 2, "1.3"),
    TaskGoal("二(三)4.1", "作品登记总数", "件", "level", "increase", ">", 20000, None, None),
]

# --------------------------------------------------------------------------- 三、保障措施


class Safeguard(NamedTuple):
    number: str
    title: str
    responsible: list[str]


SAFEGUARDS = [
    Safeguard("一", "加强组织领导", []),
    Safeguard("二", "强化资金保障", [*LOCAL, "市财政局", MKT]),
    Safeguard("三", "强化考核机制", [OFFICE, "市委目标办"]),
]

# --------------------------------------------------------------------------- reading the text

DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}  # ASCII test ids: pytest escapes CJK


def task_id(section: str, number: str) -> str:
    return f"section-{DIGIT[section]}-task-{number}"


@functools.cache
def plan_text() -> str:
    return (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")


@functools.cache
def text_lines() -> tuple[str, ...]:
    return tuple(line.strip() for line in plan_text().splitlines() if line.strip())


def _block(first: str, stop: re.Pattern[str]) -> list[str]:
    """The lines after the line `first`, up to (not including) the next line matching `stop`."""
    lines = text_lines()
    assert lines.count(first) == 1, f"heading {first!r} is not exactly once in the text"
    out = []
    for line in lines[lines.index(first) + 1 :]:
        if stop.match(line):
            break
        out.append(line)
    return out


CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）|^[一二三四五六七八九十]+、")


def _paragraph_starting(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, f"expected one paragraph starting {start!r}, found {len(found)}"
    return found[0]


def area_paragraph(area: Area) -> str:
    return _paragraph_starting(_block("（二）主要目标", CHAPTER), f"{area.number}.{area.headline}。")


def section_lines(section: str) -> list[str]:
    return _block(f"（{section}）{SECTIONS[section]}", SUBHEADING)


def task_paragraph(section: str, number: str) -> str:
    task = next(t for t in TASKS if (t.section, t.number) == (section, number))
    return _paragraph_starting(section_lines(section), f"{number}.{task.title}。")


def safeguard_paragraph(safeguard: Safeguard) -> str:
    lines = _block(f"（{safeguard.number}）{safeguard.title}", SUBHEADING)
    assert len(lines) == 1
    return lines[0]


CLAUSE = re.compile(r"[\[（［]责任单位：(.*)[\]）］]$")


def responsibility_clause(paragraph: str) -> str | None:
    match = CLAUSE.search(paragraph)
    return match.group(1) if match else None


def split_clause(clause: str | None) -> list[str]:
    """Split a 责任单位 clause into single bodies: groups by group name, units by short name."""
    if clause is None:
        return []
    clause = clause.replace(
        "什邡市、绵竹市、中江县人民政府", "什邡市人民政府、绵竹市人民政府、中江县人民政府"
    )
    clause = clause.replace(f"{OFFICE}及成员单位", f"{OFFICE}、{MEMBERS}")
    clause = clause.replace(COUNTIES, "\0")  # its own "、" must not split it
    return [name.replace("\0", COUNTIES) for name in re.split("[、，]", clause)]


def as_written(target: int) -> str:
    return "2万" if target == 20000 else str(target)


def kind_the_wording_implies(quote: str) -> str:
    if "翻一番" in quote or "减少" in quote:
        return "relative"
    if "各1家" in quote:
        return "milestone"
    if "累计达" in quote:
        return "cumulative"
    if quote.startswith("新增"):
        return "increment"
    if "%" in quote:
        return "rate"
    return "level"


def comparison_the_wording_implies(quote: str) -> str:
    if "超过" in quote:
        return ">"
    if "减少" in quote:
        return "<="
    return ">="


# --------------------------------------------------------------------------- export helpers


def _area(exported: dict, number: str) -> dict:
    (area,) = [a for a in exported["areas"] if a["number"] == number]
    return area


def _section(exported: dict, number: str) -> dict:
    (section,) = [s for s in exported["sections"] if s["number"] == number]
    return section


def _task(exported: dict, section: str, number: str) -> dict:
    (task,) = [t for t in _section(exported, section)["tasks"] if t["number"] == number]
    return task


def _goal_indicators(exported: dict) -> dict[str, dict]:
    return {ind["code"]: ind for area in exported["areas"] for ind in area["indicators"]}


def _task_indicators(exported: dict) -> dict[str, dict]:
    return {
        ind["code"]: ind
        for section in exported["sections"]
        for task in section["tasks"]
        for ind in task["indicators"]
    }


def _all_indicators(exported: dict) -> list[dict]:
    """Every indicator, goal and task, duplicates kept."""
    return [
        *(ind for area in exported["areas"] for ind in area["indicators"]),
        *(ind for section in exported["sections"] for task in section["tasks"] for ind in task["indicators"]),
    ]


# =========================================================================== self-checks of the hand tables


def test_hand_tables_cover_every_responsibility_clause_in_the_text():
    clauses = len(AREAS) + len(TASKS) + sum(1 for s in SAFEGUARDS if s.responsible)
    assert plan_text().count("责任单位：") == clauses == 34


def test_hand_tables_cover_every_numbered_task_in_the_text():
    for section, count in TASKS_PER_SECTION.items():
        numbered = [line for line in section_lines(section) if re.match(r"^\d+\.", line)]
        assert len(numbered) == count, section
    assert len(TASKS) == sum(TASKS_PER_SECTION.values()) == 27


@pytest.mark.parametrize("area", AREAS, ids=lambda a: f"area-{a.number}")
def test_hand_area_responsibles_are_what_the_text_says(area):
    assert split_clause(responsibility_clause(area_paragraph(area))) == area.responsible


@pytest.mark.parametrize("task", TASKS, ids=lambda t: task_id(t.section, t.number))
def test_hand_task_responsibles_are_what_the_text_says(task):
    assert split_clause(responsibility_clause(task_paragraph(task.section, task.number))) == task.responsible


@pytest.mark.parametrize("safeguard", SAFEGUARDS, ids=lambda s: f"safeguard-{DIGIT[s.number]}")
def test_hand_safeguard_responsibles_are_what_the_text_says(safeguard):
    assert split_clause(responsibility_clause(safeguard_paragraph(safeguard))) == safeguard.responsible


@pytest.mark.parametrize("goal", GOALS, ids=lambda g: g.code)
def test_hand_goal_figures_are_quoted_literally_from_their_area_paragraph(goal):
    area = next(a for a in AREAS if a.number == goal.code.split(".")[0])
    paragraph = area_paragraph(area)
    assert goal.quote in paragraph
    assert "到2025年6月" in paragraph
    if goal.target is not None:
        assert f"{as_written(goal.target)}{goal.uom}" in goal.quote
    assert goal.kind == kind_the_wording_implies(goal.quote)
    assert goal.comparison == comparison_the_wording_implies(goal.quote)


def test_hand_goal_figures_appear_in_text_order():
    for area in AREAS:
        paragraph = area_paragraph(area)
        goals = [g for g in GOALS if g.code.startswith(f"{area.number}.")]
        assert [g.code for g in goals] == [f"{area.number}.{k}" for k in range(1, len(goals) + 1)]
        positions = [paragraph.index(g.quote) for g in goals]
        assert positions == sorted(positions), area.number


@pytest.mark.parametrize("goal", TASK_GOALS, ids=lambda g: task_id(g.section, g.task) + "-indicator")
def test_hand_task_figures_are_quoted_literally_from_their_task_paragraph(goal):
    assert goal.code == f"二({goal.section}){goal.task}.1"
    assert goal.quote in task_paragraph(goal.section, goal.task)
    if goal.target is not None:
        assert f"{as_written(goal.target)}{goal.uom}" in goal.quote
    assert goal.kind == kind_the_wording_implies(goal.quote)
    assert goal.comparison == comparison_the_wording_implies(goal.quote)


def test_hand_titles_are_the_text_headings():
    lines = text_lines()
    assert lines[0] == "德阳市推进国家知识产权强市建设试点城市工作方案"
    assert "工作期为2022年7月-2025年6月" in plan_text()
    work = _block("二、主要工作", re.compile(r"^三、"))
    assert [line for line in work if line.startswith("（")] == [f"（{n}）{t}" for n, t in SECTIONS.items()]
    safety = _block("三、保障措施", re.compile(r"^四、"))
    assert [line for line in safety if line.startswith("（")] == [
        f"（{s.number}）{s.title}" for s in SAFEGUARDS
    ]


# =========================================================================== the export against the text


def test_plan_title_and_period_are_the_texts(exported):
    assert exported["plan"] == {
        "title": "德阳市推进国家知识产权强市建设试点城市工作方案",
        "start": "2022-07-01",
        "end": "2025-06-30",
    }


def test_plan_has_the_counts_the_text_has(exported):
    assert [a["number"] for a in exported["areas"]] == ["1", "2", "3", "4", "5"]
    assert {a["number"]: len(a["indicators"]) for a in exported["areas"]} == GOALS_PER_AREA
    assert len(_goal_indicators(exported)) == sum(len(a["indicators"]) for a in exported["areas"]) == 24
    assert [s["number"] for s in exported["sections"]] == ["一", "二", "三", "四", "五"]
    assert {s["number"]: len(s["tasks"]) for s in exported["sections"]} == TASKS_PER_SECTION
    assert [g["number"] for g in exported["safeguards"]] == ["一", "二", "三"]


@pytest.mark.parametrize("area", AREAS, ids=lambda a: f"area-{a.number}")
def test_area_is_numbered_named_and_headlined_as_the_text(exported, area):
    got = _area(exported, area.number)
    assert (got["name"], got["headline"]) == (area.name, area.headline)


@pytest.mark.parametrize("area", AREAS, ids=lambda a: f"area-{a.number}")
def test_area_responsible_units_match_text(exported, area):
    assert _area(exported, area.number)["responsible"] == area.responsible


@pytest.mark.parametrize("goal", GOALS, ids=lambda g: g.code)
def test_every_goal_indicator_has_the_target_the_text_states(exported, goal):
    area_number = goal.code.split(".")[0]
    codes = [ind["code"] for ind in _area(exported, area_number)["indicators"]]
    assert goal.code in codes, f"{goal.code} not under area {area_number}: {codes}"
    ind = _goal_indicators(exported)[goal.code]
    assert goal.keyword in ind["name"]
    if goal.uom is not None:
        assert ind["uom"] == goal.uom
    assert ind["kind"] == goal.kind
    assert ind["comparison"] == goal.comparison
    assert ind["target"] == goal.target
    assert ind["direction"] == "increase"
    assert ind["target_date"] == JUNE_2025
    assert ind["ref"] is None
    if goal.kind != "relative":
        assert ind["factor"] is None
        assert ind["baseline_date"] is None


def test_goal_indicator_codes_run_in_text_order(exported):
    for area in exported["areas"]:
        codes = [ind["code"] for ind in area["indicators"]]
        assert codes == [f"{area['number']}.{k}" for k in range(1, len(codes) + 1)]
    assert list(_goal_indicators(exported)) == [g.code for g in GOALS]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda n: f"section-{DIGIT[n]}")
def test_section_is_numbered_and_titled_as_the_text(exported, section):
    assert _section(exported, section)["title"] == SECTIONS[section]


@pytest.mark.parametrize("task", TASKS, ids=lambda t: task_id(t.section, t.number))
def test_every_task_has_the_title_the_text_gives(exported, task):
    assert _task(exported, task.section, task.number)["title"] == task.title


def test_tasks_are_numbered_from_one_within_each_section(exported):
    for section in exported["sections"]:
        assert [t["number"] for t in section["tasks"]] == [
            str(k) for k in range(1, len(section["tasks"]) + 1)
        ]


RESPONSIBILITIES = [
    *(
        pytest.param(("task", t.section, t.number), t.title, t.responsible, id=task_id(t.section, t.number))
        for t in TASKS
    ),
    *(
        pytest.param(("safeguard", s.number), s.title, s.responsible, id=f"safeguard-{DIGIT[s.number]}")
        for s in SAFEGUARDS
    ),
]


@pytest.mark.parametrize("where, title, responsible", RESPONSIBILITIES)
def test_every_task_has_exactly_the_responsible_units_the_text_names(exported, where, title, responsible):
    if where[0] == "task":
        got = _task(exported, where[1], where[2])
    else:
        (got,) = [s for s in exported["safeguards"] if s["number"] == where[1]]
    assert got["title"] == title
    assert got["responsible"] == responsible


@pytest.mark.parametrize("safeguard", SAFEGUARDS, ids=lambda s: f"safeguard-{DIGIT[s.number]}")
def test_safeguard_is_numbered_and_titled_as_the_text(exported, safeguard):
    (got,) = [s for s in exported["safeguards"] if s["number"] == safeguard.number]
    assert got["title"] == safeguard.title


def test_only_the_tasks_that_state_a_figure_have_indicators(exported):
    with_indicators = {
        (s["number"], t["number"]) for s in exported["sections"] for t in s["tasks"] if t["indicators"]
    }
    assert with_indicators == {(g.section, g.task) for g in TASK_GOALS}
    assert sorted(_task_indicators(exported)) == sorted(g.code for g in TASK_GOALS)


@pytest.mark.parametrize("goal", TASK_GOALS, ids=lambda g: task_id(g.section, g.task) + "-indicator")
def test_every_task_indicator_has_the_target_the_text_states(exported, goal):
    (ind,) = _task(exported, goal.section, goal.task)["indicators"]
    assert ind["code"] == goal.code
    assert goal.keyword in ind["name"]
    if goal.uom is not None:
        assert ind["uom"] == goal.uom
    assert ind["kind"] == goal.kind
    assert ind["direction"] == goal.direction
    assert ind["comparison"] == goal.comparison
    assert ind["target"] == goal.target
    assert ind["factor"] == goal.factor
    assert ind["ref"] == goal.ref
    assert ind["target_date"] == JUNE_2025


def test_relative_indicators_state_a_factor_not_a_target(exported):
    indicators = {**_goal_indicators(exported), **_task_indicators(exported)}
    relative = sorted(code for code, ind in indicators.items() if ind["kind"] == "relative")
    assert relative == sorted(["1.3", "二(二)2.1", "二(三)1.1"])
    for code in ("1.3", "二(三)1.1"):  # 比2021年初翻一番
        ind = indicators[code]
        assert (ind["factor"], ind["target"], ind["baseline_date"]) == (2, None, START_OF_2021), code
        assert (ind["direction"], ind["comparison"]) == ("increase", ">="), code
    ind = indicators["二(二)2.1"]  # 将平均审理时间减少10%
    assert (ind["factor"], ind["target"]) == (0.9, None)
    assert (ind["direction"], ind["comparison"]) == ("decrease", "<=")
    for code, ind in indicators.items():
        if ind["kind"] != "relative":
            assert ind["factor"] is None, code


def test_milestones_are_three_separate_indicators(exported):
    indicators = {**_goal_indicators(exported), **_task_indicators(exported)}
    milestones = {code: ind for code, ind in indicators.items() if ind["kind"] == "milestone"}
    assert sorted(milestones) == ["4.1", "4.2", "4.3"]
    for ind in milestones.values():
        assert (ind["target"], ind["uom"], ind["comparison"]) == (1, "家", ">=")
    assert len({ind["name"] for ind in milestones.values()}) == 3
    assert "试点区（市、县）" in milestones["4.1"]["name"]
    assert "园区" in milestones["4.2"]["name"] and "试点区" not in milestones["4.2"]["name"]
    assert "地理标志示范区" in milestones["4.3"]["name"]


def test_task_indicator_refers_to_goal_indicator_not_copy(exported):
    goals = _goal_indicators(exported)
    (ind,) = _task(exported, "三", "1")["indicators"]
    assert ind["code"] == "二(三)1.1"
    assert ind["ref"] == "1.3"
    assert ind["code"] not in goals  # not a 25th goal indicator
    assert [i["code"] for i in _area(exported, "1")["indicators"]].count("1.3") == 1
    referenced = goals["1.3"]
    assert referenced["ref"] is None
    for field in ("kind", "direction", "comparison", "target", "factor", "baseline_date", "target_date"):
        assert ind[field] == referenced[field], field
    refs = {i["code"]: i["ref"] for i in _all_indicators(exported) if i["ref"] is not None}
    assert refs == {"二(三)1.1": "1.3"}


def test_every_indicator_is_due_by_june_2025(exported):
    assert {ind["target_date"] for ind in _all_indicators(exported)} == {JUNE_2025}


def test_indicator_codes_are_unique(exported):
    codes = [ind["code"] for ind in _all_indicators(exported)]
    assert len(codes) == len(set(codes)) == 28


def test_every_responsible_name_is_a_known_unit_or_group(exported):
    units = {u["name"] for u in exported["units"]}
    groups = {g["name"] for g in exported["groups"]}
    assert not units & groups
    named = [
        *(n for a in exported["areas"] for n in a["responsible"]),
        *(n for s in exported["sections"] for t in s["tasks"] for n in t["responsible"]),
        *(n for s in exported["safeguards"] for n in s["responsible"]),
    ]
    assert [n for n in named if n not in units | groups] == []
    for group in exported["groups"]:
        assert group["members"], group["name"]
        assert [m for m in group["members"] if m not in units] == [], group["name"]


def test_the_two_collective_names_in_the_text_are_groups_and_the_office_is_a_unit(exported):
    units = {u["name"] for u in exported["units"]}
    groups = {g["name"] for g in exported["groups"]}
    assert {COUNTIES, MEMBERS} <= groups
    assert OFFICE in units
    assert OFFICE not in next(g for g in exported["groups"] if g["name"] == MEMBERS)["members"]


def test_every_unit_is_named_by_the_text_or_is_a_county_government(exported):
    in_text = {
        n
        for n in [*(n for a in AREAS for n in a.responsible), *(n for t in TASKS for n in t.responsible)]
        + [n for s in SAFEGUARDS for n in s.responsible]
        if n not in (COUNTIES, MEMBERS)
    }
    units = [u["name"] for u in exported["units"]]
    assert len(units) == len(set(units))
    assert set(units) == in_text | set(COUNTY_GOVERNMENTS)


def test_county_group_has_exactly_the_six_county_governments(exported):
    (group,) = [g for g in exported["groups"] if g["name"] == COUNTIES]
    assert sorted(group["members"]) == sorted(COUNTY_GOVERNMENTS)
    assert len(group["members"]) == 6
