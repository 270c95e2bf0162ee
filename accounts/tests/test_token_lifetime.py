"""API tokens end with the password, the web log-out and the forced change; they expire; their owner lists and
revokes them (issue 7, item 9). The rule is in SECURITY.md, "API tokens"."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from core.models import AuditEvent
from core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
NEW_PASSWORD = "Another-Passw0rd-2027!"


def issue(username="staff", password=PASSWORD):
    response = Client().post(
        TOKEN, json.dumps({"username": username, "password": password}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def units(raw):
    return Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_ends_with_the_users_own_password_change(client, world):
    raw = issue()
    assert units(raw) == 200
    client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    done = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert units(raw) == 401
    assert units(issue(password=NEW_PASSWORD)) == 200


def test_a_token_ends_when_the_password_is_set_any_other_way(world):
    raw = issue()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1)):
        world.staff.set_password(NEW_PASSWORD)  # e.g. manage.py changepassword
        world.staff.save()
        assert units(raw) == 401


def test_a_token_ends_with_the_web_log_out(world):
    raw = issue()
    browser = Client()
    browser.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    assert browser.post(reverse("accounts:logout")).status_code == 302
    assert units(raw) == 401
    assert AuditEvent.objects.filter(action="token_revoke", actor_name="staff", detail="web log-out").exists()


def test_a_token_ends_when_the_password_expires_or_must_be_changed(world):
    expiring = issue()
    forced = issue("volunteer")
    # The password was set 91 days ago (the token is younger: it was issued afterwards).
    world.staff.password_changed_at = timezone.now() - dt.timedelta(days=91)
    world.staff.save()
    ApiToken.objects.update(created_at=timezone.now() - dt.timedelta(minutes=1))
    assert units(expiring) == 401
    assert units(forced) == 200
    world.volunteer.must_change_password = True  # e.g. set by a reset
    world.volunteer.save()
    assert units(forced) == 401


def test_a_token_expires_after_eight_hours(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        raw = issue()
    with time_machine.travel(start + dt.timedelta(hours=7, minutes=59), tick=False):
        assert units(raw) == 200
    with time_machine.travel(start + dt.timedelta(hours=8, minutes=1), tick=False):
        assert units(raw) == 401
    assert not ApiToken.objects.exists()  # a dead token is dropped when it is next presented


def test_the_owner_lists_their_tokens_over_the_api(world):
    first, second = issue(), issue()
    ApiToken.issue(world.liaison)
    listed = Client().get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {second}")
    assert listed.status_code == 200
    rows = listed.json()
    assert len(rows) == 2 and [r["current"] for r in rows] == [True, False]
    assert set(rows[0]) == {"id", "created_at", "expires_at", "last_used_at", "current"}
    assert first not in listed.content.decode() and second not in listed.content.decode()


def test_delete_revokes_the_token_in_use_only(world):
    first, second = issue(), issue()
    revoked = Client().delete(TOKEN, HTTP_AUTHORIZATION=f"Bearer {first}")
    assert revoked.status_code == 204
    assert units(first) == 401 and units(second) == 200
    assert Client().delete(TOKEN, HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
    event = AuditEvent.objects.get(action="token_revoke")
    assert event.actor_name == "staff" and event.source == "api"


def test_the_owner_lists_and_revokes_tokens_on_the_profile_page(client_as, world):
    raw = issue()
    other = ApiToken.issue(world.liaison)[0]
    client = client_as(world.staff)
    page = client.get(reverse("accounts:profile"))
    token = ApiToken.objects.get(user=world.staff)
    html = page.content.decode()
    assert 'data-testid="api-tokens"' in html and f'value="{token.pk}"' in html and raw not in html
    assert client.post(reverse("accounts:token-revoke"), {"token": other.pk}).status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()
    done = client.post(reverse("accounts:token-revoke"), {"token": token.pk})
    assert done.status_code == 302 and units(raw) == 401
    issue(), issue()
    client.post(reverse("accounts:token-revoke"), {"all": "1"})
    assert not ApiToken.objects.filter(user=world.staff).exists()
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_the_schema_lists_the_token_operations():
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "delete" in paths[TOKEN] and "get" in paths["/api/v1/auth/tokens"]
    assert "204" in {str(c) for c in paths[TOKEN]["delete"]["responses"]}


def test_the_last_use_is_stamped_only_when_the_token_served_a_request(world):
    raw = issue()
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    assert Client().get("/api/v1/units/999999", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    token.refresh_from_db()
    assert token.last_used_at is None
    assert units(raw) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
