"""Responsible units as plans write them: the clause at the end of a task, the names in it, and their match to
the portal's units. Pure functions on text, so a plan can be read and checked before anything is saved."""

import re
from collections import Counter
from dataclasses import dataclass

LEAD, SUPPORT = "lead", "support"

# Labels that open a list of names and the role they give it; longer words first so 牵头单位 wins over 牵头.
LABELS = {
    "责任单位": "",
    "责任部门": "",
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "配合单位": SUPPORT,
    "配合部门": SUPPORT,
    "协同单位": SUPPORT,
    "协办单位": SUPPORT,
    "牵头": LEAD,
    "配合": SUPPORT,
}
LABEL = re.compile("(" + "|".join(LABELS) + r")\s*[：:]")
# A clause written as plain last sentences starts after a full stop or a line break (structure joins an item's
# paragraphs with "\n"): "…发展。责任单位：市科技局。", "…发展。\n牵头单位：市科技局\n配合单位：市财政局", and
# "牵头单位：市科技局。配合单位：市财政局。" — a 。 ends the clause only when no label follows it.
LONG_LABELS = "|".join(label for label in LABELS if len(label) > 2)
PLAIN_CLAUSE = re.compile(
    r"(?:^|(?<=[。\n]))\s*((?:责任|牵头)(?:单位|部门)\s*[：:][^。]*"
    rf"(?:。\s*(?:{LONG_LABELS})\s*[：:][^。]*)*)$"
)

SQUARE, ROUND = "[［【", "（("
CLOSING = {"]": SQUARE, "］": SQUARE, "】": SQUARE, "）": ROUND, ")": ROUND}
HALF_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
SEPARATORS = "、，；"
# How organisation names end; 和/及 only separate two names when the left part already ends like one, so
# 市经济和信息化局 and 市自然资源和规划局 stay whole.
ORG_ENDINGS = (*"局委办部院会府行室站所队团社司处厅署关组位馆台校", "中心")
SHARED_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")
PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}[市县区]")
# "All county-level governments" as plans write it: 各区（市、县）人民政府, 各县（市、区）, 各区、县人民政府, 各县市区,
# 各区县人民政府… One name: inside a list its 、 must not split it (it ends where the list goes on).
COUNTY_GROUP = r"各(?:[区县市]|（[区县市](?:、[区县市])*）|、(?=[区县市]))+(?:人民政府|政府)?"
COUNTY_GROUP_ITEM = re.compile(rf"(?:^|(?<=[、，；]))(?:{COUNTY_GROUP})(?=[、，；（]|负责|牵头|配合|$)")
KEPT = "\x1f"  # stands for a 、 that belongs to a group name while a list is split
# Endings that mean the same kind of organisation when names are compared in short and in full.
ENDING_CLASSES = (
    ("管理委员会", "管委会"),
    ("管委会", "管委会"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("人民政府", "政府"),
    ("政府", "政府"),
    ("中心", "中心"),
)
MEMBERS = ("成员单位", "各成员单位")
MAX_NAME = 30


@dataclass(frozen=True)
class Responsible:
    name: str
    role: str = ""


def responsible_clause(paragraph: str) -> tuple[str, str]:
    """Split a paragraph into (text without its responsibility clause, the clause's inner text with its labels).
    Only a clause at the very end counts: brackets earlier in the text are part of what the plan says."""
    text = paragraph.rstrip()
    stop = text.endswith(("。", "."))
    if stop:
        text = text[:-1].rstrip()
    # The plain sentence first: in "…。责任单位：市科技局（牵头）" the bracket belongs to the sentence.
    plain = PLAIN_CLAUSE.search(text)
    if plain:
        return text[: plain.start(1)].rstrip(), plain.group(1).strip()
    start = _opening_of_last_bracket(text)
    if start is not None and _is_clause(text[start + 1 : -1]):
        body = text[:start].rstrip()
        if stop and not body.endswith(("。", "；", "！", "？")):
            body += "。"  # "…发展（市科技局负责）。" keeps its full stop
        return body, text[start + 1 : -1].strip()
    return paragraph, ""


def _opening_of_last_bracket(text: str) -> int | None:
    """Where the bracket that closes the text opens, or None when the text does not end with a balanced one."""
    if not text or text[-1] not in CLOSING:
        return None
    waiting: list[str] = []
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in CLOSING:
            waiting.append(CLOSING[char])
        elif char in SQUARE + ROUND:
            if not waiting or char not in waiting[-1]:
                return None
            waiting.pop()
            if not waiting:
                return index
    return None


def _is_clause(inner: str) -> bool:
    """A bracket names responsible units when it starts with a label or ends with 负责/牵头/配合."""
    compact = re.sub(r"\s+", "", inner)
    if LABEL.match(compact):
        return True
    return len(compact) > 2 and compact.endswith(("负责", "牵头", "配合"))


def responsible_parse(clause: str) -> tuple[list[Responsible], list[str]]:
    """The names in a clause's inner text, in order, with their roles, and a warning for each item that does not
    look like an organisation name (kept, so the office sees it rather than losing it)."""
    text = re.sub(r"\s+", "", clause).translate(HALF_WIDTH).strip("。．.")
    found: list[Responsible] = []
    warnings: list[str] = []
    for role, body in _labelled_parts(text):
        # "（由市科技局牵头负责）"; "牵头单位：市科技局。配合单位：…" ends the lead's list with a full stop.
        body = body.removeprefix("由").rstrip("。")
        for name, item_role in _shared_suffix_expanded(_with_roles(_items(body), role)):
            if len(name) > MAX_NAME or "。" in name:
                warnings.append(f"责任单位“{name}”不像单位名称（过长或含句号），请核对原文")
            found.append(Responsible(name, item_role))
    if text and not found:
        warnings.append(f"责任单位条款“{clause.strip()}”中没有找到单位名称")
    return found, warnings


def _labelled_parts(text: str) -> list[tuple[str, str]]:
    """(role, text) for the text before the first label and after each label."""
    pieces = LABEL.split(text)
    parts = [("", pieces[0])]
    for index in range(1, len(pieces), 2):
        parts.append((LABELS[pieces[index]], pieces[index + 1]))
    return parts


def _items(body: str) -> list[str]:
    """The names in a run of text: split at 、，； outside brackets (各区（市、县）人民政府 is one name) and outside a
    county group's name (各区、县人民政府), then at 和/及 between whole names; a trailing 负责 is dropped."""
    body = COUNTY_GROUP_ITEM.sub(lambda group: group[0].replace("、", KEPT), body)
    items: list[str] = []
    depth, current = 0, ""
    for char in body + "；":
        depth += (char == "（") - (char == "）")
        if char in SEPARATORS and depth <= 0:
            items.extend(_conjunctions_split(current.strip("：").removesuffix("负责")))
            current = ""
        else:
            current += char
    return [item.replace(KEPT, "、") for item in items if item]


def _conjunctions_split(piece: str) -> list[str]:
    """Split "A和B" / "A及B" into A, B when A is a whole name; "X办公室及成员单位" into X办公室, X成员单位."""
    parts: list[str] = []
    start = 0
    for index, char in enumerate(piece):
        if char in "和及" and index + 1 < len(piece) and piece[start:index].endswith(ORG_ENDINGS):
            parts.append(piece[start:index])
            start = index + 1
    parts.append(piece[start:])
    for index in range(1, len(parts)):
        if parts[index] in MEMBERS:
            parts[index] = parts[index - 1].removesuffix("办公室") + "成员单位"
    return parts


def _with_roles(items: list[str], role: str) -> list[tuple[str, str]]:
    """Roles written after names: "市科技局（牵头）" for one name; "市科技局牵头，市经信局、市财政局配合" for the
    names since the previous such word. Names without either take the label's role."""
    named: list[tuple[str, str]] = []
    run_start = 0
    for item in items:
        for word, word_role in (("牵头", LEAD), ("配合", SUPPORT)):
            if item.endswith(f"（{word}）"):
                named.append((item.removesuffix(f"（{word}）"), word_role))
                break
            if item.endswith(word) and len(item) > len(word):
                named.append((item.removesuffix(word), word_role))
                named[run_start:] = [(name, name_role or word_role) for name, name_role in named[run_start:]]
                break
        else:
            named.append((item, ""))
            continue
        run_start = len(named)
    return [(name, name_role or role) for name, name_role in named]


def _shared_suffix_expanded(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Bare place names right before a place name with a government or committee suffix share that suffix:
    "什邡市、绵竹市、中江县人民政府" → each with 人民政府."""
    expanded = list(items)
    for index, (name, _role) in enumerate(items):
        suffix = next((s for s in SHARED_SUFFIXES if name.endswith(s)), "")
        if not suffix or name.startswith("各") or not PLACE.fullmatch(name.removesuffix(suffix)):
            continue
        before = index - 1
        while before >= 0 and PLACE.fullmatch(expanded[before][0]):
            expanded[before] = (expanded[before][0] + suffix, expanded[before][1])
            before -= 1
    return expanded


class UnitRegistry:
    """Known units and groups, to match names as plans write them to the portal's canonical names, and the new
    units and groups made for names it does not know (remembered, so one plan lists each once).

    Exact names, full names and aliases match silently. A match the office should see is made with a warning,
    once per spelling: a county group written another way (各县（市、区） for 各区（市、县）人民政府), and a name
    written in full or in short where the table has the other form (市科学技术局 for 市科技局)."""

    def __init__(self, units: list[dict], groups: list[dict]) -> None:
        self.city = _city_of(units)
        self.created: list[dict] = []
        self.created_groups: list[dict] = []  # proposed groups, for the plan's "groups" (needs_review)
        self._known: dict[str, str] = {}
        self._new: dict[str, dict] = {}
        self._matched: dict[str, str] = {}  # spellings matched with a warning, so it is given once
        self._counties = [unit["name"] for unit in units if unit.get("kind") == "county"]
        self._county_group = _county_group_of(groups, self._counties)
        entries = [*units, *groups]
        # Short names first, so an alias that happens to equal another unit's name never takes it over.
        for entry in entries:
            self._known.setdefault(self._key(entry["name"]), entry["name"])
        for entry in entries:
            for written in [entry.get("full_name") or "", *entry.get("aliases", [])]:
                if written:
                    self._known.setdefault(self._key(written), entry["name"])

    def canonical(self, name: str) -> str | None:
        """The canonical unit or group name for a name as written exactly (no abbreviation), or None."""
        return self._known.get(self._key(name))

    def resolve(self, names: list[Responsible]) -> tuple[list[Responsible], list[dict], list[str]]:
        """Known names replaced by their canonical names; unknown ones kept as written and listed as new units
        for the office to confirm (a warning the first time each is seen). A unit named twice is kept once.
        Groups proposed on the way are in `created_groups`."""
        resolved: list[Responsible] = []
        new_units: list[dict] = []
        warnings: list[str] = []
        for responsible in names:
            name = self._matched.get(self._key(responsible.name)) or self._name_for(
                _cleaned(responsible.name), warnings=warnings, new_units=new_units
            )
            if any(done.name == name for done in resolved):
                warnings.append(f"责任单位“{name}”重复列出，只保留一次")
                continue
            resolved.append(Responsible(name, responsible.role))
        return resolved, new_units, warnings

    def _name_for(self, written: str, *, warnings: list[str], new_units: list[dict]) -> str:
        """The canonical name for one name as written, trying the exact spellings, a county group, the names of a
        nested name (市委宣传部（市版权局）), then abbreviations; else a new unit."""
        if (name := self.canonical(written)) is not None:
            return name
        if _means_all_counties(written):
            return self._county_group_for(written, warnings=warnings)
        parts = _nested(written) or (written,)
        known = [name for part in parts if (name := self.canonical(part)) is not None]
        if len(set(known)) > 1:  # 市科技局（市知识产权局） with both in the table: the office decides
            note = f"，括号中的“{parts[1]}”是单位表中的另一单位"
            return self._matched_with_warning(written, known[0], warnings, note=note)
        if known:
            return known[0]
        for part in parts:
            candidates = self._abbreviated(self._key(part))
            if len(candidates) == 1:
                return self._matched_with_warning(written, candidates[0], warnings)
            if candidates:
                listed = "、".join(f"“{candidate}”" for candidate in candidates)
                message = f"责任单位“{written}”可能是单位表中的{listed}，无法确定，已作为新单位列出，请领导小组办公室确认"
                return self._new_unit(name=written, warnings=warnings, new_units=new_units, message=message)
        return self._new_unit(name=written, warnings=warnings, new_units=new_units)

    def _matched_with_warning(
        self, written: str, name: str, warnings: list[str], *, where: str = "单位表中的", note: str = ""
    ) -> str:
        """A match the office should confirm: shown once, then used silently for the same spelling."""
        self._matched[self._key(written)] = name
        warnings.append(f"“{written}”按{where}“{name}”识别{note}，请确认")
        return name

    def _abbreviated(self, key: str) -> list[str]:
        """The units whose name, full name or an alias is this name in short or in full (see _abbreviates)."""
        found: list[str] = []
        for known, name in self._known.items():
            if name not in found and _abbreviates(key, known):
                found.append(name)
        return found

    def _county_group_for(self, written: str, *, warnings: list[str]) -> str:
        """All county-level governments written another way: the table's group with a warning showing the match,
        or, when the table has none, a proposed group of its county units (listed once, for the office)."""
        if self._county_group:
            proposed = any(group["name"] == self._county_group for group in self.created_groups)
            where = "新建的单位组" if proposed else "单位表中的"
            return self._matched_with_warning(written, self._county_group, warnings, where=where)
        self._county_group = written
        self._matched[self._key(written)] = written
        self.created_groups.append(
            {
                "name": written,
                "members": list(self._counties),
                "note": "识别方案时新建：成员为单位表中的全部县级单位，请确认。",
                "needs_review": True,
            }
        )
        members = (
            f"成员为单位表中的全部{len(self._counties)}个县级单位"
            if self._counties
            else "单位表中没有县级单位，成员待补"
        )
        warnings.append(f"单位组“{written}”不在单位表中，已新建（{members}），请领导小组办公室确认")
        return written

    def _new_unit(self, *, name: str, warnings: list[str], new_units: list[dict], message: str = "") -> str:
        key = self._key(name)
        if key not in self._new:
            self._new[key] = {
                "code": f"new-{len(self.created) + 1}",
                "name": name,
                "full_name": "",
                "kind": _kind_guess(name),
                "aliases": [],
                "needs_review": True,
            }
            self.created.append(self._new[key])
            warnings.append(
                message or f"责任单位“{name}”不在单位表中，已作为新单位列出，请领导小组办公室确认"
            )
        unit = self._new[key]
        if unit not in new_units:
            new_units.append(unit)
        return unit["name"]

    def _key(self, name: str) -> str:
        """One spelling for the variants plans use: no spaces, full-width brackets, 德阳市…/德阳… written 市…."""
        key = _cleaned(name)
        if self.city:
            for prefix in (f"中共{self.city}市", f"{self.city}市", self.city):
                if key.startswith(prefix) and len(key) > len(prefix):
                    return "市" + key.removeprefix(prefix)
        return key


def _means_all_counties(name: str) -> bool:
    """Whether a name is one of the ways to write "all county-level governments": a county group spelling naming
    at least two of 区/县/市 (各区人民政府 alone may mean the districts only, in a city that has counties too)."""
    levels = set(name) & set("区县市")
    return bool(re.fullmatch(COUNTY_GROUP, name)) and len(levels) >= 2 and levels != {"市"}


def _county_group_of(groups: list[dict], counties: list[str]) -> str:
    """The table's group of all county-level governments: one named as plans write it, or failing that one whose
    members are exactly the table's county units; "" when there is none."""
    for group in groups:
        if _means_all_counties(_cleaned(group["name"])):
            return group["name"]
    for group in groups:
        if counties and sorted(group.get("members", [])) == sorted(counties):
            return group["name"]
    return ""


def _nested(name: str) -> tuple[str, str] | None:
    """A name with its other name in brackets, 市委宣传部（市版权局）: (outer, inner), or None."""
    match = re.fullmatch(r"([^（）]+)（([^（）]+)）", name)
    return (match[1], match[2]) if match else None


def _abbreviates(written: str, known: str) -> bool:
    """Whether a written name and a known spelling are one organisation's name in full and in short: same first
    character (市 for a city office), same kind of ending (局, 委/委员会, 办/办公室, 院, 部, 中心…), and the shorter
    one's middle characters appear in order in the longer one's (市科技局 in 市科学技术局, 市中级法院 in
    市中级人民法院). A written name that only cuts a known one short at its end (市市场监督局 from
    市市场监督管理局) is not taken: it may be another office or a slip, so the office decides."""
    if written == known or written[0] != known[0]:
        return False
    (written_core, written_end), (known_core, known_end) = _core(written), _core(known)
    if not written_end or written_end != known_end:
        return False
    if written_core == known_core:
        return True  # 市卫健委 / 市卫健委员会
    short, long = sorted((written_core, known_core), key=len)
    if len(short) < 2 or (short == written_core and long.startswith(short)):
        return False
    rest = iter(long)
    return all(char in rest for char in short)


def _core(name: str) -> tuple[str, str]:
    """A name's middle (without its first character and its ending) and the kind of its ending ("" if none)."""
    for ending, kind in ENDING_CLASSES:
        if name.endswith(ending):
            return name[1 : -len(ending)], kind
    if name.endswith(ORG_ENDINGS):
        return name[1:-1], name[-1]
    return name[1:], ""


def _cleaned(name: str) -> str:
    return re.sub(r"\s+", "", name).translate(HALF_WIDTH)


def _city_of(units: list[dict]) -> str:
    """The city's name as full names add it to short ones (德阳 from 德阳市财政局 = 德阳 + 市财政局), so the
    registry works for any city's unit table."""
    prefixes = Counter(
        unit["full_name"].removesuffix(unit["name"])
        for unit in units
        if unit["name"].startswith("市")
        and unit.get("full_name", "").endswith(unit["name"])
        and unit["full_name"] != unit["name"]
    )
    return prefixes.most_common(1)[0][0] if prefixes else ""


def _kind_guess(name: str) -> str:
    """A first guess at a new unit's kind (values of Unit.Kind), for the office to correct."""
    if name.endswith("政府"):
        return "county"
    if name.endswith(("管委会", "管理委员会")):
        return "scenic" if "景区" in name else "zone"
    if "市委" in name or name.endswith("部"):
        return "party_department"
    if "法院" in name or "检察院" in name:
        return "judicial"
    if name.startswith("人行") or any(word in name for word in ("人民银行", "海关", "税务")):
        return "central"
    if "领导小组" in name and "办公室" in name:
        return "office"
    return "city_department"
