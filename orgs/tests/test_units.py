"""The unit registry: scoped list with search and filters, detail, edit, API."""

import datetime as dt

import pytest

from core import audit
from orgs.models import Unit


@pytest.fixture
def many_units(world):
    with audit.acting_as(None):
        merged_into = Unit.objects.create(
            federation=world.fed_a, name="区卫生健康局", established_on=dt.date(2019, 1, 1)
        )
        Unit.objects.create(
            federation=world.fed_a,
            name="区卫生和计划生育局",
            established_on=dt.date(2000, 1, 1),
            dissolved_on=dt.date(2019, 1, 1),
            successor=merged_into,
        )
        for i in range(12):
            Unit.objects.create(federation=world.fed_a, name=f"测试单位{i:02d}", kind=Unit.Kind.STATIONED)
    return world


def names(resp):
    return [u.name for u in resp.context["object_list"]]


def test_staff_see_every_unit_of_their_federation_and_no_other(many_units, client_as):
    resp = client_as(many_units.staff).get("/orgs/units/")
    assert resp.status_code == 200
    assert resp.context["paginator"].count == Unit.objects.filter(federation=many_units.fed_a).count()
    assert "外区民政局" not in resp.content.decode()


def test_liaison_sees_only_their_own_unit(many_units, client_as):
    client = client_as(many_units.liaison)
    assert names(client.get("/orgs/units/")) == ["区教育局"]
    assert client.get(f"/orgs/units/{many_units.unit_a2.pk}/").status_code == 404
    assert client.get(f"/orgs/units/{many_units.unit_a1.pk}/").status_code == 200


def test_search_and_filters(many_units, client_as):
    client = client_as(many_units.staff)
    assert sorted(names(client.get("/orgs/units/", {"q": "卫生"}))) == sorted(
        ["区卫生和计划生育局", "区卫生健康局"]
    )
    assert names(client.get("/orgs/units/", {"status": "dissolved"})) == ["区卫生和计划生育局"]
    assert len(names(client.get("/orgs/units/", {"kind": "stationed"}))) == 12


def test_htmx_search_returns_only_the_results_fragment(many_units, client_as):
    resp = client_as(many_units.staff).get("/orgs/units/", {"q": "卫生"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "区卫生健康局" in body and "<html" not in body


def test_list_query_count_does_not_grow_with_rows(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.staff)
    client.get("/orgs/units/")  # warm: the first request renews the session (core.sessions)
    with CaptureQueriesContext(connection) as few:
        client.get("/orgs/units/")
    with audit.acting_as(None):
        for i in range(25):
            Unit.objects.create(federation=world.fed_a, name=f"新单位{i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/orgs/units/")
    assert len(many) == len(few), "the unit list issues a query per row: use select_related"


def test_detail_shows_lifecycle_and_successor(many_units, client_as):
    old = Unit.objects.get(name="区卫生和计划生育局")
    body = client_as(many_units.staff).get(f"/orgs/units/{old.pk}/").content.decode()
    assert "已并入" in body and "区卫生健康局" in body and "2019-01-01" in body


def test_liaison_edits_only_the_fields_of_their_own_unit(world, client_as):
    client = client_as(world.liaison)
    unit = world.unit_a1
    resp = client.post(
        f"/orgs/units/{unit.pk}/edit/",
        {
            "female_staff_count": 88,
            "address": "龙城街道",
            "notes": "",
            "version": unit.version,
            "name": "改名",
        },
    )
    assert resp.status_code == 302
    unit.refresh_from_db()
    assert unit.female_staff_count == 88 and unit.name == "区教育局"
    assert client.get(f"/orgs/units/{world.unit_a2.pk}/edit/").status_code == 404


def test_visible_but_not_changeable_answers_403(world, client_as):
    # An executive sees their own unit but may not edit it.
    client = client_as(world.executive)
    assert client.get(f"/orgs/units/{world.unit_a1.pk}/").status_code == 200
    assert client.get(f"/orgs/units/{world.unit_a1.pk}/edit/").status_code == 403


def test_bad_input_gets_a_located_chinese_message_and_writes_nothing(world, client_as):
    client = client_as(world.staff)
    before = Unit.objects.get(pk=world.unit_a1.pk)
    resp = client.post(
        f"/orgs/units/{world.unit_a1.pk}/edit/",
        {"name": "", "kind": "department", "female_staff_count": "很多", "version": before.version},
    )
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert "name" in errors and "female_staff_count" in errors
    assert "这个字段是必填项" in resp.content.decode()
    assert Unit.objects.get(pk=world.unit_a1.pk).version == before.version


def test_admin_roles_read_no_business_data(world, client_as):
    for name in ("sysadmin", "secadmin", "auditor"):
        resp = client_as(world.users[name]).get("/orgs/units/")
        assert resp.status_code == 403
        assert Unit.objects.visible_to(world.users[name]).count() == 0


def test_units_are_listed_in_pinyin_order(world, client_as):
    with audit.acting_as(None):
        for name in ("区卫生健康局", "团区委", "区档案馆", "龙岗交警大队"):
            Unit.objects.create(federation=world.fed_a, name=name)
    listed = names(client_as(world.staff).get("/orgs/units/"))
    # long gang… < qu cai… < qu dang… < qu jiao… < qu wei… < tuan…
    assert listed == ["龙岗交警大队", "区财政局", "区档案馆", "区教育局", "区卫生健康局", "团区委"]
    assert Unit.objects.get(name="团区委").name_pinyin == "tuan qu wei"
