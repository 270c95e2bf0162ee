"""Log-in: lock-out shared by web and API, its expiry, audit of failures and lock-outs, sessions."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import MSG_BAD_CREDENTIALS, MSG_LOCKED
from core.models import AuditEvent
from core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"


def web_login(client, username, password, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, **extra},
        HTTP_USER_AGENT="Mozilla/5.0 browser",
        REMOTE_ADDR="10.1.2.3",
    )


def api_login(client, username, password, **extra):
    return client.post(
        TOKEN,
        json.dumps({"username": username, "password": password, **extra}),
        content_type="application/json",
        HTTP_USER_AGENT="python-requests/2.32",
        REMOTE_ADDR="10.9.9.9",
    )


def test_web_login_works_and_wrong_password_is_refused_in_chinese(client, world):
    bad = web_login(client, "staff", "wrong-password")
    assert bad.status_code == 200 and str(MSG_BAD_CREDENTIALS) in bad.content.decode()
    good = web_login(client, "staff", PASSWORD)
    assert good.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_three_web_and_two_api_failures_lock_both(world):
    web, api = Client(), Client()
    for _ in range(3):
        assert str(MSG_BAD_CREDENTIALS) in web_login(web, "staff", "wrong").content.decode()
    assert api_login(api, "staff", "wrong").status_code == 401
    fifth = api_login(api, "staff", "wrong")
    assert fifth.status_code == 403 and fifth.json()["message"] == MSG_LOCKED
    # Locked everywhere, even with the right password.
    locked_web = web_login(web, "staff", PASSWORD)
    assert locked_web.status_code == 403 and str(MSG_LOCKED) in locked_web.content.decode()
    locked_api = api_login(api, "staff", PASSWORD)
    assert locked_api.status_code == 403 and locked_api.json()["message"] == MSG_LOCKED
    assert web.get(reverse("accounts:profile")).status_code == 302  # not logged in


def test_lockout_ends_after_30_minutes(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        for _ in range(5):
            web_login(client, "staff", "wrong")
        assert web_login(client, "staff", PASSWORD).status_code == 403
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert web_login(Client(), "staff", PASSWORD).status_code == 403
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert web_login(Client(), "staff", PASSWORD).status_code == 302
        assert api_login(Client(), "staff", PASSWORD).status_code == 200


def test_failures_carry_the_source_address_and_the_lockout_is_audited(world):
    client = Client()
    for _ in range(5):
        web_login(client, "staff", "wrong")
    failures = AuditEvent.objects.filter(action="login_failed", actor_name="staff")
    assert failures.count() == 5
    assert set(failures.values_list("ip", flat=True)) == {"10.1.2.3"}
    locked = AuditEvent.objects.get(action="account_locked")
    assert locked.actor_name == "staff" and locked.ip == "10.1.2.3" and locked.result == "locked"
    api_login(Client(), "staff", "wrong")
    api_event = AuditEvent.objects.filter(action="login_failed", detail__startswith="api").latest("id")
    assert api_event.ip == "10.9.9.9" and api_event.result == "locked"


def test_unknown_user_failures_are_audited_too(client, db):
    web_login(client, "nobody", "wrong")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_name == "nobody" and event.ip == "10.1.2.3"


def test_login_issues_a_new_session_id(client, world):
    session = client.session
    session["before"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    assert web_login(client, "staff", PASSWORD).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.session.get("before") == 1  # cycled, not dropped


def test_idle_session_ends_after_30_minutes(world):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        web_login(client, "staff", PASSWORD)
    with time_machine.travel(start + dt.timedelta(minutes=25), tick=False):
        assert client.get(reverse("accounts:profile")).status_code == 200  # renews the idle timer
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("accounts:profile")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=81), tick=False):
        page = client.get(reverse("accounts:profile"))
        assert page.status_code == 302 and page.url.startswith(reverse("accounts:login"))


def test_reading_pages_does_not_write_the_session_on_every_request(world, settings):
    """The idle timeout is renewed at most once a SESSION_RENEW_INTERVAL (core.sessions): a page view
    within it writes no session row, one after it renews the expiry."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes(context):
        return [q["sql"] for q in context.captured_queries if "django_session" in q["sql"]
                and not q["sql"].lstrip().upper().startswith("SELECT")]

    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as clock:
        web_login(client, "staff", PASSWORD)
        assert client.get(reverse("accounts:profile")).status_code == 200
        expiry = Session.objects.get().expire_date
        for seconds in (5, 20, settings.SESSION_RENEW_INTERVAL - 1):
            clock.move_to(start + dt.timedelta(seconds=seconds))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("accounts:profile")).status_code == 200
            assert session_writes(queries) == [], seconds
        assert Session.objects.get().expire_date == expiry
        clock.move_to(start + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL + 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:profile")).status_code == 200
        assert len(session_writes(queries)) == 1
        renewed = Session.objects.get().expire_date
        assert renewed == expiry + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL + 1)


def test_a_renewal_that_finds_the_database_busy_is_left_to_the_next_request(world, settings, monkeypatch):
    """While another writer holds SQLite's lock (core.busy.try_write skips the write) the page answers
    at once, unrenewed; the next request renews the session."""
    from django.contrib.sessions.models import Session

    import core.sessions

    skipped = []
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as clock:
        web_login(client, "staff", PASSWORD)
        expiry = Session.objects.get().expire_date
        clock.move_to(start + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL + 1))
        monkeypatch.setattr(core.sessions, "try_write", lambda write: skipped.append(write) or False)
        assert client.get(reverse("accounts:profile")).status_code == 200
        assert len(skipped) == 1 and Session.objects.get().expire_date == expiry
        monkeypatch.undo()
        clock.move_to(start + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL + 2))
        assert client.get(reverse("accounts:profile")).status_code == 200
        assert Session.objects.get().expire_date == expiry + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL + 2)


def test_an_idle_session_never_outlives_30_minutes_from_the_last_request(world, settings):
    """Renewal at most once a minute may end a session up to a minute early, never late."""
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as clock:
        web_login(client, "staff", PASSWORD)
        clock.move_to(start + dt.timedelta(seconds=settings.SESSION_RENEW_INTERVAL - 1))
        assert client.get(reverse("accounts:profile")).status_code == 200  # not renewed: too soon
        clock.move_to(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        page = client.get(reverse("accounts:profile"))
        assert page.status_code == 302 and page.url.startswith(reverse("accounts:login"))


def test_session_ends_after_8_hours_even_when_active(world):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        web_login(client, "staff", PASSWORD)
    minutes = 0
    while minutes + 25 < 8 * 60:
        minutes += 25
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accounts:profile")).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=8, minutes=5), tick=False):
        assert client.get(reverse("accounts:profile")).status_code == 302
        assert client.get(reverse("accounts:profile")).status_code == 302  # logged out for good


def test_inactive_account_cannot_log_in(client, world):
    world.staff.is_active = False
    world.staff.save()
    assert str(MSG_BAD_CREDENTIALS) in web_login(client, "staff", PASSWORD).content.decode()
    assert api_login(client, "staff", PASSWORD).status_code == 401


def test_api_refuses_a_token_until_the_password_is_changed(client, world):
    from accounts.services import MSG_PASSWORD_CHANGE_REQUIRED

    world.staff.must_change_password = True
    world.staff.save()
    res = api_login(client, "staff", PASSWORD)
    assert res.status_code == 403 and res.json()["message"] == MSG_PASSWORD_CHANGE_REQUIRED
