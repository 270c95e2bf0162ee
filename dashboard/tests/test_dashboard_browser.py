"""The dashboard in a real browser: log in as demo_staff, pick 2017, see 64.9%, click through to a unit.

Set JINGUO_SHOTS=/some/dir to also save screenshots at 1280 px and 390 px wide.
"""

from __future__ import annotations

import os
import re

import pytest
from django.core.management import call_command

PASSWORD = "Browser-Demo-2026!"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    folder = os.environ.get("JINGUO_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def _log_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "demo_staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/.*|.*/$"))


def test_staff_pick_2017_see_the_formation_rate_and_click_through(live_server, new_page):
    call_command("load_demo", password=PASSWORD)
    page = new_page(1280, 900)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, live_server.url)

    page.goto(f"{live_server.url}/dashboard/")
    page.select_option("[data-testid=year-select]", "2017")
    # The panel is swapped by HTMX; the formation rate of the reference scenario appears.
    rate = page.locator("[data-testid=rate-formation]")
    rate.get_by_text("64.9%").wait_for()
    assert "37/57" in rate.inner_text()
    assert "year=2017" in page.url
    page.locator("[data-chart=trend] svg").first.wait_for()
    _shot(page, "dashboard-1280.png")
    assert not [e for e in errors if "Content Security Policy" in e], errors

    overdue = page.locator("[data-testid=list-overdue] tbody a").first
    unit_name = overdue.inner_text()
    overdue.click()
    page.wait_for_url(re.compile(r".*/orgs/units/\d+/"))
    assert page.locator("h1").inner_text().startswith(unit_name)
    assert page.locator("[data-testid=committee-panel]").is_visible()

    phone = new_page(390, 844)
    _log_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/dashboard/?year=2017")
    phone.locator("[data-chart=trend] svg").first.wait_for()
    assert "64.9%" in phone.locator("[data-testid=rate-formation]").inner_text()
    _shot(phone, "dashboard-390.png")
