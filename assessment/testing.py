"""The self-inspection's rows in the test world (core.testing.world): per federation a default template
and a cycle of the current year with a form for each of its units (unit_a1's and unit_b1's included)."""

from __future__ import annotations

import datetime as dt

from core import clock
from core.testing.world import World


def add_to_world(world: World) -> None:
    from assessment import services

    today = clock.today()
    for fed in (world.fed_a, world.fed_b):
        template = services.template_create_default(federation_id=fed.pk)
        cycle = services.cycle_open(
            template=template, year=today.year, deadline=today + dt.timedelta(days=30)
        )
        world.add(**{f"template_{fed.pk}": template, f"cycle_{fed.pk}": cycle})
    world.add(
        template_a=world.objects[f"template_{world.fed_a.pk}"],
        cycle_a=world.objects[f"cycle_{world.fed_a.pk}"],
        template_b=world.objects[f"template_{world.fed_b.pk}"],
        cycle_b=world.objects[f"cycle_{world.fed_b.pk}"],
    )
