"""What the duty system contributes to the platform's registries (called from DutiesConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from core.metrics import Metric, metrics
    from core.registry import DemoLoader, HomeCard, demo_loaders, home_cards, scale_generators
    from core.reminders import reminder_producers
    from core.roles import Role
    from core.testing.world import WorldExtender, world_extenders
    from duties import demo, home, reminders, scale, testing
    from duties import metrics as dm

    metrics.register("duties.executive_records", Metric(_("执委履职记录"), _("条"), dm.executive_records))
    metrics.register("duties.executives_active", Metric(_("有履职记录的执委"), _("名"), dm.executives_active))
    metrics.register("duties.executives_total", Metric(_("在任执委"), _("名"), dm.executives_total))
    demo_loaders.register("duties.duties", DemoLoader(load=demo.load_demo, present=demo.present), order=40)
    scale_generators.register("duties.scale", scale.generate, order=50)
    home_cards.register(
        "duties.executive",
        HomeCard(
            template="duties/home_executive.html",
            context=home.executive_card,
            roles=frozenset({Role.EXECUTIVE}),
        ),
        order=30,
    )
    home_cards.register(
        "duties.supervisor",
        HomeCard(
            template="duties/home_supervisor.html",
            context=home.supervisor_card,
            roles=frozenset({Role.HOTLINE_SUPERVISOR}),
        ),
        order=31,
    )
    reminder_producers.register("duties.shifts_and_follow_ups", reminders.PRODUCER, order=40)
    world_extenders.register("duties.executives", WorldExtender(extend=testing.add_executives), order=40)
    world_extenders.register("duties.cases", WorldExtender(extend=testing.add_cases), order=41)
    world_extenders.register("duties.exchange", WorldExtender(extend=testing.add_exchange), order=42)
