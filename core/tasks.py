"""Scheduled jobs of the platform (huey picks up every installed app's `tasks` module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from core import audit, clock, reminders
from core.reminders import ReminderReport, run_reminders

REMINDER_HOUR, REMINDER_MINUTE = 7, 0


def daily_at(hour: int, minute: int, tz: str | None = None) -> Callable[[dt.datetime], bool]:
    """A huey schedule that fires once a day at hour:minute in `tz` (default settings.TIME_ZONE).

    huey hands periodic schedules a naive timestamp, in UTC when the huey instance runs with
    `utc=True` (its default) and in the server's local time otherwise; `crontab(hour=7)` would
    therefore fire at 07:00 UTC, which is 15:00 in Shanghai.
    """
    zone = ZoneInfo(tz or settings.TIME_ZONE)

    def validate(timestamp: dt.datetime) -> bool:
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=dt.UTC) if HUEY.utc else timestamp.astimezone()
        local = timestamp.astimezone(zone)
        return local.hour == hour and local.minute == minute

    return validate


# huey's key of a federation's waiting reminder refresh (core.reminders.queue_refresh).
REFRESH_PENDING = "jinguo:reminders-pending:{}"


@db_task()
def refresh_reminders(federation_id: int) -> str:
    """One federation's reminders after a write (core.reminders.schedule_refresh), in-app only."""
    HUEY.get(REFRESH_PENDING.format(federation_id))  # taken: a write from now on queues the next run
    return str(reminders.refresh_federation(federation_id))


def queue_refresh(federation_id: int) -> None:
    """Queues `refresh_reminders` unless one is already waiting for the federation."""
    if HUEY.put_if_empty(REFRESH_PENDING.format(federation_id), "1"):
        refresh_reminders(federation_id)


reminders.refresh_queue = queue_refresh


@db_periodic_task(daily_at(REMINDER_HOUR, REMINDER_MINUTE))
def daily_reminders() -> str:
    """Every day at 07:00 Asia/Shanghai: every app's reminders (core.reminders), e-mail and SMS included."""
    with audit.acting_as(None, source="job"):
        report: ReminderReport = run_reminders(clock.today())
    return str(report)
