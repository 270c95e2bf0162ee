"""A new module attaches through the registries alone (tests/plugin_app), and its confidential record
cannot be queried outside a scope or decrypted outside a declared read."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from core import confidential
from core.confidential import ConfidentialAccessError, ScopeError
from core.models import AuditEvent
from core.testing.asserts import refused
from core.testing.world import build_world
from orgs import services as org_services
from orgs.models import Unit
from tests.plugin_app.models import CareNote
from tests.plugin_app.services import MSG_LOCKED

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def world(db):
    return build_world()


def test_no_file_of_core_or_orgs_names_the_module():
    for package in ("core", "orgs"):
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".html", ".txt"):
                assert "plugin_app" not in path.read_text(encoding="utf-8"), path


def test_its_panel_shows_on_the_unit_page_for_who_may_see_its_rows(world, client_as):
    page = client_as(world.staff).get(reverse("orgs:unit-detail", args=[world.unit_a1.pk]))
    assert 'data-testid="care-panel"' in page.content.decode() and "关爱记录 1 条" in page.content.decode()
    # The liaison sees the unit but no care notes: no panel.
    page = client_as(world.liaison).get(reverse("orgs:unit-detail", args=[world.unit_a1.pk]))
    assert page.status_code == 200 and 'data-testid="care-panel"' not in page.content.decode()


def test_its_lifecycle_hook_runs_with_the_units_end_and_may_refuse_it(world):
    org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=dt.date(2024, 1, 1))
    with confidential.system_scope("测试"):
        assert CareNote.objects.get(unit=world.unit_a1).closed_on == dt.date(2024, 1, 1)
        CareNote.objects.filter(unit=world.unit_b1).update(locked=True)
    with refused(MSG_LOCKED):
        org_services.unit_dissolve(unit=world.unit_b1, dissolved_on=dt.date(2024, 1, 1))
    assert Unit.objects.get(pk=world.unit_b1.pk).dissolved_on is None


def test_the_dissolve_page_says_what_the_module_will_do(world, client_as):
    page = client_as(world.staff).get(reverse("orgs:unit-dissolve", args=[world.unit_a1.pk]))
    assert "本单位的关爱记录将同日关闭。" in page.content.decode()


def test_a_query_outside_any_scope_raises(world):
    with pytest.raises(ScopeError):
        list(CareNote.objects.all())
    with pytest.raises(ScopeError):
        CareNote.objects.count()
    # A job says why it reads them, and that is in the audit log.
    with confidential.system_scope("年度统计"):
        assert CareNote.objects.count() == 2
    assert AuditEvent.objects.filter(action="system_scope", detail="年度统计").exists()


def test_a_field_cannot_be_decrypted_outside_a_declared_read(world):
    with confidential.activate(world.staff):
        note = CareNote.objects.visible_to(world.staff).get(unit=world.unit_a1)
        with pytest.raises(ConfidentialAccessError):
            _ = note.body
        # Saving a change of another field keeps the sealed ciphertext as it was.
        note.locked = True
        note.save()
        with confidential.reading("测试"):
            assert CareNote.objects.get(pk=note.pk).body == "区教育局的困难家庭：张某"


def test_a_declared_read_decrypts_once_and_records_it_without_contents(world, client_as):
    with confidential.system_scope("测试"):
        note = CareNote.objects.get(unit=world.unit_a1)
    before = AuditEvent.objects.count()
    page = client_as(world.staff).get(reverse("plugin_app:note-detail", args=[note.pk]))
    assert "区教育局的困难家庭：张某" in page.content.decode()
    decrypts = AuditEvent.objects.filter(action="decrypt", object_id=str(note.pk))
    assert decrypts.count() == 1 and decrypts.get().detail == "body：查看关爱记录"
    assert not any(
        "张某" in str(e.changes) + e.object_repr + e.detail
        for e in AuditEvent.objects.all()[: AuditEvent.objects.count() - before + 50]
    )


def test_only_the_author_reads_it(world, client_as):
    with confidential.system_scope("测试"):
        note = CareNote.objects.get(unit=world.unit_b1)  # outsider's
    # Visible to nobody of fed_a: 404; the author reads it.
    assert client_as(world.staff).get(reverse("plugin_app:note-detail", args=[note.pk])).status_code == 404
    assert client_as(world.outsider).get(reverse("plugin_app:note-detail", args=[note.pk])).status_code == 200


def test_its_reminder_producer_tells_the_author_and_resolves_when_the_cause_goes(world):
    from core.models import Notification
    from core.reminders import run_reminders
    from core.testing.commits import committed

    with committed(), confidential.system_scope("测试"):
        note = CareNote.objects.get(unit=world.unit_a1)
        note.locked = True
        note.save()  # a watched write: the federation's reminders are refreshed after it commits
    reminder = Notification.objects.get(dedup_key=f"care-locked:{note.pk}")
    assert (reminder.recipient, reminder.cause, reminder.resolved_at) == (
        world.staff,
        f"care:{note.pk}",
        None,
    )
    with confidential.system_scope("测试"):
        CareNote.objects.filter(pk=note.pk).update(locked=False)
    run_reminders(dt.date(2026, 12, 2))
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None
