"""新增单位 and 撤销/合并单位: federation staff only, through orgs.services / committees.services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from committees import services as cs
from core.models import AuditEvent
from core.testing.asserts import refused
from orgs import services
from orgs.models import Unit

D = dt.date
CREATE = "orgs:unit-create"


def test_staff_add_a_unit(world, client_as):
    client = client_as(world.staff)
    assert 'data-testid="unit-create"' in client.get(reverse("orgs:unit-list")).content.decode()
    page = client.get(reverse(CREATE))
    assert page.status_code == 200 and 'type="date"' in page.content.decode()
    response = client.post(reverse(CREATE), {"name": " 区退役军人事务局 ", "kind": "department",
                                             "established_on": "2019-01-18", "requires_committee": "on",
                                             "female_staff_count": "23"})
    unit = Unit.objects.get(name="区退役军人事务局")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:unit-detail", args=[unit.pk])
    assert (unit.federation, unit.established_on, unit.requires_committee, unit.female_staff_count) == (
        world.fed_a, D(2019, 1, 18), True, 23)
    assert "已新增单位：区退役军人事务局。" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(object_type="orgs.unit", object_id=str(unit.pk), action="create",
                                     actor=world.staff).exists()


def test_a_duplicate_unit_name_is_refused_under_the_name(world, client_as):
    before = Unit.objects.count()
    response = client_as(world.staff).post(reverse(CREATE), {"name": "区教育局", "kind": "department"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [services.MSG_UNIT_NAME_TAKEN]
    assert Unit.objects.count() == before


@pytest.mark.parametrize("persona", ["liaison", "executive", "supervisor", "outsider"])
def test_only_staff_add_units(world, client_as, persona):
    client = client_as(world.users[persona])
    assert client.get(reverse(CREATE)).status_code == 403
    assert client.post(reverse(CREATE), {"name": "新单位", "kind": "department"}).status_code == 403
    assert not Unit.objects.filter(name="新单位").exists()
    assert 'data-testid="unit-create"' not in client.get(reverse("orgs:unit-list")).content.decode()


def test_staff_merge_a_unit_and_its_committee_ends(world, client_as):
    committee = cs.committee_form(unit=world.unit_a2, formed_on=D(2012, 7, 9))
    client = client_as(world.staff)
    url = reverse("orgs:unit-dissolve", args=[world.unit_a2.pk])
    assert url in client.get(reverse("orgs:unit-detail", args=[world.unit_a2.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "区教育局" in page and "将随单位在撤销日期结束" in page
    response = client.post(url, {"dissolved_on": "2019-01-18", "successor": world.unit_a1.pk})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "区财政局 已并入区教育局（2019-01-18）" in html
    world.unit_a2.refresh_from_db()
    committee.refresh_from_db()
    assert world.unit_a2.dissolved_on == D(2019, 1, 18) and world.unit_a2.successor == world.unit_a1
    assert committee.dissolved_on == D(2019, 1, 18)


def test_staff_dissolve_a_unit_outright(world, client_as):
    response = client_as(world.staff).post(reverse("orgs:unit-dissolve", args=[world.unit_a2.pk]),
                                           {"dissolved_on": "2019-01-18"})
    assert response.status_code == 302
    world.unit_a2.refresh_from_db()
    assert world.unit_a2.dissolved_on == D(2019, 1, 18) and world.unit_a2.successor is None


def test_dissolving_before_the_unit_was_established_is_refused(world, client_as):
    response = client_as(world.staff).post(reverse("orgs:unit-dissolve", args=[world.unit_a2.pk]),
                                           {"dissolved_on": "1999-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["dissolved_on"] == [services.MSG_UNIT_DISSOLVED_BEFORE_ESTABLISHED]
    world.unit_a2.refresh_from_db()
    assert world.unit_a2.dissolved_on is None


def test_a_unit_cannot_be_merged_into_itself_or_another_federations_unit(world, client_as):
    client = client_as(world.staff)
    url = reverse("orgs:unit-dissolve", args=[world.unit_a2.pk])
    for successor in (world.unit_a2, world.unit_b1):
        response = client.post(url, {"dissolved_on": "2019-01-18", "successor": successor.pk})
        assert response.status_code == 400 and "successor" in response.context["form"].errors
    world.unit_a2.refresh_from_db()
    assert world.unit_a2.dissolved_on is None


def test_dissolving_twice_is_refused(world, client_as):
    services.unit_dissolve(unit=world.unit_a2, dissolved_on=D(2019, 1, 18))
    response = client_as(world.staff).post(reverse("orgs:unit-dissolve", args=[world.unit_a2.pk]),
                                           {"dissolved_on": "2020-01-01"})
    assert response.status_code == 400 and str(services.MSG_ALREADY_DISSOLVED) in response.content.decode()


def test_the_units_liaison_may_edit_but_not_dissolve_it(world, client_as):
    client = client_as(world.liaison)
    url = reverse("orgs:unit-dissolve", args=[world.unit_a1.pk])
    assert url not in client.get(reverse("orgs:unit-detail", args=[world.unit_a1.pk])).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"dissolved_on": "2019-01-18"}).status_code == 403
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.dissolved_on is None


def test_dissolving_is_scoped(world, client_as):
    # The executive sees unit_a1 but holds no staff role: 403; staff of fed_a do not see fed_b's unit: 404.
    assert client_as(world.executive).get(reverse("orgs:unit-dissolve", args=[world.unit_a1.pk])).status_code == 403
    assert client_as(world.staff).get(reverse("orgs:unit-dissolve", args=[world.unit_b1.pk])).status_code == 404


def test_unit_create_service_refuses_a_blank_name(world):
    with refused(services.MSG_UNIT_NAME_REQUIRED, code="name_required"):
        services.unit_create(federation=world.fed_a, name="  ")
