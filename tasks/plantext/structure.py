"""A plan's paragraphs read into the structure of `export_plan`: title and period, goal areas with their targets,
sections with their tasks, safeguards, responsible units. What it cannot classify becomes a warning with its
line; nothing is guessed silently."""

import copy
import dataclasses
import difflib
import re
from dataclasses import dataclass, field

from .measures import targets_find
from .normalize import text_clean
from .parts import Item, ParseWarning, PartsReader, Skipped
from .periods import period_of_text, period_of_title
from .responsible import Responsible, UnitRegistry, responsible_clause, responsible_parse
from .tables import Table, table_indicators

HEADLINE_VERBS = ("更加", "进一步", "显著", "持续", "全面", "明显", "大幅")
DEFAULT_DUE_DAYS = 10


@dataclass
class ParseResult:
    plan: dict
    warnings: list[ParseWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    lines_read: list[int] = field(default_factory=list)  # where each paragraph read into the plan starts


class _Reader(PartsReader):
    """Reads a plan: its parts into items (PartsReader), then the items into the structure."""

    def __init__(self, completions: dict) -> None:
        self.completions = completions
        self.registry = UnitRegistry(completions.get("units", []), completions.get("groups", []))
        self.warnings: list[ParseWarning] = []
        self.areas: list[dict] = []
        self.sections: list[dict] = []
        self.safeguards: list[dict] = []
        self.items: list[Item] = []
        self.start, self.end = "", ""
        self.goals_title = ""
        self.lines: dict[str, int] = {}  # indicator code → line of the goal or task it is written in
        self.skipped: list[Skipped] = []
        self.read_lines: set[int] = set()  # the lines of paragraphs read into the plan

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

    def _responsible(self, item: Item, clause: str) -> list:
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

    def _indicators(self, item: Item, body: str, code: str) -> list[dict]:
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

    def _area(self, item: Item, body: str, responsible: list) -> None:
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

    def _task(self, item: Item, body: str, responsible: list) -> None:
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
            said = [(entry, True) for entry in read.unread] + [(entry, False) for entry in read.flags]
            for (line, text, message), skipped in sorted(said, key=lambda entry: entry[0][0]):
                self.warn(line, text, message)
                if skipped:  # a flagged row is read, on an assumption the office confirms
                    self.skipped.append(Skipped(line, text[:80], message))
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
        reader.read_lines.add(paragraphs[0].line)
        paragraphs = paragraphs[1:]
    reader.skipped.extend(Skipped(line, text[:80], reason) for line, text, reason in cleaned.set_aside)
    start, end = period_of_text(paragraphs) or period_of_title(title)
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


def _clauses(item: Item) -> tuple[str, str]:
    """An item's text without its responsibility clauses, and the clauses: the one that ends each of its paragraphs
    (a sub-item's (1)…（责任单位：…）, the item's own before a closing paragraph such as 各单位要高度重视。), and each
    sub-item's where they run on in one paragraph."""
    bodies, clauses = [], []
    for part in (piece for text in item.parts or [item.text] for piece in _run_in_sub_items(text)):
        body, clause = responsible_clause(part)
        if clause:
            bodies.append(body)
            clauses.append(clause)
        else:
            bodies.append(part)
    return "\n".join(bodies), CLAUSES.join(clauses)


# Where a sub-item starts inside a paragraph: （1） or ① after a full stop, semicolon, colon or comma.
RUN_IN_SUB_ITEM = re.compile(r"(?<=[。；：，])\s*(?=[（(]\d{1,2}[）)]|[\u2460-\u2473])")


def _run_in_sub_items(paragraph: str) -> list[str]:
    """A paragraph whose sub-items run on in it ("…：（1）…（责任单位：市公安局）；（2）…（责任单位：市财政局）。"), split
    into them when two or more end with a clause of their own, so that each clause counts; otherwise the paragraph
    whole (its last clause is the item's)."""
    pieces = [piece.strip().rstrip("；，") for piece in RUN_IN_SUB_ITEM.split(paragraph)]
    pieces = [piece for piece in pieces if piece]
    if sum(bool(responsible_clause(piece)[1]) for piece in pieces) < 2:
        return [paragraph]
    return pieces


def _table_area(title: str) -> str:
    """The area for a table's ungrouped rows, named after the table: 附件1 某市主要指标表 → 主要指标."""
    title = re.sub(r"^附件\s*\d*\s*[：:]?\s*|^表\s*\d+\s*", "", title).strip()
    return "主要指标" if not title or "主要指标" in title else title.removesuffix("表")
