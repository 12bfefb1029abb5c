"""An uploaded CSV of figures as text and records, for reading.py to check and read as the template's 指标数据
worksheet: the same columns, limits and row checks as the Excel template, from the files other systems and Excel
write.

What Excel and other systems save as "CSV" varies, and each is read as it was meant:
- the encoding: UTF-8 with a BOM (Excel's "CSV UTF-8"), UTF-8 without one (most systems), GB18030/GBK (a Chinese
  Excel's plain "CSV"), UTF-16 with its BOM (Excel's "Unicode 文本", tab-separated); a file that is none of them is
  refused naming the row where it stopped being readable;
- the delimiter: comma, or semicolon or tab when the header row splits into the template's columns by it (so the
  choice is checked against the columns expected, never guessed from the data);
- line ends LF or CRLF, fields quoted with line breaks and commas inside (a 说明 of several lines), blank lines;
- text a spreadsheet would run as a formula, written with an apostrophe before it (reports.xlsx.csv_field), is read
  back as it was stored.
A file that is not text (a picture, a PDF, a Word file) is refused with a message that says what to upload."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from reports.workflow.excel.limits import MAX_CELL_CHARS
from reports.xlsx import csv_unescaped

DELIMITERS = (",", ";", "\t")


class CsvError(Exception):
    """The upload cannot be read as a CSV file; the message says why and what to do."""


NOT_TEXT = (
    "上传的文件既不是 Excel 模板（.xlsx），也不是 CSV 文本文件。请上传本系统下载的模板填好后的文件："
    "Excel（.xlsx）或 CSV（.csv）"
)


def csv_text(content: bytes) -> str:
    """The file's text, decoded as its BOM says, else as UTF-8, else as GB18030 (which includes GBK). Raises
    CsvError for a file that is not text, or not in any of these encodings (naming the row)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return _decoded(content[3:], "utf-8")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(content, "utf-16")
    if b"\x00" in content:  # no text file in UTF-8 or GBK holds a NUL byte; pictures, PDFs and zips do
        raise CsvError(_(NOT_TEXT))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as as_utf8:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as as_gbk:
            # The encoding it was meant in is the one that reads furthest: the row is where that one stops.
            error, encoding = max((as_utf8, "utf-8"), (as_gbk, "gb18030"), key=lambda pair: pair[0].start)
            raise CsvError(
                _(
                    "CSV 文件第%(row)d行有无法识别的文字：文件的编码既不是 UTF-8，也不是 GBK/GB18030。"
                    "请在 Excel 中打开文件，“另存为”并选择“CSV UTF-8（逗号分隔）”后重新上传"
                )
                % {"row": _row_at(content[: error.start].decode(encoding))}
            ) from None


def _decoded(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise CsvError(
            _(
                "CSV 文件第%(row)d行有无法识别的文字（文件开头标明是 %(encoding)s 编码，但内容不是）。请重新保存后上传"
            )
            % {
                "row": _row_at(content[: error.start].decode(encoding, errors="replace")),
                "encoding": encoding,
            }
        ) from None


def _row_at(text: str) -> int:
    """The row (as Excel numbers them, the header being 1) that the end of `text` is in."""
    try:
        records = sum(1 for _record in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        records = text.count("\n") + 1
    return records + 1 if not text or text.endswith("\n") else records


def csv_records(text: str, *, expected: tuple[str, ...]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (its cells as typed) and the records after it, each with its row number as Excel shows it (the
    header is 1; a blank line is a row too), read with the delimiter under which the header holds most of the
    `expected` columns (comma when none does better). Each field has its formula apostrophe removed. Raises
    CsvError for quotes that do not pair, naming the row."""
    delimiter = max(DELIMITERS, key=lambda d: len(set(_first_record(text, d)) & set(expected)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 1
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise CsvError(_unreadable(number, error)) from None

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal number
        while True:
            number += 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise CsvError(_unreadable(number, error)) from None
            yield number, [csv_unescaped(field) for field in record]

    return [field.strip() for field in header], records()


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return [
            field.strip()
            for field in next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        ]
    except csv.Error:
        return []


def _unreadable(number: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):  # the csv module's own limit (131,072 characters)
        return _("CSV 文件第%(row)d行有一格超过%(limit)d字，请精简后重新上传") % {
            "row": number,
            "limit": MAX_CELL_CHARS,
        }
    return _(
        "CSV 文件第%(row)d行无法读取：英文双引号没有配对（一格中有引号时，整格应放在一对引号中，格中的引号写两次）。"
        "请在 Excel 中打开后重新保存为 CSV，或改正此行后重新上传"
    ) % {"row": number}
