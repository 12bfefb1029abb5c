"""Numeric targets as plans write them ("到2025年6月，高新技术企业达到402户"): the clauses of a paragraph, the
deadline they fall under, and for each target its name, kind, comparison, number and unit of measure. Pure
functions on text; the result is the indicator form of `export_plan` without its code."""

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

NUMBER = r"\d+(?:\.\d+)?"
# Units of measure after a number; tried longest first so 人次 wins over 人, 分钟 over 分 and 亿元 over 亿.
UOMS = (
    "个工作日", "平方米", "工作日", "人次", "家次", "场次", "公里", "小时", "分钟", "亿元", "万元", "元",
    "户", "件", "个", "家", "人", "项", "所", "座", "次", "天", "名", "场", "期", "批", "套", "台", "条", "篇",
    "部", "款", "处", "倍", "分", "%",
)  # fmt: skip
UOM = "|".join(re.escape(u) for u in sorted(UOMS, key=len, reverse=True))
# 万 and 亿 multiply the number ("2万件"), except in 万元 and 亿元, which plans keep as units.
AMOUNT = rf"(?P<num>{NUMBER})\s*(?P<mult>万(?!元)|亿(?!元))?\s*(?P<uom>{UOM})"
TAIL = r"(?P<tail>以上|以下|以内|左右)?"
# Verbs between a name and its number, and what they say about the comparison.
VERBS = {
    "达到": ">=", "达": ">=", "不低于": ">=", "不少于": ">=", "至少": ">=", "保持在": ">=", "稳定在": ">=",
    "提高到": ">=", "提升到": ">=", "提高至": ">=", "提升至": ">=", "增至": ">=", "增加到": ">=",
    "超过": ">", "突破": ">", "高于": ">", "多于": ">",
    "控制在": "<=", "不超过": "<=", "不高于": "<=", "低于": "<=", "降至": "<=", "降低到": "<=", "降低至": "<=",
    "减少到": "<=", "减少至": "<=", "缩短到": "<=", "缩短至": "<=",
}  # fmt: skip
VERB = "|".join(sorted(VERBS, key=len, reverse=True))
# Verbs before a name whose number closes the clause ("建成省级高价值专利育成中心5个"); 新增 stays in the name.
LEADS = ("累计新增", "新增", "建成", "培育", "拥有", "争创", "创建", "打造", "引进", "引育", "培养", "建设", "认定",
         "获批", "实现", "完成", "开展", "组织", "举办", "设立", "新建")  # fmt: skip
MILESTONE_LEADS = ("争创", "创建", "获批")
DROPPED_OPENINGS = ("将", "使", "力争", "确保", "推动")
# Verbs of doing before a name whose figure follows a verb ("开展执法检查不少于200人次"): what is counted is the
# 执法检查, as "举办银企对接会4场次" counts the 银企对接会.
ACTIVITY_LEADS = ("组织开展", "开展", "举办", "组织")
# Words of aim between a name and its figure ("有效发明专利力争突破5000件"): they belong to neither.
DROPPED_AIMS = ("力争", "确保", "争取")
TAIL_COMPARISON = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": ">="}

CHANGE_VERB = "增长|提高|提升|增加|减少|降低|下降|缩短|压缩"
DECREASE_VERBS = ("减少", "降低", "下降", "缩短", "压缩")

SINGLE = re.compile(rf"^(?P<name>.+?)(?P<cum>累计)?(?P<verb>{VERB}){AMOUNT}{TAIL}$")
CLOSING_NUMBER = re.compile(rf"^(?P<lead>{'|'.join(LEADS)})?(?P<name>.+?)(?P<each>各)?{AMOUNT}{TAIL}$")
RELATIVE = re.compile(
    rf"^(?P<name>.+?)(?:比|较)(?P<year>\d{{4}})年(?P<when>初|底|末)?(?:水平)?(?:(?P<double>翻一番|翻番|翻两番)|"
    rf"(?P<verb>{CHANGE_VERB})(?P<pct>{NUMBER})%)(?:以上)?$"
)
RELATIVE_NO_BASE = re.compile(rf"^(?P<name>.+?)(?P<verb>{CHANGE_VERB})(?P<pct>{NUMBER})%(?:以上)?$")
# A yearly rate: "年均增长10%" (from a year written before it, or from the year before the plan starts) and
# "比上年增长10%" (each year over the one before); both compound to the deadline and are flagged for the office.
ANNUAL = re.compile(
    rf"^(?P<name>.+?)(?:(?:比|较)(?P<year>\d{{4}})年(?P<when>初|底|末)?(?:水平)?)?(?:年均|年平均)"
    rf"(?P<verb>{CHANGE_VERB})(?P<pct>{NUMBER})%(?:以上)?$"
)
YEAR_ON_YEAR = re.compile(
    rf"^(?P<name>.+?)(?:比上年|较上年|比上一年|较上一年|同比)(?P<verb>{CHANGE_VERB})(?P<pct>{NUMBER})%(?:以上)?$"
)
ANNUAL_PHRASE = re.compile(rf"(?:年均|年平均|比上年|较上年|比上一年|较上一年|同比)(?:{CHANGE_VERB}){NUMBER}%")
# Goals with no figure, read only when asked (milestones=True): "国家级知识产权示范园区实现零的突破",
# "获批建设国家知识产权保护中心", "建成市级知识产权公共服务平台".
ZERO_BREAKTHROUGH = re.compile(r"^(?P<name>.+?)实现零的?突破$")
MILESTONE_LEAD = re.compile(r"^(?:建成|获批(?:建设|设立)?|争创|创建)(?P<name>.+)$")
RATE_INSIDE = re.compile(rf"^(?P<before>[^\d]+?)(?P<num>{NUMBER})%(?P<after>[^\d]+)$")
DEADLINE = re.compile(
    r"^(?:力争|预计)?(?:到|至|截至|截止到?)(?P<year>\d{4})年(?:(?P<month>\d{1,2})月)?(?:底|末)?[，,]?"
)
# Item numbers inside a text: "（1）", "(2)", "①", "⑴".
ITEM_NUMBER = r"[（(]\d{1,2}[）)]|[\u2460-\u2473\u2474-\u2487]"
# What is not a target though it has digits: years, months and days, titles in 《》 and “”, and item numbers.
NOT_FIGURES = re.compile(
    r"《[^》]*》|“[^”]*”|\d{4}\s*[-—－–至]\s*\d{4}年|\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|〔\d{4}〕|"
    + ITEM_NUMBER
)


@dataclass
class Found:
    """The targets of one paragraph, the clauses with figures that were not read as targets, and the clauses read
    as targets on an assumption the office should confirm (clause, message)."""

    targets: list[dict] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)


def targets_find(
    text: str, *, default_deadline: str, plan_start: str = "", milestones: bool = False
) -> Found:
    """Every target in a paragraph's text (its responsibility clause already taken off), in order.

    plan_start (ISO date) gives the baseline of a yearly rate written without a year: the end of the year before
    the plan starts. milestones=True also reads goals with no figure ("建成…", "实现零的突破"); goal paragraphs ask
    for them, task paragraphs (full of 建成 and 建设) do not."""
    found = Found()
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,200件
    text = re.sub(r"\s*(\d+(?:\.\d+)?)\s*", r"\1", text)  # 达 1200 件
    for sentence in _split(text, "。；！？\n"):
        deadline = default_deadline
        for clause in _split(sentence, "，,"):
            clause, deadline = _deadline_taken(clause, deadline)
            clause = re.sub(rf"^(?:{ITEM_NUMBER})\s*", "", clause)
            if not clause:
                continue
            if not re.search(r"\d|翻一番|翻番|翻两番", NOT_FIGURES.sub("", clause)):
                milestone = _milestone(clause) if milestones else None
                if milestone:
                    found.targets.append({**milestone, "target_date": deadline})
                continue
            targets = [{**t, "target_date": deadline} for t in _clause_targets(clause)]
            messages = [_compounded(t, plan_start=plan_start) for t in targets if "annual_rate" in t]
            if targets and None not in messages:
                found.targets.extend(targets)
                found.flags.extend((clause, message) for message in messages)
            else:
                found.unread.append(clause)
    return found


def month_end(year: int, month: int) -> str:
    return datetime.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _deadline_taken(clause: str, deadline: str) -> tuple[str, str]:
    """A clause opening with "到2025年6月" sets the deadline of what follows in the sentence."""
    match = DEADLINE.match(clause)
    if not match:
        return clause, deadline
    year, month = int(match["year"]), int(match["month"] or 12)
    return clause[match.end() :], month_end(year, month)


def _split(text: str, separators: str) -> list[str]:
    """Text split at separators outside brackets and quotation marks."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char in "（(《“【[") - (char in "）)》”】]")
        if char in separators and depth <= 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


def _clause_targets(clause: str) -> list[dict]:
    """One clause's targets: several when it lists them ("A15人、B100人") or shares one number ("A、B和C各1家")."""
    each = CLOSING_NUMBER.match(clause)
    if each and each["each"]:
        return _each_targets(clause, each)
    pieces = _listed(clause)
    targets = [target for piece in pieces if (target := _target(piece))]
    if len(targets) != len(pieces):
        return []
    _qualifier_shared(targets)
    return targets


def _listed(clause: str) -> list[str]:
    """A clause split at 、 where the part before ends with a figure: "知识产权师15人、专利代理师100人"."""
    pieces = _split(clause, "、")
    merged: list[str] = []
    for piece in pieces:
        if merged and not re.search(rf"{AMOUNT}{TAIL}$", merged[-1]):
            merged[-1] += "、" + piece
        else:
            merged.append(piece)
    return merged


def _target(piece: str) -> dict | None:
    source = piece
    piece = _opening_dropped(piece)
    annual = ANNUAL.match(piece) or YEAR_ON_YEAR.match(piece)
    if annual:
        return _annual(annual, source)
    relative = RELATIVE.match(piece) or RELATIVE_NO_BASE.match(piece)
    if relative:
        return _relative(relative, source)
    single = SINGLE.match(piece)
    if single:
        comparison = VERBS[single["verb"]]
        if comparison == ">=":
            comparison = TAIL_COMPARISON.get(single["tail"] or "", ">=")
        kind = "cumulative" if single["cum"] else None
        name = single["name"]
        lead = next(
            (lead for lead in ACTIVITY_LEADS if name.startswith(lead) and len(name) > len(lead) + 1), ""
        )
        return _indicator(name[len(lead) :], single, comparison=comparison, kind=kind, source=source)
    closing = CLOSING_NUMBER.match(piece)
    if closing:
        lead = closing["lead"] or ""
        name = closing["name"]
        kind = None
        for added in ("累计新增", "新增"):  # "专精特新中小企业新增20家" is named as "新增…15户" is
            if not lead and name.endswith(added) and len(name) > len(added):
                lead, name = added, name[: -len(added)]
                break
        if lead in ("新增", "累计新增"):
            name, kind = lead + name, "increment"
        elif lead in MILESTONE_LEADS:
            kind = "milestone"
        comparison = TAIL_COMPARISON.get(closing["tail"] or "", ">=")
        return _indicator(name, closing, comparison=comparison, kind=kind, source=source)
    inside = RATE_INSIDE.match(piece)
    if inside:
        name = inside["before"] + inside["after"]
        name += (
            "" if name.endswith(("率", "比例")) else "比例"
        )  # "被处罚信息100%公示" is the share of them published
        return _built(name, "%", "rate", ">=", _number(inside["num"]), source=source)
    return None


def _opening_dropped(piece: str) -> str:
    """ "力争高新技术企业达到500家" → "高新技术企业达到500家": the opening word is not part of the name."""
    for opening in DROPPED_OPENINGS:
        if piece.startswith(opening) and len(piece) > len(opening) + 2:
            piece = piece[len(opening) :]
    return piece


def _aim_dropped(name: str) -> str:
    """ "有效发明专利力争" → "有效发明专利": the aim before the verb is not part of what is counted."""
    for aim in DROPPED_AIMS:
        if name.endswith(aim) and len(name) > len(aim):
            return name[: -len(aim)]
    return name


def _milestone(clause: str) -> dict | None:
    """A goal with no figure, achieved or not: "国家级知识产权示范园区实现零的突破", "建成市级知识产权公共服务平台"."""
    piece = _opening_dropped(clause)
    match = ZERO_BREAKTHROUGH.match(piece) or MILESTONE_LEAD.match(piece)
    if not match:
        return None
    return _built(match["name"], "", "milestone", ">=", 1, source=clause)


def _indicator(name: str, match: re.Match, *, comparison: str, kind: str | None, source: str) -> dict:
    number = Decimal(match["num"]) * {"万": 10_000, "亿": 100_000_000}.get(match["mult"] or "", 1)
    uom = match["uom"]
    if kind is None:
        kind = "rate" if uom == "%" or name.endswith("率") else "level"
    return _built(name, uom, kind, comparison, _plain(number), source=source)


def _built(name: str, uom: str, kind: str, comparison: str, target, *, source: str) -> dict:
    aggregation = {"rate": "ratio", "milestone": "lead", "relative": "lead"}.get(kind, "sum")
    if kind == "rate" and name.endswith(("满意度", "知晓率", "认知度")):
        aggregation = "lead"  # a survey result: one figure for the city, not a sum of units' counts
    if uom == "分":
        aggregation = "lead"  # an evaluation score ("营商环境…得分85分以上") is the city's, not a sum
    return {
        "name": _aim_dropped(name.strip()),
        "uom": uom,
        "kind": kind,
        "direction": "decrease" if comparison in ("<", "<=") else "increase",
        "comparison": comparison,
        "target": target,
        "factor": None,
        "baseline_date": None,
        "ref": None,
        "aggregation": aggregation,
        "source_text": source,
    }


def _relative(match: re.Match, source: str) -> dict:
    if match.groupdict().get("double"):
        factor = 4 if match["double"] == "翻两番" else 2
        decrease = False
    else:
        decrease = match["verb"] in DECREASE_VERBS
        change = Decimal(match["pct"]) / 100
        factor = _plain(1 - change if decrease else 1 + change)
    indicator = _built(match["name"], "", "relative", "<=" if decrease else ">=", None, source=source)
    indicator["factor"] = factor
    year = match.groupdict().get("year")
    if year:
        indicator["baseline_date"] = f"{year}-01-01" if match["when"] == "初" else f"{year}-12-31"
    return indicator


def _annual(match: re.Match, source: str) -> dict:
    """A yearly rate, kept as annual_rate (the percentage as written; direction says whether it grows or falls).
    Its factor over the whole span needs the deadline and the plan's start: see _compounded."""
    decrease = match["verb"] in DECREASE_VERBS
    indicator = _built(match["name"], "", "relative", "<=" if decrease else ">=", None, source=source)
    indicator["annual_rate"] = _number(match["pct"])
    year = match.groupdict().get("year")
    if year:
        indicator["baseline_date"] = f"{year}-01-01" if match["when"] == "初" else f"{year}-12-31"
    return indicator


def _compounded(target: dict, *, plan_start: str) -> str | None:
    """Set a yearly rate's factor, compounded over the years from its baseline to its deadline ("年均增长10%"
    over 4 years: 1.1^4 = 1.4641), and return the message asking the office to confirm that reading. None when
    the baseline's year is unknown (no year written and no plan start) or not before the deadline."""
    if target["baseline_date"]:
        base = datetime.date.fromisoformat(target["baseline_date"])
        at_start = base.month == 1  # 比2021年初: the baseline is the end of 2020
        base_year = base.year - 1 if at_start else base.year
        label = f"{base.year}年{'初' if at_start else '底'}"
    elif plan_start:
        base_year = int(plan_start[:4]) - 1
        target["baseline_date"] = f"{base_year}-12-31"
        label = f"{base_year}年底"
    else:
        return None
    years = int(target["target_date"][:4]) - base_year
    if years < 1:
        return None
    rate = Decimal(str(target["annual_rate"])) / 100
    step = 1 - rate if target["direction"] == "decrease" else 1 + rate
    factor = _plain((step**years).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    target["factor"] = factor
    phrase = ANNUAL_PHRASE.search(target["source_text"])[0]
    return f"“{phrase}”按逐年复合折算为基期（{label}）的{factor}倍（{years}年），请确认"


def _each_targets(clause: str, match: re.Match) -> list[dict]:
    """ "争创A、B和C各1家": one target per name, each with the shared number; a short name borrows the first name's
    beginning ("国家知识产权试点区（市、县）、园区" → 国家知识产权试点园区)."""
    lead = match["lead"] or ""
    names = [n for piece in _split(match["name"], "、") for n in re.split(r"和|及|与", piece) if n]
    names = [_borrowed(names[0], name) if index else name for index, name in enumerate(names)]
    kind = "milestone" if lead in MILESTONE_LEADS else ("increment" if lead == "新增" else None)
    comparison = TAIL_COMPARISON.get(match["tail"] or "", ">=")
    return [_indicator(name, match, comparison=comparison, kind=kind, source=clause) for name in names]


def _borrowed(first: str, name: str) -> str:
    if len(name) > 3 or name[-1] not in first:
        return name
    return first[: first.index(name[-1])] + name


def _qualifier_shared(targets: list[dict]) -> None:
    """ "服务德阳企业的知识产权师15人、专利代理师100人": the qualifier ending in 的 applies to every name."""
    first = targets[0]["name"]
    if len(targets) < 2 or "的" not in first:
        return
    qualifier = first[: first.rindex("的") + 1]
    for target in targets[1:]:
        if "的" not in target["name"]:
            target["name"] = qualifier + target["name"]


def _number(text: str):
    return _plain(Decimal(text))


def _plain(number: Decimal) -> int | float:
    """A JSON number as export_plan writes it: 402, not 402.0; 0.9 as a float."""
    return int(number) if number == number.to_integral_value() else float(number)
