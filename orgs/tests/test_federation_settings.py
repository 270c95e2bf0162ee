"""本妇联规则设置: staff of the federation change its rules, section by section, without overwriting each other."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from orgs.models import Federation


def url(world):
    return reverse("orgs:federation-settings", args=[world.fed_a.pk])


def post(client, world, **values):
    data = {"section": "orgs.committee_rules", "term_length_years": 5, "reelection_grace_days": 0,
            "vacancy_fill_days": 90, "version": Federation.objects.get(pk=world.fed_a.pk).version, **values}
    return client.post(url(world), data)


def test_staff_change_the_fill_deadline(world, client_as):
    client = client_as(world.staff)
    page = client.get(url(world))
    assert page.status_code == 200 and "换届与补缺" in page.content.decode()
    assert post(client, world, vacancy_fill_days=60).status_code == 302
    assert Federation.objects.get(pk=world.fed_a.pk).vacancy_fill_days == 60
    event = AuditEvent.objects.filter(object_type="orgs.federation", action="update").latest("id")
    assert event.changes["vacancy_fill_days"] == [90, 60]
    # The menu's entry leads to the federation she works in.
    assert client.get(reverse("orgs:my-federation-settings"))["Location"] == url(world)


def test_a_bad_value_is_refused_on_its_field_and_nothing_changes(world, client_as):
    response = post(client_as(world.staff), world, vacancy_fill_days=0)
    assert response.status_code == 400
    form = response.context["sections"][0]["form"]
    assert "vacancy_fill_days" in form.errors
    assert Federation.objects.get(pk=world.fed_a.pk).vacancy_fill_days == 90


def test_a_stale_form_does_not_overwrite_a_newer_change(world, client_as):
    client = client_as(world.staff)
    stale = Federation.objects.get(pk=world.fed_a.pk).version
    assert post(client, world, vacancy_fill_days=60).status_code == 302
    response = post(client, world, vacancy_fill_days=30, version=stale)
    assert response.status_code == 400 and "已被其他人修改" in response.content.decode()
    assert Federation.objects.get(pk=world.fed_a.pk).vacancy_fill_days == 60


@pytest.mark.parametrize("name, status", [("liaison", 403), ("volunteer", 403), ("outsider", 403), ("sysadmin", 403)])
def test_others_may_not(world, client_as, name, status):
    assert client_as(world.users[name]).get(url(world)).status_code == status


def test_staff_of_one_federation_do_not_set_anothers_rules(world, client_as):
    # dual is staff in fed_a and a liaison in fed_b: she sees fed_b, may not set its rules.
    client = client_as(world.dual)
    assert client.get(reverse("orgs:federation-settings", args=[world.fed_b.pk])).status_code == 403
    assert client.get(url(world)).status_code == 200
    # staff of fed_a do not even see fed_b.
    assert client_as(world.staff).get(reverse("orgs:federation-settings", args=[world.fed_b.pk])).status_code == 404
