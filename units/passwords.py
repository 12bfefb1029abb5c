"""Password rules for 等保 level 3: at least 10 characters (settings), three of the four character classes, none of
the account's last five passwords; and the record each change leaves, which the expiry check reads."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda ch: not ch.isalnum()),
)


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = [name for name, test in CLASSES if any(test(ch) for ch in password)]
        if len(present) < self.min_classes:
            missing = "、".join(name for name, _test in CLASSES if name not in present)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类，还可以加入：{missing}",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


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
            raise ValidationError(f"不能使用最近{self.count}次用过的密码", code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from .models import PasswordHistory, User

        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return f"不能使用最近{self.count}次用过的密码。"
