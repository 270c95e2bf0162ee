"""The library (课题库) with its filters, ratings and sort, and the lecture calendar (讲座日历) month and week,
in a real browser at phone (390 px) and desktop (1280 px) width, without sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import clock
from lectures.models import Lecture
from lectures.tests.test_browser import as_user, fits

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def live_world(transactional_db):
    from core.testing.world import build_world

    return build_world()


def test_the_library_and_the_calendar_fit_a_phone_and_a_desktop(live_server, live_world, new_page):
    w = live_world
    base = live_server.url
    today = clock.today()
    # Two lectures this week: one today, one on its Monday.
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))
    Lecture.objects.filter(pk=w.lecture_a.pk).update(starts_at=noon + dt.timedelta(hours=3))
    Lecture.objects.filter(pk=w.held_a.pk).update(starts_at=noon - dt.timedelta(days=today.weekday()))
    week = f"{today.isocalendar()[0]}-W{today.isocalendar()[1]:02d}"
    for name, (width, height) in SIZES.items():
        page = as_user(new_page, base, w.requester, width, height)
        page.goto(f"{base}/lectures/topics/?sort=rating")
        fits(page)
        assert "4.7" in page.inner_text("[data-testid=topic-list]")
        page.screenshot(path=f"/tmp/lectures_library_{name}.png", full_page=True)
        page.goto(f"{base}/lectures/schedule/")
        fits(page)
        grid = (
            "[data-testid=schedule-month-grid]" if name == "desktop" else "[data-testid=schedule-month-list]"
        )
        assert page.is_visible(grid)
        assert "如何与孩子有效沟通" in page.inner_text(grid)
        page.screenshot(path=f"/tmp/lectures_schedule_month_{name}.png", full_page=True)
        page.goto(f"{base}/lectures/schedule/?week={week}")
        fits(page)
        page.click("[data-testid=schedule-lecture] >> nth=0")
        page.wait_for_url("**/lectures/*/")
        page.go_back()
        page.screenshot(path=f"/tmp/lectures_schedule_week_{name}.png", full_page=True)
        page.goto(f"{base}/lectures/schedule/?week=bad")
        assert "无法识别" in page.content()
