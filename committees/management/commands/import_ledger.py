"""Moves the federation's Excel ledger (台账) in: `python manage.py import_ledger FILE.xlsx [--dry-run] [--federation NAME]`.

All or nothing: on any problem it prints them (sheet, row, column, value, reason; the first 1,000 and
the total), writes nothing and exits non-zero. Importing the same workbook twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from committees.ledger.columns import SHEETS
from committees.ledger.importing import import_ledger
from committees.ledger.reading import max_rows
from core import audit
from core.uploads import UploadRefused, check_xlsx
from orgs.models import Federation

MSG_NO_FILE = _("找不到文件：{path}")
MSG_NO_FEDERATION = _("系统中没有名为“{name}”的妇联。")
MSG_CHOOSE_FEDERATION = _("系统中有多个妇联，请用 --federation 指定导入到哪一个：{names}")
MSG_NO_FEDERATIONS = _("系统中还没有妇联，请先建立妇联。")
MSG_REFUSED = _("无法导入 {path}：{reason}")
MSG_PROBLEMS = _("台账有 {count} 处问题，未导入任何数据。")
MSG_MORE_PROBLEMS = _("（以上是{note}）")


def pick_federation(name: str | None) -> Federation:
    if name:
        fed = Federation.objects.filter(name=name).first() or Federation.objects.filter(short_name=name).first()
        if fed is None:
            raise CommandError(MSG_NO_FEDERATION.format(name=name))
        return fed
    feds = list(Federation.objects.all()[:20])
    if not feds:
        raise CommandError(MSG_NO_FEDERATIONS)
    if len(feds) > 1:
        raise CommandError(MSG_CHOOSE_FEDERATION.format(names="、".join(f.name for f in feds)))
    return feds[0]


class Command(BaseCommand):
    help = "Import the ledger workbook (sheets 单位, 届次, 缺位); --dry-run checks and reports without writing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the .xlsx ledger")
        parser.add_argument("--dry-run", action="store_true", help="check and report what would change; write nothing")
        parser.add_argument("--federation", default=None, help="name of the federation (needed when there are several)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(MSG_NO_FILE.format(path=path))
        federation = pick_federation(opts["federation"])
        try:
            # An operator's own file: no upload size limit, but the content and zip-bomb checks hold.
            data = check_xlsx(path.read_bytes(), max_bytes=0, max_rows=max_rows() + len(SHEETS))
        except UploadRefused as refused:
            raise CommandError(MSG_REFUSED.format(path=path, reason=refused.message)) from None
        with audit.acting_as(None, source="command"):
            result = import_ledger(federation=federation, data=data, dry_run=opts["dry_run"], filename=path.name)
        if result.problems_total:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems_note():
                self.stderr.write(MSG_MORE_PROBLEMS.format(note=result.problems_note()))
            raise CommandError(MSG_PROBLEMS.format(count=f"{result.problems_total:,}"))
        for line in result.lines():
            self.stdout.write(line)
        if opts["dry_run"] and opts["verbosity"] >= 1:
            for change in result.changes:
                self.stdout.write(f"  · {change}")
