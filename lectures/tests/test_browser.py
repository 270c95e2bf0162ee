"""Lecture ordering (点单) in a real browser at phone width (390 px): a community contact orders a topic, staff
offer it to a lecturer, the lecturer accepts, the contact registers, staff check her in with her code and add a
walk-in; then the overview (讲座统计) at phone and desktop width, without sideways scrolling. Chromium from
Debian against the live server (root conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from core.testing.world import build_world, login
from lectures.models import Lecture, LectureRequest, Registration

pytestmark = pytest.mark.browser

PHONE = (390, 844)
SUBMIT = "[data-testid=action-form] button[type=submit]"


@pytest.fixture
def live_world(transactional_db):
    return build_world()


def as_user(new_page, base_url, user, width, height):
    """A page whose browser carries a session of `user` (second factor verified, as core.testing logs in)."""
    client = login(Client(), user)
    page = new_page(width, height)
    host = base_url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return page


def fits(page):
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


def later_today():
    """A start time later today (local), so that check-in is open and registration still is."""
    now = timezone.localtime()
    end_of_day = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(now + dt.timedelta(hours=1), end_of_day)


def test_order_offer_accept_and_check_in_on_a_phone(live_server, live_world, new_page):
    w = live_world
    base = live_server.url

    # The community contact orders a topic from the library.
    contact = as_user(new_page, base, w.requester, *PHONE)
    contact.goto(f"{base}/lectures/topics/{w.topic_a.pk}/")
    fits(contact)
    contact.click("[data-testid=order]")
    contact.fill("#id_preferred_date", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    contact.fill("#id_audience", "社区妈妈")
    contact.fill("#id_expected_size", "25")
    contact.fill("#id_venue", "浏览器测试社区活动室")
    fits(contact)
    contact.click(SUBMIT)
    contact.wait_for_url(re.compile(r"/lectures/orders/\d+/$"))
    order = LectureRequest.objects.get(venue="浏览器测试社区活动室")
    assert order.status == "new" and order.community_id == w.comm_a1.pk
    contact.screenshot(path="/tmp/lectures_order_phone.png", full_page=True)

    # Staff see the proposed lecturers and offer the order to one.
    staff = as_user(new_page, base, w.staff, *PHONE)
    staff.goto(f"{base}/lectures/orders/{order.pk}/match/")
    assert w.volunteer_a.person.name in staff.inner_text("[data-testid=candidates]")
    fits(staff)
    staff.check(f"input[name=volunteer][value='{w.volunteer_a.pk}']")
    staff.click(SUBMIT)
    staff.wait_for_url(f"{base}/lectures/orders/{order.pk}/")
    order.refresh_from_db()
    assert order.status == "matched" and order.volunteer_id == w.volunteer_a.pk

    # The lecturer accepts: the lecture is scheduled.
    lecturer = as_user(new_page, base, w.volunteer, *PHONE)
    lecturer.goto(f"{base}/lectures/orders/{order.pk}/")
    lecturer.click(f"a[href='/lectures/orders/{order.pk}/accept/']")
    lecturer.fill("#id_starts_at", later_today().strftime("%Y-%m-%dT%H:%M"))
    fits(lecturer)
    lecturer.click(SUBMIT)
    lecturer.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "confirmed" and order.lecture_id is not None
    lecture = Lecture.objects.get(pk=order.lecture_id)

    # The contact registers and gets her check-in code.
    contact.goto(f"{base}/lectures/{lecture.pk}/")
    contact.click("[data-testid=register]")
    contact.click(SUBMIT)
    contact.wait_for_load_state()
    reg = Registration.objects.get(lecture=lecture, person=w.requester.person)
    contact.goto(f"{base}/lectures/{lecture.pk}/")
    assert reg.code in contact.inner_text("[data-testid=my-registration]")
    fits(contact)

    # At the door, staff type her code on the phone.
    staff.goto(f"{base}/lectures/{lecture.pk}/checkin/")
    staff.fill("#id_code", reg.code.lower())
    staff.click("[data-testid=checkin-form] button[type=submit]")
    staff.wait_for_url(f"{base}/lectures/{lecture.pk}/checkin/")
    assert "已签到" in staff.content()
    reg.refresh_from_db()
    assert reg.attendance == "attended"
    fits(staff)

    # A walk-in is added at the same page.
    staff.click("[data-testid=walk-in]")
    staff.fill("#id_name", "现场居民周敏")
    fits(staff)
    staff.screenshot(path="/tmp/lectures_walkin_phone.png", full_page=True)
    staff.click(SUBMIT)
    staff.wait_for_url(f"{base}/lectures/{lecture.pk}/checkin/")
    assert "现场居民周敏" in staff.inner_text("[data-testid=checkin-roster]")
    assert Registration.objects.get(lecture=lecture, walk_in=True).attendance == "attended"
    staff.screenshot(path="/tmp/lectures_checkin_phone.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_overview_fits_the_screen(live_server, live_world, new_page, width):
    base = live_server.url
    page = as_user(new_page, base, live_world.staff, width, 900)
    page.goto(f"{base}/lectures/overview/?from=2000-01-01&to=2100-12-31")
    page.wait_for_selector("[data-overview-chart=months] svg")
    assert page.locator("[data-overview-chart] svg").count() == 4
    assert "如何与孩子有效沟通" in page.inner_text("[data-testid=overview-topics]")
    fits(page)
    page.screenshot(path=f"/tmp/lectures_overview_{width}.png", full_page=True)
