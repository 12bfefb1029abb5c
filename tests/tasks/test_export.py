import json
from pathlib import Path

from django.conf import settings

from tasks.plantext import plan_parse
from tasks.selectors import plan_export_shape

IND_KEYS = [
    "code",
    "name",
    "uom",
    "kind",
    "direction",
    "comparison",
    "target",
    "factor",
    "baseline_date",
    "target_date",
    "ref",
]


def test_export_is_exactly_the_reviewed_structure_of_the_text(exported):
    reviewed = json.loads(
        (Path(__file__).parent / "data" / "deyang_plan_expected.json").read_text(encoding="utf-8")
    )
    assert exported == plan_export_shape(reviewed)


def test_export_is_exactly_what_the_parser_reads_from_the_text_and_completions(exported):
    fixtures = settings.BASE_DIR / "fixtures"
    completions = json.loads((fixtures / "deyang_completions.json").read_text(encoding="utf-8"))
    result = plan_parse((fixtures / "deyang_plan.txt").read_text(encoding="utf-8"), completions=completions)
    assert result.warnings == []
    assert exported == plan_export_shape(result.plan)


def test_export_has_exactly_the_documented_shape(exported):
    assert list(exported) == ["plan", "units", "groups", "areas", "sections", "safeguards"]
    assert list(exported["plan"]) == ["title", "start", "end"]
    assert all(list(u) == ["name", "full_name", "kind"] for u in exported["units"])
    assert all(list(g) == ["name", "members"] for g in exported["groups"])
    assert all(
        list(a) == ["number", "name", "headline", "responsible", "indicators"] for a in exported["areas"]
    )
    assert all(list(s) == ["number", "title", "tasks"] for s in exported["sections"])
    tasks = [t for s in exported["sections"] for t in s["tasks"]]
    assert all(list(t) == ["number", "title", "responsible", "indicators"] for t in tasks)
    assert all(list(s) == ["number", "title", "responsible"] for s in exported["safeguards"])
    indicators = [i for a in exported["areas"] for i in a["indicators"]] + [
        i for t in tasks for i in t["indicators"]
    ]
    assert indicators and all(list(i) == IND_KEYS for i in indicators)


def test_export_numbers_are_json_numbers_not_strings(exported):
    targets = {i["code"]: i["target"] for a in exported["areas"] for i in a["indicators"]}
    assert targets["1.1"] == 402 and isinstance(targets["1.1"], int)
    assert targets["2.3"] == 22
    assert targets["1.3"] is None
