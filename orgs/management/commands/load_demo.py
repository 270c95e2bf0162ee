"""Loads the demo district: the federation, its units, people, one account per role and the history."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit
from orgs import demo
from orgs.models import Federation

DEFAULT_PASSWORD = "Jinguo-Demo-2026!"


class Command(BaseCommand):
    help = "Load the demo district (reference scenario of domain.md) with one demo account per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help=f"password of every demo account (default {DEFAULT_PASSWORD})")
        parser.add_argument("--totp-secret", default=None, help="base32 TOTP secret for the demo accounts that need a second factor")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo federation already exists")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Federation.objects.filter(name=demo.FEDERATION_NAME).exists():
            if opts["if_empty"]:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError("演示数据已存在（Demo data already loaded）：请使用空数据库，或加 --if-empty。")
        rng = random.Random(2017)
        with audit.acting_as(None, source="command"), transaction.atomic():
            org = demo.load(password=opts["password"], rng=rng)
            for hook in demo_hooks():
                hook(org=org, rng=rng, options=opts)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {len(org.units)} units, {len(org.users)} accounts."))


def demo_hooks() -> list[Any]:
    """Each app that has demo data contributes a `load_demo(org=, rng=, options=)` in its demo module."""
    import importlib

    from django.apps import apps

    hooks = []
    for app in apps.get_app_configs():
        if app.name == "orgs":
            continue
        try:
            module = importlib.import_module(f"{app.name}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "load_demo"):
            hooks.append(module.load_demo)
    return hooks
