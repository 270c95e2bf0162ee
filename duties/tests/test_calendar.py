"""The roster as an iCalendar feed per executive, at a secret address that can be renewed and revoked."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from core.models import AuditEvent
from core.testing.world import build_world
from duties import services
from duties.models import CalendarFeed


@pytest.fixture
def world(db):
    return build_world()


def events(content: bytes) -> list:
    return [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]


def test_the_executive_gets_a_feed_of_her_shifts(world, client_as, client):
    page = client_as(world.executive).post(reverse("duties:calendar"), {"do": "issue"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    url = page.context["feed_url"]
    path = url.split("testserver", 1)[-1]
    res = client.get(path)  # a calendar application: no log-in
    assert res.status_code == 200 and res["Content-Type"].startswith("text/calendar")
    found = events(res.content)
    uids = {str(e["uid"]) for e in found}
    assert f"shift-{world.shift_a.pk}@jinguo" in uids
    # Only her shifts: not the open shift nor the other federation's executive's.
    assert (
        f"shift-{world.open_shift_a.pk}@jinguo" not in uids and f"shift-{world.shift_b.pk}@jinguo" not in uids
    )
    mine = next(e for e in found if str(e["uid"]) == f"shift-{world.shift_a.pk}@jinguo")
    start = mine["dtstart"].dt
    assert start.date() == world.shift_a.on and start.hour == 9 and start.utcoffset() == dt.timedelta(hours=8)
    assert "热线" in str(mine["summary"])
    feed = CalendarFeed.objects.get()
    assert feed.last_used_at is not None and feed.token_hash != path.split("/")[-2]


def test_only_the_tokens_hash_is_kept_and_the_token_is_not_in_the_audit_log(world):
    feed, token = services.calendar_feed_issue(executive=world.exec_a)
    assert token not in feed.token_hash
    assert not AuditEvent.objects.filter(changes__icontains=token).exists()


def test_renewing_ends_the_old_address_and_revoking_ends_all(world, client):
    _, old = services.calendar_feed_issue(executive=world.exec_a)
    _, new = services.calendar_feed_issue(executive=world.exec_a)
    url = lambda t: reverse("duties:calendar-ics", args=[t])  # noqa: E731
    assert client.get(url(old)).status_code == 404
    assert client.get(url(new)).status_code == 200
    assert services.calendar_feed_revoke(executive=world.exec_a) == 1
    assert client.get(url(new)).status_code == 404
    assert client.get(url("x" * 43)).status_code == 404


def test_the_page_revokes(world, client_as, client):
    _, token = services.calendar_feed_issue(executive=world.exec_a)
    res = client_as(world.executive).post(reverse("duties:calendar"), {"do": "revoke"})
    assert res.status_code == 302
    assert client.get(reverse("duties:calendar-ics", args=[token])).status_code == 404


def test_an_executive_who_left_office_has_no_feed(world, client):
    _, token = services.calendar_feed_issue(executive=world.exec_a)
    services.executive_end(executive=world.exec_a, ended_on=dt.date(2025, 1, 1))
    assert client.get(reverse("duties:calendar-ics", args=[token])).status_code == 404


@pytest.mark.parametrize("persona", ["staff", "supervisor", "liaison"])
def test_others_have_no_feed_page(world, client_as, persona):
    assert (
        client_as(getattr(world, persona)).post(reverse("duties:calendar"), {"do": "issue"}).status_code
        == 403
    )
    assert not CalendarFeed.objects.exists()
