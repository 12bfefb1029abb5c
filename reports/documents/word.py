"""Word documents the office can still edit (通报, 评估报告): A4 pages with 公文-like margins, 宋体 body and 黑体
headings, tables with a shaded header row that repeats on each page, numbers right-aligned. Thin helpers over
python-docx so each document module only says what goes in it."""

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT, HEADING_FONT = "宋体", "黑体"
COLOURS = {
    "green": RGBColor(0x1B, 0x7F, 0x3B),
    "amber": RGBColor(0xB2, 0x6B, 0x00),
    "red": RGBColor(0xB3, 0x26, 0x1E),
}


def _east_asian(style_or_run, font: str) -> None:
    """Chinese text takes the East Asian font slot; python-docx's font.name only sets the Latin one."""
    style_or_run.font.name = font
    properties = style_or_run.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def document_new() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.6), Cm(2.4)
    normal = document.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for level, size in ((0, 20), (1, 15), (2, 13)):
        style = document.styles["Title" if level == 0 else f"Heading {level}"]
        _east_asian(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = level != 0
        style.font.color.rgb = RGBColor(0, 0, 0)
    return document


def title(document: Document, text: str, subtitle: str = "") -> None:
    heading = document.add_paragraph(text, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if subtitle:
        line = document.add_paragraph(subtitle)
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER


def heading(document: Document, text: str, level: int = 1) -> None:
    document.add_heading(text, level=level)


def paragraph(document: Document, text: str, *, indent: bool = True, small: bool = False):
    """A body paragraph, first line indented two characters as Chinese documents are."""
    paragraph = document.add_paragraph(text)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)
    if small:
        for run in paragraph.runs:
            run.font.size = Pt(10.5)
    return paragraph


def table(
    document: Document,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths_cm: Sequence[float] | None = None,
    numeric: Sequence[int] = (),
) -> None:
    """A table with a shaded header row repeated on each page. `numeric`: column indexes right-aligned; a cell
    given as (text, colour) with colour green/amber/red is written bold in that colour."""
    rows = list(rows)
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    _repeat_header(header)
    for index, text in enumerate(headers):
        cell = header.cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, "E8EDF3")
    for values in rows:
        cells = grid.add_row().cells
        for index, value in enumerate(values):
            text, colour = value if isinstance(value, tuple) else (value, None)
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run("" if text is None else str(text))
            if colour in COLOURS:
                run.font.color.rgb = COLOURS[colour]
                run.bold = True
            if index in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.first_line_indent = Pt(0)
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    for row in grid.rows:
        _keep_together(row)
    if widths_cm:
        grid.autofit = False
        for column, width in zip(grid.columns, widths_cm, strict=False):
            column.width = Cm(width)  # the grid, which LibreOffice reads
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)  # each cell, which Word reads
    document.add_paragraph()


def caption(document: Document, text: str) -> None:
    line = paragraph(document, text, indent=False, small=True)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER


def picture(document: Document, png: bytes, *, width_cm: float = 15.5) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(width_cm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _keep_together(row) -> None:
    """A row is never split across two pages."""
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
