"""Password rules (等保 2.0 第三级): length and character classes, common passwords, no reuse of the last five.

Configured in settings.AUTH_PASSWORD_VALIDATORS; every message is a Chinese module constant.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import PASSWORD_HISTORY, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH

MSG_PASSWORD_TOO_SHORT = _("密码长度至少为{min_length}个字符。")
MSG_PASSWORD_CLASSES = _("密码须包含小写字母、大写字母、数字、特殊符号中的至少{min_classes}类。")
MSG_PASSWORD_COMMON = _("该密码过于常见，容易被猜中，请换一个。")
MSG_PASSWORD_REUSED = _("新密码不能与最近{count}次使用过的密码相同。")
MSG_PASSWORD_PATTERN = _("密码不能主要由重复字符或连续序列组成（如 aaaa、abcd、4321、qwer），请换一个更难猜的密码。")
HELP_PASSWORD_RULES = _("至少{min_length}个字符，包含小写字母、大写字母、数字、特殊符号中的至少{min_classes}类；不能是常见密码，不能主要由重复或连续的字符组成，不能与最近{count}次的密码相同。")

# Keyboard rows: "qwer" and "asdf" are as easy to guess as "abcd".
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
RUN_MIN = 3  # a run of this many repeated or consecutive characters counts as one


def character_classes(password: str) -> int:
    """How many of the four classes (lower, upper, digit, symbol) the password uses."""
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c in string.digits for c in password)
    symbol = any(not (c.isalnum()) for c in password)
    return sum((lower, upper, digit, symbol))


class ComplexityValidator:
    """At least `min_length` characters and `min_classes` of the four character classes."""

    def __init__(self, min_length: int = PASSWORD_MIN_LENGTH, min_classes: int = PASSWORD_MIN_CLASSES) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(MSG_PASSWORD_TOO_SHORT.format(min_length=self.min_length),
                                          code="password_too_short"))
        if character_classes(password) < self.min_classes:
            errors.append(ValidationError(MSG_PASSWORD_CLASSES.format(min_classes=self.min_classes),
                                          code="password_too_simple"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return MSG_PASSWORD_TOO_SHORT.format(min_length=self.min_length) + MSG_PASSWORD_CLASSES.format(
            min_classes=self.min_classes
        )


def _steps(a: str, b: str) -> set[str]:
    """How `b` follows `a`: the same character, the next or previous letter or digit, or key on a row."""
    kinds = set()
    if a == b:
        kinds.add("same")
    if (a.isascii() and b.isascii()) and ((a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit())):
        if ord(b) - ord(a) in (1, -1):
            kinds.add(f"abc{ord(b) - ord(a)}")
    for n, row in enumerate(KEYBOARD_ROWS):
        if a in row and b in row and row.index(b) - row.index(a) in (1, -1):
            kinds.add(f"row{n}{row.index(b) - row.index(a)}")
    return kinds


def pattern_units(password: str) -> tuple[int, int]:
    """(units, longest run): the password's length once each run of RUN_MIN or more repeated characters
    (aaaa) or sequences (abcd, 4321, qwer) counts as one character, and the length of its longest run."""
    text = password.lower()
    units, longest, i = 0, 1, 0
    while i < len(text):
        end = i + 1
        if i + 1 < len(text):
            for kind in _steps(text[i], text[i + 1]):
                k = i + 1
                while k < len(text) and kind in _steps(text[k - 1], text[k]):
                    k += 1
                end = max(end, k)
        if end - i >= RUN_MIN:
            longest = max(longest, end - i)
            i = end
        else:
            i += 1
        units += 1
    return units, longest


class PatternValidator:
    """Refuses passwords made mostly of repeated characters or sequences (Aaaaaaaaaaa1, Abcdefghijk1,
    Qwertyuiop12), which pass the length and class rules and are guessed first: fewer than `min_units`
    characters once each run counts as one, or one run that makes up half the password."""

    def __init__(self, min_units: int = 8) -> None:
        self.min_units = min_units

    def validate(self, password: str, user: Any = None) -> None:
        units, longest = pattern_units(password)
        if units < self.min_units or longest * 2 >= len(password):
            raise ValidationError(MSG_PASSWORD_PATTERN, code="password_pattern")

    def get_help_text(self) -> str:
        return str(MSG_PASSWORD_PATTERN)


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with the message in Chinese."""

    def get_error_message(self) -> str:
        return str(MSG_PASSWORD_COMMON)

    def get_help_text(self) -> str:
        return gettext("不能是常见密码。")


class PasswordHistoryValidator:
    """Refuses the current password and the ones before it, `count` in all; records each new one.

    Django calls `password_changed` after every save of a new password (User.set_password + save), so the
    history is kept whichever way the password was set (change page, reset, create_user, load_demo).
    """

    def __init__(self, count: int = PASSWORD_HISTORY) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").values_list(
                "password", flat=True
            )[: self.count]
        )
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in hashes[: self.count]):
            raise ValidationError(MSG_PASSWORD_REUSED.format(count=self.count), code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or not user.has_usable_password():
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        # Keep only what the rule needs.
        keep = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").values_list(
            "pk", flat=True
        )[: self.count]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return MSG_PASSWORD_REUSED.format(count=self.count)
