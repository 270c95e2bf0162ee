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


def add_evidence(world: World) -> None:
    """A file of evidence (a PDF) on unit_a1's and unit_b1's forms, for items 4 and 5, and a link on unit_a1's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment import services
    from assessment.models import SelfCheck

    for unit, cycle in ((world.unit_a1, world.cycle_a), (world.unit_b1, world.cycle_b)):
        selfcheck = SelfCheck.objects.get(cycle=cycle, unit=unit)
        items = list(cycle.items.filter(number__in=(4, 5)).values_list("pk", flat=True))
        upload = SimpleUploadedFile(
            f"{unit.name}工作制度.pdf",
            b"%PDF-1.4\n% " + unit.name.encode() + b"\n%%EOF\n",
            content_type="application/pdf",
        )
        ev = services.evidence_add(
            selfcheck=selfcheck, title=f"{unit.name}妇委会工作制度", item_ids=items, upload=upload
        )
        world.add(**{f"evidence_{unit.pk}": ev})
    selfcheck = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)
    services.evidence_add(
        selfcheck=selfcheck,
        title="历届情况",
        item_ids=items[:1] and list(world.cycle_a.items.filter(number=4).values_list("pk", flat=True)),
        link_url=f"/committees/units/{world.unit_a1.pk}/history/",
    )


def add_rectifications(world: World) -> None:
    """Rectification items on unit_a1's and unit_b1's forms (their items below the threshold)."""
    from assessment import services
    from assessment.models import SelfCheck

    for unit, cycle in ((world.unit_a1, world.cycle_a), (world.unit_b1, world.cycle_b)):
        services.rectifications_open(
            selfcheck=SelfCheck.objects.get(cycle=cycle, unit=unit),
            deadline=clock.today() + dt.timedelta(days=60),
        )
