"""Every message a reporter can get from the rules is Chinese and says what to fix."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.workflow.parsing import parse_date, parse_decimal
from reports.workflow.validation import figure_errors, task_report_errors
from targets.models import Indicator

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def assert_chinese(messages):
    assert messages
    for message in messages:
        assert CHINESE.search(message), message
        ours = re.sub(r"“[^”]*”", "", message)  # what the person typed is quoted back as it was
        assert not ENGLISH_WORD.search(ours.replace("PDF", "").replace("Excel", "")), message


CASES = [
    ("3.5", {"value": Decimal("120")}, False),
    ("3.1", {"numerator": Decimal("5"), "denominator": Decimal("4")}, False),
    ("3.1", {"numerator": Decimal("5")}, False),
    ("3.1", {"numerator": Decimal("1"), "denominator": Decimal("0")}, False),
    ("2.3", {"value": Decimal("-2")}, False),
    ("1.1", {}, True),
    ("3.1", {}, True),
    ("4.1", {}, True),
    ("4.1", {"achieved": True}, True),
    ("4.1", {"achieved": True, "achieved_on": datetime.date(2030, 1, 1)}, False),
]


@pytest.mark.parametrize(("code", "data", "strict"), CASES)
def test_figure_rule_messages_are_chinese(plan, code, data, strict):
    errors = figure_errors(
        indicator=Indicator.objects.get(code=code), data=data, strict=strict, today=datetime.date(2024, 1, 5)
    )
    assert_chinese([m for messages in errors.values() for m in messages])


def test_stock_change_messages_are_chinese(plan):
    level = Indicator.objects.get(code="1.1")
    falling = figure_errors(
        indicator=level, data={"value": Decimal("5")}, strict=True, previous_value=Decimal("9")
    )
    jumping = figure_errors(
        indicator=level, data={"value": Decimal("20")}, strict=True, previous_value=Decimal("9")
    )
    assert_chinese(falling["note"] + jumping["note"])


def test_task_report_messages_are_chinese():
    errors = task_report_errors(data={"progress": "delayed"}, strict=True)
    assert_chinese([m for messages in errors.values() for m in messages])


@pytest.mark.parametrize("text", ["很多", "1.2.3", "NaN", "inf"])
def test_text_in_a_number_is_refused_in_chinese(text):
    with pytest.raises(ValidationError) as error:
        parse_decimal(text, label="季末数")
    assert_chinese(error.value.messages)


@pytest.mark.parametrize(
    ("text", "number"), [("1,234", "1234"), ("１２", "12"), (" 85.5% ", "85.5"), ("", None)]
)
def test_numbers_are_read_as_people_type_them(text, number):
    assert parse_decimal(text, label="数值") == (Decimal(number) if number else None)


def test_a_bad_date_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        parse_date("去年", label="达成日期")
    assert_chinese(error.value.messages)
