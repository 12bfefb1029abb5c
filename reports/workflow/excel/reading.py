"""Reading an uploaded template safely (limits.py), as an Excel workbook or a CSV file of figures (`read_upload`
tells them apart by their content). A workbook's unpacked size and packing are checked before openpyxl opens it, only
the template's two worksheets are read, each as a stream that stops at the first row, column or cell past its limit,
and only the header's columns of a row are read. A CSV (csvfile.py) is read as the 指标数据 worksheet under the same
limits and checks. Either way the upload reads the same `Sheet`s. A file that cannot be read raises FileError with a
message that says what to do."""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports.workflow.excel.cells import (
    blank,
    cell_text,
)
from reports.workflow.excel.columns import (
    FIGURE_CODE,
    FIGURE_COLUMNS,
    SHEET_FIGURES,
    SHEET_TASKS,
    TASK_CODE,
    TASK_COLUMNS,
)
from reports.workflow.excel.csvfile import CsvError, csv_records, csv_text
from reports.workflow.excel.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PART_MB,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_MB,
    RATIO_FROM_MB,
)


class FileError(Exception):
    """The upload cannot be read as the template at all."""


# A worksheet as read: its headers and its rows that are not blank, each with its Excel row number.
Sheet = tuple[list[str], list[tuple[int, tuple]]]


MB = 1024 * 1024


UNREADABLE = gettext_noop("无法读取上传的文件，请上传本系统下载的 Excel 模板（.xlsx 格式）")

EXCEL, CSV = "Excel", "CSV"


@dataclass(frozen=True)
class Upload:
    kind: str  # EXCEL or CSV
    sheets: dict[str, Sheet]  # a CSV holds 指标数据 only


def read_upload(content: bytes, *, filename: str = "") -> Upload:
    """An uploaded file as the template's worksheets: a workbook (`upload_kind`) as Excel, any other file as a CSV
    of figures. Raises FileError."""
    if not content:
        raise FileError(_("上传的文件是空的，请选择填好的 Excel 模板（.xlsx）或 CSV 文件"))
    if upload_kind(content, filename=filename) == EXCEL:
        return Upload(kind=EXCEL, sheets=read_workbook(content))
    return Upload(kind=CSV, sheets={SHEET_FIGURES: read_csv(content)})


def upload_kind(content: bytes, *, filename: str = "") -> str:
    """EXCEL for a workbook (a zip, an old .xls, or a file named .xlsx), else CSV."""
    if content.startswith((b"PK", b"\xd0\xcf\x11\xe0")) or filename.lower().endswith(
        (".xlsx", ".xlsm", ".xls")
    ):
        return EXCEL
    return CSV


def read_workbook(content: bytes) -> dict[str, Sheet]:
    if not content:
        raise FileError(_("上传的文件是空的，请选择填好的 Excel 模板（.xlsx）"))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传"))
    _check_archive(content)
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise FileError(_(UNREADABLE)) from None
    try:
        sheets = {}
        for title, required in ((SHEET_FIGURES, FIGURE_COLUMNS), (SHEET_TASKS, TASK_COLUMNS)):
            if title not in book.sheetnames:
                raise FileError(
                    _("文件中没有“%(title)s”工作表，请使用本系统下载的模板，不要修改工作表名称")
                    % {"title": title}
                )
            sheets[title] = _read_sheet(book[title], title, required)
    except FileError:
        raise
    except Exception:
        raise FileError(_(UNREADABLE)) from None
    finally:
        book.close()
    return sheets


def _check_archive(content: bytes) -> None:
    """Refuse, before openpyxl opens it, a file that would cost more than reading a template does: one that unpacks
    past MAX_UNPACKED_MB, has a part packed tighter than MAX_RATIO, or has a large part openpyxl would read whole
    on opening it. Sizes come from the zip directory: Python's zipfile never unpacks a part past its declared size
    (and refuses the part when its checksum then fails), so they can be trusted."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except Exception:  # not a zip at all, or a broken one (zipfile raises several kinds)
        raise FileError(_(UNREADABLE)) from None
    with archive:
        _check_sizes(archive.infolist())
        for part in archive.infolist():
            if part.file_size > MAX_PART_MB * MB:
                _check_large_part(archive, part)


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    if sum(part.file_size for part in parts) > MAX_UNPACKED_MB * MB:
        raise FileError(
            _("文件解压后超过%(limit)dMB，本系统的模板解压后远小于此。请检查是否选错了文件")
            % {"limit": MAX_UNPACKED_MB}
        )
    for part in parts:
        if part.file_size > RATIO_FROM_MB * MB and part.file_size > MAX_RATIO * part.compress_size:
            raise FileError(
                _(
                    "文件中有部分解压后是压缩时的%(ratio)d倍，本系统的模板不超过%(limit)d倍，"
                    "可能不是本系统的模板或已损坏。请重新下载模板填写后上传"
                )
                % {"ratio": part.file_size // max(part.compress_size, 1), "limit": MAX_RATIO}
            )


PEEK_BYTES = 1024 * 1024  # how much of a large part is read to tell what it is


def _check_large_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """A part past MAX_PART_MB may be a worksheet that states its size before its rows (openpyxl streams it), the
    shared strings (bounded by MAX_UNPACKED_MB) or no XML at all (a picture: openpyxl never parses it). Any other
    XML openpyxl would build whole; so would it a worksheet without its size (<dimension>), to find that size."""
    parser = ElementTree.XMLPullParser(events=("start",))
    root, read = None, 0
    with archive.open(part) as stream:
        while read < PEEK_BYTES and (chunk := stream.read(64 * 1024)):
            read += len(chunk)
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except ElementTree.ParseError:
                if root is None:
                    return  # not XML
                break
            for _event, element in events:
                name = element.tag.rsplit("}", 1)[-1]
                if root is None:
                    root = name
                    if root == "sst":
                        return
                elif root == "worksheet" and name == "dimension":
                    return
                elif root == "worksheet" and name == "sheetData":
                    raise FileError(
                        _(
                            "文件中有工作表没有记录其大小（Excel、WPS 保存的文件都会记录），无法安全读取。"
                            "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
                        )
                    )
            if root not in (None, "worksheet"):
                break
    raise FileError(
        _(
            "文件中的格式或附加信息过多（有部分解压后超过%(limit)dMB，本系统的模板只有几KB），"
            "请把数据复制到新下载的模板中再上传"
        )
        % {"limit": MAX_PART_MB}
    )


def _read_sheet(sheet, title: str, required: tuple[str, ...]) -> Sheet:
    """A template worksheet streamed (openpyxl read-only, the recorded dimensions dropped so no cell is cut off
    whatever the writing program recorded), refused at the first row past MAX_ROWS, a header wider than
    MAX_COLUMNS or a cell longer than MAX_CELL_CHARS. Only the header's columns are read."""
    sheet.reset_dimensions()
    place = _("工作表“%(title)s”") % {"title": title}
    header = _header(place, next(sheet.iter_rows(max_row=1, values_only=True), ()), required)
    rows = enumerate(sheet.iter_rows(min_row=2, max_col=len(header), values_only=True), 2)
    return header, _rows(place, header, rows)


def read_csv(content: bytes) -> Sheet:
    """A CSV file of figures as the 指标数据 worksheet, under the same limits: its header must name the template's
    columns; rows past MAX_ROWS, a header wider than MAX_COLUMNS or a cell longer than MAX_CELL_CHARS are refused,
    and fields past the header's columns are not kept."""
    try:
        text = csv_text(content)
        names, records = csv_records(text, expected=FIGURE_COLUMNS)
        if TASK_CODE in names and FIGURE_CODE not in names:
            raise FileError(
                _(
                    "CSV 文件只能导入指标数据（表头应有“编号”列）。任务进展请用 Excel 模板的“任务进展”工作表导入"
                )
            )
        if not set(names) & set(FIGURE_COLUMNS):
            raise FileError(
                _(
                    "无法识别上传的文件：它不是 Excel 模板（.xlsx），作为 CSV 文件读取时第一行也不是填报表的表头"
                    "（应为“%(columns)s”等列）。请上传本系统下载的模板填好后的文件"
                )
                % {"columns": ",".join(FIGURE_COLUMNS[:4])}
            )
        place = _("CSV 文件")
        header = _header(place, tuple(names), FIGURE_COLUMNS)
        return header, _rows(place, header, ((n, tuple(r[: len(header)])) for n, r in records))
    except CsvError as error:
        raise FileError(str(error)) from None


def _header(place: str, values: tuple, required: tuple[str, ...]) -> list[str]:
    """A worksheet's header, refused when wider than MAX_COLUMNS, a cell longer than MAX_CELL_CHARS or without one
    of the `required` columns."""
    header = _trimmed(values)
    if len(header) > MAX_COLUMNS:
        raise FileError(
            _("%(place)s超过%(limit)d列，本系统的模板最多%(limit)d列。请删除多余的列后重新上传")
            % {"place": place, "limit": MAX_COLUMNS}
        )
    _check_lengths(place, 1, (), header)
    headers = [cell_text(value) for value in header]
    missing = [column for column in required if column not in headers]
    if missing:
        raise FileError(
            _("%(place)s缺少列：%(missing)s。请使用本系统下载的模板，不要修改表头")
            % {"place": place, "missing": "、".join(missing)}
        )
    return headers


def _rows(place: str, headers: list[str], numbered: Iterator[tuple[int, tuple]]) -> list[tuple[int, tuple]]:
    """The rows that are not blank, each with its number, read until the first past MAX_ROWS or with a cell longer
    than MAX_CELL_CHARS (refused, naming it)."""
    rows = []
    for number, values in numbered:
        if number > MAX_ROWS + 1:
            raise FileError(
                _(
                    "%(place)s超过%(limit)d行，本系统的模板最多%(limit)d行。请检查是否选错了文件；"
                    "如果是本单位的模板，请删除第%(first)d行及以后的行（包括看似空白的行）后重新上传"
                )
                % {"place": place, "limit": MAX_ROWS, "first": MAX_ROWS + 2}
            )
        _check_lengths(place, number, headers, values)
        if any(not blank(value) for value in values):
            rows.append((number, values))
    return rows


def _trimmed(values: tuple) -> tuple:
    """A row without its blank cells at the end (a program may write empty cells far to the right)."""
    width = len(values)
    while width and blank(values[width - 1]):
        width -= 1
    return values[:width]


def _check_lengths(place: str, number: int, headers, values) -> None:
    for position, value in enumerate(values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            column = headers[position] if position < len(headers) and headers[position] else None
            raise FileError(
                _("%(place)s第%(row)d行“%(column)s”超过%(limit)d字（现有%(length)d字），请精简后重新上传")
                % {
                    "place": place,
                    "row": number,
                    "column": column or get_column_letter(position + 1),
                    "limit": MAX_CELL_CHARS,
                    "length": len(value),
                }
            )


def data_rows(sheet: Sheet) -> Iterable[tuple[int, dict]]:
    """(row number, {column: value}) for every row that is not blank; the header is row 1. A row shorter than the
    header (nothing typed in its last cells) reads those cells as blank."""
    headers, rows = sheet
    for number, values in rows:
        yield number, dict(zip(headers, values, strict=False))
