"""Create the key ring for personal information (production: run once, keep the file safe, back it up apart)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from core import crypto

EXISTS_MESSAGE = _("密钥文件 {path} 已存在：不会覆盖（覆盖将使已加密的数据无法解密）。")
WRITTEN_MESSAGE = _("已生成密钥文件 {path}（权限 0600）。请另行妥善备份，勿与数据库备份存放在一起。")


class Command(BaseCommand):
    help = "Write a new key ring (JSON, mode 0600) to JINGUO_KEYS_FILE or --output; never overwrites."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="where to write (default: settings.JINGUO_KEYS_FILE)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"]) if options["output"] else crypto.keys_file()
        if path.exists():
            raise CommandError(EXISTS_MESSAGE.format(path=path))
        try:
            crypto.write_keyring(crypto.KeyRing.generate(), path, exclusive=True)
        except FileExistsError:
            raise CommandError(EXISTS_MESSAGE.format(path=path)) from None
        crypto.reset_keyring_cache()
        self.stdout.write(WRITTEN_MESSAGE.format(path=path))
