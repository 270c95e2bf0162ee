"""iCalendar: a file per lecture and a personal feed at a secret, revocable URL."""

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from lectures import services
from lectures.models import CalendarFeed


def _events(content):
    return [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]


def test_a_lecture_as_an_ics_file(world, client_as):
    answer = client_as(world.requester).get(reverse("lectures:lecture-ics", args=[world.lecture_a.pk]))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    (event,) = _events(answer.content)
    assert str(event["summary"]) == "如何与孩子有效沟通" and str(event["location"]) == "三楼会议室"
    assert event.decoded("dtstart") == world.lecture_a.starts_at.replace(microsecond=0)
    assert str(event["uid"]) == f"lecture-{world.lecture_a.pk}@jinguo"
    # Another federation's lecture is missing for her.
    assert client_as(world.requester).get(reverse("lectures:lecture-ics", args=[world.lecture_b.pk])).status_code == 404


def test_the_personal_feed_lists_her_places_and_her_lectures_until_revoked(world, client_as):
    client = client_as(world.requester)
    settings_url = reverse("lectures:calendar-feed-settings")
    assert 'data-testid="feed-url"' not in client.get(settings_url).content.decode()
    assert client.post(settings_url, {"action": "issue"}).status_code == 302
    requester_feed = CalendarFeed.objects.get(user=world.requester)
    assert reverse("lectures:calendar-feed", args=[requester_feed.token]) in client.get(settings_url).content.decode()
    client = client_as(world.volunteer)  # the test world gave her a feed already
    assert client.post(settings_url, {"action": "issue"}).status_code == 302
    feed = CalendarFeed.objects.get(user=world.volunteer)
    page = client.get(settings_url).content.decode()
    url = reverse("lectures:calendar-feed", args=[feed.token])
    assert url in page and len(feed.token) >= 40
    # Read without logging in, as a calendar app does: the lectures she gives.
    answer = Client().get(url)
    assert answer.status_code == 200
    uids = {str(e["uid"]) for e in _events(answer.content)}
    assert {f"lecture-{world.lecture_a.pk}@jinguo", f"lecture-{world.held_a.pk}@jinguo"} <= uids
    # The requester's feed has her registrations, not the waiting list of others.
    other = services.feed_issue(user=world.liaison)
    liaison_uids = {str(e["uid"]) for e in _events(Client().get(reverse("lectures:calendar-feed", args=[other.token])).content)}
    assert f"lecture-{world.lecture_a.pk}@jinguo" not in liaison_uids  # she is only waitlisted there
    assert f"lecture-{world.held_a.pk}@jinguo" in liaison_uids
    # A new address retires the old one; revoking ends it.
    old = feed.token
    client.post(settings_url, {"action": "issue"})
    assert Client().get(reverse("lectures:calendar-feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=world.volunteer).token
    assert Client().get(reverse("lectures:calendar-feed", args=[new])).status_code == 200
    client.post(settings_url, {"action": "revoke"})
    assert Client().get(reverse("lectures:calendar-feed", args=[new])).status_code == 404
    assert Client().get(reverse("lectures:calendar-feed", args=["guess"])).status_code == 404
    # Nobody else sees her feed's row.
    assert not CalendarFeed.objects.visible_to(world.staff).filter(user=world.volunteer).exists()
