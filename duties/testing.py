"""The duty rows of the test world (core.testing.world): in fed_a the `executive` persona is an executive of
unit_a1 with an assignment (unit_a1) and a contact log; in fed_b a person of unit_b1 likewise."""

from __future__ import annotations

import datetime as dt

from core.testing.world import World


def add_executives(world: World) -> None:
    from duties import services
    from orgs.models import Person

    person_b = Person.objects.create(federation=world.fed_b, unit=world.unit_b1, name="外区执委")
    for key, fed, person, unit, community in (
        ("a", world.fed_a, world.executive.person, world.unit_a1, world.comm_a1),
        ("b", world.fed_b, person_b, world.unit_b1, world.comm_b1),
    ):
        executive = services.executive_appoint(
            federation=fed, person=person, unit=unit, started_on=dt.date(2021, 1, 1)
        )
        assignment = services.assignment_create(
            executive=executive, kind="unit", unit=unit, assigned_on=dt.date(2021, 2, 1)
        )
        community_assignment = services.assignment_create(
            executive=executive, kind="community", community=community, assigned_on=dt.date(2021, 2, 1)
        )
        log = services.contact_log_record(
            assignment=assignment, contacted_on=dt.date(2024, 3, 8), way="visit", subject="走访了解女职工需求"
        )
        world.add(
            **{
                f"exec_{key}": executive,
                f"assignment_{key}": assignment,
                f"community_assignment_{key}": community_assignment,
                f"log_{key}": log,
            }
        )
