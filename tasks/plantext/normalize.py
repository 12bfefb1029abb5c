"""From a plan's raw text to its paragraphs, each with the line it starts on: lines broken inside a sentence are
joined, stray spaces dropped, traditional characters made simplified, and page numbers and an issuing notice
before the plan set aside (each line listed with why; the notice's issuer kept). Pure functions on text."""

import re
from dataclasses import dataclass, field

from .responsible import responsible_clause
from .tables import Table, tables_take

CHINESE_NUMERAL = "一二三四五六七八九十"
# Headings as plans number them; half-width brackets and 、/．/. after digits are all seen in real files.
TOP_HEADING = re.compile(rf"^([{CHINESE_NUMERAL}]+)\s*[、，,．.]\s*(.*)$")
SUB_HEADING = re.compile(rf"^[（(]\s*([{CHINESE_NUMERAL}]+)\s*[）)]\s*[、，,．.]?\s*(.*)$")
ITEM = re.compile(r"^(\d{1,2})\s*(?:[.．、](?!\d)|[）)])\s*(.*)$")
# Outlines other cities use around and beneath those: 第一部分/第一章 above 一、, （1） and ① beneath 1., and goals
# written as "——知识产权创造更加高质。…" lines.
PART = re.compile(rf"^第([{CHINESE_NUMERAL}]+)(?:部分|章|篇)\s*[、，,．.：:]?\s*(.*)$")
SUB_ITEM = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、，,．.]?\s*(.*)$")
CIRCLED = re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩])\s*(.*)$")
DASHED = re.compile(r"^(?:——|—|－－|--)\s*(\S.*)$")
# The markers in the order they nest (第一部分 › 一、 › （一） › 1. › （1） › ①), each with its kind.
MARKERS = (("part", PART), ("top", TOP_HEADING), ("sub", SUB_HEADING), ("item", ITEM), ("sub_item", SUB_ITEM),
           ("circled", CIRCLED))  # fmt: skip
PAGE_NUMBER = re.compile(
    r"^[\s\-—－–_·•]*(?:第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?|\d{1,3})[\s\-—－–_·•]*$"
)
# A line that ends a sentence or a bracketed responsibility clause; any other line is continued by the next one
# (a line ending in "）" may be cut inside 各区（市、县）人民政府, so only a closing clause counts).
ENDINGS = tuple("。！？；]］】”」")
NOTICE = re.compile(r"^(?P<issuer>\S{0,30}?)关于印发\s*《(?P<title>.+)》\s*的通知$")
DOCUMENT_NUMBER = re.compile(r"^\S{1,12}〔\d{4}〕\s*\d+\s*号$")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
CJK = r"\u4e00-\u9fff"

# Traditional characters that plans and unit names use, with their simplified forms, in pairs. A table rather
# than a converter library: only these are needed, and each is unambiguous in this kind of text.
TRADITIONAL_PAIRS = (
    "權权產产識识標标責责單单區区縣县門门務务場场監监護护業业專专發发設设級级實实現现達达戶户個个萬万億亿計计劃划進进強强導导"
    "國国際际範范經经濟济營营貫贯財财員员會会辦办領领組组長长體体為为與与質质數数據据資资機机構构傳传統统農农藝艺術术歷历廣广"
    "漢汉鄉乡鎮镇價价創创優优勢势試试點点們们這这開开關关檢检審审結结於于滿满蓋盖網网絡络師师費费應应運运轉转換换圖图書书館馆"
    "廳厅處处總总則则規规準准證证號号園园樣样條条見见東东陽阳龍龙紀纪聯联認认類类鑒鉴斷断訊讯幣币銀银險险擔担償偿額额較较礎础"
    "環环節节獎奖勵励調调層层種种態态樹树競竞爭争參参輔辅諮咨詢询託托禮礼貿贸線线臺台灣湾雲云錢钱舉举協协裡里邊边麼么學学問问"
    "題题織织將将從从銷销隊队頭头複复雜杂罰罚記记錄录續续請请評评選选狀状況况約约築筑擴扩歲岁項项維维軟软雙双縮缩減减飛飞"
    "電电腦脑視视訴诉訟讼偵侦辦办鑑鉴護护衛卫醫医藥药"
)
TRADITIONAL = str.maketrans(TRADITIONAL_PAIRS[0::2], TRADITIONAL_PAIRS[1::2])
TRADITIONAL_ONLY = {
    t for t, s in zip(TRADITIONAL_PAIRS[0::2], TRADITIONAL_PAIRS[1::2], strict=True) if t != s
}


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based line of the source text where the paragraph starts
    text: str


@dataclass(frozen=True)
class Cleaned:
    paragraphs: list[Paragraph]
    title: str
    issuer: str
    notes: list[
        tuple[int, str]
    ]  # (line, message) worth telling the office, e.g. traditional characters made simplified
    tables: list[Table] = field(
        default_factory=list
    )  # tables found in the text (a .docx's, or pasted), taken out
    # Lines that are no part of the plan, with why: page numbers, the issuing notice, a document number before the
    # title. Listed in the preview with the skipped paragraphs, so no line of the source goes unsaid.
    set_aside: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)


PAGE_NUMBER_REASON = "页码，不导入"
NOTICE_REASON = "印发通知（文号、主送单位、正文、落款），不导入"


def text_clean(text: str) -> Cleaned:
    """The plan's paragraphs (title first), with where each starts in the source text."""
    notes: list[tuple[int, str]] = []
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Tables first: cleaning a line joins the cells that tabs or wide spaces keep apart.
    rest, tables = tables_take(list(enumerate(raw, 1)))
    lines = [(n, _line_clean(line)) for n, line in rest]
    converted = [n for n, line in lines if TRADITIONAL_ONLY.intersection(line)]
    if converted:
        lines = [(n, line.translate(TRADITIONAL)) for n, line in lines]
        notes.append(
            (converted[0], f"原文含繁体字（共{len(converted)}行），已按简体识别，请核对单位名称和指标名称")
        )
    set_aside = [(n, line, PAGE_NUMBER_REASON) for n, line in lines if line and PAGE_NUMBER.match(line)]
    numbered = [(n, line) for n, line in lines if line and not PAGE_NUMBER.match(line)]
    kept, title, issuer = _notice_removed(numbered)
    set_aside += _before_title(numbered[: len(numbered) - len(kept)])
    kept, title = _title_joined(kept, title)
    return Cleaned(
        paragraphs=_joined(kept),
        title=title,
        issuer=issuer,
        notes=notes,
        tables=tables,
        set_aside=sorted(set_aside),
    )


def _before_title(lines: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """The lines before the title, each with why it is not read: an issuing notice's, or a document number or
    附件 line standing alone."""
    if any(NOTICE.match(line) for _n, line in lines):
        return [(n, line, NOTICE_REASON) for n, line in lines]
    return [
        (n, line, "文号，不导入" if DOCUMENT_NUMBER.match(line) else "“附件”标记，不导入")
        for n, line in lines
    ]


# How a plan's title ends: the kind of document, or the years it covers in brackets.
TITLE_ENDINGS = ("方案", "规划", "计划", "意见", "办法", "纲要", "要点", "措施", "实施细则", "年）", "年)")
# The years a plan covers on a line of their own under its title: "（2024—2026年）".
TITLE_YEARS_LINE = re.compile(r"^[（(]\s*\d{4}\s*年?\s*[-—－–~～至到]+\s*\d{4}\s*年?\s*[）)]$")


def _title_joined(lines: list[tuple[int, str]], title: str) -> tuple[list[tuple[int, str]], str]:
    """A title broken over two lines (德阳市推进国家知识产权强市建设 / 试点城市工作方案): the second line, short and
    ending as titles do, is part of it when the first does not end so; the years it covers on the next line
    (某市……三年行动计划 / （2024—2026年）) are part of it in any case."""
    if len(lines) < 2 or lines[0][1] != title:
        return lines, title
    second = lines[1][1]
    if TITLE_YEARS_LINE.match(second):
        joined = title + second
        return [(lines[0][0], joined), *lines[2:]], joined
    if title.endswith(TITLE_ENDINGS):
        return lines, title
    if len(second) <= 30 and "。" not in second and second.endswith(TITLE_ENDINGS) and not is_heading(second):
        joined = title + second
        return [(lines[0][0], joined), *lines[2:]], joined
    return lines, title


def _line_clean(line: str) -> str:
    """No indentation, no spaces between Chinese characters or around Chinese punctuation (they come from
    justified Word text), half-width punctuation beside Chinese text made full-width."""
    line = line.replace("\u3000", " ").replace("\ufeff", "").strip()
    line = re.sub(rf"(?<=[{CJK}，。、；：（）《》“”【】])\s+(?=[{CJK}，。、；：（）《》“”【】\d])", "", line)
    line = re.sub(rf"(?<=[\d])\s+(?=[{CJK}%])", "", line)
    line = re.sub(rf"(?<=[{CJK}])\s*\(|\((?=\s*[{CJK}])", "（", line)
    line = re.sub(rf"(?<=[{CJK}（])\s*\)|\)(?=\s*[{CJK}])", "）", line)
    line = re.sub(rf"(?<=[{CJK}）])\s*,\s*(?=\S)", "，", line)
    line = re.sub(rf"(?<=[{CJK}）])\s*;\s*", "；", line)
    line = re.sub(rf"(?<=[{CJK}])\s*:\s*", "：", line)
    line = re.sub(rf"(?<=[{CJK}）])\s*\.(?=\s|$|[{CJK}（\[［【])", "。", line)
    line = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", line)  # 48,000件
    return line


def _notice_removed(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], str, str]:
    """Lines from the plan's title on, the title, and the issuer of an issuing notice ("关于印发《…》的通知" with
    its addressees, body, issuing office and date) when the file starts with one."""
    for index, (_n, line) in enumerate(lines[:8]):
        notice = NOTICE.match(line)
        if not notice:
            continue
        title = notice["title"]
        start = next((i for i in range(index + 1, len(lines)) if lines[i][1] == title), None)
        if start is None:
            return lines[index + 1 :], title, notice["issuer"]
        dated = [i for i in range(index, start) if DATE_LINE.match(lines[i][1])]
        issuer = lines[dated[-1] - 1][1] if dated and dated[-1] - 1 > index else notice["issuer"]
        return lines[start:], title, issuer
    # No notice: a document number or 附件 line may still stand before the title.
    while lines and (DOCUMENT_NUMBER.match(lines[0][1]) or re.fullmatch(r"附件\s*\d*[：:]?", lines[0][1])):
        lines = lines[1:]
    return lines, lines[0][1] if lines else "", ""


def is_heading(line: str) -> bool:
    """A heading line on its own (第一部分 总体要求 / 一、总体要求 / （一）指导思想): short, no full stop."""
    match = PART.match(line) or TOP_HEADING.match(line) or SUB_HEADING.match(line)
    return bool(match) and "。" not in line and len(line) <= 60


def _joined(lines: list[tuple[int, str]]) -> list[Paragraph]:
    """Lines joined into paragraphs: a line continues the one before when that one neither ends a sentence nor is
    the title or a heading, and this one does not start a heading or a numbered item."""
    paragraphs: list[Paragraph] = []
    for number, line in lines:
        if len(paragraphs) > 1:
            before = paragraphs[-1].text
            starts_new = bool(DASHED.match(line) or any(marker.match(line) for _kind, marker in MARKERS))
            ended = before.endswith(ENDINGS) or (
                before.endswith(("）", ")")) and responsible_clause(before)[1]
            )
            if not ended and not is_heading(before) and not starts_new:
                paragraphs[-1] = Paragraph(paragraphs[-1].line, before + line)
                continue
        paragraphs.append(Paragraph(number, line))
    return paragraphs
