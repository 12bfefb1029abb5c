"""Passwords that meet the length and class rules but are still easy to guess (pen test, issue 14 item 11): a common
password dressed up with capitals, digits and a symbol, or one built from the account's own names (username, full
name, unit)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from units.models import User


def refused_codes(password: str, user: User) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return [e.code for e in error.value.error_list]


@pytest.mark.parametrize(
    "password",
    ["Password123!", "P@ssw0rd2025", "2025Password!", "Qwerty@12345", "Iloveyou#2024", "Woaini@1314!"],
)
def test_a_common_password_with_capitals_digits_and_a_symbol_is_refused(password, jingyang):
    codes = refused_codes(password, jingyang)
    assert "password_too_common" in codes


def test_the_refusal_says_why_in_chinese(jingyang):
    with pytest.raises(ValidationError) as error:
        validate_password("Password123!", jingyang)
    assert "过于常见" in " ".join(error.value.messages)


@pytest.fixture
def named(make_user) -> User:
    user = make_user("zhangwei-jy", User.Role.REPORTER, "jingyang")
    user.first_name, user.last_name = "伟", "张"
    user.save()
    return user


@pytest.mark.parametrize(
    "password",
    [
        "Zhangwei-jy2025",  # the username
        "ZhangWei#2025ab",  # a part of it
        "张伟@Deyang2025",  # the full name
        "旌阳区Ip#2025x",  # the unit's name
        "旌阳区人民政府2025!",  # its full name
        "Jingyang@2025",  # its code
    ],
)
def test_a_password_built_from_the_accounts_names_is_refused(password, named):
    assert "password_too_similar" in refused_codes(password, named)


@pytest.mark.parametrize(
    "password", ["Deyang2025x", "deyang-2025-ip", "DEYANG#ipcity", "Lx7#qv2Mz9", "扬帆@Sx2025k"]
)
def test_a_password_of_its_own_is_still_accepted(password, named):
    validate_password(password, named)
