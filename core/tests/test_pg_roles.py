"""PostgreSQL's grants (manage.py pg_roles_setup, issue 7 item 13): the application's role owns nothing,
cannot delete, change, truncate or alter the audit log whatever it sets, and purges only through the
owner's SECURITY DEFINER function, which keeps the retention and the chain's anchor.

The roles are created inside the test's transaction (PostgreSQL's CREATE ROLE is transactional), named
after the test database, and are gone when it rolls back.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit, auditverify
from core.auditguard import earliest_allowed_cutoff, has_purge_function, purge_before
from core.management.commands.pg_roles_setup import grants_sql
from core.models import AuditAnchor, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    if connection.vendor != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's; this runs in the PostgreSQL pass")
    name = connection.settings_dict["NAME"]
    owner, app = f"{name}_owner", f"{name}_app"
    with connection.cursor() as cur:
        cur.execute("SELECT current_schema(), current_database()")
        schema, database = cur.fetchone()
        for sql in grants_sql(owner=owner, app=app, schema=schema, database=database):
            cur.execute(sql)
    return owner, app


def as_role(role):
    class _As:
        def __enter__(self):
            with connection.cursor() as cur:
                cur.execute(f'SET ROLE "{role}"')

        def __exit__(self, *exc):
            with connection.cursor() as cur:
                cur.execute("RESET ROLE")

    return _As()


def refused(sql, params=()):
    """The statement fails (in a savepoint, so the test goes on); returns the database's message."""
    with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(info.value)


def old_event(days):
    e = audit.build_event("login", object_type="accounts.user", object_id=days)
    e.at = timezone.now() - dt.timedelta(days=days)
    e.save(force_insert=True)
    return e


def test_the_application_role_owns_nothing(roles):
    _, app = roles
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relowner = %s::regrole", [app])
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT count(*) FROM pg_proc WHERE proowner = %s::regrole", [app])
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
                    [app])
        assert cur.fetchone() == (False, False, False, False)


def test_the_application_role_cannot_delete_or_change_the_audit_log(roles):
    _, app = roles
    e = audit.record("login", object_type="accounts.user", object_id=1)
    with as_role(app):
        for sql in (
            "DELETE FROM core_auditevent WHERE id = %s",
            "UPDATE core_auditevent SET detail = 'x' WHERE id = %s",
        ):
            assert "permission denied" in refused(sql, [e.pk])
        # The probe of item 13: the purge setting opens nothing without the privilege.
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jinguo.audit_purge = 'on'")
        assert "permission denied" in refused("DELETE FROM core_auditevent WHERE id = %s", [e.pk])
        assert "permission denied" in refused("TRUNCATE core_auditevent")
        assert "must be owner" in refused("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
        assert "must be owner" in refused("DROP TRIGGER core_auditevent_no_update_delete ON core_auditevent")
        assert "permission denied" in refused("DELETE FROM core_auditanchor")
        assert "permission denied" in refused("UPDATE core_auditanchor SET chain = ''")
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jinguo.audit_purge = 'off'")
        # It still writes the log, and its other tables as before.
        audit.record("logout", object_type="accounts.user", object_id=1)
        assert AuditEvent.objects.filter(pk=e.pk).exists()
    assert auditverify.verify().ok


def test_the_application_role_purges_through_the_function_only(roles):
    _, app = roles
    old = [old_event(400), old_event(390)]
    recent = audit.record("login")
    with as_role(app):
        assert has_purge_function()
        # Straight to the function: no anchor, or events too young, is a refusal.
        assert "no anchor" in refused("SELECT core_audit_purge(%s)", [old[-1].seq])
        assert "6 months" in refused("SELECT core_audit_purge(%s)", [recent.seq])
        count = purge_before(earliest_allowed_cutoff(timezone.localdate()), today=timezone.localdate())
    assert count == 2
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditAnchor.objects.get().seq == old[-1].seq
    report = auditverify.verify()
    assert report.ok and report.first == recent.seq, report.lines()


def test_the_command_prints_the_sql_and_applies_it():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="仅适用于 PostgreSQL"):
            call_command("pg_roles_setup")
        return
    out = StringIO()
    call_command("pg_roles_setup", "--owner", "o_x", "--app", "a_x", stdout=out)
    sql = out.getvalue()
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "public"."core_auditevent"' in sql
    assert 'GRANT EXECUTE ON FUNCTION "public".core_audit_purge(bigint) TO "a_x"' in sql
    name = connection.settings_dict["NAME"]
    out = StringIO()
    call_command("pg_roles_setup", "--owner", f"{name}_o2", "--app", f"{name}_a2", "--apply", stdout=out)
    assert "已设置数据库角色" in out.getvalue()
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, 'core_auditevent', 'DELETE'),"
                    " has_table_privilege(%s, 'core_auditevent', 'INSERT')", [f"{name}_a2"] * 2)
        assert cur.fetchone() == (False, True)
