"""The people directory: scoped, personal information masked, every reveal audited."""

import pytest

from core import audit
from core.models import AuditEvent
from orgs.models import Person
from orgs.people import MSG_REASON_REQUIRED


@pytest.fixture
def li_na(world):
    with audit.acting_as(None):
        return Person.objects.create(
            federation=world.fed_a, unit=world.unit_a1, name="李娜", phone="13800001111", id_number="44030719900101123X"
        )


def test_phone_and_id_number_are_masked_until_revealed(li_na, world, client_as):
    body = client_as(world.staff).get(f"/orgs/people/{li_na.pk}/").content.decode()
    assert "138****1111" in body and "4403**********123X" in body
    assert "13800001111" not in body and "44030719900101123X" not in body


def test_revealing_needs_a_reason_and_is_audited(li_na, world, client_as):
    client = client_as(world.liaison)
    resp = client.post(f"/orgs/people/{li_na.pk}/", {"reason": ""})
    assert resp.status_code == 400 and str(MSG_REASON_REQUIRED) in resp.content.decode()
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()

    resp = client.post(f"/orgs/people/{li_na.pk}/", {"reason": "联系换届事宜"})
    assert "13800001111" in resp.content.decode() and "no-store" in resp["Cache-Control"]
    event = AuditEvent.objects.get(action="read_personal_info")
    assert event.actor_id == world.liaison.pk and event.object_id == str(li_na.pk) and "联系换届事宜" in event.detail


def test_people_are_scoped(li_na, world, client_as):
    assert client_as(world.other_liaison).get(f"/orgs/people/{li_na.pk}/").status_code == 404
    assert client_as(world.outsider).post(f"/orgs/people/{li_na.pk}/", {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()


def test_search_by_name_or_whole_phone_number(li_na, world, client_as):
    client = client_as(world.staff)
    assert [p.name for p in client.get("/orgs/people/", {"q": "138 0000 1111"}).context["object_list"]] == ["李娜"]
    assert [p.name for p in client.get("/orgs/people/", {"q": "李娜"}).context["object_list"]] == ["李娜"]
    assert list(client.get("/orgs/people/", {"q": "1380000"}).context["object_list"]) == []
    # Another unit's liaison does not find her even by her number.
    other = client_as(world.other_liaison)
    assert list(other.get("/orgs/people/", {"q": "13800001111"}).context["object_list"]) == []
