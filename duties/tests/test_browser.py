"""The hotline in a real browser: the executive on shift logs a call and refers it, the supervisor sees it,
another executive cannot open it. Chromium from Debian against the live server (root conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from core import clock
from core.testing.world import build_world, login

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    world = build_world()
    from duties import services

    services.shift_publish(
        federation=world.fed_a,
        on=clock.today(),
        starts_at=dt.time(0),
        ends_at=dt.time(23, 59),
        executive=world.exec_a,
    )
    return world


def as_user(new_page, base_url, user, width=1280, height=900):
    """A page whose browser carries a session of `user` (second factor verified, as core.testing logs in)."""
    client = login(Client(), user)
    page = new_page(width, height)
    host = base_url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return page


def test_a_call_logged_referred_and_read_by_the_fewest(live_server, live_world, new_page):
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    base = live_server.url
    page = as_user(new_page, base, live_world.executive)
    page.goto(f"{base}/duties/cases/new/")
    page.select_option("#id_category", "violence")
    page.fill("#id_caller_name", "欧阳翠屏")
    page.fill("#id_caller_phone", "13987654321")
    page.fill("#id_narrative", "丈夫酗酒后多次动手")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_url(lambda url: "/duties/cases/" in url and "/new/" not in url)
    case_url = page.url
    assert "丈夫酗酒后多次动手" in page.content()
    page.screenshot(path="/tmp/duties_case_desktop.png", full_page=True)
    page.click("[data-testid=referral-create]")
    page.select_option("#id_body", "shelter")
    page.fill("#id_receiving_body", "区妇女儿童庇护中心")
    page.check("#id_consent")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_url(case_url)
    assert "区妇女儿童庇护中心" in page.content() and "已转介" in page.content()

    supervisor = as_user(new_page, base, live_world.supervisor, 390, 844)
    supervisor.goto(case_url)
    assert "欧阳翠屏" in supervisor.content()
    supervisor.screenshot(path="/tmp/duties_case_phone.png", full_page=True)

    other = User.objects.create_user(
        username="other_exec",
        password="Test-Passw0rd-2026!",
        federation=live_world.fed_a,
        must_change_password=False,
    )
    role_grant(user=other, role=Role.EXECUTIVE, federation_id=live_world.fed_a.pk)
    stranger = as_user(new_page, base, other)
    response = stranger.goto(case_url)
    assert response is not None and response.status == 404 and "欧阳翠屏" not in stranger.content()
    stranger.goto(f"{base}/duties/roster/")
    stranger.screenshot(path="/tmp/duties_roster_desktop.png", full_page=True)
