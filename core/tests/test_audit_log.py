"""The audit log's storage: append-only in the database on both engines, purged only through purge_audit."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit
from core.auditguard import PURGE_TOO_RECENT_MESSAGE, earliest_allowed_cutoff, months_ago, purge_before
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _event(at: dt.datetime, action: str = "test") -> AuditEvent:
    """An event of `at` written through the chain, as the log held it then (a back-dated copy)."""
    e = audit.build_event(action + "-old", object_type="test.thing", object_id=1)
    e.at = at
    e.save(force_insert=True)
    return e


def test_raw_sql_update_is_refused_by_the_database():
    e = audit.record("login", object_type="accounts.user", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [e.pk])
    assert AuditEvent.objects.get(pk=e.pk).action == "login"


def test_raw_sql_delete_is_refused_by_the_database():
    e = audit.record("login", object_type="accounts.user", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [e.pk])
    assert AuditEvent.objects.filter(pk=e.pk).exists()


def test_orm_update_and_delete_are_refused():
    e = audit.record("login")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=e.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=e.pk).delete()
    with pytest.raises(PermissionError):
        e.delete()


def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL; this runs in the PostgreSQL pass")
    audit.record("login")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE core_auditevent")


def test_the_gate_is_closed_again_after_a_purge_and_an_error():
    e = audit.record("login")
    with pytest.raises(RuntimeError), transaction.atomic():
        from core.auditguard import purge_gate

        with purge_gate():
            raise RuntimeError
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [e.pk])


def test_months_ago_is_calendar_months():
    assert months_ago(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_ago(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)
    assert earliest_allowed_cutoff(dt.date(2026, 11, 27)) == dt.date(2026, 5, 27)


def test_purge_refuses_a_date_within_six_months():
    today = timezone.localdate()
    too_recent = earliest_allowed_cutoff(today) + dt.timedelta(days=1)
    with pytest.raises(ValueError, match="至少保留"):
        purge_before(too_recent, today=today)
    with pytest.raises(CommandError) as info:
        call_command("purge_audit", "--before", too_recent.isoformat())
    assert PURGE_TOO_RECENT_MESSAGE.format(months=6, limit=earliest_allowed_cutoff(today).isoformat()) in str(
        info.value
    )


def test_purge_deletes_older_events_only_and_is_audited():
    now = timezone.now()
    _event(now - dt.timedelta(days=400), "ancient")
    _event(now - dt.timedelta(days=300), "old")
    recent = audit.record("recent")
    # Older than the cutoff, but written after a recent event: the purge takes the oldest stretch of the
    # chain only (core.auditchain), so this one stays until a later purge.
    late = _event(now - dt.timedelta(days=300), "late")
    cutoff = earliest_allowed_cutoff(timezone.localdate())
    call_command("purge_audit", "--before", cutoff.isoformat())
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "ancient-old" not in actions and "old-old" not in actions
    assert "recent" in actions
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(pk=late.pk).exists()
    purge = AuditEvent.objects.get(action="audit_purge")
    assert purge.changes == {"before": cutoff.isoformat(), "deleted": 2, "upto": recent.seq - 1}
    # Afterwards the gate is shut again.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [recent.pk])


def test_purge_rejects_a_malformed_date():
    with pytest.raises(CommandError):
        call_command("purge_audit", "--before", "2020-13-01")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_flush_the_audit_log_afterwards():
    # The teardown flush of this test must pass the triggers (conftest opens the gate for flush only).
    audit.record("committed")
    assert AuditEvent.objects.filter(action="committed").exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent")
