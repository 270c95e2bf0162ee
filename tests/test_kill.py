"""SIGKILL the real server while it is writing: no acknowledged write is lost, the database is intact.

A gunicorn server (config.wsgi, 2 workers) runs on a free loopback port against a fresh database
(SQLite in a temporary JINGUO_VAR_DIR; PostgreSQL in a scratch database test_kill_h6_<pid> when the
server at 127.0.0.1:5432 answers). Client threads write through the real HTTP paths:

* two logged-in browsers save the unit edit form (session + CSRF token + row version) over and over,
  each on its own unit;
* one API client logs in at POST /api/v1/auth/token over and over (each answer is a new token row).

The server's whole process group is SIGKILLed mid-stream. Then, with the server dead: SQLite's
`PRAGMA integrity_check` says ok, and every write the server acknowledged (2xx/3xx) is in the
database: each unit's version went up by at least the number of acknowledged saves (at most one more:
the save in flight), its notes hold the last acknowledged value or the in-flight one, and every issued
token's hash is stored.
"""

import os
import re
import sqlite3
import threading
import time

import pytest
import requests

from core.testing.commands import manage
from core.testing.served import form_fields, server_env, start

pytestmark = pytest.mark.slow

PASSWORD = "Test-Passw0rd-2026!"  # core.testing.world.PASSWORD (not imported: no Django setup needed)
WRITE_SECONDS = 2.5
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Unique per run: two runs of the suite at once (shared machines) must not drop each other's database.
PG_SCRATCH = f"test_kill_h6_{os.getpid()}"

SETUP = r"""
from core.testing.world import build_world
from orgs.models import Unit
w = build_world()
print("UNITS", w.unit_a1.pk, w.unit_a2.pk)
"""


class Acks:
    def __init__(self):
        self.lock = threading.Lock()
        self.unit_saves = {}  # unit pk -> list of acknowledged notes values, in order
        self.in_flight = {}  # unit pk -> notes value of the save that had no answer
        self.tokens = []
        self.errors = []
        self.stop = threading.Event()


def unit_writer(base, unit_pk, acks, started):
    """Log in like a browser, then save the unit's edit form again and again until the server dies."""
    s = requests.Session()
    try:
        page = s.get(f"{base}/accounts/login/", timeout=10)
        fields = form_fields(page.text, "username")
        fields.update(username="staff", password=PASSWORD)
        r = s.post(f"{base}/accounts/login/", data=fields, timeout=10, allow_redirects=False)
        assert r.status_code == 302, f"log-in failed: {r.status_code}"
        edit = f"{base}/orgs/units/{unit_pk}/edit/"
        fields = form_fields(s.get(edit, timeout=10).text, "version")
        assert "csrfmiddlewaretoken" in fields, sorted(fields)
    except Exception as exc:
        acks.errors.append(f"unit {unit_pk} setup: {exc!r}")
        started.set()
        return
    started.set()
    n = 0
    while not acks.stop.is_set():
        n += 1
        notes = f"kill-test write {unit_pk}-{n}"
        fields["notes"] = notes
        with acks.lock:
            acks.in_flight[unit_pk] = notes
        try:
            r = s.post(edit, data=fields, timeout=10, allow_redirects=False, headers={"Referer": edit})
        except requests.RequestException:
            return  # the server died: this save's outcome is unknown
        if r.status_code == 302:
            with acks.lock:
                acks.unit_saves.setdefault(unit_pk, []).append(notes)
                acks.in_flight.pop(unit_pk, None)
            fields["version"] = str(int(fields["version"]) + 1)
        else:
            acks.errors.append(f"unit {unit_pk} save {n}: HTTP {r.status_code}")
            return


def token_writer(base, acks):
    s = requests.Session()
    while not acks.stop.is_set():
        try:
            r = s.post(
                f"{base}/api/v1/auth/token", json={"username": "staff", "password": PASSWORD}, timeout=10
            )
        except requests.RequestException:
            return
        if r.status_code == 200:
            with acks.lock:
                acks.tokens.append(r.json()["token"])
        else:
            acks.errors.append(f"token: HTTP {r.status_code} {r.text[:200]}")
            return


def drive_and_kill(env, tmp_path):
    """Prepare the database, write through the server, SIGKILL it mid-stream; returns (acks, unit pks)."""
    manage(tmp_path, "migrate", "--noinput", "-v", "0", env=env)
    out = manage(tmp_path, "shell", env=env, stdin=SETUP).stdout
    units = [int(x) for x in re.search(r"UNITS (\d+) (\d+)", out).groups()]
    server = start(env, tmp_path / "server.log")
    base = server.base
    acks = Acks()
    try:
        threads = []
        for pk in units:
            started = threading.Event()
            t = threading.Thread(target=unit_writer, args=(base, pk, acks, started), daemon=True)
            t.start()
            started.wait(30)
            threads.append(t)
        t = threading.Thread(target=token_writer, args=(base, acks), daemon=True)
        t.start()
        threads.append(t)
        # Write for WRITE_SECONDS, longer on a busy machine: until each writer has a few acknowledgements.
        begin = time.monotonic()
        while time.monotonic() - begin < 30 and not acks.errors:
            enough = all(len(acks.unit_saves.get(pk, [])) >= 5 for pk in units) and acks.tokens
            if enough and time.monotonic() - begin >= WRITE_SECONDS:
                break
            time.sleep(0.1)
        server.kill()  # mid-stream: the writers are still sending
    finally:
        server.kill()
        acks.stop.set()
    for t in threads:
        t.join(15)
    # Any surviving worker would keep the database open and might still write.
    time.sleep(0.3)
    log_tail = (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    assert not acks.errors, f"{acks.errors}\nserver log:\n{log_tail}"
    assert all(len(acks.unit_saves.get(pk, [])) >= 3 for pk in units), {
        pk: len(v) for pk, v in acks.unit_saves.items()
    }
    assert acks.tokens, "no token was issued before the kill"
    print(
        f"acknowledged before SIGKILL: unit saves {[len(acks.unit_saves[pk]) for pk in units]}, "
        f"tokens {len(acks.tokens)}, saves in flight {len(acks.in_flight)}"
    )
    return acks, units


def check_acknowledged(acks, units, fetch_unit, stored_hashes):
    import hashlib

    for pk in units:
        saved = acks.unit_saves[pk]
        version, notes = fetch_unit(pk)
        in_flight = acks.in_flight.get(pk)
        # The world creates units at version 1; every save needs the previous version.
        assert len(saved) <= version - 1 <= len(saved) + (1 if in_flight else 0), (pk, version, len(saved))
        assert notes in ({saved[-1], in_flight} - {None}), (pk, notes, saved[-1], in_flight)
    hashes = stored_hashes()
    missing = [t for t in acks.tokens if hashlib.sha256(t.encode()).hexdigest() not in hashes]
    assert not missing, f"{len(missing)} of {len(acks.tokens)} acknowledged tokens are missing"


def test_sigkill_on_sqlite_loses_no_acknowledged_write(tmp_path):
    env = server_env(tmp_path)
    acks, units = drive_and_kill(env, tmp_path)
    db = tmp_path / "jinguo.sqlite3"
    assert db.exists()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        check_acknowledged(
            acks,
            units,
            lambda pk: con.execute("SELECT version, notes FROM orgs_unit WHERE id = ?", (pk,)).fetchone(),
            lambda: {row[0] for row in con.execute("SELECT key_hash FROM accounts_apitoken")},
        )
    finally:
        con.close()
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "database is locked" not in log


@pytest.fixture
def pg_scratch():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    admin.execute(f"DROP DATABASE IF EXISTS {PG_SCRATCH} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {PG_SCRATCH}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_SCRATCH
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_SCRATCH} WITH (FORCE)")
        admin.close()


def test_sigkill_on_postgresql_loses_no_acknowledged_write(tmp_path, pg_scratch):
    import psycopg

    env = server_env(tmp_path, database_url=pg_scratch)
    acks, units = drive_and_kill(env, tmp_path)
    with psycopg.connect(pg_scratch) as con:
        check_acknowledged(
            acks,
            units,
            lambda pk: con.execute("SELECT version, notes FROM orgs_unit WHERE id = %s", (pk,)).fetchone(),
            lambda: {row[0] for row in con.execute("SELECT key_hash FROM accounts_apitoken")},
        )
