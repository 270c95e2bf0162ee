"""What the duty system contributes to the platform's registries (called from DutiesConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from core.metrics import Metric, metrics
    from core.reminders import reminder_producers
    from core.testing.world import WorldExtender, world_extenders
    from duties import metrics as dm
    from duties import reminders, testing

    metrics.register("duties.executive_records", Metric(_("执委履职记录"), _("条"), dm.executive_records))
    metrics.register("duties.executives_active", Metric(_("有履职记录的执委"), _("名"), dm.executives_active))
    metrics.register("duties.executives_total", Metric(_("在任执委"), _("名"), dm.executives_total))
    reminder_producers.register("duties.shifts_and_follow_ups", reminders.PRODUCER, order=40)
    world_extenders.register("duties.executives", WorldExtender(extend=testing.add_executives), order=40)
    world_extenders.register("duties.cases", WorldExtender(extend=testing.add_cases), order=41)
