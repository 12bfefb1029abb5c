"""A plan's official text from the files offices have: .txt (UTF-8 or GB18030/GBK, as Windows Notepad saves it)
and Word .docx. Everything else is refused with a message saying what to do instead."""

import io
import re
import zipfile
from pathlib import PurePath

import docx
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx.table import Table

MAX_BYTES = 5 * 1024 * 1024  # a plan is tens of kilobytes; a 5 MB .docx already carries pictures
MAX_UNPACKED = 50 * 1024 * 1024  # a .docx is a zip: refuse one that would unpack to more than this
ENCODINGS = ("utf-8-sig", "gb18030")


def plan_text_read(*, name: str, content: bytes) -> str:
    """The text of an uploaded plan file. Raises ValidationError saying what to fix."""
    if not content:
        raise ValidationError(_("文件是空的，请重新选择方案文件"))
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("文件超过%(mb)dMB，方案文本一般不会这么大，请确认选对了文件")
            % {"mb": MAX_BYTES // 1024 // 1024}
        )
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        return _docx_text(content)
    if suffix == ".txt":
        return _decoded(content)
    if suffix == ".doc":
        raise ValidationError(_("不支持旧版 Word（.doc）文件，请在 Word 中“另存为” .docx 后重新上传"))
    raise ValidationError(_("请上传 .txt 或 .docx 格式的方案文本"))


def _decoded(content: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件的文字编码，请用记事本打开后“另存为”UTF-8 编码再上传"))


def _docx_text(content: bytes) -> str:
    """The document's paragraphs and tables in document order, one line per paragraph and per table row: many
    plans put their numeric targets in a table (an appendix 主要指标表), which `plantext.tables` reads back."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise ValidationError(_("Word 文件解压后过大，请确认文件是否正确"))
        document = docx.Document(io.BytesIO(content))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except ValidationError:
        raise
    except Exception as error:  # python-docx raises zip, XML and key errors for a damaged or renamed file
        raise ValidationError(
            _("文件不是有效的 Word（.docx）文档，请在 Word 中打开确认后重新保存")
        ) from error
    return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    """One line per row, its cells' texts joined by tabs, as a table pasted from Word or Excel into a .txt reads.
    python-docx gives a horizontally merged cell once per grid column it spans; it is written once, so a group
    row merged across the table ("一、知识产权创造") is one cell. A vertically merged cell keeps its text in each
    row it covers (python-docx gives the top cell again), which is what a 类别 column means there."""
    lines = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if previous is not None and cell._tc is previous._tc:
                continue
            previous = cell
            # A tab or line break inside a cell would read as a cell or line of its own.
            cells.append(re.sub(r"\s*[\t\r\n]\s*", " ", cell.text).strip())
        lines.append("\t".join(cells))
    return lines
