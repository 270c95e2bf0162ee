"""Scheduled jobs of the lecture system (huey picks up every installed app's `tasks` module)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import audit


@db_periodic_task(crontab(minute="*/5"), name="lectures.lapse_offers")
def lapse_offers() -> int:
    """Every five minutes: waiting-list offers past their time lapse and the next person is offered the place."""
    from lectures import services

    with audit.acting_as(None, source="job"):
        return len(services.offers_lapse())
