"""What the self-inspection contributes to the platform's registries (called from AssessmentConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from assessment import demo, reminders, scale, services, testing
    from core.registry import DemoLoader, audit_action_labels, demo_loaders, scale_generators
    from core.reminders import ReminderProducer, reminder_producers
    from core.testing.world import WorldExtender, world_extenders

    reminder_producers.register(
        "assessment.rectifications",
        ReminderProducer(
            produce=services.overdue_rectification_notices,
            kinds=frozenset({"rectification_overdue"}),
            watches={"assessment.Rectification": "federation_id"},
        ),
        order=60,
    )
    reminder_producers.register("assessment.selfchecks", reminders.PRODUCER, order=61)
    world_extenders.register(
        "assessment.rectifications", WorldExtender(extend=testing.add_rectifications), order=62
    )
    demo_loaders.register("assessment.demo", DemoLoader(load=demo.load_demo, present=demo.present), order=50)
    scale_generators.register("assessment.scale", scale.generate, order=60)
    audit_action_labels.register("assessment.cycle_open", _("开启量化自查"))
    world_extenders.register("assessment.cycles", WorldExtender(extend=testing.add_to_world), order=60)
    world_extenders.register("assessment.highlights", WorldExtender(extend=testing.add_highlights), order=63)
    world_extenders.register("assessment.evidence", WorldExtender(extend=testing.add_evidence), order=61)
