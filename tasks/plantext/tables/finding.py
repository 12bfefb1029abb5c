"""Finding tables among a plan's numbered source lines: a .docx table row is a tab-separated line (see
`documents.plan_text_read`), and a .txt has tables pasted as tab-, space- or |-separated text. `tables_take` takes
each table out with its caption and group rows and leaves the other lines as they were. Pure functions on text."""

import re
from dataclasses import dataclass, field

TAB, PIPE, SPACE, RULE = "tab", "pipe", "space", "rule"
# Cells apart by two or more spaces, or by a full-width space (as wide as two): how text tables are aligned.
SPACES = re.compile(r"[ \u3000]*\u3000[ \u3000]*| {2,}")
PIPE_RULE = re.compile(r"^[|｜]?\s*:?-{2,}:?\s*(?:[|｜]\s*:?-{2,}:?\s*)*[|｜]?$")  # |---|:--:|
NUMBERED = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、.．](?!\d))\s*"
)


@dataclass
class Table:
    """A table found among the lines: its caption, header and rows, each row with its source line."""

    title: str  # its caption ("附件1 主要指标表"), "" when it has none
    line: int  # its first line: the caption's, or the header's
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # a group row ("一、…") has one cell
    lines: list[int] = field(default_factory=list)  # every line it took: caption, header, rows, |---| rules


def tables_take(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Table]]:
    """The lines that are not part of a table, unchanged, and the tables. A table is a run of two or more lines
    that split into the same number (three or more) of cells, with the group rows ("一、知识产权创造") between
    them and the caption right before it. Give it the raw lines: cleaning a line joins its cells."""
    split = [_cells_of(text) for _n, text in lines]
    taken: set[int] = set()
    tables: list[Table] = []
    start = floor = 0
    while start < len(lines):
        end = _block_end(split, start)
        if end is None:
            start += 1
            continue
        captions = _captions(split, floor, start)
        table = Table(
            title=" ".join(" ".join(split[i][1]) for i in captions),
            line=lines[captions[0] if captions else start][0],
            header=split[start][1],
            header_line=lines[start][0],
        )
        for index in range(start + 1, end):
            kind, cells = split[index]
            if cells and kind != RULE:
                table.rows.append((lines[index][0], cells))
        # Blank lines inside the table stay with the other lines: they are no part of it.
        took = captions + [i for i in range(start, end) if split[i][1] or split[i][0] == RULE]
        table.lines = [lines[i][0] for i in took]
        taken.update(took)
        tables.append(table)
        start = floor = end
    return [line for index, line in enumerate(lines) if index not in taken], tables


def _cells_of(line: str) -> tuple[str, list[str]]:
    """How a line splits (tab, pipe, space, a |---| rule, or "" for not at all) and its cells; no cells for a
    blank line. Tabs win: a .docx row and a table pasted from Word or Excel are tab-separated."""
    text = line.strip(" \u3000\r\n\ufeff")  # not tabs: a leading or trailing tab is an empty cell
    if not text.strip():
        return "", []
    if "\t" in text:
        return TAB, [_cell(cell) for cell in text.split("\t")]
    if PIPE_RULE.match(text):
        return RULE, []
    if len(re.findall(r"[|｜]", text)) >= 2:
        inner = re.sub(r"^[|｜]|[|｜]$", "", text.strip())
        return PIPE, [_cell(cell) for cell in re.split(r"[|｜]", inner)]
    parts = SPACES.split(text)
    return (SPACE, [_cell(p) for p in parts]) if len(parts) > 1 else ("", [_cell(text)])


def _cell(text: str) -> str:
    """A cell's text on one line, without the spaces Word's justification puts between Chinese characters."""
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def _block_end(split: list[tuple[str, list[str]]], start: int) -> int | None:
    """Where a table starting at `start` ends (after its last row of full width), or None if none starts there."""
    kind, header = split[start]
    if kind not in (TAB, PIPE, SPACE) or len(header) < 3:
        return None
    rows, end, odd = 0, None, 0
    for index in range(start + 1, len(split)):
        row_kind, cells = split[index]
        if not cells or (row_kind == RULE and kind == PIPE):
            continue
        if len(cells) <= 2 and _is_caption(" ".join(cells)):
            break  # the next table's caption
        if row_kind == kind and len(cells) >= 2:
            if cells == header or any(cell in ("指标名称", "序号") for cell in cells):
                break  # the header again: a table of its own, or the same one on its next page
            if len(cells) == len(header):
                rows, end, odd = rows + 1, index + 1, 0
                continue
            odd += 1
            if odd == 2:
                break  # rows of another width, one after another: another table
            continue  # one row of another width stays in the table, to be reported where it is read
        if row_kind == "" and _group_like(cells[0]):
            odd = 0
            continue
        break
    return end if rows else None


def _group_like(text: str) -> bool:
    return len(text) <= 30 and "。" not in text and not _is_caption(text) and not text.startswith("注")


def _is_caption(text: str) -> bool:
    """A table's caption: 附件1 / 表1 …主要指标 / …主要指标表（2022—2025年）; not a numbered heading of the plan."""
    if len(text) > 60 or "。" in text or NUMBERED.match(text):
        return False
    return bool(
        re.fullmatch(r"附件\s*[\d一二三四五六七八九十]*\s*[：:]?", text)
        or re.match(r"^附?表\s*[\d一二三四五六七八九十]+", text)
        or re.search(r"表\s*(?:[（(][^）)]*[）)])?$", text)
        or "主要指标" in text
    )


def _captions(split: list[tuple[str, list[str]]], floor: int, start: int) -> list[int]:
    """Indexes of the caption lines right before a table (after `floor`, the end of the table before): its
    title, and a 附件 line before that."""
    found: list[int] = []
    for index in range(start - 1, floor - 1, -1):
        kind, cells = split[index]
        if not cells:
            continue
        # "附件1　主要指标表": a full-width space splits a caption as it splits a text table's cells.
        text = " ".join(cells)
        if kind not in ("", SPACE) or len(cells) > 2 or not _is_caption(text) or len(found) == 2:
            break
        if found and not text.startswith("附件"):
            break  # only a 附件 line may stand before the title itself
        found.insert(0, index)
    return found
