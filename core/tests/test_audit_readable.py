"""An audit log a person can read (#8 §6): where every write came from, fields by their names, choices by
their labels, related rows by name, local times, and nothing of a confidential field but that it changed."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import audit, auditlog
from core.models import AuditEvent
from orgs import services as orgs

pytestmark = pytest.mark.django_db


def test_a_service_write_records_the_requests_address(world):
    unit = orgs.unit_create(federation=world.fed_a, name="区来源测试局")
    with audit.acting_as(None, ip="10.9.8.7", source="web"):
        orgs.unit_update(
            unit=unit, changes={"address": "新地址"}, version=unit.version, acting_user=world.staff
        )
    event = AuditEvent.objects.get(action="update", object_type="orgs.unit", object_id=str(unit.pk))
    assert event.ip == "10.9.8.7" and event.actor_name == "staff"
    assert AuditEvent.objects.get(action="orgs.unit_update").ip == "10.9.8.7"


def test_an_edit_through_the_web_records_its_address(world, client_as):
    client = client_as(world.staff)
    unit = world.unit_a1
    unit.refresh_from_db()
    form = {
        "name": unit.name,
        "kind": unit.kind,
        "female_staff_count": 31,
        "address": "网页地址",
        "notes": "",
        "version": unit.version,
    }
    resp = client.post(f"/orgs/units/{unit.pk}/edit/", form, REMOTE_ADDR="10.20.30.40")
    assert resp.status_code == 302
    event = AuditEvent.objects.filter(
        action="update", object_type="orgs.unit", object_id=str(unit.pk)
    ).latest("id")
    assert event.ip == "10.20.30.40" and event.source == "web"


def test_a_commands_writes_name_the_command(world):
    call_command("purge_audit", "--before", "2000-01-01")
    event = AuditEvent.objects.get(action="audit_purge")
    assert event.origin == "命令行：purge_audit" and event.ip is None and event.source == "command"


def test_changes_read_with_field_names_choice_labels_related_names_and_local_times(world):
    event = AuditEvent.objects.create(
        action="update",
        object_type="orgs.unit",
        object_id=str(world.unit_a1.pk),
        changes={
            "kind": ["department", "institution"],
            "successor_id": [None, world.unit_a2.pk],
            "updated_at": ["2026-03-08T01:30:00+00:00", "2026-03-08T02:00:00+00:00"],
        },
    )
    rows = {c.field: c for c in auditlog.changes_of(event, auditlog.related_names([event]))}
    kind = dict(type(world.unit_a1)._meta.get_field("kind").flatchoices)
    assert (rows["kind"].old, rows["kind"].new) == (str(kind["department"]), str(kind["institution"]))
    assert rows["successor_id"].new == world.unit_a2.name
    assert rows["successor_id"].label == str(type(world.unit_a1)._meta.get_field("successor").verbose_name)
    assert rows["updated_at"].old == "2026-03-08 09:30:00"  # Asia/Shanghai, not +00:00
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


def test_the_event_page_names_the_related_row(world, client_as):
    e = AuditEvent.objects.create(
        action="update",
        object_type="orgs.unit",
        object_id=str(world.unit_a1.pk),
        federation_id=world.fed_a.pk,
        changes={"successor_id": [None, world.unit_a2.pk]},
        at=timezone.now() - dt.timedelta(minutes=1),
    )
    body = client_as(world.auditor).get(f"/audit/{e.pk}/").content.decode()
    assert world.unit_a2.name in body and "successor_id: ∅" not in body
