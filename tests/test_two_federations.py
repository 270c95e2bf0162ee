"""A user who is staff in one federation and a unit's liaison in another acts in each only as its role
there allows (`dual`: staff of fed_a, liaison of unit_b1 in fed_b)."""

import datetime as dt

import pytest
from django.urls import reverse

from committees import services as committee_services
from core.scoping import scope_for
from core.testing.world import build_world
from orgs.models import Federation, Unit


@pytest.fixture
def world(db):
    w = build_world()
    w.add(
        unit_b2=Unit.objects.create(federation=w.fed_b, name="外区财政局", established_on=dt.date(2000, 1, 1))
    )
    return w


def test_the_rules_are_per_federation(world):
    dual = world.dual
    assert set(Unit.objects.visible_to(dual)) == {world.unit_a1, world.unit_a2, world.unit_b1}
    # Staff's "manage" reaches fed_a only; the liaison's "change" reaches her unit in fed_b only.
    assert set(Unit.objects.permitted(dual, "manage")) == {world.unit_a1, world.unit_a2}
    assert set(Unit.objects.permitted(dual, "change")) == {world.unit_a1, world.unit_a2, world.unit_b1}
    assert set(Federation.objects.permitted(dual, "manage")) == {world.fed_a}
    scope = scope_for(dual)
    assert scope.has_in(world.fed_a.pk, "federation_staff") and not scope.has_in(
        world.fed_b.pk, "federation_staff"
    )
    assert scope.units_for("unit_liaison") == {world.unit_b1.pk}


def test_pages_follow_the_role_held_in_the_objects_federation(world, client_as):
    client = client_as(world.dual)
    # In fed_a she is staff: she may dissolve a unit.
    assert client.get(reverse("orgs:unit-dissolve", args=[world.unit_a2.pk])).status_code == 200
    # In fed_b she is only her unit's liaison: she sees it, may edit its details, may not end it ...
    assert client.get(reverse("orgs:unit-detail", args=[world.unit_b1.pk])).status_code == 200
    assert client.get(reverse("orgs:unit-dissolve", args=[world.unit_b1.pk])).status_code == 403
    edit = client.get(reverse("orgs:unit-edit", args=[world.unit_b1.pk]))
    assert edit.status_code == 200 and "name" not in edit.context["form"].fields
    # ... and the rest of fed_b does not exist for her.
    assert client.get(reverse("orgs:unit-detail", args=[world.unit_b2.pk])).status_code == 404
    # A new unit goes to the federation where she is staff; she cannot pick fed_b.
    page = client.get(reverse("orgs:unit-create"))
    assert list(page.context["form"].fields["federation"].queryset) == [world.fed_a]
    refused = client.post(
        reverse("orgs:unit-create"), {"federation": world.fed_b.pk, "name": "越权单位", "kind": "department"}
    )
    assert refused.status_code == 400 and not Unit.objects.filter(name="越权单位").exists()


def test_she_records_her_own_committee_in_fed_b_and_none_other(world, client_as):
    client = client_as(world.dual)
    form = client.post(
        reverse("committees:committee-form", args=[world.unit_b1.pk]), {"formed_on": "2012-03-08"}
    )
    assert form.status_code == 302
    assert (
        client.post(
            reverse("committees:committee-form", args=[world.unit_b2.pk]), {"formed_on": "2012-03-08"}
        ).status_code
        == 404
    )
    assert not world.unit_b2.committees.exists()


def test_the_dashboard_shows_one_federation_and_says_which(world, client_as):
    committee_services.committee_form(unit=world.unit_b2, formed_on=dt.date(2012, 3, 8))
    client = client_as(world.dual)
    page = client.get(reverse("dashboard:index"))
    assert page.context["federation"] == world.fed_a.pk and page.context["federation_view"] is True
    assert [c["id"] for c in page.context["federation_choices"]] == [world.fed_a.pk, world.fed_b.pk]
    # In fed_b: her unit alone, as its liaison (unit_b2's committee is not counted).
    page = client.get(reverse("dashboard:index"), {"federation": world.fed_b.pk})
    assert page.context["federation"] == world.fed_b.pk and page.context["federation_view"] is False
    formation = page.context["data"].rates[0]
    assert (formation.numerator, formation.denominator) == (0, 1)
    # The choice is remembered; a federation she holds no role in is not offered and not taken.
    assert client.get(reverse("dashboard:index")).context["federation"] == world.fed_b.pk
    other = Federation.objects.create(name="第三区妇联")
    assert (
        client.get(reverse("dashboard:index"), {"federation": other.pk}).context["federation"]
        == world.fed_b.pk
    )
