"""Delete audit events older than a date, at least 6 calendar months back; the purge itself is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.auditguard import purge_before

BAD_DATE_MESSAGE = _("日期格式应为 YYYY-MM-DD：{value}")
DONE_MESSAGE = _("已清理 {before} 之前的审计日志 {count} 条。")


class Command(BaseCommand):
    help = "Purge audit events before --before YYYY-MM-DD (refused for dates within the last 6 months)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, help="YYYY-MM-DD; events before this local date go")
        parser.add_argument(
            "--accept-problems",
            action="store_true",
            help="purge even when the purged stretch does not verify (its problems go into the purge's event)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            before = dt.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(BAD_DATE_MESSAGE.format(value=options["before"])) from None
        with audit.acting_as(None, source="command"):
            try:
                count = purge_before(
                    before, today=clock.today(), accept_problems=options["accept_problems"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(DONE_MESSAGE.format(before=before.isoformat(), count=count))
