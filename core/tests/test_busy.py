"""A small write of a read-only request is skipped, not awaited, while another connection holds SQLite's
write lock (core.busy): measured on a database file of its own, locked by a second connection."""

from __future__ import annotations

import sqlite3
import time

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from core.busy import try_write

WAITS_MS = 5000  # the connection's own busy timeout: what a blocked write would wait


@pytest.fixture
def database(tmp_path, django_db_blocker):
    path = tmp_path / "busy.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.commit()
    setup.close()
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {"timeout": WAITS_MS / 1000},
            "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
        },
        alias="busy",
    )
    with django_db_blocker.unblock():  # a database of the test's own, not the test database
        yield path, wrapper
        wrapper.close()


def insert(wrapper):
    def write():
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t (n) VALUES (1)")

    return write


def busy_timeout(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def rows(path):
    with sqlite3.connect(path) as reader:
        return reader.execute("SELECT count(*) FROM t").fetchone()[0]


def test_the_write_is_skipped_at_once_while_another_writer_holds_the_lock(database):
    path, wrapper = database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert try_write(insert(wrapper), using=wrapper) is False
        assert time.monotonic() - started < WAITS_MS / 1000 / 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # The connection waits as before for the writes that must be made, and it still writes.
    assert busy_timeout(wrapper) == WAITS_MS
    assert try_write(insert(wrapper), using=wrapper) is True
    assert rows(path) == 1


def test_without_another_writer_the_write_is_made(database):
    path, wrapper = database
    assert try_write(insert(wrapper), using=wrapper) is True
    assert rows(path) == 1
    assert busy_timeout(wrapper) == WAITS_MS


def test_other_errors_are_not_swallowed(database):
    _path, wrapper = database

    def broken():
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO missing (n) VALUES (1)")

    with pytest.raises(Exception, match="missing"):
        try_write(broken, using=wrapper)
    assert busy_timeout(wrapper) == WAITS_MS
