"""Walk the audit log's hash chain (core.auditchain): every missing, altered or forged event reported.

    manage.py verify_audit        # a one-line summary when the chain holds; exit status 1 otherwise

The check is recorded in the audit log itself (with the newest seq it saw), so that a later deletion
of the newest events can be compared against it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import auditverify


class Command(BaseCommand):
    help = "Verify the audit log's keyed hash chain; lists every gap, altered or forged event; exit 1 on any."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        report = auditverify.verify_and_record(options["database"])
        if report.ok:
            for line in report.lines():
                self.stdout.write(line)
            return
        lines = report.lines()
        for line in lines[:-1]:
            self.stdout.write(line)
        raise CommandError(lines[-1], returncode=1)
