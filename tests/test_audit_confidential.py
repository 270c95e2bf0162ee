"""The audit log of a confidential model (the stand-in app's CareNote): nothing of a confidential field but
that it changed, and its rows named by kind and number (#8 §6)."""

import pytest

from core import auditlog, confidential
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_confidential_field_shows_only_that_it_changed_and_its_row_is_named_by_kind_and_number(
    world, monkeypatch
):
    from tests.plugin_app.models import CareNote

    # Even a model whose str() would tell the contents is named by kind and number in the log.
    monkeypatch.setattr(CareNote, "__str__", lambda self: "困难家庭：张某某")
    with confidential.system_scope("测试"):
        note = CareNote(
            federation=world.fed_a, unit=world.unit_a1, author=world.staff, body="困难家庭：张某某"
        )
        note.save()
        note = CareNote.objects.get(pk=note.pk)
        note.body = "困难家庭：李某某"
        note.save()
    events = AuditEvent.objects.filter(object_type="plugin_app.carenote", object_id=str(note.pk))
    assert {e.object_repr for e in events} == {f"关爱记录 #{note.pk}"}
    update = events.get(action="update")
    rows = {c.field: c for c in auditlog.changes_of(update)}
    assert not rows["body"].is_pair and rows["body"].new == "已修改"
    assert "某某" not in "".join(c.old + c.new for c in rows.values())
