"""The unit registry in a real browser: log in through the form, scoping as the user sees it, no request
leaves the server, and the phone menu.

Chromium from Debian (/usr/bin/chromium) against pytest-django's live server; `page` and `new_page`
come from the root conftest.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from core.testing.world import PASSWORD, build_world
from orgs.models import Unit

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    # live_server serves from another thread: the data must be committed, hence transactional_db.
    return build_world()


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the real form, as a clerk would."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def unit_names(page) -> list[str]:
    return [
        name.strip() for name in page.locator("[data-testid=unit-table] tbody .jg-row-link").all_inner_texts()
    ]


def test_a_liaison_sees_only_their_own_unit_and_another_units_page_is_the_chinese_404(
    live_server, live_world, page
):
    log_in(page, live_server.url, "liaison")

    page.goto(f"{live_server.url}/orgs/units/")
    assert unit_names(page) == [live_world.unit_a1.name]
    assert "共 1 个单位" in page.locator("[data-testid=unit-count]").inner_text()

    response = page.goto(f"{live_server.url}/orgs/units/{live_world.unit_a2.pk}/")
    assert response is not None and response.status == 404
    assert page.locator("[data-testid=error-404]").is_visible()
    assert page.locator("h1").inner_text() == "页面不存在"
    assert live_world.unit_a2.name not in page.content()


def test_federation_staff_see_every_unit_of_their_federation_and_search_narrows_it(
    live_server, live_world, page
):
    log_in(page, live_server.url, "staff")
    expected = sorted(Unit.objects.filter(federation=live_world.fed_a).values_list("name", flat=True))

    page.goto(f"{live_server.url}/orgs/units/")
    assert sorted(unit_names(page)) == expected
    assert f"共 {len(expected)} 个单位" in page.locator("[data-testid=unit-count]").inner_text()
    assert live_world.unit_b1.name not in page.content()

    # Typing in the search box swaps the results through HTMX and keeps the URL shareable.
    page.fill("#q", "财政")
    page.wait_for_url(re.compile(r".*q=.*"))
    page.locator("[data-testid=unit-count]", has_text="共 1 个单位").wait_for()
    assert unit_names(page) == [live_world.unit_a2.name]


def test_no_page_requests_anything_from_another_host(live_server, live_world, page):
    server = urlparse(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, live_server.url, "staff")
    for path in [
        "/",
        "/orgs/units/",
        f"/orgs/units/{live_world.unit_a1.pk}/",
        f"/orgs/units/{live_world.unit_a1.pk}/edit/",
        "/notifications/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.click("[data-testid=user-menu]")

    fetched = [url for url in requested if urlparse(url).scheme in ("http", "https", "ws", "wss")]
    assert fetched, "the page made no requests at all: the listener is not working"
    assert any(url.endswith(".woff2") for url in fetched), "the self-hosted Chinese font was not loaded"
    elsewhere = [url for url in fetched if urlparse(url).netloc != server]
    assert elsewhere == [], f"requests to other hosts (CDN, web fonts?): {elsewhere}"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_on_a_phone_the_menu_button_opens_the_navigation_drawer(live_server, live_world, new_page):
    phone = new_page(390, 844)
    log_in(phone, live_server.url, "liaison")
    phone.goto(f"{live_server.url}/notifications/")

    menu_button = phone.locator("[aria-controls=jg-sidebar]")
    units_link = phone.locator("#jg-sidebar a", has_text="单位名录")
    assert menu_button.is_visible()
    assert not units_link.is_visible()

    menu_button.click()
    units_link.wait_for(state="visible")
    units_link.click()
    phone.wait_for_url(re.compile(r".*/orgs/units/$"))

    # The table becomes a list: no header row, the unit's name on its own line.
    assert not phone.locator("[data-testid=unit-table] thead").is_visible()
    assert unit_names(phone) == [live_world.unit_a1.name]
    # The menu closed behind the navigation and the page does not scroll sideways.
    assert not phone.locator("#jg-sidebar a", has_text="单位名录").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
