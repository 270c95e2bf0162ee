"""Prints the three rates for a period: `manage.py rates --from 2017-01-01 --to 2017-12-31 [--json]`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.rates import Rates
from committees.selectors import rates_for
from core.scoping import Scope
from orgs.models import Federation

MSG_BAD_DATE = _("日期格式有误：{value}（应为 YYYY-MM-DD）。")
MSG_INVERTED = _("起始日期不能晚于截止日期。")
MSG_NO_FEDERATION = _("未找到妇联：{name}。")
MSG_SEVERAL_FEDERATIONS = _("系统中有多个妇联，请用 --federation 指定其名称。")

LABELS = {"formation": _("组建率"), "on_time_reelection": _("按时换届率"), "vacancy_fill": _("及时补缺率")}


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(MSG_BAD_DATE.format(value=value)) from None


class Command(BaseCommand):
    help = "Print the formation, on-time re-election and vacancy-fill rates (formation as of --to)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True, help="period start, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="period end, YYYY-MM-DD (formation as of this day)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--federation", default=None, help="federation name (needed when there are several)")

    def handle(self, *args: Any, **opts: Any) -> None:
        start, end = parse_day(opts["start"]), parse_day(opts["end"])
        if start > end:
            raise CommandError(MSG_INVERTED)
        federation = self.federation(opts["federation"])
        # The command reads as the system: the whole federation, no user scope.
        system = Scope(user_id=0, is_superuser=True)
        rates = rates_for(system, start, end, federation=federation)
        if opts["json"]:
            self.stdout.write(json.dumps(rates.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(self.table(rates, federation))

    def federation(self, name: str | None) -> Federation:
        if name:
            found = Federation.objects.filter(name=name).first()
            if found is None:
                raise CommandError(MSG_NO_FEDERATION.format(name=name))
            return found
        # Only federations with units are candidates (a city federation above districts has none).
        candidates = list(Federation.objects.filter(units__isnull=False).distinct()[:2])
        if len(candidates) != 1:
            raise CommandError(MSG_SEVERAL_FEDERATIONS if candidates else MSG_NO_FEDERATION.format(name="—"))
        return candidates[0]

    @staticmethod
    def table(rates: Rates, federation: Federation) -> str:
        lines = [
            gettext("{federation}  {start} 至 {end}（组建率截至 {end}）").format(
                federation=federation.name, start=f"{rates.start:%Y-%m-%d}", end=f"{rates.end:%Y-%m-%d}"
            ),
            f"{gettext('指标'):<8}{gettext('比率'):>8}{gettext('分子'):>6}{gettext('分母'):>6}",
        ]
        for key, label in LABELS.items():
            result = getattr(rates, key)
            lines.append(f"{label!s:<8}{result.percent:>8}{result.numerator:>8}{result.denominator:>8}")
        return "\n".join(lines)
