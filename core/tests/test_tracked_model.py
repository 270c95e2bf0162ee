"""Every write is audited with old and new values; a stale edit is refused, not saved over a newer one."""

import pytest

from core import audit
from core.models import CONFLICT_MESSAGE, AuditEvent, ConcurrentEditError
from orgs.models import Unit


def test_create_update_delete_are_audited_with_old_and_new_values(world):
    with audit.acting_as(world.staff, ip="10.1.2.3", source="web"):
        unit = Unit.objects.create(federation=world.fed_a, name="区审计局", female_staff_count=10)
        unit.female_staff_count = 12
        unit.save()
        pk = unit.pk
        unit.delete()
    events = list(AuditEvent.objects.filter(object_type="orgs.unit", object_id=str(pk)).order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor_id == world.staff.pk and e.ip == "10.1.2.3" for e in events)
    assert events[0].changes["name"] == [None, "区审计局"]
    assert events[1].changes == {"female_staff_count": [10, 12]}
    assert events[2].changes["name"] == ["区审计局", None]


def test_second_of_two_concurrent_edits_is_refused_and_overwrites_nothing(world):
    first = Unit.objects.get(pk=world.unit_a1.pk)
    second = Unit.objects.get(pk=world.unit_a1.pk)
    first.address = "龙城大道1号"
    first.save()
    second.address = "龙翔大道2号"
    with pytest.raises(ConcurrentEditError) as refused:
        second.save()
    assert CONFLICT_MESSAGE in refused.value.messages
    assert Unit.objects.get(pk=world.unit_a1.pk).address == "龙城大道1号"


def test_edit_form_with_a_stale_version_shows_the_conflict(world, client_as):
    client = client_as(world.staff)
    url = f"/orgs/units/{world.unit_a1.pk}/edit/"
    stale_version = Unit.objects.get(pk=world.unit_a1.pk).version
    form = {
        "name": world.unit_a1.name,
        "kind": "department",
        "female_staff_count": 30,
        "address": "A",
        "notes": "",
        "version": stale_version,
    }
    assert client.post(url, form).status_code == 302
    form.update(address="B")  # a second editor who loaded the page before the first saved
    resp = client.post(url, form)
    assert resp.status_code == 200
    assert str(CONFLICT_MESSAGE) in resp.content.decode()
    assert Unit.objects.get(pk=world.unit_a1.pk).address == "A"


def test_audit_log_refuses_updates_and_deletes(world):
    event = audit.record("export", object_type="orgs.unit", object_id=1)
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_audit_page_is_for_the_auditor_alone(world, client_as):
    assert client_as(world.auditor).get("/audit/").status_code == 200
    for name in ("staff", "sysadmin", "secadmin", "liaison"):
        assert client_as(world.users[name]).get("/audit/").status_code == 403


def test_a_changed_encrypted_field_is_marked_in_the_audit_log_but_not_shown(world):
    from core.audit import REDACTED, REDACTED_CHANGED
    from orgs.models import Person

    person = Person.objects.create(
        federation=world.fed_a, unit=world.unit_a1, name="李娜", phone="13800001111"
    )
    person.phone = "13900002222"
    person.title = "科长"
    person.save()
    event = AuditEvent.objects.filter(
        object_type="orgs.person", object_id=str(person.pk), action="update"
    ).get()
    assert event.changes["phone"] == [REDACTED, REDACTED_CHANGED]
    assert event.changes["title"] == ["", "科长"]
    assert "13900002222" not in str(event.changes) and "13800001111" not in str(event.changes)


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_an_edit_form_posted_without_its_version_is_a_conflict_not_a_pass(world, client_as, version):
    """The probe: posting the edit form without its `version` field overwrote another user's change."""
    client = client_as(world.staff)
    url = f"/orgs/units/{world.unit_a1.pk}/edit/"
    other = Unit.objects.get(pk=world.unit_a1.pk)
    other.address = "另一位编辑保存的地址"
    other.save()
    form = {
        "name": world.unit_a1.name,
        "kind": "department",
        "female_staff_count": 30,
        "address": "覆盖",
        "notes": "",
    }
    if version is not None:
        form["version"] = version
    resp = client.post(url, form)
    assert resp.status_code == 200
    assert str(CONFLICT_MESSAGE) in resp.content.decode()
    assert Unit.objects.get(pk=world.unit_a1.pk).address == "另一位编辑保存的地址"


def test_a_versioned_form_without_a_version_is_invalid_and_a_save_without_one_is_refused(world):
    from orgs.forms import UnitForm

    unit = Unit.objects.get(pk=world.unit_a1.pk)
    form = UnitForm({"name": unit.name, "kind": "department"}, instance=unit)
    assert not form.is_valid()
    assert str(CONFLICT_MESSAGE) in form.non_field_errors()
    # The model refuses it too, whatever form (or code) skipped the version.
    unit.version = None
    unit.address = "X"
    with pytest.raises(ConcurrentEditError):
        unit.save()
    # A new row needs no version.
    assert UnitForm({"name": "区新单位", "kind": "department"}).is_valid()


def test_the_bulk_update_marks_a_changed_encrypted_field_as_a_save_does(world):
    """core.bulk.update_tracked compared masked snapshots only, so a changed phone left no trace."""
    from core.audit import REDACTED, REDACTED_CHANGED
    from core.bulk import update_tracked
    from orgs.models import Person

    people = [
        Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=name, phone=phone)
        for name, phone in (("李娜", "13800001111"), ("王芳", "13800003333"))
    ]
    update_tracked(
        Person,
        Person.objects.filter(federation=world.fed_a),
        [(people[0], {"phone": "13900002222"}), (people[1], {"title": "科长"})],
    )
    changed, untouched = (
        AuditEvent.objects.filter(object_type="orgs.person", object_id=str(p.pk), action="update").get()
        for p in people
    )
    # The phone marked as changed, never shown; its keyed hash follows it (as a save records too).
    assert changed.changes["phone"] == [REDACTED, REDACTED_CHANGED]
    assert set(changed.changes) == {"phone", "phone_hash"}
    assert untouched.changes == {"title": ["", "科长"]}
    assert "13900002222" not in str(changed.changes) and "13800001111" not in str(changed.changes)
    people[0].refresh_from_db()
    assert people[0].phone == "13900002222"
