"""The committee rows of the test world (core.testing.world)."""

from __future__ import annotations

import datetime as dt

from core.testing.world import World


def add_ledger_jobs(world: World) -> None:
    """One finished ledger import per federation (a background job its staff share), for the URL walker's
    /jobs/<pk>/ pages (core.job_views)."""
    from committees.ledger.jobs import IMPORT
    from core.jobs import Job

    for fed in (world.fed_a, world.fed_b):
        Job.objects.create(kind=IMPORT, federation_id=fed.pk, status=Job.Status.SUCCEEDED, progress=100,
                           label="台账.xlsx", message="导入完成", attempts=1)


def add_committee_history(world: World) -> None:
    """A committee of unit_a1 and of unit_b1, each with 第1届, a chair (the unit's liaison), and a member
    who left (an open vacancy). Through the services, as the system."""
    from committees import services

    for unit, chair in ((world.unit_a1, world.liaison), (world.unit_b1, world.outsider)):
        committee = services.committee_form(unit=unit, formed_on=dt.date(2012, 3, 8))
        services.seat_assign(committee=committee, role="chair", person=chair.person, started_on=dt.date(2012, 3, 8))
        member = services.seat_assign(committee=committee, role="member", holder_name="王芳",
                                      started_on=dt.date(2012, 3, 8))
        services.seat_vacate(seat=member, vacated_on=dt.date(2017, 5, 1))
