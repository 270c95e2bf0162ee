"""Prints the current TOTP code of a base32 secret (the demo's by default): for demos and the README."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.policy import DEMO_TOTP_SECRET, base32_to_hex


def current_code(secret: str, *, at: float | None = None) -> tuple[str, int]:
    """The 6-digit code of `secret` now (or at `at`) and the seconds it stays valid."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(base32_to_hex(secret)), step=30, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}", 30 - int(totp.time) % 30


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a base32 secret (default: the demo secret)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--secret", default=DEMO_TOTP_SECRET, help=f"base32 secret (default {DEMO_TOTP_SECRET})")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            code, remaining = current_code(opts["secret"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(code)
        if opts["verbosity"] > 1:
            self.stderr.write(f"valid for {remaining} more seconds")
