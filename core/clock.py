"""One "today" for the whole platform: services, selectors, reminders, pages and commands read it here.

It is the local date of the federation's time zone (settings.TIME_ZONE), unless the setting
`JINGUO_TODAY` (ISO date, e.g. from the environment for a frozen demonstration) fixes it; tests freeze
it with time-machine like any clock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    fixed = getattr(settings, "JINGUO_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    return timezone.localdate()
