"""With a real streaming replica (scripts/pg-replica.sh, started by test_replica.py): the rows come back
through replication, and a replica held behind shows why a user's reads follow their own writes.

The replica's test database is the primary's (TEST MIRROR): created there by the test set-up and replayed
onto the standby, which cannot create a database of its own.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connections
from django.test import Client

from core.replica import COOKIE
from core.testing.replica import is_streaming_replica, on_each_alias, replica_caught_up
from core.testing.world import login

pytestmark = [pytest.mark.django_db(databases="__all__", transaction=True)]


@pytest.fixture(autouse=True)
def _needs_a_streaming_replica(db):
    if not is_streaming_replica():
        pytest.skip("the replica alias is not a streaming replica (test_replica.py starts one on PostgreSQL)")


@contextmanager
def replay_paused() -> Iterator[None]:
    """Holds the replica's replay (it keeps receiving WAL): the replica lags for as long as the block runs."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        for _ in range(500):
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
        else:
            raise AssertionError("the replica's replay did not pause")
    try:
        yield
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def test_the_replica_is_a_read_only_standby_streaming_from_the_primary():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        primary_in_recovery, primary_port = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        streaming = cursor.fetchone()[0]
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port'), current_database()")
        replica_in_recovery, replica_port, database = cursor.fetchone()
    assert not primary_in_recovery and replica_in_recovery
    assert primary_port != replica_port and streaming >= 1
    assert database == connections["default"].settings_dict["NAME"]  # the primary's test database, replayed
    with pytest.raises(DatabaseError, match="read-only"), connections["replica"].cursor() as cursor:
        cursor.execute("CREATE TABLE replica_probe (id int)")


def test_rows_written_on_the_primary_are_read_back_through_the_replica(world):
    from orgs.models import Unit

    Unit.objects.using("default").filter(pk=world.unit_a1.pk).update(notes="经主库写入")
    lag = replica_caught_up()
    assert lag < 30
    assert Unit.objects.using("replica").get(pk=world.unit_a1.pk).notes == "经主库写入"
    assert Unit.objects.using("replica").count() == Unit.objects.using("default").count()


def test_a_lagging_replica_does_not_hide_a_users_own_write(world, client):
    from orgs.models import Unit

    unit = world.unit_a1
    other = Client()
    login(client, world.staff)
    login(other, world.staff)
    replica_caught_up()
    assert client.get(f"/orgs/units/{unit.pk}/edit/").status_code == 200
    with replay_paused():
        with on_each_alias() as seen:
            response = client.post(f"/orgs/units/{unit.pk}/edit/", {
                "name": "区教育局（已改名）", "kind": unit.kind, "requires_committee": "on",
                "female_staff_count": 41, "address": unit.address, "notes": unit.notes, "version": unit.version,
            })
        assert response.status_code == 302, response.content.decode()[:2000]
        assert seen.writes("default") and not seen.writes("replica")
        assert Unit.objects.using("replica").get(pk=unit.pk).name == unit.name  # the replica is behind

        # The browser that wrote reads the primary: it sees its own change at once.
        with on_each_alias() as seen:
            page = client.get(f"/orgs/units/{unit.pk}/")
        assert "区教育局（已改名）" in page.content.decode()
        assert seen.touched("default", "orgs_unit") and not seen.replica

        # Another browser reads the replica, which has not replayed the change yet.
        with on_each_alias() as seen:
            page = other.get(f"/orgs/units/{unit.pk}/")
        assert page.status_code == 200
        assert "区教育局（已改名）" not in page.content.decode()
        assert seen.touched("replica", "orgs_unit") and not seen.touched("default", "orgs_unit")

    replica_caught_up()
    assert "区教育局（已改名）" in other.get(f"/orgs/units/{unit.pk}/").content.decode()
    del client.cookies[COOKIE]  # the mark expired: the writer reads the replica again, caught up by now
    with on_each_alias() as seen:
        assert "区教育局（已改名）" in client.get(f"/orgs/units/{unit.pk}/").content.decode()
    assert seen.touched("replica", "orgs_unit") and not seen.touched("default", "orgs_unit")
