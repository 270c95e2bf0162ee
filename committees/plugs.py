"""What the committees app contributes to the platform's registries (called from CommitteesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


def _describe_unit_end(user: Any, unit: Any) -> str | None:
    from committees.models import Committee

    committee = Committee.objects.visible_to(user).filter(unit=unit, dissolved_on__isnull=True).first()
    if committee is None:
        return None
    return gettext("本单位的妇委会（%(day)s 成立）将随单位在撤销日期结束。") % {"day": committee.formed_on.isoformat()}


def register() -> None:
    from committees import demo, reminders, services, testing, views
    from core.registry import DemoLoader, demo_loaders
    from core.reminders import reminder_producers
    from core.testing.world import WorldExtender, world_extenders
    from orgs.registry import UnitLifecycleHook, UnitPanel, unit_lifecycle, unit_panels

    unit_panels.register(
        "committees.committee", UnitPanel(template="committees/unit_panel.html", context=views.unit_panel_context),
        order=10,
    )
    unit_lifecycle.register(
        "committees.committee_ends",
        UnitLifecycleHook(
            check=services.committees_end_with_unit_check,
            apply=services.committees_end_with_unit,
            describe=_describe_unit_end,
            correct=services.committees_follow_unit_correction,
        ),
    )
    reminder_producers.register("committees.terms_and_vacancies", reminders.PRODUCER, order=10)
    demo_loaders.register("committees.history", DemoLoader(load=demo.load_demo), order=30)
    world_extenders.register(
        "committees.ledger_jobs", WorldExtender(extend=testing.add_ledger_jobs), order=30
    )
    world_extenders.register(
        "committees.history", WorldExtender(extend=testing.add_committee_history, flag="committee_history"), order=31
    )
