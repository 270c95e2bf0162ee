"""Password rules (等保 2.0 第三级): length and character classes, common passwords, no reuse of the last five.

Configured in settings.AUTH_PASSWORD_VALIDATORS; every message is a Chinese module constant.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from accounts.policy import PASSWORD_HISTORY, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH

MSG_PASSWORD_TOO_SHORT = "密码长度至少为{min_length}个字符。"
MSG_PASSWORD_CLASSES = "密码须包含小写字母、大写字母、数字、特殊符号中的至少{min_classes}类。"
MSG_PASSWORD_COMMON = "该密码过于常见，容易被猜中，请换一个。"
MSG_PASSWORD_REUSED = "新密码不能与最近{count}次使用过的密码相同。"
HELP_PASSWORD_RULES = "至少{min_length}个字符，包含小写字母、大写字母、数字、特殊符号中的至少{min_classes}类；不能是常见密码，不能与最近{count}次的密码相同。"


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


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with the message in Chinese."""

    def get_error_message(self) -> str:
        return MSG_PASSWORD_COMMON

    def get_help_text(self) -> str:
        return "不能是常见密码。"


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
