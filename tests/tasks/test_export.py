import json

from django.conf import settings

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
FIXTURE_ONLY = {"text", "aggregation", "source_text", "code_", "aliases", "note"}


def _strip(data: dict) -> dict:
    """The fixture less what export_plan does not print (texts, aliases, unit codes, loader settings)."""
    data = json.loads(json.dumps(data))
    data["plan"] = {k: data["plan"][k] for k in ("title", "start", "end")}
    data["units"] = [{k: u[k] for k in ("name", "full_name", "kind")} for u in data["units"]]
    data["groups"] = [{k: g[k] for k in ("name", "members")} for g in data["groups"]]
    items = data["areas"] + [t for s in data["sections"] for t in s["tasks"]] + data["safeguards"]
    for item in items:
        item.pop("text")
        for indicator in item.get("indicators", []):
            indicator.pop("aggregation", None)
            indicator.pop("source_text", None)
    return data


def test_export_is_exactly_the_fixture_it_was_loaded_from(exported):
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "deyang_plan.json").read_text(encoding="utf-8"))
    assert exported == _strip(fixture)


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
