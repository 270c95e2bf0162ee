"""What the orgs app contributes to core's registries (called from OrgsConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from core.registry import DemoLoader, HomeCard, demo_loaders, home_cards
    from core.testing.world import WorldExtender, world_extenders
    from orgs import demo, settings_page, testing, views
    from orgs.models import Federation

    settings_page.register_own_section()
    demo_loaders.register(
        "orgs.district",
        DemoLoader(load=demo.load_demo, present=lambda: Federation.objects.filter(name=demo.FEDERATION_NAME).exists()),
        order=10,
    )
    world_extenders.register("orgs.organisations", WorldExtender(extend=testing.add_organisations), order=0)
    home_cards.register("orgs.my_unit", HomeCard(template="orgs/home_my_unit.html", context=views.my_unit_card), order=10)
