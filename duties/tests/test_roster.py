"""The reception roster: publishing, signing up, check-in, swaps (offer → take → approve), reminders, export."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from core import clock
from core.models import StateChange
from core.reminders import run_reminders
from core.testing.asserts import refused
from core.testing.world import api_headers, build_world
from duties import selectors, services
from duties.models import Shift, ShiftSwap
from orgs.models import Person

D, T = dt.date, dt.time


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def colleague(world):
    """A second executive of fed_a, with an account (to take swaps)."""
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name="周玉兰")
    user = User.objects.create_user(
        username="colleague",
        password="Test-Passw0rd-2026!",
        federation=world.fed_a,
        person=person,
        must_change_password=False,
    )
    role_grant(user=user, role=Role.EXECUTIVE, federation_id=world.fed_a.pk)
    executive = services.executive_appoint(federation=world.fed_a, person=person, started_on=D(2022, 1, 1))
    return user, executive


def test_shift_rules(world):
    today = clock.today()
    with refused(services.MSG_SHIFT_TIMES):
        services.shift_publish(federation=world.fed_a, on=today, starts_at=T(12), ends_at=T(9))
    with refused(services.MSG_OTHER_FEDERATION):
        services.shift_publish(
            federation=world.fed_a, on=today, starts_at=T(9), ends_at=T(12), executive=world.exec_b
        )
    with refused(services.MSG_DOUBLE_BOOKED):
        services.shift_publish(
            federation=world.fed_a,
            on=world.shift_a.on,
            starts_at=T(10),
            ends_at=T(11),
            executive=world.exec_a,
        )
    with refused(services.MSG_SHIFT_TAKEN):
        services.shift_sign_up(shift=world.shift_a, executive=world.exec_a)
    with refused(services.MSG_CHECK_IN_DAY):
        services.shift_check_in(shift=world.shift_a)


def test_check_in_on_the_day_counts_the_shift_served(world):
    today = clock.today()
    shift = services.shift_publish(
        federation=world.fed_a, on=today, starts_at=T(0), ends_at=T(23, 59), executive=world.exec_a
    )
    services.shift_check_in(shift=shift, acting_user=world.executive)
    with refused(services.MSG_CHECKED_IN):
        services.shift_check_in(shift=shift)
    record = selectors.duty_record(world.exec_a, *selectors.year_bounds(today.year))
    assert record.shifts_served == 1


def test_a_past_shift_without_check_in_is_a_no_show(world):
    Shift.objects.filter(pk=world.shift_a.pk).update(on=D(2024, 5, 1))
    record = selectors.duty_record(world.exec_a, *selectors.year_bounds(2024))
    assert record.shifts == 2 and record.shifts_served == 1 and record.no_shows == 1


def test_a_swap_offered_taken_and_approved_moves_the_shift(world, colleague):
    _, other = colleague
    swap = world.swap_a
    with refused(services.MSG_TAKE_OWN):
        services.swap_take(swap=swap, executive=world.exec_a)
    with refused(services.MSG_SWAP_OPEN):
        services.swap_offer(shift=world.shift_a)
    services.swap_take(swap=swap, executive=other)
    services.swap_approve(swap=swap, acting_user=world.staff)
    swap.refresh_from_db()
    assert swap.status == "approved" and Shift.objects.get(pk=world.shift_a.pk).executive == other
    assert [c.transition for c in StateChange.objects.for_object(swap)] == ["take", "approve"]


def test_an_untaken_offer_expires_with_its_shift(world, colleague):
    _, other = colleague
    Shift.objects.filter(pk=world.shift_a.pk).update(on=clock.today() - dt.timedelta(days=1))
    swap = ShiftSwap.objects.get(pk=world.swap_a.pk)
    assert services.swap_is_expired(swap)
    with refused(services.MSG_OFFER_EXPIRED):
        services.swap_take(swap=swap, executive=other)


def test_the_swap_through_the_pages(world, colleague, client_as, client):
    from core.testing.world import login

    user, other = colleague
    taker = login(client, user)
    page = taker.get(reverse("duties:roster") + f"?month={world.shift_a.on:%Y-%m}").content.decode()
    assert 'data-testid="swap-take"' in page
    assert taker.post(reverse("duties:swap-take", args=[world.swap_a.pk])).status_code == 302
    staff = client_as(world.staff)
    assert staff.post(reverse("duties:swap-approve", args=[world.swap_a.pk])).status_code == 302
    assert Shift.objects.get(pk=world.shift_a.pk).executive == other


def test_the_executive_signs_up_for_an_open_shift(world, client_as):
    client = client_as(world.executive)
    assert client.post(reverse("duties:shift-sign-up", args=[world.open_shift_a.pk])).status_code == 302
    assert Shift.objects.get(pk=world.open_shift_a.pk).executive == world.exec_a
    # The supervisor sees the roster but signs up for nothing.
    sup = client_as(world.supervisor)
    assert sup.get(reverse("duties:roster")).status_code == 200
    assert sup.post(reverse("duties:shift-sign-up", args=[world.open_shift_b.pk])).status_code == 404


def test_staff_publish_and_export(world, client_as):
    from openpyxl import load_workbook

    client = client_as(world.staff)
    day = clock.today() + dt.timedelta(days=3)
    res = client.post(
        reverse("duties:shift-publish"),
        {
            "on": day.isoformat(),
            "desk": "hotline",
            "starts_at": "09:00",
            "ends_at": "12:00",
            "executive": world.exec_a.pk,
        },
    )
    assert res.status_code == 302
    res = client.get(reverse("duties:roster-export") + f"?month={day:%Y-%m}")
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(res.content)).active.iter_rows(values_only=True))
    assert any("executive人员" in [str(c) for c in r] for r in rows)


def test_a_shift_tomorrow_is_reminded_to_its_executive(world):
    from core.models import Notification

    tomorrow = clock.today() + dt.timedelta(days=1)
    services.shift_publish(
        federation=world.fed_a, on=tomorrow, starts_at=T(9), ends_at=T(12), executive=world.exec_a
    )
    run_reminders(clock.today())
    notice = Notification.objects.get(recipient=world.executive, kind="shift_tomorrow")
    assert "明天 09:00" in notice.title


@pytest.mark.parametrize("n", [2, 20])
def test_the_roster_costs_the_same_for_2_and_20_shifts(world, client_as, django_assert_num_queries, n):
    day = clock.today() + dt.timedelta(days=1)
    for i in range(n):
        services.shift_publish(federation=world.fed_a, on=day, starts_at=T(i % 24), ends_at=T(i % 24, 30))
    client = client_as(world.executive)
    client.get(reverse("duties:roster"))
    # session, user with its role assignments and person's unit (the scope), OTP device (executives use a
    # second factor), shifts (+ executives), open swaps (+ shifts, executives), the user's executive, the
    # menu's notification count (the session is renewed at most once a minute: not on this read).
    with django_assert_num_queries(7):
        res = client.get(reverse("duties:roster") + f"?month={day:%Y-%m}")
    assert res.status_code == 200


def test_api_offer_take_approve(world, colleague, client):
    user, _ = colleague
    swap_id = world.swap_a.pk
    res = client.post(
        f"/api/v1/duties/swaps/{swap_id}/take", "{}", content_type="application/json", **api_headers(user)
    )
    assert res.status_code == 200 and res.json()["status"] == "taken"
    res = client.post(
        f"/api/v1/duties/swaps/{swap_id}/approve",
        "{}",
        content_type="application/json",
        **api_headers(world.staff),
    )
    assert res.json()["status"] == "approved"
    listed = client.get("/api/v1/duties/shifts", **api_headers(user)).json()
    assert {s["id"] for s in listed["items"]} >= {world.shift_a.pk, world.open_shift_a.pk}
    assert client.get(f"/api/v1/duties/shifts/{world.shift_b.pk}", **api_headers(user)).status_code == 404
    res = client.post(
        f"/api/v1/duties/shifts/{world.open_shift_a.pk}/offer",
        json.dumps({"note": "x"}),
        content_type="application/json",
        **api_headers(user),
    )
    assert res.status_code == 403


def test_week_bounds_read_an_iso_week_or_give_the_current_one():
    assert selectors.week_bounds("2024-W10") == (D(2024, 3, 4), D(2024, 3, 10))
    assert selectors.week_bounds("2026-W01", today=D(2026, 6, 1)) == (D(2025, 12, 29), D(2026, 1, 4))
    for bad in ("", "2024-W99", "abc", "2024-10", "99999999999999999999-W01", "2024-W"):
        assert selectors.week_bounds(bad, today=D(2024, 3, 6)) == (D(2024, 3, 4), D(2024, 3, 10))
    assert selectors.iso_week(D(2024, 3, 10)) == "2024-W10"


def test_the_week_view_shows_the_week_day_by_day(world, client_as):
    week = selectors.iso_week(world.shift_a.on)
    monday, sunday = selectors.week_bounds(week)
    page = client_as(world.executive).get(reverse("duties:roster") + f"?week={week}").content.decode()
    assert page.count('data-testid="roster-day"') == 7
    assert f"{monday:%Y-%m-%d} – {sunday:%Y-%m-%d}" in page
    assert 'data-testid="roster-table"' not in page
    # The executive's own shift that week is there (offered for a swap already: no second offer).
    assert f"/duties/shifts/{world.shift_a.pk}/offer/" not in page and "临时出差" in page
    assert f'href="?week={selectors.iso_week(monday - dt.timedelta(days=7))}"' in page
    assert f'href="?month={monday:%Y-%m}"' in page
    # The month view links to the week view of its first week.
    month = client_as(world.executive).get(reverse("duties:roster") + "?month=2024-03").content.decode()
    assert 'href="?week=2024-W09"' in month and 'data-testid="roster-table"' in month


def test_the_week_view_costs_what_the_month_view_costs(world, client_as, django_assert_num_queries):
    client = client_as(world.executive)
    client.get(reverse("duties:roster"))
    with django_assert_num_queries(7):
        assert client.get(reverse("duties:roster") + "?week=").status_code == 200


def test_api_shifts_of_a_week(world, client):
    week = selectors.iso_week(world.shift_a.on)
    res = client.get(f"/api/v1/duties/shifts?week={week}", **api_headers(world.executive))
    assert res.status_code == 200
    monday, sunday = selectors.week_bounds(week)
    days = {item["on"] for item in res.json()["items"]}
    assert world.shift_a.on.isoformat() in days
    assert all(monday.isoformat() <= d <= sunday.isoformat() for d in days)
    bad = client.get("/api/v1/duties/shifts?week=2024-W60", **api_headers(world.executive))
    assert bad.status_code == 422 and "week" in bad.json()["message"]
