"""manage.py backup [--output FILE]: encrypted backup, verified right away; backup --verify FILE checks one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from core import audit, backup

BACKUP_DONE_MESSAGE = _("备份完成：{path}（{size} 字节，SHA-256 {sha256}）")
VERIFY_OK_MESSAGE = _("备份校验通过：{path}（{tables} 张表，抽样解密 {samples}）")
VERIFY_FAILED_MESSAGE = _("备份校验未通过：{path}：{problems}")


class Command(BaseCommand):
    help = "Back up the database into an encrypted file and verify it; --verify FILE checks an existing one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="backup file (default: VAR_DIR/backups/jinguo-<time>.jgbk)")
        parser.add_argument("--verify", metavar="FILE", help="only verify this backup file")
        parser.add_argument("--no-verify", action="store_true", help="skip the verification after the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.acting_as(None, source="command"):
            if options["verify"]:
                self.verify(Path(options["verify"]))
                return
            try:
                outcome = backup.create_backup(Path(options["output"]) if options["output"] else None)
            except backup.BackupError as exc:
                outcome = backup.Outcome(path=Path(options["output"] or "-"), problems=[str(exc)])
                backup.record("backup", outcome)
                raise CommandError(str(exc)) from None
            backup.record("backup", outcome)
            self.stdout.write(
                BACKUP_DONE_MESSAGE.format(path=outcome.path, size=outcome.size, sha256=outcome.sha256)
            )
            if not options["no_verify"]:
                self.verify(outcome.path)

    def verify(self, path: Path) -> None:
        outcome = backup.verify_backup(path)
        backup.record("verify", outcome)
        if not outcome.ok:
            raise CommandError(VERIFY_FAILED_MESSAGE.format(path=path, problems="; ".join(outcome.problems)))
        samples = ", ".join(f"{k}={v}" for k, v in sorted(outcome.samples.items())) or "-"
        self.stdout.write(VERIFY_OK_MESSAGE.format(path=path, tables=len(outcome.counts), samples=samples))
