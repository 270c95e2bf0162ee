"""Scheduled jobs of the duty system (huey picks this module up)."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from core import audit, clock
from core.tasks import daily_at
from duties.services import case_purge_expired

PURGE_HOUR, PURGE_MINUTE = 3, 30


@db_periodic_task(daily_at(PURGE_HOUR, PURGE_MINUTE))
def purge_expired_cases() -> str:
    """Every night at 03:30 Asia/Shanghai: hotline case contents past their retention are purged."""
    with audit.acting_as(None, source="job"):
        count = case_purge_expired(today=clock.today())
    return f"purged {count}"
