"""Excel (and CSV) round trip of a unit's quarterly sheet: `template` writes the pre-filled file, `upload` reads it
back (`reading` tells a workbook from a CSV, `csvfile` decodes a CSV)."""

from reports.workflow.excel.columns import SHEET_FIGURES, SHEET_TASKS, XLSX_CONTENT_TYPE
from reports.workflow.excel.template import sheet_template_csv, sheet_template_filename, sheet_template_xlsx
from reports.workflow.excel.upload import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    RowResult,
    SheetImportResult,
    sheet_import,
)

__all__ = [
    "CREATED",
    "ERROR",
    "SHEET_FIGURES",
    "SHEET_TASKS",
    "UNCHANGED",
    "UPDATED",
    "XLSX_CONTENT_TYPE",
    "RowResult",
    "SheetImportResult",
    "sheet_import",
    "sheet_template_csv",
    "sheet_template_filename",
    "sheet_template_xlsx",
]
