"""Rules a figure or task report must meet, by target kind. Pure functions: no database, messages in Chinese.

Hard rules hold for every save (a draft too); the stricter ones hold when an item is submitted.
"""

import datetime
from decimal import Decimal

from targets.models import Indicator

STOCK_JUMP = Decimal("0.5")  # a stock that rises more than 50% on last quarter needs an explanation

VALUE_LABELS = {
    Indicator.Kind.LEVEL: "季末数",
    Indicator.Kind.CUMULATIVE: "本季度发生额",
    Indicator.Kind.INCREMENT: "本季度新增数",
    Indicator.Kind.RATE: "本季度比率（%）",
    Indicator.Kind.RELATIVE: "季末数值",
    Indicator.Kind.MILESTONE: "是否达成",
}


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def figure_errors(
    *,
    indicator: Indicator,
    data: dict,
    strict: bool,
    previous_value: Decimal | None = None,
    has_evidence: bool = False,
    today: datetime.date | None = None,
) -> dict[str, list[str]]:
    """Everything wrong with this figure, by field ("__all__" for the item). Empty when it may be saved/submitted."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    value, numerator, denominator = data.get("value"), data.get("numerator"), data.get("denominator")
    for field, number, label in (
        ("value", value, VALUE_LABELS[indicator.kind]),
        ("numerator", numerator, indicator.numerator_label or "分子"),
        ("denominator", denominator, indicator.denominator_label or "分母"),
    ):
        if number is not None and number < 0:
            add(field, f"{label}不能为负数，您填写的是{_num(number)}")

    if indicator.kind == Indicator.Kind.RATE:
        if value is not None and value > 100:
            add("value", f"比率不能超过100%，您填写的是{_num(value)}%")
        if indicator.has_ratio:
            if (numerator is None) != (denominator is None):
                add("__all__", f"请同时填写{indicator.numerator_label}和{indicator.denominator_label}")
            if denominator is not None and denominator == 0 and numerator is not None:
                add("denominator", f"{indicator.denominator_label}必须大于0")
            if numerator is not None and denominator is not None and numerator > denominator:
                add(
                    "numerator",
                    f"{indicator.numerator_label}（{_num(numerator)}）不能大于{indicator.denominator_label}（{_num(denominator)}）",
                )

    if indicator.kind == Indicator.Kind.MILESTONE:
        achieved_on = data.get("achieved_on")
        if achieved_on and today and achieved_on > today:
            add("achieved_on", f"达成日期不能晚于今天（{today:%Y-%m-%d}）")
        if strict and data.get("achieved") is None:
            add("achieved", "请选择是否已达成")
        if strict and data.get("achieved"):
            if not achieved_on:
                add("achieved_on", "标记为已达成时请填写达成日期")
            if not has_evidence:
                add("__all__", "标记为已达成时请上传佐证材料（如批复文件）")
        return errors

    if strict:
        if indicator.has_ratio:
            if numerator is None and denominator is None:
                add("__all__", f"请填写{indicator.numerator_label}和{indicator.denominator_label}后再提交")
        elif value is None:
            add("value", f"请填写{VALUE_LABELS[indicator.kind]}后再提交")

    if strict and indicator.kind == Indicator.Kind.LEVEL and value is not None and previous_value is not None:
        note = (data.get("note") or "").strip()
        if value < previous_value and not note:
            add("note", f"季末数比上季度（{_num(previous_value)}）下降，请在说明中写明原因")
        elif previous_value > 0 and value > previous_value * (1 + STOCK_JUMP) and not note:
            add("note", f"季末数比上季度（{_num(previous_value)}）增长超过50%，请在说明中写明原因")
    return errors


def ratio_value(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """The rate in % from numerator and denominator, to 2 decimals; None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.01"))


def task_report_errors(*, data: dict, strict: bool) -> dict[str, list[str]]:
    """Everything wrong with a task report. Only submission requires content."""
    errors: dict[str, list[str]] = {}
    if not strict:
        return errors
    if not data.get("progress"):
        errors.setdefault("progress", []).append("请选择进展状态")
    if not (data.get("progress_text") or "").strip():
        errors.setdefault("progress_text", []).append("请填写本季度工作进展")
    if data.get("progress") == "delayed" and not (data.get("problems") or "").strip():
        errors.setdefault("problems", []).append("进展状态为“滞后”时，请写明存在问题")
    return errors
