"""The two measurements the self-inspection scores (core.metrics): lectures hosted or attended, volunteer hours."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from core.metrics import measure
from lectures import services
from lectures.models import Lecture

WIDE = {"start": dt.date(2000, 1, 1), "end": dt.date(2100, 1, 1)}


def test_hosted_or_attended_counts_each_held_lecture_once_with_links(world):
    # held_a: at comm_a1, attended by the requester (of unit_a1); the liaison (unit_a1) was absent.
    m = measure("lectures.hosted_or_attended", unit_id=world.unit_a1.pk, **WIDE)
    assert m.value == 1 and m.evidence[0].url == reverse("lectures:lecture-detail", args=[world.held_a.pk])
    assert "（参加）" in m.evidence[0].label
    # A lecture hosted by unit_a2 and held: unit_a2 counts it; scheduled ones count for nobody.
    lec = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        host_unit=world.unit_a2,
        starts_at=timezone.now() + dt.timedelta(hours=1),
        venue="财政局会议室",
    )
    assert measure("lectures.hosted_or_attended", unit_id=world.unit_a2.pk, **WIDE).value == 0
    Lecture.objects.filter(pk=lec.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    services.lecture_hold(lecture=Lecture.objects.get(pk=lec.pk))
    m = measure("lectures.hosted_or_attended", unit_id=world.unit_a2.pk, **WIDE)
    assert m.value == 1 and "（主办）" in m.evidence[0].label
    # Outside the period: nothing.
    assert (
        measure(
            "lectures.hosted_or_attended",
            unit_id=world.unit_a1.pk,
            start=dt.date(2000, 1, 1),
            end=dt.date(2001, 1, 1),
        ).value
        == 0
    )
    # The other federation's lecture counts for its unit.
    assert measure("lectures.hosted_or_attended", unit_id=world.unit_b1.pk, **WIDE).value == 1


def test_volunteer_hours_are_credited_to_the_unit_of_the_lecturer(world):
    # volunteer_a works at unit_a1 and gave held_a (90 min + 2 h preparation).
    m = measure("lectures.volunteer_hours", unit_id=world.unit_a1.pk, **WIDE)
    assert m.value == Decimal("3.50") and "volunteer人员" in m.evidence[0].label
    assert measure("lectures.volunteer_hours", unit_id=world.unit_a2.pk, **WIDE).value == 0
    assert (
        measure(
            "lectures.volunteer_hours",
            unit_id=world.unit_a1.pk,
            start=dt.date(2000, 1, 1),
            end=dt.date(2001, 1, 1),
        ).value
        == 0
    )
    held = timezone.localdate(world.held_a.starts_at)
    assert measure(
        "lectures.volunteer_hours", unit_id=world.unit_a1.pk, start=held, end=held
    ).value == Decimal("3.50")
