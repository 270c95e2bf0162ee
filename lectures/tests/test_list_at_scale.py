"""The lecture list at provincial scale: its page is read in the order of an index and stops after its rows,
with the places taken counted per row of the page."""

from django.db import connection

from lectures import selectors, services
from lectures.models import Lecture
from orgs.models import Person


def test_the_upcoming_page_counts_places_per_row_without_grouping_every_lecture(world):
    # A grouped join (COUNT over registrations, GROUP BY every lecture) sorted a province's upcoming
    # lectures before the first page (0.9 s at 100,000 units); a subquery per row lets the page stop.
    qs = selectors.lecture_list_for(world.staff)
    assert 'GROUP BY "lectures_lecture"."id"' not in str(qs[:20].query)
    if connection.vendor == "sqlite":
        plan = qs[:20].explain()
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    # The count is still the places that registrations hold (registered or offered, not waiting).
    lecture = Lecture.objects.get(pk=world.lecture_a.pk)
    expected = lecture.registrations.filter(status__in=("registered", "offered")).count()
    row = next(x for x in qs if x.pk == lecture.pk)
    assert row.taken == expected and expected >= 1
    services.registration_create(
        lecture=lecture, person=Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="新听众")
    )
    again = next(x for x in selectors.lecture_list_for(world.staff) if x.pk == lecture.pk)
    assert again.taken == min(expected + 1, lecture.capacity)
