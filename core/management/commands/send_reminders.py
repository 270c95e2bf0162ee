"""Runs the reminder job by hand: `python manage.py send_reminders [--date YYYY-MM-DD]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.reminders import run_reminders

MSG_BAD_DATE = _("日期格式应为 YYYY-MM-DD，例如 2026-07-01。")


class Command(BaseCommand):
    help = "Send every app's reminders due on a day (default today) and resolve those whose cause is gone; running it twice sends nothing twice."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default=None, help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["date"]:
            try:
                today = dt.date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError(str(MSG_BAD_DATE)) from None
        else:
            today = clock.today()
        with audit.acting_as(None, source="command"), translation.override(settings.LANGUAGE_CODE):
            report = run_reminders(today)
            self.stdout.write(self.style.SUCCESS(str(report)))
