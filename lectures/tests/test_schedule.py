"""讲座日历: the lectures of a month or a week, scoped as the lecture list, with previous and next links; a
parameter that names no month or week falls back to the current one with a message."""

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core import clock
from lectures.models import Lecture

# A Thursday in ISO week 11 of 2030.
DAY = dt.date(2030, 3, 14)


def _move(lecture, day=DAY, hour=14):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=start)


def _get(client, **params):
    page = client.get(reverse("lectures:schedule"), params)
    assert page.status_code == 200
    return page


def test_a_lecture_appears_in_its_month_and_week_and_not_in_the_next(world, client_as):
    _move(world.lecture_a)
    client = client_as(world.requester)
    detail = reverse("lectures:lecture-detail", args=[world.lecture_a.pk])
    month = _get(client, month="2030-03").content.decode()
    assert detail in month and "14:30" in month and "如何与孩子有效沟通" in month
    assert 'href="?month=2030-02"' in month and 'href="?month=2030-04"' in month
    assert detail not in _get(client, month="2030-04").content.decode()
    week = _get(client, week="2030-W11")
    assert detail in week.content.decode() and 'href="?week=2030-W12"' in week.content.decode()
    assert [c["day"] for c in week.context["days"]] == [
        dt.date(2030, 3, 11) + dt.timedelta(days=i) for i in range(7)
    ]
    assert [lec.pk for lec in week.context["days"][3]["lectures"]] == [world.lecture_a.pk]
    assert detail not in _get(client, week="2030-W12").content.decode()
    assert 'href="?week=2030-W10"' in week.content.decode()


def test_a_week_across_the_new_year_and_the_grid_around_the_month(world, client_as):
    _move(world.lecture_a, day=dt.date(2030, 12, 31))
    client = client_as(world.requester)
    detail = reverse("lectures:lecture-detail", args=[world.lecture_a.pk])
    # 2030-12-31 is in ISO week 1 of 2031; the next week of 2030-W52 is that week.
    week = _get(client, week="2031-W01").content.decode()
    assert detail in week and 'href="?week=2030-W52"' in week
    assert 'href="?week=2031-W01"' in _get(client, week="2030-W52").content.decode()
    # The month's grid runs Monday to Sunday: January 2031 shows the 31st in its first row, greyed, and the
    # count is of the month's own lectures.
    january = _get(client, month="2031-01")
    assert detail in january.content.decode() and january.context["count"] == 0
    assert january.context["month_days"] == []


def test_another_federations_lecture_does_not_appear(world, client_as):
    _move(world.lecture_a)
    _move(world.lecture_b, hour=16)
    for params in ({"month": "2030-03"}, {"week": "2030-W11"}):
        page = _get(client_as(world.requester), **params).content.decode()
        assert "外区课题" not in page
        assert reverse("lectures:lecture-detail", args=[world.lecture_b.pk]) not in page
        page = _get(client_as(world.outsider), **params).content.decode()
        assert "外区课题" in page and "如何与孩子有效沟通" not in page


def test_bad_parameters_fall_back_to_the_current_month_or_week_with_a_message(world, client_as):
    client = client_as(world.requester)
    today = clock.today()
    for bad in ("2030-13", "2030-3", "abc", "0000-01", "2030-03-01"):
        page = _get(client, month=bad)
        assert page.context["start"] == today.replace(day=1) and not page.context["weekly"]
        assert any("无法识别" in str(m) for m in get_messages(page.wsgi_request))
    for bad in ("2030-W54", "2030W11", "x", "2030-W00"):
        page = _get(client, week=bad)
        assert page.context["start"] == today - dt.timedelta(days=today.weekday())
        assert any("无法识别" in str(m) for m in get_messages(page.wsgi_request))
    # No parameter: the current month, without a message.
    page = _get(client)
    assert page.context["start"] == today.replace(day=1)
    assert not list(get_messages(page.wsgi_request))


def test_the_calendar_needs_a_business_role(world, client_as):
    assert client_as(world.auditor).get(reverse("lectures:schedule")).status_code == 403


def test_the_lecture_list_links_to_the_calendar(world, client_as):
    page = client_as(world.requester).get(reverse("lectures:lecture-list")).content.decode()
    assert f'href="{reverse("lectures:schedule")}"' in page
