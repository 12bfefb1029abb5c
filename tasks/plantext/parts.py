"""The parts of a plan's outline (goals, tasks, safeguards, the plan's own introduction) read into items: goal areas,
tasks in their sections, safeguards. Every paragraph is read into an item or listed as skipped with the reason.
The items become the plan's structure in structure.py."""

from dataclasses import dataclass, field

from .measures import targets_find
from .normalize import DASHED, Paragraph
from .outline import Node, are_sections, code_part, outline_read
from .responsible import responsible_clause

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
class Item:
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


class PartsReader:
    """The reading of parts into items; its state (items, sections, warnings, skipped, read_lines, start, end) is set
    up by the reader that builds on it (structure._Reader)."""

    def warn(self, line: int, text: str, message: str, subject: str = "") -> None:
        self.warnings.append(ParseWarning(line=line, text=text[:80], message=message, subject=subject))

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
                self.items.append(Item("area", paragraph.line, "", title, paragraph.text))
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
                    Item("safeguard", node.line, "一", node.title, "\n".join(p.text for p in paragraphs))
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
            item = Item("safeguard", child.line, number, title, "\n".join(parts))
            item.code = f"{prefix}({number})" if prefix else number  # 三(一)
            self.items.append(item)
            self.read_lines.update(p.line for p in child.paragraphs())

    def _item_add(self, kind: str, node: Node, *, number: str, section: dict | None = None) -> None:
        """An area or task: its heading paragraph, the paragraphs under it and its sub-items, each kept with its own
        responsibility clause."""
        paragraphs = node.paragraphs()
        item = Item(
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
            self.items.append(Item("task", paragraph.line, "1", section["title"], paragraph.text, section))
            self.read_lines.add(paragraph.line)
            return
        message = "这一段没有编号，不像一项任务，未导入；如是任务，请在原文中加上编号"
        self.warn(paragraph.line, paragraph.text, message)
        self.skip(paragraph, message)

    def _goals_intro_checked(self, paragraphs: list[Paragraph], *, numbered: bool) -> None:
        """Sentences before the numbered goals introduce them; a target written there would be lost, so it is
        read into an area of its own when there are no numbered goals, and reported otherwise."""
        prose: list[Item] = []
        for paragraph in paragraphs:
            found = targets_find(
                paragraph.text, default_deadline=self.end, plan_start=self.start, milestones=not numbered
            )
            if not (found.targets or found.unread):
                self.skip(paragraph, "目标的导语，没有可识别的指标")
                continue
            if not numbered:
                prose.append(Item("area", paragraph.line, "", self.goals_title, paragraph.text, titled=False))
                self.read_lines.add(paragraph.line)
            else:
                message = "目标导语中的数字不在编号的目标里，未识别为指标"
                self.warn(paragraph.line, paragraph.text, message)
                self.skip(paragraph, message)
        if len(prose) > 1:  # goals written as paragraphs: 发展目标（一）, 发展目标（二）…
            for index, item in enumerate(prose):
                item.title = f"{item.title}（{_numeral(str(index + 1))}）"
        self.items.extend(prose)


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
