"""A plan's period (start and end dates): from a sentence naming it (工作期为2022年7月-2025年6月, 实施期限为2024—2027年)
or, failing one, from the years in its title (……方案（2023—2025年）)."""

import re

from .measures import month_end
from .normalize import Paragraph

PERIOD = re.compile(
    r"(?P<y1>\d{4})\s*年?\s*(?:(?P<m1>\d{1,2})\s*月)?(?:份)?\s*(?:[-—－–~～至到]+|起至)\s*"
    r"(?:(?P<y2>\d{4})\s*年\s*)?(?:(?P<m2>\d{1,2})\s*月)?"
)
PERIOD_WORDS = ("工作期", "实施期", "建设期", "试点期", "创建期", "执行期", "期限", "时间为", "周期")

TITLE_YEARS = re.compile(r"[（(]\s*(\d{4})\s*年?\s*[-—－–~～至到]+\s*(\d{4})\s*年?\s*[）)]")


def period_of_title(title: str) -> tuple[str, str]:
    """The period a title gives in brackets (……工作方案（2023—2025年）): whole years."""
    match = TITLE_YEARS.search(title)
    if not match:
        return "", ""
    return f"{int(match[1]):04d}-01-01", month_end(int(match[2]), 12)


def period_of_text(paragraphs: list[Paragraph]) -> tuple[str, str] | None:
    """The plan's start and end from a sentence naming its period, in the text before the first heading (or
    anywhere, failing that)."""
    for paragraph in paragraphs:
        for sentence in re.split(r"[。；]", paragraph.text):
            if not any(word in sentence for word in PERIOD_WORDS):
                continue
            match = PERIOD.search(sentence)
            if match:
                y1, y2 = int(match["y1"]), int(match["y2"] or match["y1"])
                m1, m2 = int(match["m1"] or 1), int(match["m2"] or 12)
                return f"{y1:04d}-{m1:02d}-01", month_end(y2, m2)
    return None
