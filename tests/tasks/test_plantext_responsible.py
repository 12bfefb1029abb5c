import json
from pathlib import Path

import pytest

from tasks.plantext.responsible import Responsible, UnitRegistry, responsible_clause, responsible_parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEYANG = json.loads(
    (Path(__file__).parent / "data" / "deyang_plan_expected.json").read_text(encoding="utf-8")
)
PARAGRAPHS = [
    *[(f"area {a['number']}", a["text"], a["responsible"]) for a in DEYANG["areas"]],
    *[
        (f"task {s['number']}.{t['number']}", t["text"], t["responsible"])
        for s in DEYANG["sections"]
        for t in s["tasks"]
    ],
    *[(f"safeguard {g['number']}", g["text"], g["responsible"]) for g in DEYANG["safeguards"]],
]
BODY = "加强知识产权保护，提升创新能力。"


def registry() -> UnitRegistry:
    return UnitRegistry(DEYANG["units"], DEYANG["groups"])


def parsed(paragraph: str) -> list[Responsible]:
    """The names of a paragraph's clause, asserting the parse itself had nothing to say."""
    _body, clause = responsible_clause(paragraph)
    names, warnings = responsible_parse(clause)
    assert warnings == []
    return names


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PARAGRAPHS], ids=[p[0] for p in PARAGRAPHS])
def test_every_deyang_paragraph_gives_the_fixture_responsible_units(text, expected):
    _body, clause = responsible_clause(text)
    names, parse_warnings = responsible_parse(clause)
    resolved, new_units, resolve_warnings = registry().resolve(names)
    assert resolved == [Responsible(name) for name in expected]
    assert (parse_warnings, new_units, resolve_warnings) == ([], [], [])


def test_every_clause_in_the_deyang_text_resolves_to_known_units():
    lines = (FIXTURES / "deyang_plan.txt").read_text(encoding="utf-8").splitlines()
    clauses = [clause for line in lines if (clause := responsible_clause(line)[1])]
    assert len(clauses) == len([p for p in PARAGRAPHS if p[2]])
    units = registry()
    for clause in clauses:
        names, warnings = responsible_parse(clause)
        resolved, new_units, more_warnings = units.resolve(names)
        assert resolved and (warnings, new_units, more_warnings) == ([], [], [])


@pytest.mark.parametrize(
    "clause",
    [
        "[责任单位：市科技局、市市场监管局]",
        "［责任单位：市科技局、市市场监管局］",
        "【责任单位：市科技局、市市场监管局】",
        "（责任单位：市科技局、市市场监管局）",
        "(责任单位:市科技局、市市场监管局)",
        "（市科技局、市市场监管局负责）",
        "(市科技局、市市场监管局负责)",
    ],
)
def test_every_bracket_style_is_read_as_the_clause(clause):
    body, inner = responsible_clause(BODY + clause)
    assert body == BODY
    names, warnings = responsible_parse(inner)
    assert names == [Responsible("市科技局"), Responsible("市市场监管局")]
    assert warnings == []


def test_clause_keeps_its_labels_for_the_parser():
    assert responsible_clause(BODY + "（牵头单位：市科技局；配合单位：市财政局）") == (
        BODY,
        "牵头单位：市科技局；配合单位：市财政局",
    )


def test_clause_followed_by_full_stop_and_spaces_is_found_and_the_stop_kept():
    body, clause = responsible_clause("加强知识产权保护（责任单位：市科技局）。 \n")
    assert (body, clause) == ("加强知识产权保护。", "责任单位：市科技局")


def test_unbracketed_last_sentence_is_the_clause():
    body, clause = responsible_clause(BODY + "责任单位：市科技局、市经信局。")
    assert (body, clause) == (BODY, "责任单位：市科技局、市经信局")
    assert parsed(BODY + "责任单位：市科技局、市经信局。") == [
        Responsible("市科技局"),
        Responsible("市经信局"),
    ]


def test_unbracketed_clause_keeps_a_role_bracket_inside_it():
    assert parsed(BODY + "\n责任单位：市科技局（牵头）、市经信局") == [
        Responsible("市科技局", "lead"),
        Responsible("市经信局"),
    ]


def test_lead_and_support_labels_set_the_roles_of_the_names_after_them():
    assert parsed(BODY + "（牵头单位：市市场监管局；配合单位：市科技局、市财政局）") == [
        Responsible("市市场监管局", "lead"),
        Responsible("市科技局", "support"),
        Responsible("市财政局", "support"),
    ]


def test_short_labels_and_a_label_without_separator_before_it():
    assert responsible_parse("牵头:市市场监管局 配合:市科技局，协同单位：市商务局") == (
        [
            Responsible("市市场监管局", "lead"),
            Responsible("市科技局", "support"),
            Responsible("市商务局", "support"),
        ],
        [],
    )


def test_roles_written_after_the_names():
    assert parsed(BODY + "（市科技局牵头，市经信局、市财政局配合）") == [
        Responsible("市科技局", "lead"),
        Responsible("市经信局", "support"),
        Responsible("市财政局", "support"),
    ]


def test_trailing_fuze_is_dropped():
    assert parsed(BODY + "（市科技局、市经信局负责）") == [Responsible("市科技局"), Responsible("市经信局")]


def test_ascii_punctuation_is_accepted():
    assert parsed(BODY + "(责任单位:市科技局,市经信局;市财政局)") == [
        Responsible("市科技局"),
        Responsible("市经信局"),
        Responsible("市财政局"),
    ]


def test_a_name_cut_by_a_line_break_is_joined_again():
    paragraph = BODY + "（责任单位：市科技局、市市场\n　　监管局、市 财政局）"
    assert parsed(paragraph) == [
        Responsible("市科技局"),
        Responsible("市市场监管局"),
        Responsible("市财政局"),
    ]


def test_shared_suffix_is_given_to_the_bare_place_names_before_it():
    assert parsed(BODY + "（责任单位：什邡市、绵竹市、中江县人民政府，市市场监管局）") == [
        Responsible("什邡市人民政府"),
        Responsible("绵竹市人民政府"),
        Responsible("中江县人民政府"),
        Responsible("市市场监管局"),
    ]


def test_shared_committee_suffix_for_zones():
    assert responsible_parse("德阳经开区、德阳高新区管委会") == (
        [Responsible("德阳经开区管委会"), Responsible("德阳高新区管委会")],
        [],
    )


def test_department_names_do_not_share_a_suffix():
    assert responsible_parse("市科技局、市市场监管局") == (
        [Responsible("市科技局"), Responsible("市市场监管局")],
        [],
    )


def test_office_and_its_member_units():
    names, warnings = responsible_parse(
        "责任单位：市国家知识产权强市建设试点城市工作领导小组办公室及成员单位"
    )
    assert names == [
        Responsible("市国家知识产权强市建设试点城市工作领导小组办公室"),
        Responsible("市国家知识产权强市建设试点城市工作领导小组成员单位"),
    ]
    assert warnings == []


def test_county_group_with_brackets_is_one_name_in_full_width():
    assert responsible_parse("各区(市、县)人民政府、市科技局") == (
        [Responsible("各区（市、县）人民政府"), Responsible("市科技局")],
        [],
    )


def test_he_and_ji_separate_whole_names_only():
    assert responsible_parse("市科技局和市经济和信息化局及市自然资源和规划局") == (
        [Responsible("市科技局"), Responsible("市经济和信息化局"), Responsible("市自然资源和规划局")],
        [],
    )


def test_empty_items_are_dropped():
    assert responsible_parse("责任单位：、市科技局，，市经信局、") == (
        [Responsible("市科技局"), Responsible("市经信局")],
        [],
    )


def test_an_item_that_is_not_a_name_is_kept_with_a_warning():
    names, warnings = responsible_parse("市科技局、各有关单位按照职责分工认真落实。市经信局")
    assert [n.name for n in names] == ["市科技局", "各有关单位按照职责分工认真落实。市经信局"]
    assert warnings == [
        "责任单位“各有关单位按照职责分工认真落实。市经信局”不像单位名称（过长或含句号），请核对原文"
    ]


def test_a_too_long_item_gives_a_warning():
    long_name = "市" + "知识产权" * 8 + "局"
    names, warnings = responsible_parse(long_name)
    assert names == [Responsible(long_name)]
    assert len(warnings) == 1 and long_name in warnings[0]


def test_a_clause_without_names_gives_a_warning():
    assert responsible_parse("责任单位：") == ([], ["责任单位条款“责任单位：”中没有找到单位名称"])


def test_paragraph_without_clause_is_returned_whole():
    paragraph = "健全知识产权投入机制，市县两级按规定设立知识产权类专项资金。"
    assert responsible_clause(paragraph) == (paragraph, "")
    assert responsible_parse("") == ([], [])


def test_bracket_in_the_middle_is_not_the_clause():
    paragraph = "对标《知识产权强国建设纲要（2021-2035年）》，全面推进强县建设（试点示范县）工作。"
    assert responsible_clause(paragraph) == (paragraph, "")


def test_bracket_at_the_end_that_names_no_unit_is_not_the_clause():
    paragraph = "贯彻落实《知识产权强国建设纲要（2021-2035年）》"
    assert responsible_clause(paragraph) == (paragraph, "")
    assert responsible_clause("引导企业推进示范园区（基地）") == ("引导企业推进示范园区（基地）", "")


def test_clause_with_nested_brackets_is_taken_whole():
    body, clause = responsible_clause("推动园区建设。［责任单位：各区（市、县）人民政府、德阳经开区管委会］")
    assert (body, clause) == ("推动园区建设。", "责任单位：各区（市、县）人民政府、德阳经开区管委会")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("德阳市市场监督管理局", "市市场监管局"),
        ("市市场监督管理局", "市市场监管局"),
        ("德阳市科技局", "市科技局"),
        ("德阳市委宣传部", "市委宣传部"),
        ("中共德阳市委组织部", "市委组织部"),
        ("市 科技局", "市科技局"),
        ("各区(市、县)人民政府", "各区（市、县）人民政府"),
        ("德阳经开区", "德阳经开区管委会"),
        ("德阳市旌阳区人民政府", "旌阳区人民政府"),
        (
            "市国家知识产权强市建设试点城市工作领导小组成员单位",
            "市国家知识产权强市建设试点城市工作领导小组成员单位",
        ),
    ],
)
def test_registry_matches_names_as_plans_write_them(written, canonical):
    assert registry().canonical(written) == canonical


def test_registry_does_not_know_an_unknown_name():
    assert registry().canonical("市大数据中心") is None


def test_full_name_is_resolved_to_the_short_name_and_keeps_its_role():
    names, _warnings = responsible_parse("牵头单位：德阳市市场监督管理局；配合单位：德阳市科学技术局")
    assert registry().resolve(names) == (
        [Responsible("市市场监管局", "lead"), Responsible("市科技局", "support")],
        [],
        [],
    )


def test_unknown_name_becomes_a_new_unit_for_the_office_to_confirm():
    resolved, new_units, warnings = registry().resolve([Responsible("市科技局"), Responsible("市大数据中心")])
    assert resolved == [Responsible("市科技局"), Responsible("市大数据中心")]
    assert new_units == [
        {
            "code": "new-1",
            "name": "市大数据中心",
            "full_name": "",
            "kind": "city_department",
            "aliases": [],
            "needs_review": True,
        }
    ]
    assert warnings == ["责任单位“市大数据中心”不在单位表中，已作为新单位列出，请领导小组办公室确认"]


def test_registry_remembers_new_units_across_calls():
    units = registry()
    units.resolve([Responsible("市大数据中心")])
    resolved, new_units, warnings = units.resolve([Responsible("市 大数据中心"), Responsible("市档案馆")])
    assert resolved == [Responsible("市大数据中心"), Responsible("市档案馆")]
    assert [(u["code"], u["name"]) for u in new_units] == [("new-1", "市大数据中心"), ("new-2", "市档案馆")]
    assert warnings == ["责任单位“市档案馆”不在单位表中，已作为新单位列出，请领导小组办公室确认"]
    assert [u["code"] for u in units.created] == ["new-1", "new-2"]


def test_a_unit_named_twice_is_kept_once_with_a_warning():
    resolved, _new, warnings = registry().resolve(
        [Responsible("市科技局", "lead"), Responsible("德阳市科技局")]
    )
    assert resolved == [Responsible("市科技局", "lead")]
    assert warnings == ["责任单位“市科技局”重复列出，只保留一次"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("德阳市某某区人民政府", "county"),
        ("某某县政府", "county"),
        ("某某景区管委会", "scenic"),
        ("某某园区管委会", "zone"),
        ("市委政法委", "party_department"),
        ("市委统战部", "party_department"),
        ("市统战部", "party_department"),
        ("市基层法院", "judicial"),
        ("某某区人民检察院", "judicial"),
        ("人行某某支行", "central"),
        ("中国人民银行某某分行", "central"),
        ("德阳海关", "central"),
        ("国家税务总局德阳市税务局", "central"),
        ("市科技创新工作领导小组办公室", "office"),
        ("市大数据中心", "city_department"),
    ],
)
def test_new_unit_kind_is_guessed_from_its_name(name, kind):
    _resolved, new_units, _warnings = registry().resolve([Responsible(name)])
    assert new_units[0]["kind"] == kind


def test_you_before_the_names_is_dropped():
    assert parsed("推进园区建设（由市科技局牵头负责）") == [Responsible("市科技局", "lead")]
