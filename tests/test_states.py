"""core.states: a declared lifecycle refuses undeclared moves, asks for reasons, dates and attributes each step."""

import pytest
from django.core.exceptions import ValidationError

from core import confidential
from core.models import AuditEvent, StateChange
from core.states import MSG_REASON_REQUIRED, state_changed
from core.testing.world import build_world
from tests.plugin_app.models import NOTE_MACHINE, CareNote


@pytest.fixture
def note(db):
    world = build_world()
    with confidential.system_scope("测试"):
        return world, CareNote.objects.get(unit=world.unit_a1)


def test_a_declared_move_saves_records_and_announces(note):
    world, n = note
    heard = []
    state_changed.connect(
        lambda sender, **kw: heard.append((kw["previous"], kw["transition"].name)),
        weak=False,
        dispatch_uid="test-states",
    )
    try:
        NOTE_MACHINE.move(n, "close", acting_user=world.staff)
    finally:
        state_changed.disconnect(dispatch_uid="test-states")
    with confidential.system_scope("测试"):
        assert CareNote.objects.get(pk=n.pk).status == "closed"
    step = StateChange.objects.for_object(n).get()
    assert (step.from_state, step.to_state, step.transition, step.actor_name) == (
        "open",
        "closed",
        "close",
        "staff",
    )
    assert heard == [("open", "close")]
    assert AuditEvent.objects.filter(
        object_type="plugin_app.carenote", object_id=str(n.pk), action="update"
    ).exists()


def test_an_undeclared_move_is_refused_with_the_state_and_the_move_named(note):
    _, n = note
    with pytest.raises(ValidationError) as refused:
        NOTE_MACHINE.move(n, "archive")
    assert refused.value.messages == ["当前状态为“跟进中”，不能执行“归档”。"]
    assert not StateChange.objects.filter(object_type="plugin_app.carenote", object_id=str(n.pk)).exists()


def test_a_move_that_needs_a_reason_refuses_without_one(note):
    world, n = note
    NOTE_MACHINE.move(n, "close")
    with pytest.raises(ValidationError) as refused:
        NOTE_MACHINE.move(n, "reopen", reason="  ")
    assert refused.value.messages == [str(MSG_REASON_REQUIRED)]
    NOTE_MACHINE.move(n, "reopen", reason="家属再次求助", acting_user=world.staff)
    assert [s.reason for s in NOTE_MACHINE.timeline(n)] == ["", "家属再次求助"]
    assert [t.name for t in NOTE_MACHINE.available(n)] == ["close"]
