"""Figures that must never be accepted quietly: a fraction of a count, more decimals than the indicator takes, a number
in exponent notation, an absurd magnitude; and text past a field's limit. Each is refused with a message that names
the indicator (or the field) and says what to fix, on the sheet and in the Excel import alike."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import Submission, TaskReport
from reports.workflow import validation
from reports.workflow.drafts import figure_save
from reports.workflow.forms import FigureForm, TaskReportForm
from reports.workflow.parsing import parse_decimal
from reports.workflow.validation import figure_errors

from .factories import indicator, period, task
from .test_excel import fill, template, upload

TODAY = datetime.date(2024, 1, 5)


def errors_of(plan, code: str, **data) -> list[str]:
    errors = figure_errors(indicator=indicator(plan, code), data=data, strict=False, today=TODAY)
    return [message for messages in errors.values() for message in messages]


# Decimals: counts take none, amounts and densities as the plan writes them.


def test_a_fraction_of_a_count_is_refused_naming_the_indicator(plan):
    assert errors_of(plan, "1.4", value=Decimal("1.5")) == [
        "指标1.4 有效注册商标数量以件计，只能填整数（填写了1.5）"
    ]


def test_a_whole_count_written_with_zero_decimals_is_accepted(plan):
    assert errors_of(plan, "1.1", value=Decimal("16.0")) == []


@pytest.mark.parametrize(
    ("code", "places"),
    [("1.1", 0), ("1.4", 0), ("2.1", 0), ("5.3", 0), ("2.3", 2), ("1.3", 2), ("3.5", 2), ("二(二)2.1", 2)],
)
def test_each_indicator_states_how_many_decimals_it_takes(plan, code, places):
    assert validation.figure_places(indicator(plan, code)) == places


def test_a_density_counted_in_pieces_takes_decimals(plan):
    """每万人高价值发明专利拥有量 is written in 件 but is a figure per 10,000 people: 6.75件."""
    assert errors_of(plan, "1.3", value=Decimal("6.75")) == []


def test_more_decimals_than_an_amount_takes_are_refused_not_rounded(plan):
    assert errors_of(plan, "2.3", value=Decimal("0.123456")) == [
        "指标2.3 知识产权质押金额最多保留2位小数（填写了0.123456），请核对后重新填写"
    ]
    assert errors_of(plan, "2.3", value=Decimal("0.12")) == []


def test_an_indicator_set_to_four_decimals_refuses_a_fifth(plan):
    pledges = indicator(plan, "2.3")
    pledges.decimals = 4
    pledges.save()
    assert errors_of(plan, "2.3", value=Decimal("0.1235")) == []
    assert "最多保留4位小数（填写了0.123456）" in errors_of(plan, "2.3", value=Decimal("0.123456"))[0]


def test_a_rates_numerator_and_denominator_that_are_counts_take_whole_numbers(plan):
    assert errors_of(plan, "3.1", numerator=Decimal("5.5"), denominator=Decimal("8")) == [
        "指标3.1 知识产权案件法定审限内结案率的审限内结案数只能填整数（填写了5.5）"
    ]


# Magnitudes


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        (
            "2.3",
            "99999999999999",
            "指标2.3 知识产权质押金额填写的99999999999999亿元超出合理范围（应小于100,000亿元），请核对数字和计量单位",
        ),
        (
            "1.1",
            "100000000000",
            "指标1.1 高新技术企业填写的100000000000户超出合理范围（应小于10,000,000,000户），请核对数字和计量单位",
        ),
    ],
)
def test_an_absurd_magnitude_is_refused(plan, code, value, message):
    assert errors_of(plan, code, value=Decimal(value)) == [message]


def test_an_absurd_denominator_is_refused(plan):
    messages = errors_of(plan, "3.1", numerator=Decimal("5"), denominator=Decimal("1" + "0" * 12))
    assert any("结案总数" in m and "超出合理范围" in m for m in messages), messages


# Exponent notation


@pytest.mark.parametrize("text", ["1e3", "1E3", "2.5e-2", "１ｅ３"])
def test_exponent_notation_is_refused_as_such(text):
    with pytest.raises(ValidationError) as error:
        parse_decimal(text, label="季末数")
    assert error.value.messages == [
        f"季末数请不要使用科学计数法（如1e3），请直接填写数字，您填写的是“{text}”"
    ]


@pytest.mark.parametrize("text", ["1_000", "1 000", "+-1", "0x10"])
def test_spellings_decimal_would_take_but_people_do_not_write_are_refused(text):
    with pytest.raises(ValidationError) as error:
        parse_decimal(text, label="季末数")
    assert error.value.messages == [f"季末数应为数字，您填写的是“{text}”"]


# The same rules through the services, the sheet and the Excel import


def test_figure_save_refuses_a_fraction_of_a_count(plan, jingyang, in_2024q1):
    with pytest.raises(ValidationError) as error:
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=period(plan, "2023Q4"),
            indicator=indicator(plan, "1.1"),
            data={"value": Decimal("1.5")},
            expected_version=None,
        )
    assert "指标1.1 高新技术企业以户计，只能填整数（填写了1.5）" in error.value.messages
    assert not Submission.objects.exists()


def test_the_sheet_refuses_a_fraction_and_keeps_what_was_typed(client, plan, jingyang_signed_in, in_2024q1):
    high_tech = indicator(plan, "1.1").pk
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {f"f{high_tech}-value": "1.5", f"f{high_tech}-version": "0", "action": "save"},
    )
    page = response.content.decode()
    assert "指标1.1 高新技术企业以户计，只能填整数（填写了1.5）" in page
    assert 'value="1.5"' in page
    assert not Submission.objects.exists()


def test_the_sheet_refuses_exponent_notation(client, plan, jingyang_signed_in, in_2024q1):
    high_tech = indicator(plan, "1.1").pk
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {f"f{high_tech}-value": "1e3", f"f{high_tech}-version": "0", "action": "save"},
    )
    assert "请不要使用科学计数法（如1e3）" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_sheet_states_the_decimals_and_brings_up_the_numeric_keyboard(
    client, plan, jingyang_signed_in, in_2024q1
):
    page = client.get(reverse("reports:sheet", args=["jingyang", "2023Q4"])).content.decode()
    count = FigureForm(prefix="f", indicator=indicator(plan, "1.1"))["value"].as_widget()
    amount = FigureForm(prefix="f", indicator=indicator(plan, "2.3"))["value"].as_widget()
    assert 'inputmode="decimal"' in count and 'data-places="0"' in count
    assert 'inputmode="decimal"' in amount and 'data-places="2"' in amount
    assert f'name="f{indicator(plan, "1.1").pk}-value"' in page
    assert 'inputmode="decimal"' in page
    assert "只填整数" in page
    assert "最多2位小数" in page


def excel_errors(plan, jingyang, edits) -> list[str]:
    content = fill(template(plan, jingyang.unit), edits)
    result = upload(plan, jingyang, content, dry_run=True)
    return result.error_messages


def test_the_excel_import_refuses_a_fraction_of_a_count_naming_the_row(plan, jingyang, in_2024q1):
    lines = excel_errors(plan, jingyang, {("指标数据", "1.1"): {"数值": 1.5}})
    assert len(lines) == 1
    assert lines[0].startswith("指标数据 第")
    assert "（1.1）：数值：指标1.1 高新技术企业以户计，只能填整数（填写了1.5）" in lines[0]


def test_the_excel_import_refuses_extra_decimals_instead_of_rounding(plan, jingyang, in_2024q1):
    lines = excel_errors(plan, jingyang, {("指标数据", "2.3"): {"数值": 0.123456}})
    assert len(lines) == 1 and "（2.3）" in lines[0]
    assert "指标2.3 知识产权质押金额最多保留2位小数（填写了0.123456）" in lines[0]


def test_the_excel_import_refuses_exponent_text_but_takes_a_float_cell(plan, jingyang, in_2024q1):
    lines = excel_errors(plan, jingyang, {("指标数据", "1.1"): {"数值": "1e3"}})
    assert len(lines) == 1 and "（1.1）" in lines[0] and "请不要使用科学计数法" in lines[0]
    content = fill(template(plan, jingyang.unit), {("指标数据", "1.1"): {"数值": 1000.0}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.error_messages == []
    assert Submission.objects.get(indicator__code="1.1").value == Decimal("1000")


def test_the_excel_import_refuses_an_absurd_magnitude(plan, jingyang, in_2024q1):
    lines = excel_errors(plan, jingyang, {("指标数据", "2.3"): {"数值": 99999999999999}})
    assert len(lines) == 1 and "（2.3）" in lines[0] and "超出合理范围（应小于100,000亿元）" in lines[0]


def test_the_excel_import_refuses_a_note_past_its_limit(plan, jingyang, in_2024q1):
    lines = excel_errors(plan, jingyang, {("指标数据", "1.1"): {"数值": 12, "说明": "字" * 2001}})
    assert len(lines) == 1
    assert "「说明」最多2000字，当前2001字，请删减后再保存" in lines[0]


# Text limits: shown, counted, never cut, refused in plain Chinese


def test_a_long_text_is_refused_naming_the_field(plan):
    form = TaskReportForm({"t-progress_text": "字" * 4001}, prefix="t")
    assert not form.is_valid()
    assert form.errors["progress_text"] == ["「工作进展」最多4000字，当前4001字，请删减后再保存"]


def test_a_text_at_its_limit_is_accepted(plan):
    form = FigureForm({"f-note": "字" * 2000}, prefix="f", indicator=indicator(plan, "1.1"))
    assert form.is_valid(), form.errors


def test_text_areas_show_their_limit_and_let_the_browser_keep_pasted_text(plan):
    widget = TaskReportForm(prefix="t")["progress_text"].as_widget()
    assert 'data-limit="4000"' in widget
    assert "maxlength" not in widget
    note = FigureForm(prefix="f", indicator=indicator(plan, "1.1"))["note"].as_widget()
    assert 'data-limit="2000"' in note and "maxlength" not in note


def test_the_sheet_refuses_a_long_note_and_keeps_every_character(client, plan, jingyang_signed_in, in_2024q1):
    county_task = task(plan, "二(一)2").pk
    typed = "进展" * 2001
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {f"t{county_task}-progress_text": typed, f"t{county_task}-version": "0", "action": "save"},
    )
    page = response.content.decode()
    assert "「工作进展」最多4000字，当前4002字，请删减后再保存" in page
    assert typed in page
    assert not TaskReport.objects.exists()
