"""A plan's paragraphs read into the structure of `export_plan`: title and period, goal areas with their targets,
sections with their tasks, safeguards, responsible units. What it cannot classify becomes a warning with its
line; nothing is guessed silently."""

import copy
import dataclasses
import difflib
import re
from dataclasses import dataclass, field

from .measures import month_end, targets_find
from .normalize import DASHED, Paragraph, text_clean
from .outline import Node, are_sections, code_part, outline_read
from .responsible import Responsible, UnitRegistry, responsible_clause, responsible_parse
from .tables import Table, table_indicators

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


@dataclass(frozen=True)
class Skipped:
    """A paragraph of the source not read into the plan, and why (shown in the preview: nothing is dropped
    silently)."""

    line: int
    text: str
    reason: str


@dataclass
class ParseResult:
    plan: dict
    warnings: list[ParseWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    lines_read: list[int] = field(default_factory=list)  # where each paragraph read into the plan starts


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
    parts: list[str] = field(
        default_factory=list
    )  # its paragraphs, sub-items ((1), ①) each one, with their clauses
    code: str = ""  # a task's code in the outline: 二(一)1


class _Reader:
    def __init__(self, completions: dict) -> None:
        self.completions = completions
        self.registry = UnitRegistry(completions.get("units", []), completions.get("groups", []))
        self.warnings: list[ParseWarning] = []
        self.areas: list[dict] = []
        self.sections: list[dict] = []
        self.safeguards: list[dict] = []
        self.items: list[_Item] = []
        self.start, self.end = "", ""
        self.goals_title = ""
        self.lines: dict[str, int] = {}  # indicator code → line of the goal or task it is written in
        self.skipped: list[Skipped] = []
        self.read_lines: set[int] = set()  # the lines of paragraphs read into the plan

    def warn(self, line: int, text: str, message: str, subject: str = "") -> None:
        self.warnings.append(ParseWarning(line=line, text=text[:80], message=message, subject=subject))

    # Reading the outline into items.

    def read(self, paragraphs: list[Paragraph]) -> None:
        """Each paragraph read into an area, task or safeguard, or listed as skipped with the reason: the outline
        (which markers occur, nested how) decides the levels, the headings' words decide the parts."""
        root = outline_read(paragraphs)
        for paragraph in root.body:
            self.skip(paragraph, "方案开头的说明，不导入")
        for node in root.children:
            self._part(node, within="preamble")

    def skip(self, paragraph: Paragraph, reason: str) -> None:
        self.skipped.append(Skipped(line=paragraph.line, text=paragraph.text[:80], reason=reason))

    def _dropped(self, node: Node, reason: str) -> None:
        """A heading and everything under it skipped for one reason."""
        for paragraph in node.paragraphs():
            self.skip(paragraph, reason)

    def _part(self, node: Node, *, within: str) -> None:
        mode = _mode_of(node.title)
        if mode == "goals":
            self._goals(node)
        elif mode == "tasks" and within != "goals":
            self._tasks(node)
        elif mode == "safeguards":
            self._safeguards(node)
        elif mode == "context" or within in ("context", "goals"):
            # 总体要求, 指导思想, 基本原则…: what the plan says about itself; a goals part may sit inside.
            self.skip(node.paragraph, f"“{node.title}”是方案的说明部分，不导入")
            for paragraph in node.body_paragraphs():
                self.skip(paragraph, f"“{node.title}”是方案的说明部分，不导入")
            for child in node.children:
                self._part(child, within="context")
        else:
            message = f"“{node.title}”这一部分不是目标、任务或保障措施，未导入"
            if node.kind in ("part", "top"):
                self.warn(node.line, node.text, message)
            else:
                self.warn(node.line, node.text, "这个小标题不在目标、任务或保障措施部分中，未导入")
            self._dropped(node, message)

    def _goals(self, node: Node) -> None:
        """A goals part: its numbered children are the goal areas (1. / （一） / any marker), or, failing those, its
        "——" lines; a child titled 总体目标/具体目标 is a goals part of its own."""
        self.goals_title = node.title
        self.read_lines.add(node.line)
        intro = node.body_paragraphs()
        if node.children and all(_has(child.title, GOALS) for child in node.children):
            self._goals_intro_checked(intro, numbered=True)
            for child in node.children:
                self._goals(child)
            return
        for child in node.children:
            if _has(child.title, GOALS) and child.children:
                self._goals(child)
                continue
            self._item_add("area", child, number=child.number if child.kind == "item" else "")
        dashed = [paragraph for paragraph in intro if DASHED.match(paragraph.text)]
        if dashed and not node.children:
            for paragraph in dashed:
                title, _rest = _run_in(DASHED.match(paragraph.text)[1])
                self.items.append(_Item("area", paragraph.line, "", title, paragraph.text))
                self.read_lines.add(paragraph.line)
            intro = [paragraph for paragraph in intro if paragraph not in dashed]
        self._goals_intro_checked(intro, numbered=any(item.kind == "area" for item in self.items))

    def _tasks(self, node: Node) -> None:
        """A tasks part: its headings are sections with tasks beneath them (see _sections), or its tasks, in one
        section. Deeper levels ((1), ①) are parts of their task."""
        prefix = code_part(node)
        self.read_lines.add(node.line)
        if are_sections(node.children):
            for child in node.children:
                title, rest = _run_in(child.title)
                section = {
                    "number": child.number,
                    "title": title,
                    "tasks": [],
                    "_prefix": prefix + code_part(child),
                }
                self.sections.append(section)
                self.read_lines.add(child.line)
                texts = ([Paragraph(child.line, rest)] if rest else []) + child.body_paragraphs()
                for paragraph in texts:
                    self._section_text(paragraph, section, alone=not child.children)
                for task in child.children:
                    self._item_add("task", task, number=task.number, section=section)
        else:
            section = None
            if node.children:
                section = {"number": "", "title": node.title, "tasks": [], "_prefix": prefix}
                self.sections.append(section)
            for paragraph in node.body_paragraphs():
                self._section_text(paragraph, section, alone=False)
            for task in node.children:
                self._item_add("task", task, number=task.number, section=section)

    def _safeguards(self, node: Node) -> None:
        """A safeguards part: each heading beneath it is one safeguard; without any, its text is one."""
        self.read_lines.add(node.line)
        if not node.children:
            paragraphs = node.body_paragraphs()
            if paragraphs:
                self.items.append(
                    _Item("safeguard", node.line, "一", node.title, "\n".join(p.text for p in paragraphs))
                )
                self.read_lines.update(p.line for p in paragraphs)
            return
        for paragraph in node.body_paragraphs():
            self.skip(paragraph, "保障措施部分的导语，不单独导入")
        prefix = code_part(node)
        for child in node.children:
            number = _numeral(child.number) if child.number.isdigit() else child.number
            title, rest = _run_in(child.title)
            parts = ([rest] if rest else []) + [p.text for p in child.paragraphs()[1:]]
            item = _Item("safeguard", child.line, number, title, "\n".join(parts))
            item.code = f"{prefix}({number})" if prefix else number  # 三(一)
            self.items.append(item)
            self.read_lines.update(p.line for p in child.paragraphs())

    def _item_add(self, kind: str, node: Node, *, number: str, section: dict | None = None) -> None:
        """An area or task: its heading paragraph, the paragraphs under it and its sub-items, each kept with its own
        responsibility clause."""
        paragraphs = node.paragraphs()
        item = _Item(
            kind, node.line, number, _run_in(node.title)[0], "\n".join(p.text for p in paragraphs), section
        )
        item.parts = [p.text for p in paragraphs]
        if section is not None:
            item.code = section["_prefix"] + code_part(node)
        self.items.append(item)
        self.read_lines.update(p.line for p in paragraphs)

    def _section_text(self, paragraph: Paragraph, section: dict | None, *, alone: bool) -> None:
        """Text in a task section that is not a numbered task: a section written as one task (its own text
        naming responsible units) becomes that task; anything else is reported."""
        if section is not None and alone and responsible_clause(paragraph.text)[1]:
            self.items.append(_Item("task", paragraph.line, "1", section["title"], paragraph.text, section))
            self.read_lines.add(paragraph.line)
            return
        message = "这一段没有编号，不像一项任务，未导入；如是任务，请在原文中加上编号"
        self.warn(paragraph.line, paragraph.text, message)
        self.skip(paragraph, message)

    def _goals_intro_checked(self, paragraphs: list[Paragraph], *, numbered: bool) -> None:
        """Sentences before the numbered goals introduce them; a target written there would be lost, so it is
        read into an area of its own when there are no numbered goals, and reported otherwise."""
        prose: list[_Item] = []
        for paragraph in paragraphs:
            found = targets_find(
                paragraph.text, default_deadline=self.end, plan_start=self.start, milestones=not numbered
            )
            if not (found.targets or found.unread):
                self.skip(paragraph, "目标的导语，没有可识别的指标")
                continue
            if not numbered:
                prose.append(
                    _Item("area", paragraph.line, "", self.goals_title, paragraph.text, titled=False)
                )
                self.read_lines.add(paragraph.line)
            else:
                message = "目标导语中的数字不在编号的目标里，未识别为指标"
                self.warn(paragraph.line, paragraph.text, message)
                self.skip(paragraph, message)
        if len(prose) > 1:  # goals written as paragraphs: 发展目标（一）, 发展目标（二）…
            for index, item in enumerate(prose):
                item.title = f"{item.title}（{_numeral(str(index + 1))}）"
        self.items.extend(prose)

    # Building the structure.

    def build(self) -> None:
        for item in self.items:
            body, clause = _clauses(item)
            responsible = self._responsible(item, clause)
            if item.kind == "area":
                self._area(item, body, responsible)
            elif item.kind == "task":
                self._task(item, body, responsible)
            else:
                self.safeguards.append(
                    {
                        "number": item.number,
                        "code": item.code or item.number,
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
        names, warnings = [], []
        for part in clause.split(CLAUSES):  # a task's sub-items each name their units: every clause counts
            found, said = responsible_parse(part)
            names.extend(n for n in found if all(n.name != other.name for other in names))
            warnings.extend(said)
        resolved, _new, more = self.registry.resolve(names)
        for message in warnings + more:
            self.warn(item.line, clause, message)
        return [_entry(r) for r in resolved]

    def _indicators(self, item: _Item, body: str, code: str) -> list[dict]:
        text = body.split("。", 1)[1] if item.titled and "。" in body.split("\n")[0][:80] else body
        found = targets_find(
            text, default_deadline=self.end, plan_start=self.start, milestones=item.kind == "area"
        )
        for clause in found.unread:
            self.warn(item.line, clause, "这句话含有数字，但未能识别为指标，请核对；需要时在识别稿中补上")
        for clause, message in found.flags:
            self.warn(item.line, clause, message)
        indicators = [{"code": f"{code}.{n}", **target} for n, target in enumerate(found.targets, 1)]
        self.lines.update((indicator["code"], item.line) for indicator in indicators)
        return indicators

    def _area(self, item: _Item, body: str, responsible: list) -> None:
        item.number = item.number or str(len(self.areas) + 1)
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
        code = item.code or section["_prefix"] + item.number
        indicators = self._indicators(item, body, code)
        section["tasks"].append(
            {
                "number": item.number,
                "code": code,
                "title": item.title,
                "text": item.text,
                "responsible": responsible,
                "indicators": indicators,
            }
        )

    # Tables: an appendix 主要指标表, or one pasted into the text.

    def tables_read(self, tables: list[Table]) -> None:
        """Each indicator table's rows become indicators of the goal area they are grouped under (the area of that
        name, or a new one), the table's responsible units that area's; a table that is not an indicator table,
        and each row not read, is said with its line."""
        for table in tables:
            texts = {line: " | ".join(cells) for line, cells in table.rows}
            texts[table.header_line] = " | ".join(table.header)
            read = table_indicators(table, default_deadline=self.end, plan_start=self.start)
            if not read.used:
                name = table.title or texts[table.header_line]
                message = f"表格“{name[:30]}”未作为指标表读取：{read.reason}"
                self.warn(table.line, name, message)
                self.skipped.extend(
                    Skipped(line, texts.get(line, name)[:80], message) for line in table.lines
                )
                continue
            unread = {line for line, _text, _reason in read.unread}
            for line, text, reason in read.unread:
                self.warn(line, text, reason)
                self.skipped.append(Skipped(line, text[:80], reason))
            self.read_lines.update(line for line in table.lines if line not in unread)
            for indicator in read.indicators:
                self._table_indicator(indicator, table)
        self._area_names()

    def _table_indicator(self, indicator: dict, table: Table) -> None:
        label, line, names = indicator.pop("area"), indicator.pop("line"), indicator.pop("responsible")
        area = self._area_named(label or _table_area(table.title))
        code = f"{area['number']}.{len(area['indicators']) + 1}"
        area["indicators"].append({"code": code, **indicator})
        self.lines[code] = line
        if names:
            found, warnings = responsible_parse("、".join(names))
            resolved, _new, more = self.registry.resolve(found)
            for message in warnings + more:
                self.warn(line, "、".join(names), message)
            for entry in (_entry(r) for r in resolved):
                if entry not in area["responsible"]:
                    area["responsible"].append(entry)

    def _area_named(self, label: str) -> dict:
        """The goal area a table's group is about ("知识产权创造" is 知识产权创造更加高质), or a new one."""
        for area in self.areas:
            if label and (label in area["headline"] or area["headline"] in label):
                return area
        area = {
            "number": str(len(self.areas) + 1),
            "name": "",
            "headline": label,
            "text": label,
            "responsible": [],
            "indicators": [],
        }
        self.areas.append(area)
        return area

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
        if prefix.count("（") > prefix.count("）") or any(len(core) - len(prefix) < 2 for core in cores):
            prefix = ""  # 建设目标（一）, 建设目标（二）: what is left would be a torn bracket, not a name
        for area, core in zip(self.areas, cores, strict=True):
            area["name"] = core[len(prefix) :] if len(core) > len(prefix) else core

    def group_members_named(self) -> None:
        """A county group proposed for a plan (the unit table has none) is made of the counties the plan names, in a
        goal's text or a responsibility clause, when it names some but not all; otherwise of all of them."""
        counties = [u["name"] for u in self.completions.get("units", []) if u.get("kind") == "county"]
        items = self.areas + [t for s in self.sections for t in s["tasks"]] + self.safeguards
        responsible = {e if isinstance(e, str) else e["name"] for item in items for e in item["responsible"]}
        goals = "".join(area["text"] for area in self.areas)
        named = [
            name for name in counties if name in responsible or re.sub(r"(人民)?政府$", "", name) in goals
        ]
        if not named or len(named) == len(counties):
            return
        for group in self.registry.created_groups:
            group["members"] = named
            group["note"] = "识别方案时新建：成员为方案中点名的县级单位，请确认。"
            created = f"单位组“{group['name']}”不在单位表中，已新建"
            said = f"{created}，成员为方案中点名的{len(named)}个县级单位（{'、'.join(named)}），请领导小组办公室确认"
            self.warnings = [
                dataclasses.replace(w, message=said) if w.message.startswith(created) else w
                for w in self.warnings
            ]

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
            if not indicator["uom"] and not indicator.get("ref") and indicator["kind"] != "milestone":
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
    start, end = _period(paragraphs) or _period_of_title(title)
    if not start:
        reader.warn(1, title, "没有找到工作期（如“工作期为2022年7月-2025年6月”），请在识别稿中填写起止日期")
    reader.start, reader.end = start, end
    reader.read(paragraphs)
    reader.build()
    reader.tables_read(cleaned.tables)
    reader.group_members_named()
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
        "groups": [*copy.deepcopy(completions.get("groups", [])), *reader.registry.created_groups],
        "areas": reader.areas,
        "sections": [{k: v for k, v in s.items() if k != "_prefix"} for s in reader.sections],
        "safeguards": reader.safeguards,
    }
    return ParseResult(
        plan=plan,
        warnings=reader.warnings,
        skipped=sorted(reader.skipped, key=lambda s: s.line),
        lines_read=sorted(reader.read_lines),
    )


TITLE_YEARS = re.compile(r"[（(]\s*(\d{4})\s*年?\s*[-—－–~～至到]+\s*(\d{4})\s*年?\s*[）)]")


def _period_of_title(title: str) -> tuple[str, str]:
    """The period a title gives in brackets (……工作方案（2023—2025年）): whole years."""
    match = TITLE_YEARS.search(title)
    if not match:
        return "", ""
    return f"{int(match[1]):04d}-01-01", month_end(int(match[2]), 12)


def _period(paragraphs: list[Paragraph]) -> tuple[str, str] | None:
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


CLAUSES = "\u0000"  # joins the clauses of an item's parts


def _clauses(item: _Item) -> tuple[str, str]:
    """An item's text without its responsibility clauses, and the clauses: the one that ends each of its paragraphs
    (a sub-item's (1)…（责任单位：…）, the item's own before a closing paragraph such as 各单位要高度重视。)."""
    if not item.parts:
        return responsible_clause(item.text)
    bodies, clauses = [], []
    for part in item.parts:
        body, clause = responsible_clause(part)
        if clause:
            bodies.append(body)
            clauses.append(clause)
        else:
            bodies.append(part)
    return "\n".join(bodies), CLAUSES.join(clauses)


def _table_area(title: str) -> str:
    """The area for a table's ungrouped rows, named after the table: 附件1 某市主要指标表 → 主要指标."""
    title = re.sub(r"^附件\s*\d*\s*[：:]?\s*|^表\s*\d+\s*", "", title).strip()
    return "主要指标" if not title or "主要指标" in title else title.removesuffix("表")
