"""A variant of the Deyang plan as another office might upload it: retitled, ASCII brackets in the clauses,
one unit misspelled (市市场监督局 for 市市场监管局) and one the portal does not know (市大数据中心)."""

from django.conf import settings

TITLE = "德阳市推进国家知识产权强市建设试点城市工作方案（修订稿）"
MISSPELLED, UNKNOWN = "市市场监督局", "市大数据中心"


def deyang_text() -> str:
    return (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")


def variant_text() -> str:
    text = deyang_text().replace("德阳市推进国家知识产权强市建设试点城市工作方案", TITLE, 1)
    text = text.replace("（责任单位：市市场监管局）\n", f"(责任单位:{MISSPELLED}、{UNKNOWN})\n", 1)
    return text.replace(
        "（责任单位：市中级法院、市检察院、市公安局）", "(市中级法院、市检察院、市公安局负责)"
    )
