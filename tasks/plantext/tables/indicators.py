"""Reading an indicator table (the appendix 主要指标表, "主要指标详见附件") into the indicator form of `measures`,
one per row, with base value, nature (预期性/约束性), responsible units and area. Pure functions on text; a row,
column or table not read is said, with its line and why, and a reading to confirm (a yearly rate compounded) is
flagged."""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..measures import NUMBER, UOMS, _built, _plain, _split
from .finding import NUMBERED, Table

CHINESE_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)、.．]?$")

# Header words, checked in this order: 责任单位 before 单位, 指标属性 before 指标.
NUMBER_WORDS = ("序号", "编号", "序")
NATURE_WORDS = ("属性", "性质", "类型")
RESPONSIBLE_WORDS = ("责任", "牵头", "负责", "配合", "承担")
UOM_WORDS = ("单位", "计量单位", "单位名称")
AREA_WORDS = ("类别", "领域", "一级指标", "分类", "方面", "维度", "板块")
BASE_WORDS = ("基期", "基准", "现状", "基数", "基础", "现值", "实际", "起点")
TARGET_WORDS = ("目标", "预期值", "期望值")
NAME_WORDS = ("指标名称", "具体指标", "指标内容", "二级指标", "三级指标", "主要指标", "指标项", "指标", "名称")  # fmt: skip
YEAR_COLUMN = re.compile(r"^(?P<year>\d{4})\s*年?(?:末|底)?$")

NONE_VALUES = {"", "-", "—", "——", "－", "–", "/", "／", "无", "暂无", "\\"}
HALF_WIDTH = str.maketrans("０１２３４５６７８９％．＞＜＝≧≦", "0123456789%.><=≥≤")
PREFIXES = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "达到": ">=", "达": ">=", "至少": ">=",
    ">": ">", "超过": ">", "≤": "<=", "<=": "<=", "不高于": "<=", "不超过": "<=", "<": "<", "低于": "<",
    "新增": ">=", "累计新增": ">=", "建成": ">=", "培育": ">=",
}  # fmt: skip
TAILS = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": ">="}
VALUE = re.compile(
    rf"^(?P<pre>{'|'.join(sorted(map(re.escape, PREFIXES), key=len, reverse=True))})?(?P<num>{NUMBER})"
    r"(?P<mult>万|亿(?!元))?(?P<uom>[^\d]*?)(?P<tail>以上|以下|以内|左右)?$"
)
GROWTH_VERBS = {"增长": 1, "提高": 1, "提升": 1, "增加": 1, "减少": -1, "降低": -1, "下降": -1, "缩短": -1, "压缩": -1}  # fmt: skip
SINCE = r"(?:比|较)?(?:\d{4}年(?:末|底)?|基期)?(?:水平)?"
GROWTH = re.compile(
    rf"^{SINCE}(?P<annual>年均|年平均)?(?P<verb>{'|'.join(GROWTH_VERBS)})(?P<pct>{NUMBER})%(?:以上|左右)?$"
)
DOUBLE = re.compile(rf"^{SINCE}(?:实现)?(?P<times>翻一番|翻番|翻两番)(?:以上)?$")
# A target cell of words, no number: a milestone ("实现零的突破", "获批").
MILESTONE_WORDS = ("突破", "建成", "获批", "完成", "实现", "创建", "通过", "成功", "设立", "挂牌", "入选", "达标")  # fmt: skip
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


@dataclass
class TableRead:
    """What a table gave: its indicators, the rows (or columns) not read and why, the rows read on an assumption
    the office should confirm, and, when it is not an indicator table, why not."""

    indicators: list[dict] = field(default_factory=list)
    unread: list[tuple[int, str, str]] = field(default_factory=list)  # (line, row text, reason)
    flags: list[tuple[int, str, str]] = field(default_factory=list)  # (line, row text, what to confirm)
    used: bool = True
    reason: str = ""


class _Unread(Exception):
    """A cell that cannot be read; its message says why, in words for the office."""


def table_indicators(table: Table, *, default_deadline: str, plan_start: str = "") -> TableRead:
    """The indicators of a table with an indicator-name column, one per row, in the indicator form of `measures`
    plus baseline_value, nature, responsible, area and line. A target year in the header sets the target date
    (the plan's deadline when it is the deadline's year); a base column without a year is taken as the end of the
    year before `plan_start`. Rows that cannot be read are listed in `unread` with why, rows read on an
    assumption (a yearly rate compounded) in `flags`; a table that is not an indicator table is returned with
    used=False and the reason."""
    columns, years_note = _columns(table.header, plan_start=plan_start)
    if "name" not in columns:
        return TableRead(used=False, reason="没有“指标名称”列")
    if "target" not in columns:
        return TableRead(used=False, reason="没有目标值列（目标值或年份列）")
    read = TableRead()
    header_text = " | ".join(table.header)
    read.unread.extend((table.header_line, header_text, note) for note in years_note)
    target_year, base_year = columns.get("target_year"), columns.get("base_year")
    target_date = _target_date(target_year, default_deadline)
    if target_year and default_deadline and target_year > int(default_deadline[:4]):
        read.unread.append(
            (
                table.header_line,
                header_text,
                f"目标年份{target_year}年晚于方案截止日期{default_deadline}，请核对",
            )
        )
    if not base_year and "base" in columns and plan_start:
        base_year = int(plan_start[:4]) - 1
    context = {"target_date": target_date, "base_year": base_year, "target_year": target_year}
    group, area = "", ""
    for line, cells in table.rows:
        text = " | ".join(cells)
        if _is_group(cells, columns, width=len(table.header)):
            group = _group_name(cells)
            continue
        if len(cells) != len(table.header):
            reason = f"这一行有{len(cells)}格，表头有{len(table.header)}格，无法对应到列，未读取"
            read.unread.append((line, text, reason))
            continue
        if "area" in columns:  # an empty 类别 cell continues the one above, as a merged cell does in Word
            area = cells[columns["area"]] or area
        try:
            indicator, notes, flags = _row_indicator(cells, columns, context)
        except _Unread as error:
            read.unread.append((line, text, str(error)))
            continue
        read.unread.extend((line, text, note) for note in notes)
        read.flags.extend((line, text, flag) for flag in flags)
        indicator.update(area=area if "area" in columns and area else group, line=line)
        read.indicators.append(indicator)
    return read


def _columns(header: list[str], *, plan_start: str) -> tuple[dict, list[str]]:
    """Which column holds what ({"name": 1, "uom": 2, "base": 3, "target": 4, "target_year": 2025, …}), and
    notes on year columns that are not read (a mid-term target: one target per indicator is read)."""
    columns: dict = {}
    years: list[tuple[int, int]] = []
    names: list[int] = []
    marked: dict[str, list[tuple[int, int]]] = {"base": [], "target": []}  # (year or 0, index)
    for index, cell in enumerate(header):
        text = re.sub(r"\s", "", cell)
        year_match = re.search(r"\d{4}", text)
        year = int(year_match[0]) if year_match else None
        if not text:
            continue
        if text in NUMBER_WORDS:
            role = "number"
        elif any(word in text for word in NATURE_WORDS):
            role = "nature"
        elif any(word in text for word in RESPONSIBLE_WORDS):
            role = "co_responsible" if "配合" in text and "responsible" in columns else "responsible"
        elif text in UOM_WORDS or text.startswith(("单位（", "单位(", "计量单位")):
            role = "uom"
        elif any(word in text for word in AREA_WORDS):
            role = "area"
        elif any(word in text for word in BASE_WORDS):
            role = "base"
        elif any(word in text for word in TARGET_WORDS):
            role = "target"
        elif YEAR_COLUMN.match(text):
            years.append((year, index))
            continue
        elif text in NAME_WORDS or text.startswith("指标名称"):
            names.append(index)
            continue
        else:
            continue  # 备注, 数据来源…: the row's text keeps them in source_text
        if role in ("base", "target"):
            marked[role].append((year or 0, index))
        elif role not in columns:
            columns[role] = index
    # Several target columns ("2023年目标 | 2025年目标"): the last year's is the target, the earliest base the base.
    unread = []
    for role, pick in (("target", max), ("base", min)):
        if marked[role]:
            chosen = pick(marked[role], key=lambda column: column[0])
            columns[role], columns[f"{role}_year"] = chosen[1], chosen[0] or None
            unread += [column for column in marked[role] if column is not chosen]
    if names:
        columns["name"] = names[-1]  # 一级指标 | 二级指标: the most detailed one names the indicator
        if len(names) > 1 and "area" not in columns:
            columns["area"] = names[0]
    years.sort()
    start_year = int(plan_start[:4]) if plan_start else None
    only_a_past_year = len(years) == 1 and "base" not in columns and start_year and years[0][0] < start_year
    if "target" not in columns and years and not only_a_past_year:
        columns["target_year"], columns["target"] = years.pop()
    if "base" not in columns and years:
        columns["base_year"], columns["base"] = years.pop(0)
    notes = [
        f"“{header[index]}”列未读取（每个指标只读取基期值和目标值）"
        for _year, index in sorted(years + unread)
    ]
    return columns, notes


def _is_group(cells: list[str], columns: dict, *, width: int) -> bool:
    """A row naming a group of indicators: one cell ("一、知识产权创造", merged across the table), a numeral and a
    name ("一　知识产权创造" in a text table), or a full row with nothing but a number, a name or a category
    filled and either one cell filled or a Chinese numeral for its number ("一 | 知识产权创造 | | |")."""
    filled = [index for index, cell in enumerate(cells) if cell]
    if len(cells) == 1 or (len(cells) == 2 and width > 2 and CHINESE_NUMBER.match(cells[0])):
        return bool(filled)
    if len(cells) != width or not filled:
        return False
    if any(index not in (columns.get(role) for role in ("number", "name", "area")) for index in filled):
        return False
    number = cells[columns["number"]] if "number" in columns else ""
    return len(filled) == 1 or bool(CHINESE_NUMBER.match(number))


def _group_name(cells: list[str]) -> str:
    """A group row's name without its numbering: "一、知识产权创造" and "一 | 知识产权创造" are 知识产权创造."""
    filled = [cell for cell in cells if cell]
    if len(filled) > 1 and CHINESE_NUMBER.match(filled[0]):
        filled = filled[1:]
    return NUMBERED.sub("", " ".join(filled))


def _target_date(year: int | None, default_deadline: str) -> str:
    if not year or (default_deadline and int(default_deadline[:4]) == year):
        return default_deadline  # the plan's end, when the table's target year is the year it ends in
    return f"{year}-12-31"


def _row_indicator(cells: list[str], columns: dict, context: dict) -> tuple[dict, list[str], list[str]]:
    """One row's indicator, notes on what of it was not read and what of it to confirm. Raises _Unread when the
    row gives none."""
    uom = cells[columns["uom"]] if "uom" in columns else ""
    name, uom = _name_and_uom(cells[columns["name"]], "" if uom in NONE_VALUES else uom)
    if not name:
        raise _Unread("这一行没有指标名称，未读取")
    value = cells[columns["target"]].translate(HALF_WIDTH).replace(" ", "")
    if value in NONE_VALUES:
        raise _Unread("这一行没有目标值，未读取")
    notes: list[str] = []
    baseline = None
    if "base" in columns:
        try:
            baseline = _amount(cells[columns["base"]], uom)[0]
        except _Unread:
            notes.append(f"基期值“{cells[columns['base']]}”无法识别，未读取基期值")
    kind, comparison, target, factor, uom, annual = _target(value, name, uom, context)
    if comparison == "" and kind in ("level", "rate") and baseline is not None and baseline > target:
        comparison = "<="  # the target is below the base value: the figure is to come down (审查周期)
    indicator = _built(name, uom, kind, comparison or ">=", target, source=" | ".join(cells))
    base_year = context["base_year"]
    dated = base_year and (
        baseline is not None or kind == "relative"
    )  # a relative target is from the base year
    indicator.update(
        factor=factor,
        baseline_date=f"{base_year}-12-31" if dated else None,
        target_date=context["target_date"],
        baseline_value=baseline,
        nature=_nature(cells[columns["nature"]]) if "nature" in columns else "",
        # A 配合单位 column after the 牵头单位 one: its units follow the lead's, as a plan's text lists them.
        responsible=[
            unit
            for role in ("responsible", "co_responsible")
            if role in columns
            for unit in _split(cells[columns[role]], "、，,；;")
        ],
    )
    flags = []
    if annual:  # as measures reads "年均增长10%" in a sentence: compounded, kept as written, and flagged
        rate, years, phrase = annual
        indicator["annual_rate"] = rate
        flags.append(f"“{phrase}”按逐年复合折算为基期（{base_year}年底）的{factor}倍（{years}年），请确认")
    return indicator, notes, flags


def _name_and_uom(name: str, uom: str) -> tuple[str, str]:
    """The unit may be written in the name's closing bracket ("研发经费投入强度（%）") when there is no 单位 column."""
    bracket = re.fullmatch(r"(?P<name>.+?)\s*[（(](?P<uom>[^（()）]{1,6})[）)]", name)
    if not uom and bracket and (bracket["uom"] in UOMS or bracket["uom"].lstrip("万亿") in UOMS):
        return bracket["name"], bracket["uom"]
    return name, uom


def _target(value: str, name: str, uom: str, context: dict) -> tuple:
    """Kind, comparison ("" when the cell does not say), target, factor and unit of a target cell, and for a
    yearly rate (rate as written, years compounded, the words) to flag; a yearly rate compounds from the header's
    base year to its target year (年均增长10% over 2021→2025: 1.1⁴)."""
    growth, double = GROWTH.match(value), DOUBLE.match(value)
    annual = None
    if growth or double:
        if double:
            factor, sign = (4 if double["times"] == "翻两番" else 2), 1
        else:
            sign = GROWTH_VERBS[growth["verb"]]
            change = 1 + sign * Decimal(growth["pct"]) / 100
            if growth["annual"]:
                base_year, target_year = context["base_year"], context["target_year"]
                if not (base_year and target_year and target_year > base_year):
                    raise _Unread(f"目标值“{value}”是年均增速，表头没有基期和目标年份，无法换算，未读取")
                years = target_year - base_year
                change = (change**years).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                phrase = growth["annual"] + growth["verb"] + growth["pct"] + "%"
                annual = (_plain(Decimal(growth["pct"])), years, phrase)
            factor = _plain(change)
        return "relative", ">=" if sign > 0 else "<=", None, factor, uom, annual
    if not re.search(r"\d", value) and any(word in value for word in MILESTONE_WORDS):
        return "milestone", ">=", 1, None, uom, None
    target, uom, said, lead = _amount(value, uom)
    if uom == "%" or name.endswith(("率", "比例", "占比")):
        kind = "rate"
    elif name.startswith(("新增", "累计新增")) or lead in ("新增", "累计新增"):
        kind = "increment"
    elif "累计" in name:
        kind = "cumulative"
    else:
        kind = "level"
    return kind, said, target, None, uom, None


def _amount(cell: str, uom: str) -> tuple[int | float | None, str, str, str]:
    """A number cell read in the unit of its column: (number, unit, comparison said or "", leading verb); None
    for an empty or dashed cell. "1.2万" in a 件 column is 12000 件 and a 万件 column is read in 件, as
    `measures` reads "1.2万件"; 万元 and 亿元 stay units. Raises _Unread for what it cannot read."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", cell.translate(HALF_WIDTH).replace(" ", ""))
    if text in NONE_VALUES:
        return None, uom, "", ""
    match = VALUE.match(text)
    if not match:
        raise _Unread(f"目标值“{cell}”无法识别，未读取")
    number = Decimal(match["num"])
    written = (match["mult"] or "") + match["uom"]
    if written and uom and written != uom:
        if not (match["mult"] and match["uom"] in ("", uom)):
            raise _Unread(f"“{cell}”的单位与单位列“{uom}”不一致，未读取")
        number *= MULTIPLIERS[match["mult"]]
        written = ""
    uom = uom or written
    if uom not in UOMS and uom[:1] in MULTIPLIERS and uom[1:]:
        number, uom = number * MULTIPLIERS[uom[0]], uom[1:]
    said = TAILS.get(match["tail"] or "") or PREFIXES.get(match["pre"] or "", "")
    return _plain(number), uom, said, match["pre"] or ""


def _nature(cell: str) -> str:
    return "约束性" if "约束" in cell else "预期性" if "预期" in cell else ""
