"""The security policy of the log-in (等保 2.0 第三级): one place for its figures and the roles it covers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.roles import Role

PASSWORD_MIN_LENGTH = 12
PASSWORD_MIN_CLASSES = 3  # of lower case, upper case, digit, symbol
PASSWORD_HISTORY = 5  # the new password may not be any of the last five
PASSWORD_MAX_AGE = dt.timedelta(days=90)

# A second factor (TOTP) is required of every account that can read hotline cases or administer the
# system. Executives read the hotline cases they took, so they are included; so are the three
# administrators (三员) and superusers.
OTP_REQUIRED_ROLES: frozenset[str] = frozenset(
    {Role.HOTLINE_SUPERVISOR, Role.EXECUTIVE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
)

# Demo and test TOTP secret (base32); `make run` passes the same value to load_demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def requires_otp(user: object) -> bool:
    """Does this account need a verified second factor?"""
    from core.scoping import scope_for

    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)  # type: ignore[arg-type]
    return scope.is_superuser or bool(scope.roles & OTP_REQUIRED_ROLES)


def base32_to_hex(secret: str) -> str:
    """A base32 TOTP secret (as authenticator apps show it) as the hex key django-otp stores."""
    import base64
    import binascii

    cleaned = secret.replace(" ", "").replace("-", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(cleaned)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a base32 secret: {secret!r}") from exc
    if len(raw) < 10:
        raise ValueError("a TOTP secret needs at least 80 bits")
    return raw.hex()


def hex_to_base32(key: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")


# What a locked account is told, on the log-in form, the API's log-in and a credential reset alike.
MSG_LOCKED = _("登录失败次数过多，账号已被锁定30分钟，请稍后再试或联系安全管理员。")


def count_failure(request: HttpRequest, username: str, *, reason: str = "otp") -> None:
    """A failed log-in step after the password was right (second factor): counted by django-axes and
    recorded by accounts.signals like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username, "jinguo_reason": reason},
                           request=request)
