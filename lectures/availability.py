"""A volunteer's availability (可授课时间): a weekly pattern and dates away, read by the ranking for orders.

`available_on` and `parse_away` are pure; `availability_set` is the one write (a service in the style of
lectures/services.py); `availability_by_volunteer` reads many volunteers' patterns in two queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit
from lectures.models import AwayPeriod, Volunteer, WeeklyAvailability

MSG_AWAY_LINE = _("第 %(line)s 行：请按“起始日期 截止日期 说明”填写，日期如 2026-07-01。")
MSG_AWAY_ORDER = _("第 %(line)s 行：截止日期不能早于起始日期。")
MSG_WEEKDAYS = _("每周可授课日只能是周一到周日。")

WEEKDAY_NAMES = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


@dataclass(frozen=True)
class Away:
    starts_on: dt.date
    ends_on: dt.date
    note: str = ""


def parse_away(text: str) -> list[Away]:
    """One period a line: "起始日期 截止日期 说明" (the end may be left out for one day); located errors."""
    out = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = line.replace("~", " ").replace("～", " ").replace("至", " ").split(None, 2)
        try:
            start = dt.date.fromisoformat(parts[0])
            end, note = start, ""
            if len(parts) > 1:
                try:
                    end = dt.date.fromisoformat(parts[1])
                    note = parts[2] if len(parts) > 2 else ""
                except ValueError:
                    note = " ".join(parts[1:])
        except (ValueError, IndexError):
            raise ValidationError(MSG_AWAY_LINE, code="away", params={"line": number}) from None
        if end < start:
            raise ValidationError(MSG_AWAY_ORDER, code="away", params={"line": number})
        out.append(Away(start, end, note.strip()[:100]))
    return out


def available_on(day: dt.date, weekdays: str, away: Iterable[Away]) -> tuple[bool, str]:
    """Whether a volunteer with this weekly pattern ("" = any day) and these dates away can lecture on `day`,
    and why in words."""
    for a in away:
        if a.starts_on <= day <= a.ends_on:
            reason = gettext("%(start)s 至 %(end)s 不能授课") % {
                "start": a.starts_on.isoformat(),
                "end": a.ends_on.isoformat(),
            }
            if a.note:
                reason = gettext("%(reason)s（%(note)s）") % {"reason": reason, "note": a.note}
            return False, reason
    weekday = str(day.isoweekday())
    name = str(WEEKDAY_NAMES[day.isoweekday() - 1])
    if weekdays and weekday not in weekdays:
        return False, gettext("%(weekday)s不在每周可授课日内") % {"weekday": name}
    if weekdays:
        return True, gettext("%(weekday)s可授课") % {"weekday": name}
    return True, ""


def pattern_of(volunteer: Volunteer) -> tuple[str, list[Away]]:
    weekly = WeeklyAvailability.objects.filter(volunteer=volunteer).first()
    away = [Away(a.starts_on, a.ends_on, a.note) for a in AwayPeriod.objects.filter(volunteer=volunteer)]
    return (weekly.weekdays if weekly else ""), away


def away_text(away: Iterable[Away]) -> str:
    return "\n".join(f"{a.starts_on.isoformat()} {a.ends_on.isoformat()} {a.note}".rstrip() for a in away)


def availability_by_volunteer(volunteer_ids: Iterable[int]) -> dict[int, tuple[str, list[Away]]]:
    ids = list(volunteer_ids)
    out: dict[int, tuple[str, list[Away]]] = {pk: ("", []) for pk in ids}
    for w in WeeklyAvailability.objects.filter(volunteer_id__in=ids):
        out[w.volunteer_id] = (w.weekdays, out[w.volunteer_id][1])
    for a in AwayPeriod.objects.filter(volunteer_id__in=ids):
        out[a.volunteer_id][1].append(Away(a.starts_on, a.ends_on, a.note))
    return out


def availability_set(
    *, volunteer: Volunteer, weekdays: str, away: str, acting_user: Any | None = None
) -> None:
    """Replaces the volunteer's weekly pattern and dates away."""
    if any(ch not in "1234567" for ch in weekdays):
        raise ValidationError(MSG_WEEKDAYS, code="weekdays")
    periods = parse_away(away)
    with audit.attributed_to(acting_user), transaction.atomic():
        weekly = WeeklyAvailability.objects.filter(volunteer=volunteer).first()
        if weekly is None:
            weekly = WeeklyAvailability(federation_id=volunteer.federation_id, volunteer=volunteer)
        if weekly.pk is None or weekly.weekdays != weekdays:
            weekly.weekdays = "".join(sorted(set(weekdays)))
            weekly.save()
        for old in AwayPeriod.objects.filter(volunteer=volunteer):
            old.delete()
        for p in periods:
            AwayPeriod(
                federation_id=volunteer.federation_id,
                volunteer=volunteer,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                note=p.note,
            ).save()
