"""`manage.py rebuild_rate_summary [--federation ID] [--check]`: the rate summary recomputed from the data.

The summary is kept by every write (committees.rate_summary); this is for after a restore, a raw SQL
repair or a doubt. `--check` only compares, prints each federation's differing days and exits 1 if any.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from committees import rate_summary
from orgs.models import Federation


class Command(BaseCommand):
    help = "Recomputes (or with --check compares) the maintained rate summary of every federation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--federation", type=int, help="only this federation (its id)")
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")

    def handle(self, *args: Any, **options: Any) -> None:
        federations = Federation.objects.order_by("pk")
        if options["federation"] is not None:
            federations = federations.filter(pk=options["federation"])
        wrong = 0
        started = time.perf_counter()
        for federation in federations:
            if options["check"]:
                found = rate_summary.differences(federation.pk)
                if found:
                    wrong += 1
                    self.stdout.write(
                        _("%(name)s：汇总与数据不符 %(count)d 处（日或年），如 %(day)s")
                        % {"name": federation.name, "count": len(found), "day": str(next(iter(found)))}
                    )
            else:
                rate_summary.refresh_federation(federation.pk)
        seconds = time.perf_counter() - started
        if options["check"]:
            self.stdout.write(_("检查完毕：%(wrong)d 个妇联的汇总与数据不符（%(seconds).2f 秒）。")
                              % {"wrong": wrong, "seconds": seconds})
            if wrong:
                raise SystemExit(1)
        else:
            self.stdout.write(_("已重算 %(count)d 个妇联的汇总（%(seconds).2f 秒）。")
                              % {"count": federations.count(), "seconds": seconds})
