"""The template's worksheets and columns: one definition the download and the upload share."""

from decimal import Decimal

from import_export.formats.base_formats import XLSX

from reports.workflow.validation import TASK_REPORT_FIELDS

# The file is a Chinese form whatever language the user browses in: labels are written and read in Chinese.
FILE_LANGUAGE = "zh-hans"
XLSX_CONTENT_TYPE = XLSX.CONTENT_TYPE

SHEET_FIGURES = "指标数据"
SHEET_TASKS = "任务进展"

CREATED, UPDATED, UNCHANGED, ERROR = "新增", "修改", "不变", "错误"

# Model field → column, for both worksheets (the column names are the file's contract).
COLUMNS = {
    "value": "数值",
    "numerator": "分子",
    "denominator": "分母",
    "achieved": "是否达成",
    "achieved_on": "达成日期",
    "note": "说明",
    "progress": "进展状态",
    "progress_text": "工作进展",
    "problems": "存在问题",
    "next_steps": "下步计划",
}
UNIT, PERIOD, VERSION, FIGURE_CODE, TASK_CODE = "单位", "季度", "版本", "编号", "任务编号"
FIGURE_COLUMNS = (UNIT, PERIOD, FIGURE_CODE, "数值", "分子", "分母", "是否达成", "达成日期", "说明", VERSION)
TASK_FIELDS = TASK_REPORT_FIELDS
TASK_COLUMNS = (UNIT, PERIOD, TASK_CODE, *(COLUMNS[f] for f in TASK_FIELDS), VERSION)

YES, NO = "是", "否"
ACHIEVED_WORDS = {YES: True, "已达成": True, "达成": True, NO: False, "未达成": False}
FULL_WIDTH_CODE = str.maketrans({"（": "(", "）": ")", "．": ".", " ": None, "\u3000": None})
LARGEST = Decimal(10) ** 14  # Submission numbers have 18 digits, 4 of them decimals
