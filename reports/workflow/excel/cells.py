"""Reading the cells of an uploaded template: a cell's text as typed, a number, a date, 是/否, a progress status or
the version, each with a message that says what to fix; and a service's refusal as the row's messages."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from reports.models import TaskReport
from reports.workflow.drafts import StaleEditError
from reports.workflow.excel.columns import ACHIEVED_WORDS, COLUMNS, LARGEST, NO, VERSION, YES
from reports.workflow.parsing import parse_date, parse_decimal
from reports.workflow.validation import VALUE_LABELS
from targets.display import decimal_text
from targets.models import Indicator


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as the text a person typed: 12.0 → "12", a date → "2023-12-31"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def refusal_messages(error: Exception) -> list[str]:
    """A service's refusal as the row's messages."""
    if isinstance(error, StaleEditError):
        stale = error.messages[0].removesuffix(_("请核对后重新填写。"))
        return [_("%(stale)s请重新下载模板（含最新内容）后再上传。") % {"stale": stale}]
    if isinstance(error, ValidationError):
        return _messages(error)
    return [str(error)]


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        message if name == NON_FIELD_ERRORS else f"{COLUMNS.get(name, name)}：{message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def misplaced_message(indicator: Indicator, name: str) -> str:
    """What to do about a filled cell in a column this indicator does not use."""
    code, column = indicator.code, COLUMNS[name]
    if name in ("achieved", "achieved_on"):
        return _("%(code)s 不是里程碑指标，“%(column)s”列请留空") % {"code": code, "column": column}
    if indicator.kind == Indicator.Kind.MILESTONE:
        return _("%(code)s 是里程碑指标，请在“是否达成”列填写“是”或“否”，“%(column)s”列请留空") % {
            "code": code,
            "column": column,
        }
    if indicator.has_ratio:
        return _(
            "%(code)s 的数值由%(numerator)s/%(denominator)s自动计算，请在“分子”“分母”两列填写，“数值”列请不要改动"
        ) % {"code": code, "numerator": indicator.numerator_label, "denominator": indicator.denominator_label}
    return _("%(code)s 不按分子/分母填报，请把%(label)s填在“数值”列，“%(column)s”列请留空") % {
        "code": code,
        "label": VALUE_LABELS[indicator.kind],
        "column": column,
    }


def cell_value(name: str, raw, indicator: Indicator, errors: list[str]):
    try:
        if name == "achieved":
            return cell_achieved(raw)
        if name == "achieved_on":
            return parse_date(None if blank(raw) else _date_text(raw), label=COLUMNS[name])
        label = COLUMNS[name]
        if name != "value":
            label += f"（{getattr(indicator, f'{name}_label')}）"
        return cell_number(raw, label=label)
    except ValidationError as error:
        errors += error.messages
        return None


# A date as Excel writes it to a CSV in a Chinese locale (2023/11/2, 2023年11月2日, with 0:00 after a time's date).
LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def _date_text(raw):
    """A date typed or saved as text, as ISO text (2023/11/2 → 2023-11-02); anything else as it is."""
    if isinstance(raw, str) and (match := LOOSE_DATE.fullmatch(raw.strip())):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return raw


def cell_number(raw, *, label: str) -> Decimal | None:
    """A number cell. A cell Excel holds as a number is read as Excel shows it (15 significant digits: 0.1+0.2 is
    0.3, 1000.0 is 1000); a text cell goes through parse_decimal, so "1e3" is refused as it is on the sheet. Nothing
    is rounded: more decimals than the indicator takes are refused by the rules (reports.workflow.validation)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = Decimal(f"{raw:.15g}") if isinstance(raw, float) else Decimal(raw)
    else:
        number = parse_decimal(None if blank(raw) else cell_text(raw), label=label)
    if number is None:
        return None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValidationError(
            _("%(label)s过大，您填写的是“%(text)s”，请核对计量单位")
            % {"label": label, "text": cell_text(raw)}
        )
    return number


def same_number(raw, current: Decimal | None) -> bool:
    try:
        return cell_number(raw, label="") == current
    except ValidationError:
        return False


def cell_achieved(raw) -> bool | None:
    if blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if text not in ACHIEVED_WORDS:
        raise ValidationError(
            _("是否达成请填写“%(yes)s”或“%(no)s”，您填写的是“%(text)s”")
            % {"yes": YES, "no": NO, "text": text}
        )
    return ACHIEVED_WORDS[text]


def cell_progress(text: str, errors: list[str]) -> str:
    if not text:
        return ""
    by_label = {str(label): value for value, label in TaskReport.Progress.choices}
    if text in by_label:
        return by_label[text]
    if text in by_label.values():
        return text
    errors.append(
        _("进展状态应为%(choices)s之一，您填写的是“%(text)s”")
        % {"choices": "、".join(by_label), "text": text}
    )
    return ""


def cell_version(cells: dict, errors: list[str]) -> int | None:
    raw = cells.get(VERSION)
    if blank(raw):
        return None
    text = cell_text(raw)
    if not text.isdigit():
        errors.append(_("“版本”列应为模板中的整数，您填写的是“%(text)s”。请不要改动此列") % {"text": text})
        return None
    return int(text)
