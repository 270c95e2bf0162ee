"""Encrypted backups: the container refuses tampering and wrong keys; SQLite and PostgreSQL round trips."""

import io
import json
import os
import shutil
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from core import backup, crypto
from core.models import AuditEvent, BackupRecord
from core.testing.commands import manage

SCRATCH_DB = "test_restore_h5"


@pytest.fixture
def keys(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("JINGUO_KEYS", raising=False)
    settings.JINGUO_KEYS_FILE = tmp_path / "keys.json"
    settings.VAR_DIR = tmp_path
    crypto.reset_keyring_cache()
    yield tmp_path / "keys.json"
    crypto.reset_keyring_cache()


def seal(data: bytes, ring=None) -> bytes:
    out = io.BytesIO()
    backup.encrypt_stream(io.BytesIO(data), out, ring=ring)
    return out.getvalue()


def unseal(blob: bytes, ring=None) -> bytes:
    out = io.BytesIO()
    backup.decrypt_stream(io.BytesIO(blob), out, ring=ring)
    return out.getvalue()


# --- the container ----------------------------------------------------------------------------------


@pytest.fixture
def small_chunks():
    with mock.patch.object(backup, "CHUNK_BYTES", 16):
        yield


def test_container_round_trip_with_many_chunks(keys, small_chunks):
    data = os.urandom(100)
    blob = seal(data)
    assert blob.startswith(b"JGBK\x01\x02b1")
    assert data not in blob
    assert unseal(blob) == data
    assert unseal(seal(b"")) == b""


def test_a_flipped_byte_is_refused(keys, small_chunks):
    blob = bytearray(seal(os.urandom(100)))
    blob[40] ^= 0x01
    with pytest.raises(backup.BackupError, match="篡改"):
        unseal(bytes(blob))


def test_a_cut_off_file_is_refused(keys, small_chunks):
    blob = seal(os.urandom(100))
    record = 4 + 16 + 16
    with pytest.raises(backup.BackupError):
        unseal(blob[:-record])  # whole last chunk dropped: the new last chunk is not final
    with pytest.raises(backup.BackupError):
        unseal(blob[:-3])


def test_reordered_chunks_and_appended_data_are_refused(keys, small_chunks):
    blob = seal(os.urandom(64))
    header = len(b"JGBK") + 2 + 2 + 8
    record = 4 + 16 + 16
    chunks = [blob[header + i * record : header + (i + 1) * record] for i in range(4)]
    with pytest.raises(backup.BackupError):
        unseal(blob[:header] + chunks[1] + chunks[0] + chunks[2] + chunks[3])
    with pytest.raises(backup.BackupError):
        unseal(blob + chunks[0])


def test_a_wrong_key_is_refused(keys):
    blob = seal(b"payload")
    other = crypto.KeyRing.generate()  # same key id b1, different key
    with pytest.raises(backup.BackupError, match="密钥错误"):
        unseal(blob, ring=other)
    other.backup_keys = {"b7": other.backup_keys["b1"]}
    other.backup_active = "b7"
    with pytest.raises(backup.BackupError, match="b1"):
        unseal(blob, ring=other)


def test_a_file_that_is_no_backup_is_refused(keys):
    with pytest.raises(backup.BackupError, match="文件头"):
        unseal(b"SQLite format 3\x00")


def test_old_backups_stay_readable_after_a_new_backup_key(keys, db):
    blob = seal(b"old")
    call_command("rotate_keys", "--backup-key")
    assert crypto.keyring().backup_active == "b2"
    assert unseal(blob) == b"old"
    assert seal(b"new")[4 + 2 : 4 + 2 + 2] == b"b2"


# --- the records ------------------------------------------------------------------------------------


def test_backup_records_are_visible_to_the_system_admin_only(world):
    BackupRecord.objects.create(kind="backup", file="/x.jgbk")
    assert BackupRecord.objects.visible_to(world.sysadmin).count() == 1
    for name in ("staff", "secadmin", "auditor", "supervisor", "liaison", "outsider"):
        assert BackupRecord.objects.visible_to(world.users[name]).count() == 0, name
        assert BackupRecord.objects.changeable_by(world.users[name]).count() == 0


# --- SQLite round trip (subprocesses on a file database) -------------------------------------------


STATE = """
import json
from orgs.models import Person
from core.models import AuditEvent, BackupRecord
print(json.dumps({"people": sorted([p.name, p.phone, p.id_number] for p in Person.objects.all()),
                  "records": list(BackupRecord.objects.order_by("id").values_list("kind", "result")),
                  "actions": list(AuditEvent.objects.order_by("id").values_list("action", flat=True))}))
"""


def state(var_dir):
    return json.loads(manage(var_dir, "shell", "-v0", "-c", STATE).stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_sqlite_backup_restore_round_trip_tamper_and_wrong_key(tmp_path):
    manage(tmp_path, "migrate", "-v0")
    manage(
        tmp_path,
        "shell",
        "-v0",
        "-c",
        "from orgs.models import *\n"
        "f = Federation.objects.create(name='备份区妇联')\n"
        "Person.objects.create(federation=f, name='甲', phone='13912345678', id_number='11010519491231002X')\n",
    )
    before = state(tmp_path)
    out = manage(tmp_path, "backup", "--output", str(tmp_path / "b.jgbk")).stdout
    assert "备份完成" in out and "备份校验通过" in out and "orgs_person.phone=ok" in out
    assert (tmp_path / "b.jgbk").stat().st_mode & 0o077 == 0
    assert b"13912345678" not in (tmp_path / "b.jgbk").read_bytes()
    assert not any((tmp_path / "tmp").iterdir())  # no plaintext left behind
    after_backup = state(tmp_path)
    assert after_backup["records"] == [["backup", "success"], ["verify", "success"]]
    assert {"backup", "backup_verify"} <= set(after_backup["actions"])

    # Changes after the backup ...
    manage(tmp_path, "shell", "-v0", "-c", "from orgs.models import *\nPerson.objects.all().delete()\n")
    assert state(tmp_path)["people"] == []
    # ... are undone by the restore, which records itself in the restored database.
    out = manage(tmp_path, "restore", str(tmp_path / "b.jgbk"), "--yes").stdout
    assert "恢复完成" in out
    restored = state(tmp_path)
    assert restored["people"] == before["people"] == [["甲", "13912345678", "11010519491231002X"]]
    assert restored["records"] == [["restore", "success"]]
    assert restored["actions"][: len(before["actions"])] == before["actions"]
    assert restored["actions"][-1] == "backup_restore"

    # Without --yes and without a terminal: refused.
    proc = manage(tmp_path, "restore", str(tmp_path / "b.jgbk"), check=False)
    assert proc.returncode != 0

    # A tampered file: verification fails, restore refuses and changes nothing.
    data = bytearray((tmp_path / "b.jgbk").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "bad.jgbk").write_bytes(bytes(data))
    proc = manage(tmp_path, "backup", "--verify", str(tmp_path / "bad.jgbk"), check=False)
    assert proc.returncode != 0 and "篡改" in proc.stderr
    manage(
        tmp_path,
        "shell",
        "-v0",
        "-c",
        "from orgs.models import *\nPerson.objects.filter(name='甲').update(title='改')\n",
    )
    proc = manage(tmp_path, "restore", str(tmp_path / "bad.jgbk"), "--yes", check=False)
    assert proc.returncode != 0 and "恢复失败" in proc.stderr
    now = state(tmp_path)
    assert now["people"] == before["people"] and now["records"][-2:] == [
        ["verify", "failure"],
        ["restore", "failure"],
    ]

    # A wrong backup key: refused.
    ring = json.loads((tmp_path / "keys.json").read_text())
    ring["backup_keys"]["b1"] = crypto.KeyRing.generate().to_json()["backup_keys"]["b1"]
    (tmp_path / "keys.json").write_text(json.dumps(ring))
    proc = manage(tmp_path, "backup", "--verify", str(tmp_path / "b.jgbk"), check=False)
    assert proc.returncode != 0 and "密钥错误" in proc.stderr


@pytest.mark.slow
def test_verification_notices_lost_field_keys(tmp_path):
    manage(tmp_path, "migrate", "-v0")
    manage(
        tmp_path,
        "shell",
        "-v0",
        "-c",
        "from orgs.models import *\nPerson.objects.create(federation=Federation.objects.create(name='x'), name='甲', phone='13912345678')\n",
    )
    manage(tmp_path, "backup", "--output", str(tmp_path / "b.jgbk"))
    ring = json.loads((tmp_path / "keys.json").read_text())
    ring["keys"]["k1"] = crypto.KeyRing.generate().to_json()["keys"]["k1"]
    (tmp_path / "keys.json").write_text(json.dumps(ring))
    proc = manage(tmp_path, "backup", "--verify", str(tmp_path / "b.jgbk"), check=False)
    assert proc.returncode != 0 and "抽样解密失败" in proc.stderr and "orgs_person.phone" in proc.stderr


# --- PostgreSQL round trip into a scratch database -------------------------------------------------


def pg_admin():
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_and_restore_drill_into_a_scratch_database(keys, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the database under test is SQLite; the PostgreSQL pass (DATABASE_URL=postgres://...) runs this"
        )
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not on PATH")
    import psycopg

    from orgs.models import Federation, Person

    f = Federation.objects.create(name="备份区妇联")
    Person.objects.create(federation=f, name="甲", phone="13912345678", id_number="11010519491231002X")
    call_command("backup", "--output", str(tmp_path / "pg.jgbk"))
    assert list(BackupRecord.objects.order_by("id").values_list("kind", "result")) == [
        ("backup", "success"),
        ("verify", "success"),
    ]
    verify = BackupRecord.objects.get(kind="verify")
    samples = verify.counts["samples"]
    # Every encrypted column is sampled: the two holding a row decrypt, the rest (other apps'
    # tables, empty here) say so rather than pass silently.
    assert {k: v for k, v in samples.items() if k.startswith("orgs_person.")} == {
        "orgs_person.id_number": "ok",
        "orgs_person.phone": "ok",
    }
    assert {v for k, v in samples.items() if not k.startswith("orgs_person.")} <= {"empty"}
    assert b"13912345678" not in (tmp_path / "pg.jgbk").read_bytes()

    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
        admin.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    try:
        call_command("restore", str(tmp_path / "pg.jgbk"), "--yes", "--database-name", SCRATCH_DB)
        rec = BackupRecord.objects.get(kind="restore")
        assert rec.result == "success" and rec.counts["tables"]["orgs_person"] == 1
        assert AuditEvent.objects.filter(action="backup_restore").exists()
        s = connection.settings_dict
        with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=SCRATCH_DB) as conn:
            phone, id_number = conn.execute("SELECT phone, id_number FROM orgs_person").fetchone()
            assert crypto.decrypt(phone, aad=crypto.associated_data("orgs_person", "phone")) == "13912345678"
            assert id_number.startswith("v1:")
            # The restored audit log is append-only again (triggers restored with the schema).
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE core_auditevent SET action = 'x'")
    finally:
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
