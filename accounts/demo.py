"""Demo accounts that need a second factor get a confirmed TOTP device with the `--totp-secret` secret."""

from __future__ import annotations

import random
from typing import Any

from accounts.policy import base32_to_hex, requires_otp


def load_demo(*, org: Any, rng: random.Random, options: dict[str, Any]) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secret = options.get("totp_secret")
    if not secret:
        return  # the accounts enrol their own device at first log-in
    key = base32_to_hex(secret)
    for user in org.users.values():
        if requires_otp(user):
            TOTPDevice.objects.create(user=user, name="演示验证器", key=key, confirmed=True)
