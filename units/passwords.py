"""Password rules for 等保 level 3: at least 10 characters (settings), three of the four character classes, none of
the account's last five passwords, no common password however dressed up, nothing built from the account's own names;
and the record each change leaves, which the expiry check reads."""

import re

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CLASSES = (
    (gettext_lazy("大写字母"), str.isupper),
    (gettext_lazy("小写字母"), str.islower),
    (gettext_lazy("数字"), str.isdigit),
    (gettext_lazy("符号"), lambda ch: not ch.isalnum()),
)


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = [name for name, test in CLASSES if any(test(ch) for ch in password)]
        if len(present) < self.min_classes:
            missing = "、".join(str(name) for name, _test in CLASSES if name not in present)
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类，还可以加入：%(missing)s")
                % {"n": self.min_classes, "missing": missing},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the account's last `count` passwords. Also records each new password (Django calls
    password_changed after a user with a new password is saved)."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from .models import PasswordHistory

        recent = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[: self.count]
        if any(check_password(password, old.password) for old in recent):
            raise ValidationError(
                _("不能使用最近%(n)d次用过的密码") % {"n": self.count}, code="password_reused"
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from .models import PasswordHistory, User

        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return _("不能使用最近%(n)d次用过的密码。") % {"n": self.count}


# Leetspeak a guesser tries first: p@ssw0rd is password.
LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and symbols around a word: Password123! is password


class CommonVariantsValidator(CommonPasswordValidator):
    """Not one of Django's 20,000 common passwords, nor one dressed up the way the class rule invites: capitals,
    digits or symbols before or after it (Password123!, 2025Password!), symbols between (password-123), leetspeak
    (P@ssw0rd). The word left after the dressing counts from 4 characters."""

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower().strip()
        core = DECORATION.sub("", lowered)
        candidates = {lowered, "".join(ch for ch in lowered if ch.isalnum())}
        if len(core) >= 4:
            candidates |= {core, core.translate(LEET)}
        if candidates & self.passwords:
            raise ValidationError(
                _("密码过于常见（常见密码加上大写、数字或符号仍然容易被猜中），请换一个"),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("不能使用常见密码，加上大写、数字或符号的也不行。")


class AccountNamesValidator(UserAttributeSimilarityValidator):
    """Not built from the account's own names: none of its username, name or unit (short name, full name, code), nor
    a piece of one (_name_parts), appears in it; and it is not too like one of the account's attributes (Django's
    similarity rule: username, first and last name, e-mail)."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for label, name in _account_names(user):
            if any(part in lowered for part in _name_parts(name)):
                raise ValidationError(
                    _("密码不能包含%(what)s"), code="password_too_similar", params={"what": label}
                )
        super().validate(password, user)

    def get_help_text(self) -> str:
        return _("不能包含用户名、姓名或所属单位的名称。")


def _account_names(user) -> list[tuple[str, str]]:
    first, last = user.first_name or "", user.last_name or ""
    names = [(_("用户名"), user.username or ""), (_("姓名"), last + first), (_("姓名"), first + last)]
    unit = user.unit if user.unit_id else None
    if unit is not None:
        names += [(_("所属单位的名称"), value) for value in (unit.name, unit.full_name, unit.code)]
    return [(label, name.lower()) for label, name in names if name]


def _name_parts(name: str) -> set[str]:
    """The pieces of a name a password may not contain: the name and its words from 3 letters; a Chinese name
    (written without spaces) from 2 characters, and any 3 of its characters in a row (旌阳区 of 旌阳区人民政府)."""
    pieces = set()
    for part in {name, *re.split(r"[\W_]+", name)}:
        if part.isascii():
            pieces |= {part} if len(part) >= 3 else set()
        elif len(part) >= 2:
            pieces |= {part, *(part[i : i + 3] for i in range(len(part) - 2))}
    return pieces
