"""Personal information at rest: AES-GCM values bound to their column, keyed-hash search, key rotation."""

import base64
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from core import crypto
from core.management.commands import rotate_keys
from core.models import AuditEvent
from core.testing.commands import manage
from orgs.models import Federation, Person

ROOT = Path(__file__).resolve().parents[2]
SENTINEL_PHONE = "13912345678-SENTINEL"
SENTINEL_ID = "11010519491231SENTX"
CONTROL_NAME = "CONTROLNAME-NOT-ENCRYPTED"


@pytest.fixture
def keys(tmp_path, settings, monkeypatch):
    """A fresh key ring in a temp file, and VAR_DIR there too (rotation checkpoints)."""
    monkeypatch.delenv("JINGUO_KEYS", raising=False)
    settings.JINGUO_KEYS_FILE = tmp_path / "keys.json"
    settings.VAR_DIR = tmp_path
    settings.JINGUO_KEYS_AUTOCREATE = True
    crypto.reset_keyring_cache()
    yield tmp_path / "keys.json"
    crypto.reset_keyring_cache()


@pytest.fixture
def fed(db):
    return Federation.objects.create(name="加密测试区妇联")


def raw_row(pk):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT phone, phone_hash, id_number, id_number_hash FROM orgs_person WHERE id = %s", [pk]
        )
        return cur.fetchone()


def set_raw(pk, **cols):
    with connection.cursor() as cur:
        for col, value in cols.items():
            cur.execute(f"UPDATE orgs_person SET {col} = %s WHERE id = %s", [value, pk])


# --- key ring ---------------------------------------------------------------------------------------


def test_key_file_is_generated_0600_on_first_use(keys):
    assert not keys.exists()
    ring = crypto.keyring()
    assert keys.exists()
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    data = json.loads(keys.read_text())
    assert data["active"] == ring.active == "k1"
    assert len(base64.b64decode(data["keys"]["k1"])) == 32
    assert data["hmac_key"] != data["keys"]["k1"]
    assert data["backup_active"] in data["backup_keys"]


def test_without_keys_and_without_autocreate_it_refuses(keys, settings):
    settings.JINGUO_KEYS_AUTOCREATE = False
    with pytest.raises(ImproperlyConfigured, match="未配置"):
        crypto.keyring()
    assert not keys.exists()


def test_keys_from_the_environment(keys, monkeypatch):
    ring = crypto.KeyRing.generate()
    monkeypatch.setenv("JINGUO_KEYS", json.dumps(ring.to_json()))
    crypto.reset_keyring_cache()
    assert crypto.keyring().keys == ring.keys
    assert not keys.exists()
    with pytest.raises(ImproperlyConfigured):
        crypto.save_keyring(crypto.keyring())


def test_production_settings_refuse_to_start_without_keys(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("JINGUO_KEYS", "JINGUO_KEYS_FILE", "DATABASE_URL")
    }
    env |= {
        "JINGUO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and "JINGUO_KEYS" in proc.stderr
    assert not (tmp_path / "keys.json").exists()


# --- values -----------------------------------------------------------------------------------------


def test_values_are_encrypted_with_key_id_and_random_nonce(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111", id_number="110105194912310021")
    phone, phone_hash, id_number, id_hash = raw_row(p.pk)
    assert phone.startswith("v1:k1:") and "13800001111" not in phone
    assert id_number.startswith("v1:k1:") and "110105194912310021" not in id_number
    assert len(phone_hash) == 64 and len(id_hash) == 64
    q = Person.objects.create(federation=fed, name="乙", phone="13800001111")
    assert raw_row(q.pk)[0] != phone  # same plaintext, different nonce
    p = Person.objects.get(pk=p.pk)
    assert (p.phone, p.id_number) == ("13800001111", "110105194912310021")


def test_empty_values_stay_empty(keys, fed):
    p = Person.objects.create(federation=fed, name="甲")
    assert raw_row(p.pk) == ("", "", "", "")
    assert Person.objects.get(pk=p.pk).phone == ""


def test_a_value_moved_to_another_column_does_not_decrypt(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111", id_number="110105194912310021")
    phone = raw_row(p.pk)[0]
    set_raw(p.pk, id_number=phone)
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=p.pk)


def test_a_value_moved_to_another_row_decrypts_only_in_its_column(keys, fed):
    # Table+column binding: a value copied to the same column of another row still decrypts (it is that
    # column's value); binding to a row id is deliberately not done, so rows can be copied and restored.
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    q = Person.objects.create(federation=fed, name="乙", phone="13900002222")
    set_raw(q.pk, phone=raw_row(p.pk)[0])
    assert Person.objects.get(pk=q.pk).phone == "13800001111"


def test_a_tampered_value_raises(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    token = raw_row(p.pk)[0]
    raw = bytearray(base64.b64decode(token.split(":", 2)[2]))
    raw[-1] ^= 1
    set_raw(p.pk, phone="v1:k1:" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(crypto.DecryptionError, match="无法解密"):
        Person.objects.get(pk=p.pk)


def test_a_wrong_key_raises_instead_of_showing_ciphertext(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    data = json.loads(keys.read_text())
    data["keys"]["k1"] = base64.b64encode(os.urandom(32)).decode()
    keys.write_text(json.dumps(data))
    crypto.reset_keyring_cache()
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=p.pk)


def test_an_unknown_key_id_raises(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    set_raw(p.pk, phone=raw_row(p.pk)[0].replace("v1:k1:", "v1:k9:"))
    with pytest.raises(crypto.DecryptionError, match="k9"):
        Person.objects.get(pk=p.pk)


def test_plaintext_in_an_encrypted_column_raises(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    set_raw(p.pk, phone="13800001111")
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=p.pk)


def test_audit_log_masks_the_encrypted_fields(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111", id_number="110105194912310021")
    p.phone = "13900002222"
    p.save()
    events = list(AuditEvent.objects.filter(object_type="orgs.person", object_id=str(p.pk)))
    dump = json.dumps([e.changes for e in events], ensure_ascii=False)
    assert "13800001111" not in dump and "13900002222" not in dump and "v1:k1:" not in dump
    create = next(e for e in events if e.action == "create")
    assert create.changes["phone"] == [None, "***"] and create.changes["id_number"] == [None, "***"]
    # The change is marked without either value; the keyed hash changes too (not reversible without
    # the hmac key, which the auditor does not hold).
    update = next(e for e in events if e.action == "update")
    assert update.changes["phone"] == ["***", "***（已修改）"] and set(update.changes) == {
        "phone",
        "phone_hash",
    }


# --- search -----------------------------------------------------------------------------------------


def test_search_by_phone_and_id_number_through_the_hash(keys, fed):
    p = Person.objects.create(
        federation=fed, name="甲", phone="138-0000 1111", id_number="11010519491231002x"
    )
    Person.objects.create(federation=fed, name="乙", phone="13900002222")
    assert list(Person.objects.by_phone("13800001111")) == [p]
    assert list(Person.objects.by_phone(" 138 0000-1111 ")) == [p]
    assert list(Person.objects.by_id_number("11010519491231002X")) == [p]
    assert list(Person.objects.by_id_number("110105-19491231-002x")) == [p]
    assert not Person.objects.by_phone("13800001112").exists()
    assert not Person.objects.by_phone("").exists()


def test_the_hash_follows_changes(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    p.phone = "13900002222"
    p.save()
    assert not Person.objects.by_phone("13800001111").exists()
    assert Person.objects.by_phone("13900002222").get() == p
    p.phone = ""
    p.save()
    assert raw_row(p.pk)[1] == ""


def test_phone_and_id_hashes_differ_for_the_same_digits(keys):
    assert crypto.blind_index("123", kind="phone") != crypto.blind_index("123", kind="id_number")


def test_lookups_on_ciphertext_are_refused(keys, fed):
    with pytest.raises(FieldError, match="加密字段"):
        list(Person.objects.filter(phone="13800001111"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number__contains="1101"))
    assert Person.objects.filter(phone__isnull=True).count() == 0
    Person.objects.create(federation=fed, name="甲", phone="13800001111")
    Person.objects.create(federation=fed, name="乙")
    assert list(Person.objects.exclude(phone="").values_list("name", flat=True)) == ["甲"]
    assert list(Person.objects.filter(phone="").values_list("name", flat=True)) == ["乙"]


def test_bulk_create_and_bulk_update_encrypt(keys, fed):
    Person.objects.bulk_create([Person(federation=fed, name="甲", phone="13800001111")])
    p = Person.objects.get(name="甲")
    assert raw_row(p.pk)[0].startswith("v1:")
    assert Person.objects.by_phone("13800001111").get() == p
    p.phone = "13900002222"
    Person.objects.bulk_update([p], ["phone", "phone_hash"])
    assert raw_row(p.pk)[0].startswith("v1:")
    assert Person.objects.get(pk=p.pk).phone == "13900002222"


# --- rotation ---------------------------------------------------------------------------------------


def test_rotation_resumes_after_an_interruption_and_retires_the_old_key(keys, fed):
    people = [
        Person.objects.create(
            federation=fed, name=f"人{i}", phone=f"1380000{i:04d}", id_number=f"11010519491231{i:04d}"
        )
        for i in range(7)
    ]
    people.append(Person.objects.create(federation=fed, name="无号码"))
    with pytest.raises(CommandError, match="当前使用中"):
        call_command("rotate_keys", "--retire", "k1")  # k1 is active
    calls = []

    def interrupt(label, last_pk):
        calls.append((label, last_pk))
        if len(calls) == 1:
            raise KeyboardInterrupt

    with mock.patch.object(rotate_keys, "_after_batch", interrupt), pytest.raises(KeyboardInterrupt):
        call_command("rotate_keys", "--batch-size", "3")
    checkpoint = json.loads(rotate_keys.checkpoint_path().read_text())
    assert checkpoint["target"] == "k2" and checkpoint["last_pk"]["orgs.person"] == people[2].pk
    assert crypto.keyring().active == "k2"
    after_first = {p.pk: raw_row(p.pk) for p in people}
    assert all(after_first[p.pk][0].startswith("v1:k2:") for p in people[:3])
    assert all(after_first[p.pk][0].startswith("v1:k1:") for p in people[3:7])
    # Writes during the rotation already use the new key.
    people.append(Person.objects.create(federation=fed, name="轮换中", phone="13700000000"))
    assert raw_row(people[-1].pk)[0].startswith("v1:k2:")
    with pytest.raises(CommandError, match="尚未完成"):
        call_command("rotate_keys", "--retire", "k1")

    call_command("rotate_keys", "--batch-size", "3")
    assert not rotate_keys.checkpoint_path().exists()
    for p in people[:3]:  # done in the first run: not processed again
        assert raw_row(p.pk) == after_first[p.pk]
    for p in people[:7]:
        phone, _, id_number, _ = raw_row(p.pk)
        assert phone.startswith("v1:k2:") and id_number.startswith("v1:k2:")
    assert [Person.objects.get(pk=p.pk).phone for p in people[:7]] == [f"1380000{i:04d}" for i in range(7)]
    assert Person.objects.by_phone("13800000005").get() == people[5]
    assert rotate_keys.rows_using_key("k1") == 0
    assert AuditEvent.objects.filter(action="key_rotation_done", object_id="k2").exists()

    with pytest.raises(CommandError, match="当前使用中"):
        call_command("rotate_keys", "--retire", "k2")
    call_command("rotate_keys", "--retire", "k1")
    assert set(crypto.keyring().keys) == {"k2"}
    assert "k1" not in json.loads(keys.read_text())["keys"]
    assert Person.objects.get(pk=people[0].pk).phone == "13800000000"


def test_retire_refuses_a_key_still_in_use(keys, fed):
    Person.objects.create(federation=fed, name="甲", phone="13800001111")
    ring = crypto.keyring()
    ring.keys["k2"] = os.urandom(32)
    ring.active = "k2"
    crypto.save_keyring(ring)
    with pytest.raises(CommandError, match="仍被 1 个"):
        call_command("rotate_keys", "--retire", "k1")
    assert "k1" in crypto.keyring().keys


def test_rotation_to_a_named_key_and_new_backup_key(keys, fed):
    p = Person.objects.create(federation=fed, name="甲", phone="13800001111")
    call_command("rotate_keys", "--key-id", "k2026")
    assert raw_row(p.pk)[0].startswith("v1:k2026:")
    old = crypto.keyring().backup_active
    call_command("rotate_keys", "--backup-key")
    ring = crypto.keyring()
    assert ring.backup_active != old and old in ring.backup_keys


# --- no plaintext on disk ---------------------------------------------------------------------------


PLANT = f"""
from orgs.models import Federation, Person
f = Federation.objects.create(name="哨兵区妇联")
Person.objects.create(federation=f, name="{CONTROL_NAME}", phone="{SENTINEL_PHONE}", id_number="{SENTINEL_ID}")
assert Person.objects.by_phone("{SENTINEL_PHONE}").get().id_number == "{SENTINEL_ID}"
"""


def file_bytes(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data


@pytest.mark.slow
def test_sentinels_are_not_in_the_sqlite_file(tmp_path):
    manage(tmp_path, "migrate", "-v0")
    # Keep the WAL: the process exits right after the write, before any checkpoint of its own.
    manage(tmp_path, "shell", "-v0", "-c", PLANT)
    data = file_bytes(tmp_path / "jinguo.sqlite3")
    assert CONTROL_NAME.encode() in data  # the search sees plaintext when there is some
    for sentinel in (SENTINEL_PHONE, SENTINEL_ID, "13912345678", "SENTINEL", "SENTX"):
        assert sentinel.encode() not in data, sentinel
        assert sentinel.encode("utf-16-le") not in data, sentinel


@pytest.mark.django_db(transaction=True)
def test_sentinels_are_not_in_a_pg_dump(keys):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the database under test is SQLite; the PostgreSQL pass (DATABASE_URL=postgres://...) runs this"
        )
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not on PATH")
    exec(PLANT, {})
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    cmd = [
        "pg_dump",
        "-h",
        s["HOST"] or "127.0.0.1",
        "-p",
        str(s["PORT"] or 5432),
        "-U",
        s["USER"],
        s["NAME"],
    ]
    dump = subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=300).stdout
    assert CONTROL_NAME.encode() in dump
    for sentinel in (SENTINEL_PHONE, SENTINEL_ID, "13912345678", "SENTINEL", "SENTX"):
        assert sentinel.encode() not in dump, sentinel
