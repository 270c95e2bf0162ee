"""The library (课题库) with its filters, ratings and sort, and the lecture calendar (讲座日历) month and week,
in a real browser at phone (390 px) and desktop (1280 px) width, without sideways scrolling or serious WCAG
violations (axe-core, as tests/test_accessibility.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core import clock
from core.testing.world import login
from lectures.models import Lecture
from lectures.tests.test_browser import fits
from tests.test_accessibility import AXE, FAILING, RUN_AXE

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def live_world(transactional_db):
    from core.testing.world import build_world

    return build_world()


def _page(new_page, base, user, width, height):
    """A page with a session of `user`; bypassing the CSP so that axe-core can be injected."""
    client = login(Client(), user)
    page = new_page(width, height, bypass_csp=True)
    host = base.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return page


def _check(page, name):
    """No sideways scrolling, no serious or critical WCAG 2 A/AA violation (axe-core), a screenshot."""
    fits(page)
    page.add_script_tag(path=str(AXE))
    failing = [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING]
    assert not failing, (page.url, failing)
    page.screenshot(path=f"/tmp/lectures_{name}.png", full_page=True)


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
        page = _page(new_page, base, w.requester, width, height)
        page.goto(f"{base}/lectures/topics/?sort=rating")
        assert "4.7" in page.inner_text("[data-testid=topic-list]")
        _check(page, f"library_{name}")
        page.goto(f"{base}/lectures/schedule/")
        grid = (
            "[data-testid=schedule-month-grid]" if name == "desktop" else "[data-testid=schedule-month-list]"
        )
        assert page.is_visible(grid)
        assert "如何与孩子有效沟通" in page.inner_text(grid)
        _check(page, f"schedule_month_{name}")
        page.goto(f"{base}/lectures/schedule/?week={week}")
        _check(page, f"schedule_week_{name}")
        page.click("[data-testid=schedule-lecture] >> nth=0")
        page.wait_for_url("**/lectures/*/")
        page.goto(f"{base}/lectures/schedule/?week=bad")
        assert "无法识别" in page.content()
