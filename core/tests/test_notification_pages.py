"""The user's notifications: unread first with a count; opening one marks it read and follows its link."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Notification
from core.pages import NOTIFICATION_LINK_REFUSED

pytestmark = pytest.mark.django_db


def notice(user, title="请核对换届信息", url="/orgs/units/", minutes_ago=0, read=False, key=None):
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=user,
        federation_id=user.federation_id,
        kind="test",
        title=title,
        url=url,
        created_at=at,
        read_at=at if read else None,
        dedup_key=key or title,
    )


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, client_as):
    n = notice(world.staff, url=f"/orgs/units/{world.unit_a1.pk}/")
    resp = client_as(world.staff).post(f"/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == f"/orgs/units/{world.unit_a1.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    # Opening it again keeps the first reading time.
    first = n.read_at
    client_as(world.staff).post(f"/notifications/{n.pk}/open/")
    n.refresh_from_db()
    assert n.read_at == first


def test_a_get_only_goes_back_to_the_list_and_marks_nothing(world, client_as):
    n = notice(world.staff)
    resp = client_as(world.staff).get(f"/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == "/notifications/"
    n.refresh_from_db()
    assert n.read_at is None


def test_another_users_notification_is_not_found(world, client_as):
    n = notice(world.liaison)
    for name in ("staff", "other_liaison", "auditor"):
        assert client_as(world.users[name]).post(f"/notifications/{n.pk}/open/").status_code == 404
    assert client_as(world.staff).post("/notifications/999999/open/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example/x",
        "http://testserver/orgs/units/",
    ],
)
def test_a_link_off_the_site_is_not_followed(world, client_as, url):
    n = notice(world.staff, url=url)
    client = client_as(world.staff)
    resp = client.post(f"/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == "/notifications/"
    assert str(NOTIFICATION_LINK_REFUSED) in client.get("/notifications/").content.decode()
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_without_a_link_is_marked_read_and_stays_on_the_list(world, client_as):
    n = notice(world.staff, url="")
    resp = client_as(world.staff).post(f"/notifications/{n.pk}/open/")
    assert resp["Location"] == "/notifications/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_the_list_shows_unread_first_with_a_count(world, client_as):
    old_read = notice(world.staff, title="已读旧通知", minutes_ago=300, read=True)
    new_read = notice(world.staff, title="已读新通知", minutes_ago=1, read=True)
    old_unread = notice(world.staff, title="未读旧通知", minutes_ago=600)
    new_unread = notice(world.staff, title="未读新通知", minutes_ago=5)
    notice(world.liaison, title="别人的通知")
    resp = client_as(world.staff).get("/notifications/")
    assert [n.pk for n in resp.context["items"]] == [new_unread.pk, old_unread.pk, new_read.pk, old_read.pk]
    body = resp.content.decode()
    assert "2 条待处理" in body and "别人的通知" not in body
    assert f'formaction="/notifications/{new_unread.pk}/open/"' in body
