"""A volunteer's availability (weekly lecture days, dates away) and this year's load in the ranking for orders
(点单 §4), with the reasons shown to staff."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import clock
from lectures import availability, selectors, services
from lectures.availability import Away
from lectures.models import AwayPeriod, Lecture, Volunteer, WeeklyAvailability


def _monday_after(day):
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


def test_available_on_reads_the_weekly_days_and_the_dates_away():
    monday = dt.date(2026, 12, 7)
    assert availability.available_on(monday, "", []) == (True, "")
    ok, why = availability.available_on(monday, "13", [])
    assert ok and "周一" in why
    ok, why = availability.available_on(monday + dt.timedelta(days=1), "13", [])
    assert not ok and "周二" in why and "不在每周可授课日内" in why
    ok, why = availability.available_on(monday, "", [Away(monday, monday + dt.timedelta(days=3), "出差")])
    assert not ok and "2026-12-07 至 2026-12-10" in why and "出差" in why


def test_dates_away_are_parsed_line_by_line_with_located_errors():
    periods = availability.parse_away("2026-07-01 2026-07-20 出差\n\n2026-08-01 体检")
    assert periods == [
        Away(dt.date(2026, 7, 1), dt.date(2026, 7, 20), "出差"),
        Away(dt.date(2026, 8, 1), dt.date(2026, 8, 1), "体检"),
    ]
    with pytest.raises(ValidationError) as bad:
        availability.parse_away("2026-07-01\n七月")
    assert bad.value.messages == [str(availability.MSG_AWAY_LINE) % {"line": 2}]
    with pytest.raises(ValidationError) as bad:
        availability.parse_away("2026-07-20 2026-07-01")
    assert bad.value.messages == [str(availability.MSG_AWAY_ORDER) % {"line": 1}]


def test_the_volunteer_sets_her_availability_and_a_bad_line_writes_nothing(world, client_as):
    v = world.volunteer_a
    url = reverse("lectures:volunteer-availability", args=[v.pk])
    client = client_as(world.volunteer)
    assert client.get(url).status_code == 200
    resp = client.post(url, {"weekdays": ["3", "6"], "away": "2027-01-01 2027-01-10 出差"})
    assert resp.status_code == 302
    assert WeeklyAvailability.objects.get(volunteer=v).weekdays == "36"
    assert list(AwayPeriod.objects.filter(volunteer=v).values_list("note", flat=True)) == ["出差"]
    resp = client.post(url, {"weekdays": ["1"], "away": "不是日期"})
    assert resp.status_code == 400 and "第 1 行" in resp.content.decode()
    assert WeeklyAvailability.objects.get(volunteer=v).weekdays == "36"
    # Another federation's staff do not see her; the liaison of her unit sees but cannot change.
    assert client_as(world.outsider).get(url).status_code in (403, 404)
    assert client_as(world.liaison).get(url).status_code == 403


def _order_on(world, day):
    return services.request_create(
        topic=world.topic_a,
        requested_by=world.requester,
        community=world.comm_a1,
        preferred_date=day,
        venue="爱联社区活动室",
    )


def test_a_lecturer_away_on_the_preferred_date_ranks_below_one_who_is_free(world):
    other = services.volunteer_register(person=world.users["executive"].person, categories=world.cats_a[:1])
    day = _monday_after(clock.today() + dt.timedelta(days=10))
    order = _order_on(world, day)
    ranked = selectors.candidates_for(order)
    assert ranked[0].volunteer == world.volunteer_a  # she gives the topic
    availability.availability_set(
        volunteer=world.volunteer_a, weekdays="", away=f"{day.isoformat()} {day.isoformat()} 出差"
    )
    ranked = selectors.candidates_for(order)
    mine = next(c for c in ranked if c.volunteer == world.volunteer_a)
    assert not mine.available and "出差" in mine.availability_note
    assert ranked[0].volunteer == other and ranked[0].available
    # A weekly pattern without that weekday ranks her low too, with the reason.
    availability.availability_set(volunteer=world.volunteer_a, weekdays="3", away="")
    mine = next(c for c in selectors.candidates_for(order) if c.volunteer == world.volunteer_a)
    assert not mine.available and "周一" in mine.availability_note


def test_this_years_load_against_the_limit_is_shown_and_counts(world, client_as):
    other = services.volunteer_register(person=world.users["executive"].person, categories=world.cats_a[:1])
    day = _monday_after(clock.today() + dt.timedelta(days=10))
    order = _order_on(world, day)
    load = (
        Lecture.objects.filter(lecturers=world.volunteer_a, starts_at__year=day.year)
        .exclude(status="cancelled")
        .count()
    )
    mine = next(c for c in selectors.candidates_for(order) if c.volunteer == world.volunteer_a)
    assert (mine.load, mine.limit) == (load, 12) and not mine.over_limit
    # At her yearly limit she drops below a free lecturer who does not give the topic.
    Volunteer.objects.filter(pk=world.volunteer_a.pk).update(yearly_limit=max(load, 1))
    if load == 0:
        services.lecture_schedule(
            topic=world.topic_a,
            lecturers=[world.volunteer_a],
            starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15))),
            venue="三楼会议室",
            host_unit=world.unit_a1,
        )
    ranked = selectors.candidates_for(order)
    assert ranked[0].volunteer == other and ranked[-1].volunteer == world.volunteer_a
    assert ranked[-1].over_limit
    availability.availability_set(
        volunteer=world.volunteer_a, weekdays="", away=f"{day.isoformat()} {day.isoformat()} 出差"
    )
    page = client_as(world.staff).get(reverse("lectures:request-match", args=[order.pk])).content.decode()
    assert 'data-testid="unavailable"' in page and "出差" in page and "已达年度上限" in page
    assert f"{ranked[-1].load} / {ranked[-1].limit} 场" in page
