"""Responsible units as other cities write them (issue 17, items 7 and 8): 牵头单位/配合单位 lines, the county
group spelt several ways, a unit with its other name in brackets, and names in full where the table has them in
short (or the reverse).

The snippets and unit tables are test data invented for 绵阳, 泸州 and an imaginary 某市 — shaped like real
plans and unit tables, not copied from them and not from the Deyang text. Each expected result was worked out
by hand from the rules in tasks/plantext/responsible.py."""

import pytest

from tasks.plantext import plan_parse
from tasks.plantext.responsible import Responsible, UnitRegistry, responsible_clause, responsible_parse

LEAD, SUPPORT = "lead", "support"


def unit(code: str, name: str, full_name: str, kind: str = "city_department", aliases: tuple = ()) -> dict:
    return {"code": code, "name": name, "full_name": full_name, "kind": kind, "aliases": list(aliases)}


# 绵阳: official full names in the table, so a plan writing them needs no abbreviation.
MIANYANG = [
    unit("kjj", "市科技局", "绵阳市科学技术局"),
    unit("scjgj", "市市场监管局", "绵阳市市场监督管理局"),
    unit("czj", "市财政局", "绵阳市财政局"),
    unit("xcb", "市委宣传部", "中共绵阳市委宣传部", "party_department"),
    unit("fc", "涪城区人民政府", "绵阳市涪城区人民政府", "county"),
    unit("yx", "游仙区人民政府", "绵阳市游仙区人民政府", "county"),
    unit("st", "三台县人民政府", "三台县人民政府", "county"),
]
MIANYANG_COUNTIES = ["涪城区人民政府", "游仙区人民政府", "三台县人民政府"]

# 泸州: the office typed the full names as city + short name, so official full names are abbreviation matches.
LUZHOU = [
    unit("kjj", "市科技局", "泸州市科技局"),
    unit("scjgj", "市市场监管局", "泸州市市场监管局", aliases=("市场监管局",)),
    unit("jxj", "市经信局", "泸州市经信局"),
    unit("fgw", "市发改委", "泸州市发改委"),
    unit("czj", "市财政局", "泸州市财政局"),
    unit("gaj", "市公安局", "泸州市公安局"),
    unit("zyfy", "市中级法院", "泸州市中级法院", "judicial"),
    unit("xcb", "市委宣传部", "中共泸州市委宣传部", "party_department"),
    unit("jy", "江阳区人民政府", "泸州市江阳区人民政府", "county"),
    unit("lmt", "龙马潭区人民政府", "泸州市龙马潭区人民政府", "county"),
    unit("lx", "泸县人民政府", "泸县人民政府", "county"),
]
LUZHOU_COUNTIES = {
    "name": "各区（市、县）人民政府",
    "members": ["江阳区人民政府", "龙马潭区人民政府", "泸县人民政府"],
}

# 某市 (imaginary): long names in the table, and two 监管局 that a short name cannot tell apart.
MOUSHI = [
    unit("wjw", "市卫生健康委员会", "某市卫生健康委员会"),
    unit("scjgj", "市市场监管局", "某市市场监管局"),
    unit("jrjgj", "市金融监管局", "某市金融监管局"),
    unit("bqj", "市版权局", "某市版权局"),
    unit("zscqj", "市知识产权局", "某市知识产权局"),
    unit("kjj", "市科技局", "某市科技局"),
    unit("yjj", "市应急管理局", "某市应急管理局"),
]

NEW_UNIT = "责任单位“{}”不在单位表中，已作为新单位列出，请领导小组办公室确认"


def resolved(units: list[dict], groups: list[dict], *names: str) -> tuple[list[str], list[str], list[str]]:
    """(canonical names, names of new units, warnings) for names resolved in one call."""
    found, new_units, warnings = UnitRegistry(units, groups).resolve([Responsible(name) for name in names])
    return [r.name for r in found], [u["name"] for u in new_units], warnings


# 1. 牵头单位：…；配合单位：… at the end of an item's text.


def test_lead_and_support_run_in_after_a_full_stop_separated_by_a_comma():
    paragraph = "推进知识产权质押融资。牵头单位：市科技局，配合单位：市财政局、市金融局"
    body, clause = responsible_clause(paragraph)
    assert (body, clause) == ("推进知识产权质押融资。", "牵头单位：市科技局，配合单位：市财政局、市金融局")
    assert responsible_parse(clause) == (
        [Responsible("市科技局", LEAD), Responsible("市财政局", SUPPORT), Responsible("市金融局", SUPPORT)],
        [],
    )


def test_lead_and_support_separated_by_a_semicolon_and_ending_in_a_full_stop():
    body, clause = responsible_clause("开展专利导航。牵头单位：市科技局；配合单位：市经信局、市财政局。")
    assert (body, clause) == ("开展专利导航。", "牵头单位：市科技局；配合单位：市经信局、市财政局")


def test_clause_as_its_own_paragraph_after_a_line_break():
    paragraph = "1.加强专利导航。开展产业专利导航项目。\n牵头单位：市科技局；配合单位：市经信局"
    body, clause = responsible_clause(paragraph)
    assert (body, clause) == (
        "1.加强专利导航。开展产业专利导航项目。",
        "牵头单位：市科技局；配合单位：市经信局",
    )


def test_lead_and_support_each_on_a_line_of_its_own_with_full_stops():
    paragraph = "打击侵权假冒。\n牵头单位：市市场监管局。\n配合单位：市公安局、市中级法院。"
    body, clause = responsible_clause(paragraph)
    assert body == "打击侵权假冒。"
    assert responsible_parse(clause) == (
        [
            Responsible("市市场监管局", LEAD),
            Responsible("市公安局", SUPPORT),
            Responsible("市中级法院", SUPPORT),
        ],
        [],
    )


def test_clause_after_a_line_break_when_the_text_has_no_full_stop():
    assert responsible_clause("1.建设知识产权运营中心\n牵头单位：市科技局") == (
        "1.建设知识产权运营中心",
        "牵头单位：市科技局",
    )


def test_a_label_inside_a_sentence_is_not_the_clause():
    paragraph = "明确牵头单位：市科技局统筹推进，各地配合落实。"
    assert responsible_clause(paragraph) == (paragraph, "")


# 2. The county group written several ways is one name.

COUNTY_SPELLINGS = [
    "各区（市、县）人民政府",
    "各县（市、区）人民政府",
    "各区、县人民政府",
    "各县（市、区）",
    "各区（市、县）",
    "各县市区",
    "各区县人民政府",
]


@pytest.mark.parametrize("spelling", COUNTY_SPELLINGS)
def test_a_county_group_spelling_is_one_name_in_a_list(spelling):
    assert responsible_parse(f"市科技局、{spelling}、市财政局") == (
        [Responsible("市科技局"), Responsible(spelling), Responsible("市财政局")],
        [],
    )


def test_a_county_group_with_half_width_brackets_and_a_role():
    assert responsible_parse("牵头单位：市科技局；配合单位：各县(市、区)，各区、县人民政府") == (
        [
            Responsible("市科技局", LEAD),
            Responsible("各县（市、区）", SUPPORT),
            Responsible("各区、县人民政府", SUPPORT),
        ],
        [],
    )


def test_a_county_group_does_not_share_its_suffix_with_a_zone_before_it():
    assert responsible_parse("泸州高新区、各区县人民政府") == (
        [Responsible("泸州高新区"), Responsible("各区县人民政府")],
        [],
    )


def test_the_table_spelling_of_the_county_group_is_silent():
    assert resolved(LUZHOU, [LUZHOU_COUNTIES], "各区(市、县)人民政府") == (["各区（市、县）人民政府"], [], [])


@pytest.mark.parametrize("spelling", COUNTY_SPELLINGS[1:])
def test_another_spelling_of_the_county_group_resolves_to_it_with_the_match_shown(spelling):
    assert resolved(LUZHOU, [LUZHOU_COUNTIES], spelling) == (
        ["各区（市、县）人民政府"],
        [],
        [f"“{spelling}”按单位表中的“各区（市、县）人民政府”识别，请确认"],
    )


def test_a_group_alias_in_the_table_is_silent():
    group = {**LUZHOU_COUNTIES, "aliases": ["各县市区"]}
    assert resolved(LUZHOU, [group], "各县市区") == (["各区（市、县）人民政府"], [], [])


def test_a_group_of_all_county_units_under_another_name_is_the_county_group():
    group = {"name": "全市县级人民政府", "members": ["泸县人民政府", "江阳区人民政府", "龙马潭区人民政府"]}
    assert resolved(LUZHOU, [group], "各县（市、区）人民政府") == (
        ["全市县级人民政府"],
        [],
        ["“各县（市、区）人民政府”按单位表中的“全市县级人民政府”识别，请确认"],
    )


def test_the_match_is_shown_once_per_spelling():
    registry = UnitRegistry(LUZHOU, [LUZHOU_COUNTIES])
    registry.resolve([Responsible("各县市区")])
    again, new_units, warnings = registry.resolve([Responsible("各县市区", SUPPORT)])
    assert (again, new_units, warnings) == ([Responsible("各区（市、县）人民政府", SUPPORT)], [], [])


def test_without_a_county_group_in_the_table_one_is_proposed_once():
    registry = UnitRegistry(MIANYANG, [])
    first = registry.resolve([Responsible("各县（市、区）人民政府"), Responsible("市科技局")])
    assert first == (
        [Responsible("各县（市、区）人民政府"), Responsible("市科技局")],
        [],
        [
            "单位组“各县（市、区）人民政府”不在单位表中，已新建（成员为单位表中的全部3个县级单位），请领导小组办公室确认"
        ],
    )
    other_spelling = registry.resolve([Responsible("各县市区")])
    same_spelling = registry.resolve([Responsible("各县（市、区）人民政府")])
    assert other_spelling == (
        [Responsible("各县（市、区）人民政府")],
        [],
        ["“各县市区”按新建的单位组“各县（市、区）人民政府”识别，请确认"],
    )
    assert same_spelling == ([Responsible("各县（市、区）人民政府")], [], [])
    assert registry.created_groups == [
        {
            "name": "各县（市、区）人民政府",
            "members": MIANYANG_COUNTIES,
            "note": "识别方案时新建：成员为单位表中的全部县级单位，请确认。",
            "needs_review": True,
        }
    ]
    assert registry.created == []


def test_a_proposed_county_group_without_county_units_says_its_members_are_missing():
    registry = UnitRegistry(MOUSHI, [])
    _resolved, _new, warnings = registry.resolve([Responsible("各区县人民政府")])
    assert warnings == [
        "单位组“各区县人民政府”不在单位表中，已新建（单位表中没有县级单位，成员待补），请领导小组办公室确认"
    ]
    assert registry.created_groups[0]["members"] == []


def test_a_group_of_some_counties_is_not_the_county_group():
    downtown = {"name": "城区人民政府", "members": ["江阳区人民政府", "龙马潭区人民政府"]}
    registry = UnitRegistry(LUZHOU, [downtown])
    registry.resolve([Responsible("各县（市、区）")])
    assert [g["name"] for g in registry.created_groups] == ["各县（市、区）"]


def test_the_districts_alone_are_not_the_county_group():
    """各区人民政府 in a city with counties too means the districts only: a new unit for the office."""
    assert resolved(LUZHOU, [LUZHOU_COUNTIES], "各区人民政府") == (
        ["各区人民政府"],
        ["各区人民政府"],
        [NEW_UNIT.format("各区人民政府")],
    )


# 3. A unit with its other name in brackets.


def test_a_nested_name_is_one_name_and_its_bracket_no_role():
    assert responsible_parse("牵头单位：市委宣传部（市版权局）；配合单位：市文广旅局") == (
        [Responsible("市委宣传部（市版权局）", LEAD), Responsible("市文广旅局", SUPPORT)],
        [],
    )


def test_a_nested_name_in_a_bracketed_clause():
    paragraph = "加强版权保护。（责任单位：市委宣传部（市版权局）、市公安局）"
    body, clause = responsible_clause(paragraph)
    assert (body, clause) == ("加强版权保护。", "责任单位：市委宣传部（市版权局）、市公安局")
    assert responsible_parse(clause)[0] == [Responsible("市委宣传部（市版权局）"), Responsible("市公安局")]


def test_a_nested_name_resolves_to_its_known_outer_name_silently():
    assert resolved(LUZHOU, [], "市委宣传部（市版权局）") == (["市委宣传部"], [], [])


def test_a_nested_name_resolves_to_its_known_inner_name_silently():
    assert resolved(MOUSHI, [], "市委宣传部（市版权局）") == (["市版权局"], [], [])


def test_a_nested_name_with_neither_name_known_is_one_new_unit():
    registry = UnitRegistry(MIANYANG, [])
    names, new_units, warnings = registry.resolve([Responsible("市委网信办（市网信局）", LEAD)])
    assert names == [Responsible("市委网信办（市网信局）", LEAD)]
    assert [(u["name"], u["kind"]) for u in new_units] == [("市委网信办（市网信局）", "party_department")]
    assert warnings == [NEW_UNIT.format("市委网信办（市网信局）")]


def test_a_nested_name_naming_two_units_of_the_table_takes_the_outer_with_a_warning():
    assert resolved(MOUSHI, [], "市科技局（市知识产权局）") == (
        ["市科技局"],
        [],
        [
            "“市科技局（市知识产权局）”按单位表中的“市科技局”识别，括号中的“市知识产权局”是单位表中的另一单位，请确认"
        ],
    )


# 4. Names in full and in short.


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("市中级人民法院", "市中级法院"),
        ("市市场监督管理局", "市市场监管局"),
        ("市科学技术局", "市科技局"),
        ("市经济和信息化局", "市经信局"),
        ("泸州市科学技术局", "市科技局"),
        ("市发展改革委", "市发改委"),
        ("市发展和改革委员会", "市发改委"),
    ],
)
def test_an_official_full_name_resolves_to_the_short_name_with_the_match_shown(written, canonical):
    assert resolved(LUZHOU, [], written) == (
        [canonical],
        [],
        [f"“{written}”按单位表中的“{canonical}”识别，请确认"],
    )


def test_a_short_name_resolves_to_the_table_full_name_with_the_match_shown():
    assert resolved(MOUSHI, [], "市卫健委") == (
        ["市卫生健康委员会"],
        [],
        ["“市卫健委”按单位表中的“市卫生健康委员会”识别，请确认"],
    )


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("市科技局", "市科技局"),
        ("绵阳市科学技术局", "市科技局"),
        ("市科学技术局", "市科技局"),
        ("绵阳市科技局", "市科技局"),
        ("绵阳市市场监督管理局", "市市场监管局"),
        ("中共绵阳市委宣传部", "市委宣传部"),
    ],
)
def test_exact_names_full_names_and_the_city_prefix_are_silent(written, canonical):
    assert resolved(MIANYANG, [], written) == ([canonical], [], [])


def test_an_alias_is_silent():
    assert resolved(LUZHOU, [], "市场监管局") == (["市市场监管局"], [], [])


def test_a_name_nothing_fits_stays_a_new_unit():
    assert resolved(LUZHOU, [], "市知识产权局") == (
        ["市知识产权局"],
        ["市知识产权局"],
        [NEW_UNIT.format("市知识产权局")],
    )


def test_a_short_name_two_units_could_have_is_a_new_unit_naming_both():
    assert resolved(MOUSHI, [], "市监管局") == (
        ["市监管局"],
        ["市监管局"],
        [
            "责任单位“市监管局”可能是单位表中的“市市场监管局”、“市金融监管局”，无法确定，"
            "已作为新单位列出，请领导小组办公室确认"
        ],
    )


@pytest.mark.parametrize(
    ("units", "written"),
    [
        (MIANYANG, "市市场监督局"),  # 市市场监督管理局 cut short: maybe another office, maybe a slip
        (MOUSHI, "市应急局"),  # 市应急管理局 cut short: the same rule, so the office decides
        (LUZHOU, "市科学技术馆"),  # a museum, not the bureau: another ending
        (LUZHOU, "江阳区科学技术局"),  # a district's bureau, not the city's: another first character
        (LUZHOU, "德阳市科技局"),  # another city's bureau
    ],
)
def test_names_that_only_look_alike_are_new_units(units, written):
    assert resolved(units, [], written) == ([written], [written], [NEW_UNIT.format(written)])


def test_an_abbreviation_match_is_shown_once_and_a_repeat_kept_once():
    registry = UnitRegistry(LUZHOU, [])
    names, _new, warnings = registry.resolve([Responsible("市科技局", LEAD), Responsible("市科学技术局")])
    assert names == [Responsible("市科技局", LEAD)]
    assert warnings == [
        "“市科学技术局”按单位表中的“市科技局”识别，请确认",
        "责任单位“市科技局”重复列出，只保留一次",
    ]
    assert registry.resolve([Responsible("市科学技术局", SUPPORT)]) == (
        [Responsible("市科技局", SUPPORT)],
        [],
        [],
    )


# The patterns together, through the parser.


def test_a_luzhou_plan_with_lead_and_support_lines_gives_roles_and_shows_its_matches():
    text = "\n".join(
        [
            "泸州市知识产权强市建设工作方案",
            "实施期为2023年1月至2025年12月。",
            "一、重点任务",
            "1.加强知识产权保护。开展专项执法行动。",
            "牵头单位：市市场监督管理局",
            "配合单位：市公安局，各县（市、区）",
            "2.促进转化运用。培育知识产权密集型企业。"
            "牵头单位：市科学技术局；配合单位：市委宣传部（市版权局）、各区县人民政府。",
        ]
    )
    result = plan_parse(text, completions={"units": LUZHOU, "groups": [LUZHOU_COUNTIES]})
    tasks = result.plan["sections"][0]["tasks"]
    assert [t["responsible"] for t in tasks] == [
        [
            {"name": "市市场监管局", "role": LEAD},
            {"name": "市公安局", "role": SUPPORT},
            {"name": "各区（市、县）人民政府", "role": SUPPORT},
        ],
        [
            {"name": "市科技局", "role": LEAD},
            {"name": "市委宣传部", "role": SUPPORT},
            {"name": "各区（市、县）人民政府", "role": SUPPORT},
        ],
    ]
    assert [(w.line, w.message) for w in result.warnings] == [
        (4, "“市市场监督管理局”按单位表中的“市市场监管局”识别，请确认"),
        (4, "“各县（市、区）”按单位表中的“各区（市、县）人民政府”识别，请确认"),
        (7, "“市科学技术局”按单位表中的“市科技局”识别，请确认"),
        (7, "“各区县人民政府”按单位表中的“各区（市、县）人民政府”识别，请确认"),
    ]
