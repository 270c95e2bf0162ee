"""The duty system in a real browser: the executive on shift logs a call and refers it, the supervisor sees
it, another executive cannot open it; a swap offered, taken and approved; a suggestion assigned, answered
and rated. Chromium from Debian against the live server (root conftest.py)."""

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


def _second_executive(world):
    """Another executive of fed_a with an account (of unit_a2)."""
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role
    from duties import services
    from orgs.models import Person

    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="司马晓岚")
    user = User.objects.create_user(
        username="second_exec",
        password="Test-Passw0rd-2026!",
        federation=world.fed_a,
        person=person,
        must_change_password=False,
    )
    role_grant(user=user, role=Role.EXECUTIVE, federation_id=world.fed_a.pk)
    services.executive_appoint(
        federation=world.fed_a, person=person, unit=world.unit_a2, started_on=dt.date(2022, 1, 1)
    )
    return user


def _submit(page):
    page.click("[data-testid=action-form] button[type=submit]")


def test_a_swap_offered_taken_and_approved(live_server, live_world, new_page):
    from duties import services
    from duties.models import Shift, ShiftSwap

    base = live_server.url
    day = clock.today() + dt.timedelta(days=10)
    shift = services.shift_publish(
        federation=live_world.fed_a,
        on=day,
        starts_at=dt.time(14),
        ends_at=dt.time(17),
        desk="reception",
        executive=live_world.exec_a,
    )
    month = f"{day:%Y-%m}"
    taker = _second_executive(live_world)

    # The executive on the shift offers it.
    page = as_user(new_page, base, live_world.executive)
    page.goto(f"{base}/duties/roster/?month={month}")
    page.click(f"a[data-testid=swap-offer][href='/duties/shifts/{shift.pk}/offer/']")
    page.fill("#id_note", "单位临时安排外出调研")
    _submit(page)
    page.wait_for_url(lambda url: "/duties/roster/" in url)
    swap = ShiftSwap.objects.get(shift=shift)
    assert swap.status == "offered"
    assert "单位临时安排外出调研" in page.content()

    # Another executive takes it.
    other = as_user(new_page, base, taker, 390, 844)
    other.goto(f"{base}/duties/roster/?month={month}")
    other.click(f"a[data-testid=swap-take][href='/duties/swaps/{swap.pk}/take/']")
    _submit(other)
    other.wait_for_url(lambda url: "/take/" not in url)
    swap.refresh_from_db()
    assert swap.status == "taken" and swap.taken_by.person.name == "司马晓岚"
    other.screenshot(path="/tmp/duties_swap_phone.png", full_page=True)

    # Staff approve: the taker is on the shift from now on.
    staff = as_user(new_page, base, live_world.staff)
    staff.goto(f"{base}/duties/roster/?month={month}")
    staff.click(f"a[data-testid=swap-approve][href='/duties/swaps/{swap.pk}/approve/']")
    _submit(staff)
    staff.wait_for_url(lambda url: "/approve/" not in url)
    swap.refresh_from_db()
    assert swap.status == "approved"
    assert Shift.objects.get(pk=shift.pk).executive.person.name == "司马晓岚"
    staff.goto(f"{base}/duties/roster/?month={month}")
    row = staff.locator("[data-testid=roster-table] tr", has_text=f"{day:%Y-%m-%d}").filter(has_text="14:00")
    assert "司马晓岚" in row.inner_text()
    # The week view shows it on its day.
    from duties.selectors import iso_week

    staff.goto(f"{base}/duties/roster/?week={iso_week(day)}")
    card = staff.locator(f"[data-testid=roster-day][aria-label='{day:%Y-%m-%d}']")
    assert "司马晓岚" in card.inner_text() and "14:00" in card.inner_text()
    staff.screenshot(path="/tmp/duties_roster_week_desktop.png", full_page=True)


def test_a_suggestion_assigned_answered_and_rated(live_server, live_world, new_page):
    from duties.models import Suggestion

    base = live_server.url
    # An executive submits it.
    page = as_user(new_page, base, live_world.executive)
    page.goto(f"{base}/duties/suggestions/new/")
    page.fill("#id_title", "关于在地铁站增设母婴室的建议")
    page.fill("#id_proposal", "建议在客流量大的地铁站增设母婴室。")
    _submit(page)
    page.wait_for_url(lambda url: "/duties/suggestions/" in url and "/new/" not in url)
    suggestion = Suggestion.objects.get(title="关于在地铁站增设母婴室的建议")
    detail = f"{base}/duties/suggestions/{suggestion.pk}/"

    # Staff accept it and assign it to a lead department.
    staff = as_user(new_page, base, live_world.staff)
    staff.goto(detail)
    staff.click(f"a[href='/duties/suggestions/{suggestion.pk}/accept/']")
    staff.select_option("#id_decision", "accept")
    _submit(staff)
    staff.wait_for_url(detail)
    staff.click("[data-testid=suggestion-assign]")
    staff.select_option("#id_lead_unit", str(live_world.unit_a1.pk))
    staff.fill("#id_co_units", "区住建局")
    _submit(staff)
    staff.wait_for_url(detail)
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned" and suggestion.lead_unit_id == live_world.unit_a1.pk
    assert suggestion.reply_due == clock.today() + dt.timedelta(days=90)

    # The lead department's liaison answers.
    liaison = as_user(new_page, base, live_world.liaison, 390, 844)
    liaison.goto(detail)
    liaison.click("[data-testid=suggestion-answer]")
    liaison.select_option("#id_result", "planned")
    liaison.fill("#id_reply", "已列入明年轨道交通便民设施建设计划。")
    _submit(liaison)
    liaison.wait_for_url(detail)
    assert "已列入明年轨道交通便民设施建设计划" in liaison.content()

    # The author rates the reply.
    page.goto(detail)
    page.click("[data-testid=suggestion-rate]")
    page.select_option("#id_rating", "basic")
    _submit(page)
    page.wait_for_url(detail)
    suggestion.refresh_from_db()
    assert suggestion.status == "closed" and suggestion.rating == "basic"
    assert "基本满意" in page.locator("[data-testid=suggestion-reply]").inner_text()
    page.screenshot(path="/tmp/duties_suggestion_desktop.png", full_page=True)
