"""A federation's duty settings over the API: GET/PUT/PATCH /api/v1/duties/settings/{id} (the federation's
id), with the version read for optimistic locking, bounds as located Chinese 422s, and only the
federation's staff reaching them."""

import json

import pytest

from core.models import AuditEvent
from core.testing.world import api_headers, build_world
from duties import services
from duties.models import DutySettings


@pytest.fixture
def world(db):
    return build_world()


def url(federation):
    return f"/api/v1/duties/settings/{federation.pk}"


def send(client, method, path, body, user):
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", **api_headers(user)
    )


def test_staff_read_the_defaults_then_put_and_patch_with_the_version(world, client):
    got = client.get(url(world.fed_a), **api_headers(world.staff))
    assert got.status_code == 200
    assert got.json() == {
        "federation_id": world.fed_a.pk,
        "no_contact_days": 90,
        "required_shifts": 4,
        "case_retention_years": 5,
        "version": 0,
    }
    body = {"version": 0, "no_contact_days": 60, "required_shifts": 6, "case_retention_years": 8}
    put = send(client, "put", url(world.fed_a), body, world.staff)
    assert put.status_code == 200, put.content
    assert put.json()["no_contact_days"] == 60 and put.json()["version"] == 1
    patched = send(client, "patch", url(world.fed_a), {"version": 1, "required_shifts": 2}, world.staff)
    assert patched.status_code == 200, patched.content
    assert patched.json() | {"version": 0} == {
        "federation_id": world.fed_a.pk,
        "no_contact_days": 60,
        "required_shifts": 2,
        "case_retention_years": 8,
        "version": 0,
    }
    assert patched.json()["version"] == 2
    row = DutySettings.objects.get(federation=world.fed_a)
    assert (row.no_contact_days, row.required_shifts, row.case_retention_years) == (60, 2, 8)
    assert AuditEvent.objects.filter(object_type="duties.dutysettings", action="update").exists()
    # The other federation keeps its defaults.
    assert DutySettings.of(world.fed_b.pk).pk is None


def test_a_stale_version_is_a_409_and_writes_nothing(world, client):
    services.duty_settings_save(
        federation=world.fed_a, no_contact_days=60, required_shifts=4, case_retention_years=5
    )
    # The editor read the defaults (version 0) before someone else saved.
    stale = send(client, "patch", url(world.fed_a), {"version": 0, "required_shifts": 9}, world.staff)
    assert stale.status_code == 409 and "已被其他人修改" in stale.json()["message"]
    body = {"version": 7, "no_contact_days": 30, "required_shifts": 9, "case_retention_years": 5}
    assert send(client, "put", url(world.fed_a), body, world.staff).status_code == 409
    row = DutySettings.objects.get(federation=world.fed_a)
    assert (row.no_contact_days, row.required_shifts, row.version) == (60, 4, 1)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"version": 0, "no_contact_days": 3}, ["请求体字段 no_contact_days", "不能小于 7"]),
        ({"version": 0, "required_shifts": 400}, ["请求体字段 required_shifts", "不能大于 365"]),
        ({"version": 0, "case_retention_years": "五"}, ["case_retention_years", "须为整数"]),
        ({"no_contact_days": 30}, ["请求体字段 version", "为必填项"]),
        ({"version": 0, "colour": "red"}, ["colour", "不是本接口接受的参数"]),
    ],
)
def test_bad_values_are_located_chinese_422s_and_write_nothing(world, client, body, words):
    answer = send(client, "patch", url(world.fed_a), body, world.staff)
    assert answer.status_code == 422
    message = answer.json()["message"]
    assert all(w in message for w in words), message
    assert not DutySettings.objects.exists()


def test_put_needs_every_setting(world, client):
    answer = send(client, "put", url(world.fed_a), {"version": 0, "no_contact_days": 30}, world.staff)
    assert answer.status_code == 422 and "required_shifts" in answer.json()["message"]
    assert not DutySettings.objects.exists()


def test_a_service_refusal_is_located_too(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        services.duty_settings_save(
            federation=world.fed_a, no_contact_days=90, required_shifts=4, case_retention_years=99
        )
    assert refusal.value.params["field"] == "case_retention_years"


@pytest.mark.parametrize("persona", ["executive", "supervisor", "liaison"])
def test_other_roles_are_refused(world, client, persona):
    user = getattr(world, persona)
    assert client.get(url(world.fed_a), **api_headers(user)).status_code == 403
    body = {"version": 0, "no_contact_days": 30, "required_shifts": 4, "case_retention_years": 5}
    assert send(client, "put", url(world.fed_a), body, user).status_code == 403
    assert not DutySettings.objects.exists()


def test_another_federations_settings_are_not_found(world, client):
    # `dual` is staff in fed_a and a liaison in fed_b: fed_b is visible to her but not hers to manage.
    assert client.get(url(world.fed_b), **api_headers(world.staff)).status_code == 404
    assert client.get("/api/v1/duties/settings/987654321", **api_headers(world.staff)).status_code == 404
    assert client.get(url(world.fed_b), **api_headers(world.dual)).status_code == 403
    body = {"version": 0, "no_contact_days": 30}
    assert send(client, "patch", url(world.fed_b), body, world.staff).status_code == 404
    assert send(client, "patch", url(world.fed_b), body, world.dual).status_code == 403
    assert not DutySettings.objects.exists()
    assert client.get(url(world.fed_a), **api_headers(world.dual)).status_code == 200


def test_two_first_saves_at_once_the_second_is_a_conflict(world, monkeypatch):
    """Both editors read the defaults (no row yet); the one who saves second finds the row created."""
    from core.models import ConcurrentEditError

    services.duty_settings_save(
        federation=world.fed_a, no_contact_days=60, required_shifts=4, case_retention_years=5, version=0
    )
    monkeypatch.setattr(DutySettings, "of", classmethod(lambda cls, pk: cls(federation_id=pk)))
    with pytest.raises(ConcurrentEditError):
        services.duty_settings_save(
            federation=world.fed_a, no_contact_days=30, required_shifts=4, case_retention_years=5, version=0
        )
    row = DutySettings.objects.get(federation=world.fed_a)
    assert (row.no_contact_days, row.version) == (60, 1)
