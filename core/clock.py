"""One "today" for the whole platform: services, selectors, reminders, pages and commands read it here.

It is the local date of the federation's time zone (settings.TIME_ZONE), unless the setting
`JINGUO_TODAY` (ISO date, e.g. from the environment for a frozen demonstration) fixes it; tests freeze
it with time-machine like any clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_held: ContextVar[dt.date | None] = ContextVar("jinguo_today_held", default=None)


def today() -> dt.date:
    held = _held.get()
    if held is not None:
        return held
    fixed = getattr(settings, "JINGUO_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    return timezone.localdate()


@contextlib.contextmanager
def one_day() -> Iterator[dt.date]:
    """Holds today's date for a bulk write (a ledger import checks tens of thousands of dates against it):
    one "today" for the whole write, as its rows share one timestamp."""
    day = today()
    token = _held.set(day)
    try:
        yield day
    finally:
        _held.reset(token)
