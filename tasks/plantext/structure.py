"""A plan's paragraphs read into the structure of `export_plan`: title and period, goal areas with their targets,
sections with their tasks, safeguards, responsible units. What it cannot classify becomes a warning with its
line; nothing is guessed silently."""

import copy
import difflib
import re
from dataclasses import dataclass, field

from .measures import month_end, targets_find
from .normalize import ITEM, SUB_HEADING, TOP_HEADING, Paragraph, text_clean
from .responsible import Responsible, UnitRegistry, responsible_clause, responsible_parse

PERIOD = re.compile(
    r"(?P<y1>\d{4})\s*年?\s*(?:(?P<m1>\d{1,2})\s*月)?(?:份)?\s*(?:[-—－–~～至到]+|起至)\s*"
    r"(?:(?P<y2>\d{4})\s*年\s*)?(?:(?P<m2>\d{1,2})\s*月)?"
)
PERIOD_WORDS = ("工作期", "实施期", "建设期", "试点期", "创建期", "执行期", "期限", "时间为", "周期")
GOALS = ("主要目标", "工作目标", "建设目标", "具体目标", "发展目标", "总体目标", "目标任务", "创建目标")
SAFEGUARDS = ("保障措施", "保障机制", "组织保障", "组织实施", "工作保障", "保障")
TASKS = (
    "主要任务",
    "重点任务",
    "主要工作",
    "工作任务",
    "重点工作",
    "主要举措",
    "重点举措",
    "任务",
    "举措",
    "行动",
)
CONTEXT = ("总体要求", "指导思想", "基本原则", "工作原则", "总体思路", "工作背景", "基本情况", "发展基础")
# Words a goal's headline puts after what it is about ("知识产权创造更加高质" is about 创造).
HEADLINE_VERBS = ("更加", "进一步", "显著", "持续", "全面", "明显", "大幅")
DEFAULT_DUE_DAYS = 10


@dataclass(frozen=True)
class ParseWarning:
    line: int
    text: str
    message: str
    subject: str = ""  # what settles it, when the office can fix it in the draft: "uom:1.3"


@dataclass
class ParseResult:
    plan: dict
    warnings: list[ParseWarning] = field(default_factory=list)


@dataclass
class _Item:
    """An area, task or safeguard being read: where it starts and its text so far."""

    kind: str  # area / task / safeguard
    line: int
    number: str
    title: str
    text: str
    section: dict | None = None
    titled: bool = True  # its text starts with its number and title ("1.知识产权创造更加高质。…")


class _Reader:
    def __init__(self, completions: dict) -> None:
        self.completions = completions
        self.registry = UnitRegistry(completions.get("units", []), completions.get("groups", []))
        self.warnings: list[ParseWarning] = []
        self.areas: list[dict] = []
        self.sections: list[dict] = []
        self.safeguards: list[dict] = []
        self.items: list[_Item] = []
        self.end = ""
        self.goals_title = ""
        self.lines: dict[str, int] = {}  # indicator code → line of the goal or task it is written in

    def warn(self, line: int, text: str, message: str, subject: str = "") -> None:
        self.warnings.append(ParseWarning(line=line, text=text[:80], message=message, subject=subject))

    # Reading paragraphs into items.

    def read(self, paragraphs: list[Paragraph]) -> None:
        mode, top_number, top_title, goals_intro = "preamble", "", "", []
        for paragraph in paragraphs:
            text = paragraph.text
            top, sub, item = TOP_HEADING.match(text), SUB_HEADING.match(text), ITEM.match(text)
            if top and not _is_sentence(top[2]):
                mode, top_number, top_title = _mode_of(top[2]), top[1], top[2]
                self.goals_title = top_title if mode == "goals" else self.goals_title
                self._check_mode(mode, paragraph, top_title)
                continue
            if sub:
                title, rest = _run_in(sub[2])
                if mode in ("context", "goals") or _has(title, GOALS):
                    mode = "goals" if _has(title, GOALS) else "context"
                    self.goals_title = title if mode == "goals" else self.goals_title
                    if rest and mode == "goals":
                        goals_intro.append(Paragraph(paragraph.line, rest))
                elif mode == "tasks":
                    section = {"number": sub[1], "title": title, "tasks": [], "_top": top_number}
                    self.sections.append(section)
                    if rest:
                        self._section_text(paragraph, rest, section)
                elif mode == "safeguards":
                    self.items.append(_Item("safeguard", paragraph.line, sub[1], title, rest))
                else:
                    self.warn(paragraph.line, text, "这个小标题不在目标、任务或保障措施部分中，未导入")
                continue
            if mode == "goals" and item:
                self.items.append(_Item("area", paragraph.line, item[1], _run_in(item[2])[0], text))
            elif mode == "tasks" and item:
                if not self.sections:
                    self.sections.append({"number": "", "title": top_title, "tasks": [], "_top": top_number})
                section = self.sections[-1]
                self.items.append(_Item("task", paragraph.line, item[1], _run_in(item[2])[0], text, section))
            elif mode == "safeguards" and item:
                title, rest = _run_in(item[2])
                self.items.append(_Item("safeguard", paragraph.line, _numeral(item[1]), title, rest))
            elif mode in ("goals", "tasks", "safeguards") and self._continues(mode, paragraph):
                self.items[-1].text += ("\n" if self.items[-1].text else "") + text
            elif mode == "goals":
                goals_intro.append(paragraph)
            elif mode == "tasks":
                self._section_text(paragraph, text, self.sections[-1] if self.sections else None)
            elif mode == "other":
                continue  # already warned at its heading
            elif mode != "context" and mode != "preamble":
                self.warn(paragraph.line, text, "无法判断这一段属于方案的哪一部分，未导入")
        self._goals_intro_checked(goals_intro)

    def _check_mode(self, mode: str, paragraph: Paragraph, title: str) -> None:
        if mode == "other":
            self.warn(paragraph.line, paragraph.text, f"“{title}”这一部分不是目标、任务或保障措施，未导入")

    def _continues(self, mode: str, paragraph: Paragraph) -> bool:
        """A paragraph without a number continues the item before it (of the same part of the plan)."""
        kind = {"goals": "area", "tasks": "task", "safeguards": "safeguard"}[mode]
        if not self.items or self.items[-1].kind != kind:
            return False
        if kind == "task":
            return self.items[-1].section is (self.sections[-1] if self.sections else None)
        return True

    def _section_text(self, paragraph: Paragraph, text: str, section: dict | None) -> None:
        """Text in a task section that is not a numbered task: a section written as one task (its own text
        naming responsible units) becomes that task; anything else is reported."""
        alone = section is not None and not any(i.section is section for i in self.items)
        if alone and responsible_clause(text)[1]:
            self.items.append(_Item("task", paragraph.line, "1", section["title"], text, section))
            return
        self.warn(paragraph.line, text, "这一段没有编号，不像一项任务，未导入；如是任务，请在原文中加上编号")

    def _goals_intro_checked(self, paragraphs: list[Paragraph]) -> None:
        """Sentences before the numbered goals introduce them; a target written there would be lost, so it is
        read into an area of its own when there are no numbered goals, and reported otherwise."""
        for paragraph in paragraphs:
            found = targets_find(paragraph.text, default_deadline=self.end)
            if not (found.targets or found.unread):
                continue
            if not any(item.kind == "area" for item in self.items):
                self.items.append(
                    _Item("area", paragraph.line, "1", self.goals_title, paragraph.text, titled=False)
                )
            else:
                self.warn(paragraph.line, paragraph.text, "目标导语中的数字不在编号的目标里，未识别为指标")

    # Building the structure.

    def build(self) -> None:
        for item in self.items:
            body, clause = responsible_clause(item.text)
            responsible = self._responsible(item, clause)
            if item.kind == "area":
                self._area(item, body, responsible)
            elif item.kind == "task":
                self._task(item, body, responsible)
            else:
                self.safeguards.append(
                    {
                        "number": item.number,
                        "title": item.title,
                        "text": item.text,
                        "responsible": responsible,
                    }
                )
        self._area_names()

    def _responsible(self, item: _Item, clause: str) -> list:
        if not clause:
            if item.kind != "safeguard":
                label = "目标" if item.kind == "area" else "任务"
                self.warn(item.line, item.text, f"这项{label}没有写明责任单位，方案确认后请在管理后台补上")
            return []
        names, warnings = responsible_parse(clause)
        resolved, _new, more = self.registry.resolve(names)
        for message in warnings + more:
            self.warn(item.line, clause, message)
        return [_entry(r) for r in resolved]

    def _indicators(self, item: _Item, body: str, code: str) -> list[dict]:
        text = body.split("。", 1)[1] if item.titled and "。" in body.split("\n")[0][:80] else body
        found = targets_find(text, default_deadline=self.end)
        for clause in found.unread:
            self.warn(item.line, clause, "这句话含有数字，但未能识别为指标，请核对；需要时在识别稿中补上")
        indicators = [{"code": f"{code}.{n}", **target} for n, target in enumerate(found.targets, 1)]
        self.lines.update((indicator["code"], item.line) for indicator in indicators)
        return indicators

    def _area(self, item: _Item, body: str, responsible: list) -> None:
        self.areas.append(
            {
                "number": item.number,
                "name": "",
                "headline": item.title,
                "text": item.text,
                "responsible": responsible,
                "indicators": self._indicators(item, body, item.number),
            }
        )

    def _task(self, item: _Item, body: str, responsible: list) -> None:
        section = item.section
        code = section["_top"] + (f"({section['number']})" if section["number"] else "") + item.number
        indicators = self._indicators(item, body, code)
        section["tasks"].append(
            {
                "number": item.number,
                "title": item.title,
                "text": item.text,
                "responsible": responsible,
                "indicators": indicators,
            }
        )

    def _area_names(self) -> None:
        """An area's short name: its headline's subject without the words all headlines share
        (知识产权创造更加高质 → 创造)."""
        cores = []
        for area in self.areas:
            core = area["headline"]
            for verb in HEADLINE_VERBS:
                if verb in core[1:]:
                    core = core[: core.index(verb, 1)]
                    break
            cores.append(core)
        prefix = _common_prefix(cores) if len(cores) > 1 else ""
        for area, core in zip(self.areas, cores, strict=True):
            area["name"] = core[len(prefix) :] if len(core) > len(prefix) else core

    # Completions: what the text does not say.

    def complete(self) -> None:
        indicators = {i["code"]: i for i in _indicators_of(self.areas, self.sections)}
        for code, change in self.completions.get("indicators", {}).items():
            if code not in indicators:
                self.warn(0, code, f"补充信息中的指标 {code} 不在识别结果中")
                continue
            indicators[code].update(change)
        for number, change in self.completions.get("areas", {}).items():
            area = next((a for a in self.areas if a["number"] == number), None)
            if area is None:
                self.warn(0, number, f"补充信息中的目标领域 {number} 不在识别结果中")
            else:
                area.update(change)
        self._references()
        for indicator in _indicators_of(self.areas, self.sections):
            if not indicator["uom"] and not indicator.get("ref"):
                self.warn(
                    self.lines[indicator["code"]],
                    indicator["source_text"],
                    f"指标 {indicator['code']} 原文没有写计量单位，请在识别稿中填写",
                    subject=f"uom:{indicator['code']}",
                )

    def _references(self) -> None:
        """A task target that repeats a goal's (same kind and numbers, nearly the same name) refers to that goal's
        indicator instead of being a second one to report."""
        goals = [i for a in self.areas for i in a["indicators"]]
        for task_indicator in [i for s in self.sections for t in s["tasks"] for i in t["indicators"]]:
            if task_indicator.get("ref"):
                same = next((g for g in goals if g["code"] == task_indicator["ref"]), None)
            else:
                same = next((g for g in goals if _same_target(g, task_indicator)), None)
            if same is not None:
                task_indicator.update(ref=same["code"], uom=same["uom"])
                task_indicator.pop("aggregation", None)


def plan_parse(text: str, *, completions: dict | None = None) -> ParseResult:
    """Read a plan's text into `export_plan`'s structure (with texts, unit codes and source wording).

    completions: what the text does not say — the unit table ({"units", "groups"} as in plan_import), and
    optionally {"plan": {...}}, {"areas": {number: {...}}} and {"indicators": {code: {...}}} overrides.
    """
    completions = completions or {}
    cleaned = text_clean(text)
    reader = _Reader(completions)
    for line, message in cleaned.notes:
        reader.warn(line, "", message)
    paragraphs = cleaned.paragraphs
    title = cleaned.title
    if paragraphs and paragraphs[0].text == title:
        paragraphs = paragraphs[1:]
    start, end = _period(paragraphs)
    if not start:
        reader.warn(1, title, "没有找到工作期（如“工作期为2022年7月-2025年6月”），请在识别稿中填写起止日期")
    reader.end = end
    reader.read(paragraphs)
    reader.build()
    reader.complete()
    plan = {
        "plan": {
            "title": title,
            "start": start,
            "end": end,
            "issuer": cleaned.issuer,
            "due_days": DEFAULT_DUE_DAYS,
            **completions.get("plan", {}),
        },
        "units": [*copy.deepcopy(completions.get("units", [])), *reader.registry.created],
        "groups": copy.deepcopy(completions.get("groups", [])),
        "areas": reader.areas,
        "sections": [{k: v for k, v in s.items() if k != "_top"} for s in reader.sections],
        "safeguards": reader.safeguards,
    }
    return ParseResult(plan=plan, warnings=reader.warnings)


def _period(paragraphs: list[Paragraph]) -> tuple[str, str]:
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
    return "", ""


def _mode_of(title: str) -> str:
    if _has(title, SAFEGUARDS):
        return "safeguards"
    if _has(title, GOALS):
        return "goals"
    if _has(title, CONTEXT):
        return "context"
    if _has(title, TASKS):
        return "tasks"
    return "other"


def _has(title: str, words: tuple[str, ...]) -> bool:
    return any(word in title for word in words)


def _is_sentence(text: str) -> bool:
    """一、 followed by a long sentence is a list in the text, not a heading."""
    return len(text) > 40 and "。" in text[:40]


def _run_in(text: str) -> tuple[str, str]:
    """A heading's title and the text run into it after its full stop ("指导思想。坚持…")."""
    head, stop, rest = text.partition("。")
    if stop and len(head) <= 60:
        return head.strip(), rest.strip()
    return text.strip(), ""


def _numeral(digits: str) -> str:
    numerals = "一二三四五六七八九十"
    n = int(digits)
    return numerals[n - 1] if 1 <= n <= 10 else digits


def _entry(responsible: Responsible) -> str | dict:
    return {"name": responsible.name, "role": responsible.role} if responsible.role else responsible.name


def _common_prefix(texts: list[str]) -> str:
    prefix = texts[0]
    for text in texts[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def _indicators_of(areas: list[dict], sections: list[dict]) -> list[dict]:
    return [i for a in areas for i in a["indicators"]] + [
        i for s in sections for t in s["tasks"] for i in t["indicators"]
    ]


def _same_target(goal: dict, task_indicator: dict) -> bool:
    numbers = ("kind", "target", "factor", "baseline_date", "comparison")
    if any(goal[key] != task_indicator[key] for key in numbers):
        return False
    return difflib.SequenceMatcher(None, goal["name"], task_indicator["name"]).ratio() >= 0.85
