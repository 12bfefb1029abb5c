"""A plan's paragraphs as the tree its outline makes: each heading (第一部分, 一、, （一）, 1., （1）, ①) nests under the
nearest one above it of an outer kind; paragraphs without a marker belong to the heading above them. Which marker
kinds occur, and how they nest, come from the document; what each level is (part, section, task, sub-item) is decided
by structure.py from the headings' words."""

from dataclasses import dataclass, field

from .normalize import MARKERS, Paragraph
from .responsible import responsible_clause


@dataclass
class Node:
    """A heading of the outline (or the root), with the paragraphs right under it and the headings beneath."""

    kind: str  # part / top / sub / item / sub_item / circled; root
    paragraph: Paragraph
    number: str = ""
    title: str = ""
    body: list[Paragraph] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.paragraph.line

    @property
    def text(self) -> str:
        return self.paragraph.text

    def body_paragraphs(self) -> list[Paragraph]:
        return list(self.body)

    def paragraphs(self) -> list[Paragraph]:
        """This heading's paragraph, its body and everything beneath it, in the order of the source."""
        found = [self.paragraph, *self.body]
        for child in self.children:
            found.extend(child.paragraphs())
        return sorted(found, key=lambda paragraph: paragraph.line)


RANK = {kind: rank for rank, (kind, _marker) in enumerate(MARKERS)}


def marker_of(paragraph: Paragraph) -> tuple[str, str, str] | None:
    """(kind, number, title) of a paragraph that starts with an outline marker; a 一、 before a long sentence is a
    list in the text, not a heading."""
    for kind, marker in MARKERS:
        match = marker.match(paragraph.text)
        if match and not (kind == "top" and is_sentence(match[2])):
            return kind, match[1], match[2]
    return None


def is_sentence(text: str) -> bool:
    """一、 followed by a long sentence is a list in the text, not a heading."""
    return len(text) > 40 and "。" in text[:40]


def outline_read(paragraphs: list[Paragraph]) -> Node:
    """The paragraphs as a tree of headings: a marker nests under the nearest one above it of an outer kind."""
    root = Node("root", Paragraph(0, ""))
    stack = [root]
    for paragraph in paragraphs:
        marker = marker_of(paragraph)
        if marker is None:
            stack[-1].body.append(paragraph)
            continue
        kind, number, title = marker
        while len(stack) > 1 and RANK[stack[-1].kind] >= RANK[kind]:
            stack.pop()
        node = Node(kind, paragraph, number, title.strip())
        stack[-1].children.append(node)
        stack.append(node)
    return root


def are_sections(nodes: list[Node]) -> bool:
    """Whether the headings of a tasks part are sections: some have headings beneath them that can be tasks (not
    (1) or ①, which are a task's sub-items), and none names its own responsible units (a task does)."""
    has_tasks = any(child.kind not in ("sub_item", "circled") for node in nodes for child in node.children)
    return has_tasks and not any(responsible_clause(node.text)[1] for node in nodes)


def code_part(node: Node) -> str:
    """A heading's part of a task's code: 二 for 二、, (一) for （一）, 1 for 1., (1) for （1）; none for 第一部分."""
    if node.kind in ("sub", "sub_item"):
        return f"({node.number})"
    return "" if node.kind == "part" else node.number
