"""A family's personal information in a contact assignment: encrypted, masked on lists and on its page,
revealed in full by a POST with a reason that goes to the audit log (never the details), no-store."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing.world import build_world
from duties import services

NAME, PHONE, ADDRESS = "欧阳春花", "13912345678", "龙城街道爱联社区3栋"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def family(world):
    return services.assignment_create(
        executive=world.exec_a,
        kind="family",
        family_name=NAME,
        family_phone=PHONE,
        family_address=ADDRESS,
        assigned_on=dt.date(2024, 1, 1),
    )


def test_lists_and_the_page_show_masked_details(world, family, client_as):
    client = client_as(world.staff)
    listing = client.get(reverse("duties:executive-detail", args=[world.exec_a.pk])).content.decode()
    assert "欧***家庭" in listing and NAME not in listing and PHONE not in listing
    page = client.get(reverse("duties:family-detail", args=[family.pk])).content.decode()
    assert "139****5678" in page and NAME not in page and PHONE not in page and ADDRESS not in page
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()


@pytest.mark.parametrize("persona", ["staff", "executive"])
def test_reveal_with_a_reason_is_audited_and_not_cached(world, family, client_as, persona):
    user = getattr(world, persona)
    res = client_as(user).post(reverse("duties:family-detail", args=[family.pk]), {"reason": "上门走访"})
    page = res.content.decode()
    assert res.status_code == 200 and NAME in page and PHONE in page and ADDRESS in page
    assert "no-store" in res["Cache-Control"]
    event = AuditEvent.objects.get(action="read_personal_info", object_id=str(family.pk))
    assert event.actor_id == user.pk and "上门走访" in event.detail
    assert NAME not in event.detail + str(event.changes) and PHONE not in event.detail + str(event.changes)


def test_reveal_without_a_reason_is_refused(world, family, client_as):
    res = client_as(world.staff).post(reverse("duties:family-detail", args=[family.pk]), {"reason": " "})
    assert res.status_code == 400 and PHONE not in res.content.decode() and "查看原因" in res.content.decode()
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()


@pytest.mark.parametrize("persona", ["liaison", "supervisor", "outsider"])
def test_others_cannot_reveal(world, family, client_as, persona):
    res = client_as(getattr(world, persona)).post(
        reverse("duties:family-detail", args=[family.pk]), {"reason": "好奇"}
    )
    assert res.status_code in (403, 404) and PHONE not in res.content.decode()
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()


def test_a_unit_assignment_has_no_family_page(world, client_as):
    url = reverse("duties:family-detail", args=[world.assignment_a.pk])
    res = client_as(world.staff).get(url)
    assert res.status_code == 302 and res.url == reverse("duties:executive-detail", args=[world.exec_a.pk])
    refused = client_as(world.staff).post(url, {"reason": "核对"})
    assert refused.status_code == 400 and "只有家庭联系对象" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="read_personal_info").exists()
