"""Loads the demo district: every app's part, through the loaders registered in core.registry.demo_loaders."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.registry import DemoContext, demo_loaders
from core.reminders import run_reminders

DEFAULT_PASSWORD = "Jinguo-Demo-2026!"


class Command(BaseCommand):
    help = "Load the demo district (reference scenario of domain.md) with one demo account per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help=f"password of every demo account (default {DEFAULT_PASSWORD})")
        parser.add_argument("--totp-secret", default=None, help="base32 TOTP secret for the demo accounts that need a second factor")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo data is already loaded")

    def handle(self, *args: Any, **opts: Any) -> None:
        loaders = demo_loaders.items()
        if any(loader.present is not None and loader.present() for _, loader in loaders):
            if opts["if_empty"]:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError(_("演示数据已存在（Demo data already loaded）：请使用空数据库，或加 --if-empty。"))
        ctx = DemoContext(options=opts, rng=random.Random(2017))
        with audit.acting_as(None, source="command"), transaction.atomic():
            for key, loader in loaders:
                if opts["verbosity"] > 1:
                    self.stdout.write(f"  {key} …")
                loader.load(ctx)
            # Once every app's records are there: each producer's reminders wait in the app for the demo's
            # today (no e-mail or SMS goes out from a demo).
            run_reminders(clock.today(), email=False, sms=False)
        self.stdout.write(self.style.SUCCESS("Demo loaded:"))
        for line in ctx.summary:
            self.stdout.write(f"  {line}")
