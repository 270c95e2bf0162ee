"""The audit log's keyed hash chain (core.auditchain, issue 7 item 13): every event sealed and linked at
insert, verify_audit and the auditor's page reporting exactly what was tampered with, purges that keep
the chain verifiable.

Tampering goes around every guard as an attacker holding the database would: on SQLite the triggers
dropped or the purge gate opened; on PostgreSQL the trigger disabled or `jinguo.audit_purge` set.
"""

import datetime as dt
import secrets
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import audit, auditchain, auditverify
from core.auditguard import PURGE_PROBLEMS_MESSAGE, ensure_triggers, purge_before
from core.auditverify import ALTERED, ANCHOR, MISSING, STRAY, Problem
from core.models import AuditAnchor, AuditEvent

pytestmark = pytest.mark.django_db

SQLITE = "sqlite"


def lifted(sql, params=()):
    """Run `sql` on core_auditevent with the append-only trigger out of the way (UPDATE and DELETE)."""
    with connection.cursor() as cur:
        if connection.vendor == SQLITE:
            cur.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cur.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
            cur.execute(sql, params)
        else:
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update_delete")
    ensure_triggers()


def through_the_gate(sql, params=()):
    """Run a DELETE with the purge gate opened by hand, as any writer could (item 13's probe)."""
    with connection.cursor() as cur:
        if connection.vendor == SQLITE:
            cur.execute("UPDATE core_auditpurgegate SET open = 1 WHERE id = 1")
            cur.execute(sql, params)
            cur.execute("UPDATE core_auditpurgegate SET open = 0 WHERE id = 1")
        else:
            cur.execute("SET LOCAL jinguo.audit_purge = 'on'")
            cur.execute(sql, params)
            cur.execute("SET LOCAL jinguo.audit_purge = 'off'")


def raw_insert(seq, mac, chain, action="forged"):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO core_auditevent (at, actor_name, action, object_type, object_id, object_repr, changes,"
            " result, source, origin, detail, seq, mac, chain)"
            " VALUES (%s, 'admin', %s, '', '', '', '{}', 'success', 'web', '', '', %s, %s, %s)",
            [timezone.now(), action, seq, mac, chain],
        )


def events(n, **fields):
    return [audit.record("login", object_type="accounts.user", object_id=i, detail=f"#{i}", **fields)
            for i in range(n)]


def problems():
    return auditverify.verify().problems


def run_verify():
    """(exit status, output) of manage.py verify_audit."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


# --- writing ------------------------------------------------------------------------------------------


def test_every_write_path_continues_one_chain():
    from core.testing.world import build_world

    build_world()  # tracked saves, business actions, log-ins of the world's users
    audit.record_many([{"action": "import", "object_type": "test.thing", "object_id": i} for i in range(30)])
    AuditEvent.objects.bulk_create([audit.build_event("export", object_id=i) for i in range(5)])
    with audit.action("committees.term_reelect"):
        audit.record("update", object_type="test.thing", object_id=1, changes={"n": [1.0, 2.5]})
        audit.record_many([{"action": "create", "object_type": "test.thing", "object_id": 2}])
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 40
    report = auditverify.verify()
    assert report.ok, report.lines()
    assert (report.checked, report.first, report.last) == (len(seqs), 1, len(seqs))


def test_seals_survive_the_round_trip_through_the_database():
    # Values the database gives back in another form than they were written: an aware time of another
    # zone, floats jsonb rewrites, unicode, nested data, an IPv6 address in capitals.
    shanghai = dt.timezone(dt.timedelta(hours=8))
    e = audit.build_event(
        "update",
        object_type="test.thing",
        object_id="x",
        changes={"b": [1e20, 2.0], "a": {"z": [1, "二"], "y": None}, "c": [0.1, -0.0], "d": True,
                 "e": [2**63 + 1, 1.5e-7]},
        ip="2001:DB8::1",
        detail="说明\n换行",
    )
    e.at = dt.datetime(2026, 3, 8, 9, 30, 0, 0, tzinfo=shanghai)
    e.save(force_insert=True)
    mapped = audit.build_event("login", ip="::ffff:10.1.2.3")
    mapped.save(force_insert=True)
    assert auditverify.verify().ok, auditverify.verify().lines()


def test_the_chain_costs_one_query_per_write_and_one_per_batch():
    events(1)
    head = "chain_head" if connection.vendor == "postgresql" else "core_auditanchor"
    with CaptureQueriesContext(connection) as single:
        audit.record("login")
    assert [q["sql"] for q in single.captured_queries if head in q["sql"]] and len(single) == 2
    with CaptureQueriesContext(connection) as batch:
        audit.record_many([{"action": "import", "object_id": i} for i in range(200)])
    assert len([q for q in batch.captured_queries if head in q["sql"]]) == 1
    assert AuditEvent.objects.count() == 202 and auditverify.verify().ok


def test_the_key_is_derived_for_the_chain_not_the_encryption_key():
    from core.crypto import keyring

    ring = keyring()
    key = auditchain.chain_key()
    assert key not in (ring.hmac_key, *ring.keys.values(), *ring.backup_keys.values())
    assert len(key) == 32


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    if connection.vendor == SQLITE:
        pytest.skip("the test database of SQLite is in memory; SQLite's IMMEDIATE write transaction serialises")
    errors = []

    def writer(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    audit.record("login", object_id=f"{n}-{i}")
                    audit.record_many([{"action": "import", "object_id": f"{n}-{i}-{j}"} for j in range(3)])
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 4 * 15 * 4
    report = auditverify.verify()
    assert report.ok and report.last == 240, report.lines()


# --- tampering ----------------------------------------------------------------------------------------


def test_a_clean_log_verifies_quietly():
    events(5)
    status, output = run_verify()
    assert status == 0
    assert output.strip() == "审计日志校验通过：共 5 条记录（第 1 至 5 条），未发现缺失或篡改。"
    check = AuditEvent.objects.get(action="audit_verify")
    assert check.changes == {"checked": 5, "last": 5, "problems": 0} and check.result == "success"


def test_an_updated_field_is_reported_as_that_event_altered():
    e = events(6)[2]
    lifted("UPDATE core_auditevent SET detail = 'nothing happened' WHERE id = %s", [e.pk])
    assert problems() == [Problem(ALTERED, e.seq, e.seq, e.pk)]
    status, output = run_verify()
    assert status == 1
    assert f"第 {e.seq} 条记录（编号 {e.pk}）校验值不符：已被修改或伪造。" in output
    assert "审计日志校验未通过：共检查 6 条记录，发现 1 处问题。" in output


@pytest.mark.parametrize("column,value", [("at", "2020-01-01 00:00:00"), ("actor_name", "someone"),
                                          ("changes", '{"x": 1}'), ("ip", "10.0.0.1"), ("seq", 100),
                                          ("mac", "0" * 64), ("chain", "f" * 64), ("part_of", 1)])
def test_any_altered_column_is_reported_alone(column, value):
    e = events(5)[1]
    lifted(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, e.pk])
    expected = [Problem(ALTERED, e.seq, e.seq, e.pk)]
    if column == "seq":
        # seq 2 is gone from its place, 3..5 follow on, and seq 100 is an event that does not verify.
        expected = [Problem(MISSING, 2, 2), Problem(MISSING, 6, 99), Problem(ALTERED, 100, 100, e.pk)]
    assert problems() == expected


def test_a_row_deleted_through_the_opened_gate_is_a_missing_seq():
    rows = events(6)
    through_the_gate("DELETE FROM core_auditevent WHERE id = %s", [rows[3].pk])
    assert problems() == [Problem(MISSING, rows[3].seq, rows[3].seq)]
    status, output = run_verify()
    assert status == 1 and f"第 {rows[3].seq} 条记录缺失：已被删除。" in output


def test_deleted_ranges_are_each_reported_once():
    rows = events(10)
    through_the_gate(
        "DELETE FROM core_auditevent WHERE seq IN (%s, %s, %s, %s, %s)",
        [rows[0].seq, rows[3].seq, rows[4].seq, rows[5].seq, rows[8].seq],
    )
    assert problems() == [
        Problem(MISSING, 1, 1),
        Problem(MISSING, rows[3].seq, rows[5].seq),
        Problem(MISSING, rows[8].seq, rows[8].seq),
    ]
    _, output = run_verify()
    assert f"第 {rows[3].seq} 至 {rows[5].seq} 条记录缺失（共 3 条）：已被删除。" in output


def test_a_row_deleted_after_dropping_the_trigger_is_a_missing_seq():
    if connection.vendor != SQLITE:
        pytest.skip("DROP TRIGGER of the SQLite guard; PostgreSQL's pass disables its trigger in lifted()")
    rows = events(4)
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER core_auditevent_no_delete")
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [rows[1].pk])
    assert problems() == [Problem(MISSING, rows[1].seq, rows[1].seq)]


def test_a_forged_row_is_reported_and_the_chain_goes_on_after_it():
    events(3)
    raw_insert(4, secrets.token_hex(32), secrets.token_hex(32))
    events(2)  # written after the forgery: they link to it, and are sound
    assert problems() == [Problem(ALTERED, 4, 4, AuditEvent.objects.get(seq=4).pk)]


def test_a_forged_row_in_place_of_a_deleted_one_is_reported_alone():
    rows = events(5)
    through_the_gate("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])
    # A copy of a genuine row's seals does not verify in another place either.
    raw_insert(rows[2].seq, rows[1].mac, rows[1].chain)
    forged = AuditEvent.objects.get(seq=rows[2].seq)
    assert problems() == [Problem(ALTERED, rows[2].seq, rows[2].seq, forged.pk)]


def test_swapped_rows_are_both_reported():
    rows = events(5)
    a, b = rows[1], rows[3]
    lifted("UPDATE core_auditevent SET seq = -1 WHERE id = %s", [a.pk])
    lifted("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    lifted("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    assert problems() == [Problem(ALTERED, a.seq, a.seq, b.pk), Problem(ALTERED, b.seq, b.seq, a.pk)]


# --- purges -------------------------------------------------------------------------------------------


def old_events(n, days=400):
    rows = []
    for i in range(n):
        e = audit.build_event("login", object_type="accounts.user", object_id=i)
        e.at = timezone.now() - dt.timedelta(days=days - i)
        e.save(force_insert=True)
        rows.append(e)
    return rows


def cutoff():
    from core.auditguard import earliest_allowed_cutoff

    return earliest_allowed_cutoff(timezone.localdate())


def test_the_purge_keeps_the_chain_verifiable_from_its_anchor():
    old = old_events(5)
    events(3)
    call_command("purge_audit", "--before", cutoff().isoformat())
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.chain, anchor.deleted) == (old[-1].seq, old[-1].chain, 5)
    report = auditverify.verify()
    assert report.ok, report.lines()
    assert report.first == 6 and report.anchor["seq"] == 5
    assert "第 5 条及之前的记录已" in report.purged_note
    status, output = run_verify()
    assert status == 0 and "未发现缺失或篡改" in output
    # A second purge later, with everything old gone: its own anchor, still clean.
    old_events(2, days=300)  # back-dated events written now are younger in the chain: they stay
    call_command("purge_audit", "--before", cutoff().isoformat())
    assert auditverify.verify().ok


def test_a_purge_of_everything_leaves_a_chain_that_continues():
    old_events(3)
    assert purge_before(cutoff(), today=timezone.localdate()) == 3
    assert list(AuditEvent.objects.values_list("action", "seq")) == [("audit_purge", 4)]
    events(2)
    assert auditverify.verify().ok


def test_a_forged_anchor_does_not_hide_a_deleted_prefix():
    rows = events(6)
    through_the_gate("DELETE FROM core_auditevent WHERE seq <= %s", [rows[2].seq])
    AuditAnchor.objects.create(seq=rows[2].seq, chain=rows[2].chain, purged_before=dt.date(2026, 1, 1),
                               deleted=3, mac="0" * 64)
    assert problems() == [Problem(ANCHOR, 3, 3), Problem(MISSING, 1, 3)]


def test_an_event_left_below_an_anchor_is_reported():
    rows = events(4)
    anchor = {"seq": 2, "chain": rows[1].chain, "purged_before": dt.date(2026, 1, 1), "deleted": 2,
              "at": timezone.now()}
    AuditAnchor.objects.create(**anchor, mac=auditchain.anchor_mac(anchor))
    through_the_gate("DELETE FROM core_auditevent WHERE seq = 1")
    assert problems() == [Problem(STRAY, 2, 2, rows[1].pk, anchor=2)]


def test_the_purge_refuses_to_take_tampered_evidence_with_it():
    old = old_events(5)
    events(2)
    through_the_gate("DELETE FROM core_auditevent WHERE id = %s", [old[2].pk])
    with pytest.raises(CommandError) as refused:
        call_command("purge_audit", "--before", cutoff().isoformat())
    assert str(refused.value) == PURGE_PROBLEMS_MESSAGE.format(
        summary="审计日志校验未通过：共检查 4 条记录，发现 1 处问题。"
    )
    assert AuditEvent.objects.count() == 6 and not AuditAnchor.objects.exists()
    call_command("purge_audit", "--before", cutoff().isoformat(), "--accept-problems")
    purge = AuditEvent.objects.get(action="audit_purge")
    assert purge.changes["problems"] == ["第 3 条记录缺失：已被删除。"] and purge.changes["deleted"] == 4
    assert auditverify.verify().ok


def test_the_purge_still_deletes_nothing_younger_than_six_months():
    events(3)
    old_events(2)
    assert purge_before(cutoff(), today=timezone.localdate()) == 0
    assert AuditEvent.objects.filter(action="login").count() == 5


# --- the auditor's page -------------------------------------------------------------------------------


def test_the_page_is_the_auditors_and_linked_from_the_log(world, client_as):
    auditor = client_as(world.auditor)
    assert 'href="/audit/verify/"' in auditor.get("/audit/").content.decode()
    page = auditor.get("/audit/verify/")
    assert page.status_code == 200
    assert "未发现缺失或篡改" in page.content.decode()
    for name in ("staff", "sysadmin", "secadmin", "liaison", "norole"):
        assert client_as(world.users[name]).get("/audit/verify/").status_code == 403, name


def test_the_page_reports_what_the_command_reports(world, client_as):
    rows = events(4)
    lifted("UPDATE core_auditevent SET detail = 'x' WHERE id = %s", [rows[1].pk])
    through_the_gate("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])
    page = client_as(world.auditor).get("/audit/verify/")
    text = page.content.decode()
    report = page.context["report"]
    assert [p.kind for p in report.problems] == [ALTERED, MISSING]
    for p in report.problems:
        assert p.message in text
    assert "审计日志校验未通过" in text
    assert AuditEvent.objects.filter(action="audit_verify", result="failure").exists()
    # The altered event is one click away, and its page names its place in the log.
    assert f'href="/audit/{rows[1].pk}/"' in text
    event_page = client_as(world.auditor).get(f"/audit/{rows[1].pk}/").content.decode()
    assert f'data-testid="audit-seq">{rows[1].seq}<' in event_page


def test_the_orm_cannot_set_the_seals():
    e = audit.build_event("login")
    e.seq, e.mac, e.chain = 99, "a" * 64, "b" * 64
    e.save(force_insert=True)
    assert e.seq == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0] != 99
    with pytest.raises(PermissionError):
        AuditAnchor.objects.all().delete()
    assert auditverify.verify().ok


def test_a_refused_write_leaves_no_hole_in_the_chain():
    events(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        audit.record("login")
        raise DatabaseError("rolled back")
    events(1)
    assert auditverify.verify().ok


# --- the migration ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_events_already_written():
    from django.db.migrations.executor import MigrationExecutor

    before = [("core", "0009_auditevent_origin")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cur:
        for i, at in enumerate(["2026-01-02 03:04:05.678901", "2026-01-01 00:00:00", "2026-02-01 12:00:00"]):
            cur.execute(
                "INSERT INTO core_auditevent (at, actor_name, action, object_type, object_id, object_repr,"
                " changes, result, source, origin, detail, ip, federation_id)"
                " VALUES (%s, 'clerk', 'update', 'orgs.unit', %s, '区教育局', %s, 'success', 'web', '', '',"
                " '10.1.2.3', 7)",
                [at, str(i), '{"name": ["旧", "新"], "n": [1, 2.5]}'],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    sealed = list(AuditEvent.objects.order_by("id").values_list("object_id", "seq"))
    assert sealed == [("0", 1), ("1", 2), ("2", 3)]  # in the order they were written
    assert auditverify.verify().ok
    audit.record("login")
    assert auditverify.verify().last == 4
    # The triggers are back.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET detail = 'x'")
