"""The organisations of the test world (core.testing.world): two federations, their units and communities."""

from __future__ import annotations

import datetime as dt

from core.testing.world import World
from orgs.models import Community, Federation, Unit


def add_organisations(world: World) -> None:
    fed_a = Federation.objects.create(name="测试区妇联")
    fed_b = Federation.objects.create(name="另一区妇联")
    world.add(
        fed_a=fed_a,
        fed_b=fed_b,
        unit_a1=Unit.objects.create(federation=fed_a, name="区教育局", established_on=dt.date(2000, 1, 1)),
        unit_a2=Unit.objects.create(federation=fed_a, name="区财政局", established_on=dt.date(2000, 1, 1)),
        unit_b1=Unit.objects.create(federation=fed_b, name="外区民政局", established_on=dt.date(2000, 1, 1)),
        comm_a1=Community.objects.create(federation=fed_a, name="龙城街道爱联社区", street="龙城街道"),
        comm_b1=Community.objects.create(federation=fed_b, name="外区幸福社区", street="外区街道"),
    )
