"""manage.py restore FILE [--yes] [--database-name NAME]: replace the database with a verified backup.

Stop the application first. On PostgreSQL `--database-name` restores into another (existing) database,
for a restore drill that leaves the live one alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext_lazy as _

from core import audit, backup

CONFIRM_PROMPT = _("恢复将用备份 {path} 覆盖数据库 {db} 的全部数据。输入 yes 确认：")
NOT_CONFIRMED_MESSAGE = _("未确认，已取消恢复。")
RESTORE_DONE_MESSAGE = _("恢复完成：{path} → {db}（{tables} 张表，行数与备份一致）")
RESTORE_FAILED_MESSAGE = _("恢复失败：{problems}")


class Command(BaseCommand):
    help = "Restore the database from an encrypted backup file (refused when the file does not verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--database-name", help="PostgreSQL only: restore into this database instead")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        db = options["database_name"] or str(connection.settings_dict["NAME"])
        if options["database_name"] and connection.vendor != "postgresql":
            raise CommandError("--database-name: PostgreSQL only")
        if not options["yes"]:
            if (
                not options.get("interactive", True)
                or input(CONFIRM_PROMPT.format(path=path, db=db)) != "yes"
            ):
                raise CommandError(NOT_CONFIRMED_MESSAGE)
        with audit.acting_as(None, source="command"):
            try:
                outcome = backup.restore_backup(path, database_name=options["database_name"])
            except (backup.BackupError, OSError) as exc:
                failed = backup.Outcome(path=path, problems=[str(exc)])
                backup.record("restore", failed, detail=f"target={db}")
                raise CommandError(RESTORE_FAILED_MESSAGE.format(problems=exc)) from None
            backup.record("restore", outcome, detail=f"target={db}")
            if not outcome.ok:
                raise CommandError(RESTORE_FAILED_MESSAGE.format(problems="; ".join(outcome.problems)))
        self.stdout.write(RESTORE_DONE_MESSAGE.format(path=path, db=db, tables=len(outcome.counts)))
