"""Target phrasings other cities' plans use (issue 17 item 5), clause by clause.

The snippets below are test data (测试数据): invented sentences for imaginary cities, written the ways published
Chinese work plans write their targets. None is copied from the Deyang plan, whose whole text is checked in
test_plantext.py. Every expected value was worked out by hand (1.1^4 = 1.4641, and so on)."""

import pytest
from django.conf import settings

from tasks.plantext.measures import Found, targets_find

END = "2025-12-31"


def one(text: str, **options) -> dict:
    """The single target of a clause that must be read whole: nothing unread, nothing flagged."""
    found = targets_find(text, default_deadline=options.pop("deadline", END), **options)
    assert found.unread == [] and found.flags == []
    [target] = found.targets
    return target


def short(target: dict) -> tuple:
    return (target["name"], target["kind"], target["comparison"], target["target"], target["uom"])


# 1. 达到 / 突破 / 不少于 / 超过 / 力争, with 力争 at the start or in the middle.


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("有效发明专利力争突破5000件", ("有效发明专利", "level", ">", 5000, "件")),
        ("技术合同成交额力争达到50亿元", ("技术合同成交额", "level", ">=", 50, "亿元")),
        ("力争规模以上工业企业达到800家", ("规模以上工业企业", "level", ">=", 800, "家")),
        ("有效注册商标力争6000件", ("有效注册商标", "level", ">=", 6000, "件")),
        ("专利代理机构确保不少于40家", ("专利代理机构", "level", ">=", 40, "家")),
        ("商标注册量超过3万件", ("商标注册量", "level", ">", 30000, "件")),
        ("技术合同登记额达到20亿元以上", ("技术合同登记额", "level", ">=", 20, "亿元")),
    ],
)
def test_a_verb_or_an_aim_before_the_figure_is_not_part_of_the_name(clause, expected):
    assert short(one(clause)) == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("开展执法检查不少于200人次", ("执法检查", "level", ">=", 200, "人次")),
        ("举办知识产权培训班达到10期", ("知识产权培训班", "level", ">=", 10, "期")),
        ("组织开展专利导航项目超过20项", ("专利导航项目", "level", ">", 20, "项")),
    ],
)
def test_a_verb_of_doing_before_the_name_is_not_part_of_it(clause, expected):
    """As in "举办银企对接会4场次", what is counted is what is done, not the doing."""
    assert short(one(clause)) == expected


def test_a_target_with_aim_in_the_middle_is_the_whole_indicator():
    assert one("有效发明专利力争突破5000件") == {
        "name": "有效发明专利",
        "uom": "件",
        "kind": "level",
        "direction": "increase",
        "comparison": ">",
        "target": 5000,
        "factor": None,
        "baseline_date": None,
        "ref": None,
        "aggregation": "sum",
        "source_text": "有效发明专利力争突破5000件",
        "target_date": END,
    }


def test_an_aim_with_no_figure_is_not_a_target():
    assert targets_find("力争达到", default_deadline=END) == Found()


# 2. 增长X% and 年均增长X%: a yearly rate compounds over the years from its base year to the deadline.


def test_a_yearly_rate_without_a_base_year_compounds_from_the_year_before_the_plan_starts_and_is_flagged():
    found = targets_find(
        "规模以上工业企业专利申请量年均增长10%", default_deadline="2025-06-30", plan_start="2022-07-01"
    )
    assert found.targets == [
        {
            "name": "规模以上工业企业专利申请量",
            "uom": "",
            "kind": "relative",
            "direction": "increase",
            "comparison": ">=",
            "target": None,
            "factor": 1.4641,  # 1.1^4, 2021 to 2025
            "baseline_date": "2021-12-31",
            "ref": None,
            "aggregation": "lead",
            "source_text": "规模以上工业企业专利申请量年均增长10%",
            "annual_rate": 10,
            "target_date": "2025-06-30",
        }
    ]
    assert found.unread == []
    assert found.flags == [
        (
            "规模以上工业企业专利申请量年均增长10%",
            "“年均增长10%”按逐年复合折算为基期（2021年底）的1.4641倍（4年），请确认",
        )
    ]


@pytest.mark.parametrize(
    ("clause", "deadline", "plan_start", "expected", "message"),
    [
        (
            "发明专利授权量较2021年年均增长10%",
            "2025-12-31",
            "",
            (1.4641, "2021-12-31", 10, ">="),  # 1.1^4
            "“年均增长10%”按逐年复合折算为基期（2021年底）的1.4641倍（4年），请确认",
        ),
        (
            "技术合同成交额比2020年年均增长8%",
            "2023-12-31",
            "2022-01-01",  # the written year wins over the plan's start
            (1.2597, "2020-12-31", 8, ">="),  # 1.08^3 = 1.259712
            "“年均增长8%”按逐年复合折算为基期（2020年底）的1.2597倍（3年），请确认",
        ),
        (
            "商标注册量比2021年初年均增长10%",
            "2025-12-31",
            "",
            (1.6105, "2021-01-01", 10, ">="),  # the start of 2021 is the end of 2020: 1.1^5 = 1.61051
            "“年均增长10%”按逐年复合折算为基期（2021年初）的1.6105倍（5年），请确认",
        ),
        (
            "专利审查周期年均缩短5%",
            "2025-12-31",
            "2023-01-01",
            (0.8574, "2022-12-31", 5, "<="),  # 0.95^3 = 0.857375
            "“年均缩短5%”按逐年复合折算为基期（2022年底）的0.8574倍（3年），请确认",
        ),
        (
            "知识产权服务业营业收入年均增长7.5%以上",
            "2024-12-31",
            "2023-03-01",
            (1.1556, "2022-12-31", 7.5, ">="),  # 1.075^2 = 1.155625
            "“年均增长7.5%”按逐年复合折算为基期（2022年底）的1.1556倍（2年），请确认",
        ),
        (
            "专利授权量比上年增长10%以上",
            "2024-12-31",
            "2024-01-01",  # a one-year plan: the year before is 2023
            (1.1, "2023-12-31", 10, ">="),
            "“比上年增长10%”按逐年复合折算为基期（2023年底）的1.1倍（1年），请确认",
        ),
        (
            "地理标志产品产值较上年增长5%",
            "2024-12-31",
            "2023-01-01",
            (1.1025, "2022-12-31", 5, ">="),  # 1.05^2
            "“较上年增长5%”按逐年复合折算为基期（2022年底）的1.1025倍（2年），请确认",
        ),
    ],
)
def test_a_yearly_rate_gives_its_compounded_factor_and_a_flag(
    clause, deadline, plan_start, expected, message
):
    found = targets_find(clause, default_deadline=deadline, plan_start=plan_start)
    [target] = found.targets
    assert (
        target["factor"],
        target["baseline_date"],
        target["annual_rate"],
        target["comparison"],
    ) == expected
    assert target["kind"] == "relative" and target["target_date"] == deadline
    assert found.flags == [(clause, message)]
    assert found.unread == []


@pytest.mark.parametrize("clause", ["规模以上工业企业专利申请量年均增长10%", "专利授权量比上年增长10%"])
def test_a_yearly_rate_with_no_base_year_and_no_plan_start_is_left_unread(clause):
    assert targets_find(clause, default_deadline=END) == Found(unread=[clause])


def test_a_yearly_rate_whose_base_year_is_not_before_the_deadline_is_left_unread():
    clause = "发明专利授权量较2025年年均增长10%"
    assert targets_find(clause, default_deadline=END) == Found(unread=[clause])


def test_growth_without_yearly_wording_is_a_plain_relative_target_and_not_flagged():
    target = one("地区知识产权使用费收入增长8%以上", plan_start="2022-01-01")
    assert (target["kind"], target["factor"], target["baseline_date"], target["comparison"]) == (
        "relative",
        1.08,
        None,
        ">=",
    )
    assert "annual_rate" not in target


# 3. 提高到X%, 较2021年减少/降低/缩短X%, 翻一番/翻两番.


def test_raised_to_a_percentage_is_a_rate():
    target = one("研发经费投入强度提高到2.8%")
    assert short(target) == ("研发经费投入强度", "rate", ">=", 2.8, "%")
    assert target["aggregation"] == "ratio"


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("知识产权侵权案件较2021年减少20%", ("知识产权侵权案件", "decrease", "<=", 0.8, "2021-12-31")),
        ("专利审查周期较2021年降低15%", ("专利审查周期", "decrease", "<=", 0.85, "2021-12-31")),
        ("商标注册审查周期较2021年缩短30%", ("商标注册审查周期", "decrease", "<=", 0.7, "2021-12-31")),
        ("每万人发明专利拥有量比2020年翻一番", ("每万人发明专利拥有量", "increase", ">=", 2, "2020-12-31")),
        ("知识产权质押融资额比2020年翻两番", ("知识产权质押融资额", "increase", ">=", 4, "2020-12-31")),
    ],
)
def test_a_change_from_a_base_year_is_a_relative_target(clause, expected):
    target = one(clause)
    assert target["kind"] == "relative" and target["target"] is None and target["uom"] == ""
    got = (
        target["name"],
        target["direction"],
        target["comparison"],
        target["factor"],
        target["baseline_date"],
    )
    assert got == expected


# 4. 新增 written after the name.


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("专精特新中小企业新增20家", ("新增专精特新中小企业", "increment", ">=", 20, "家")),
        ("知识产权示范企业累计新增30户", ("累计新增知识产权示范企业", "increment", ">=", 30, "户")),
        ("新增国家知识产权优势企业12家", ("新增国家知识产权优势企业", "increment", ">=", 12, "家")),
    ],
)
def test_new_ones_are_an_increment_named_with_xinzeng_first_wherever_it_is_written(clause, expected):
    assert short(one(clause)) == expected


# 5. Milestones without a number, only when asked for.


def test_a_zero_breakthrough_is_a_milestone():
    assert one("国家级知识产权示范园区实现零的突破", milestones=True) == {
        "name": "国家级知识产权示范园区",
        "uom": "",
        "kind": "milestone",
        "direction": "increase",
        "comparison": ">=",
        "target": 1,
        "factor": None,
        "baseline_date": None,
        "ref": None,
        "aggregation": "lead",
        "source_text": "国家级知识产权示范园区实现零的突破",
        "target_date": END,
    }


@pytest.mark.parametrize(
    ("clause", "name"),
    [
        ("获批建设国家知识产权保护中心", "国家知识产权保护中心"),
        ("建成市级知识产权公共服务平台", "市级知识产权公共服务平台"),
        ("力争创建国家知识产权示范城市", "国家知识产权示范城市"),
        ("地理标志运用促进工程实现零突破", "地理标志运用促进工程"),
    ],
)
def test_a_goal_built_or_approved_without_a_figure_is_a_milestone(clause, name):
    target = one(clause, milestones=True)
    assert (target["name"], target["kind"], target["target"], target["uom"], target["aggregation"]) == (
        name,
        "milestone",
        1,
        "",
        "lead",
    )


def test_a_task_sentence_with_jiancheng_gives_nothing_when_milestones_are_not_asked_for():
    text = "建成市级知识产权公共服务平台，加快建设知识产权运营中心，国家级知识产权示范园区实现零的突破。"
    assert targets_find(text, default_deadline=END) == Found()


def test_milestones_in_a_goal_paragraph_take_its_deadline_and_figures_are_still_read():
    text = (
        "到2024年底，建成市级知识产权公共服务平台，国家级知识产权示范园区实现零的突破，"
        "实现专利转化100项，实现知识产权业务一网通办。"
    )
    found = targets_find(text, default_deadline=END, milestones=True)
    assert [(*short(t), t["target_date"]) for t in found.targets] == [
        ("市级知识产权公共服务平台", "milestone", ">=", 1, "", "2024-12-31"),
        ("国家级知识产权示范园区", "milestone", ">=", 1, "", "2024-12-31"),
        ("专利转化", "level", ">=", 100, "项", "2024-12-31"),
    ]
    assert found.unread == [] and found.flags == []


# 6. Units users meet, scores among them.


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("营商环境知识产权指标得分85分以上", ("营商环境知识产权指标得分", "level", ">=", 85, "分")),
        ("开展知识产权进企业活动30场次", ("知识产权进企业活动", "level", ">=", 30, "场次")),
        ("培训企业知识产权管理人员2000人次", ("培训企业知识产权管理人员", "level", ">=", 2000, "人次")),
        ("窗口办件时间缩短至30分钟", ("窗口办件时间", "level", "<=", 30, "分钟")),
        ("知识产权服务机构达到60家", ("知识产权服务机构", "level", ">=", 60, "家")),
        ("建成知识产权工作站12个", ("知识产权工作站", "level", ">=", 12, "个")),
        ("完成专利转化项目50项", ("专利转化项目", "level", ">=", 50, "项")),
        ("专利授权量达到8000件", ("专利授权量", "level", ">=", 8000, "件")),
        ("新增贯标企业20户", ("新增贯标企业", "increment", ">=", 20, "户")),
        ("知识产权质押融资额达到15亿元", ("知识产权质押融资额", "level", ">=", 15, "亿元")),
        ("知识产权专项资金不少于500万元", ("知识产权专项资金", "level", ">=", 500, "万元")),
        ("专利侵权纠纷行政裁决结案率达到95%", ("专利侵权纠纷行政裁决结案率", "rate", ">=", 95, "%")),
        ("专利侵权纠纷办案周期控制在90天以内", ("专利侵权纠纷办案周期", "level", "<=", 90, "天")),
    ],
)
def test_each_unit_of_measure_is_read(clause, expected):
    assert short(one(clause)) == expected


def test_a_score_is_the_citys_figure_not_a_sum_of_units():
    assert one("营商环境知识产权指标得分85分以上")["aggregation"] == "lead"


# 7. Item numbers are not figures.


@pytest.mark.parametrize(
    "text",
    [
        "（1）加强知识产权行政保护",
        "(2)推进专利转化运用",
        "①开展专项执法行动",
        "重点做好以下工作：（3）开展宣传",
    ],
)
def test_an_item_number_is_not_a_figure(text):
    assert targets_find(text, default_deadline=END) == Found()


def test_a_target_after_an_item_number_is_read_without_it():
    target = one("（3）专利授权量达到5000件")
    assert short(target) == ("专利授权量", "level", ">=", 5000, "件")


# What stays unclear is kept for the office to read.


@pytest.mark.parametrize("clause", ["有效发明专利实现翻两番", "专利转化率提高2个百分点"])
def test_a_figure_without_a_base_or_a_unit_is_left_unread(clause):
    assert targets_find(clause, default_deadline=END) == Found(unread=[clause])


def test_the_deyang_goal_paragraphs_give_nothing_more_when_milestones_and_the_plan_start_are_given():
    """So the plan reader can ask goal paragraphs for milestones without changing the reviewed Deyang result."""
    lines = (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8").splitlines()
    goals = lines[8:13]  # goals 1 to 5
    assert all(line.strip()[:2] in ("1.", "2.", "3.", "4.", "5.") for line in goals)
    for line in goals:
        plain = targets_find(line, default_deadline="2025-06-30")
        asked = targets_find(line, default_deadline="2025-06-30", plan_start="2022-07-01", milestones=True)
        assert asked == plain
        assert asked.flags == []
