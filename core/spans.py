"""Spans of days: when is something with a start and an end "active on" a day. One rule, two forms.

A unit, a committee, a term, a seat or a vacancy exists from its start day (included) to its end day
(excluded): it is active on D when `start <= D` (an unknown start counts as long ago) and its end is
unset or after D. The day something ends it no longer counts: a unit dissolved on D is gone on D, a
seat vacated on D is empty on D. `active_on` answers it in Python (the rates, pure modules), `active_on_q`
as a query filter (selectors, reminders), so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def active_on(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Started on or before `day` (or no known start) and not ended by it (an end on `day` means gone on `day`)."""
    return (start is None or start <= day) and (end is None or end > day)


def active_on_q(day: dt.date, *, start: str, end: str, start_may_be_unknown: bool = False) -> Q:
    """The same rule as a filter on the fields named `start` and `end` (e.g. "committee__formed_on")."""
    started = Q(**{f"{start}__lte": day})
    if start_may_be_unknown:
        started |= Q(**{f"{start}__isnull": True})
    return started & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))
