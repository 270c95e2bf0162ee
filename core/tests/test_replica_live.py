"""Run with a replica alias (DATABASE_REPLICA_URL, its TEST MIRROR the primary): see test_replica.py.

Two ways: the replica alias is the primary under a second name (SQLite or PostgreSQL), or it is a real
streaming replica built by scripts/pg-replica.sh; then every test first waits for the replica to replay
what the test wrote (`replica_caught_up`), and test_replica_streaming.py runs as well.
"""

import pytest
from django.conf import settings
from django.db import transaction

from core.replica import COOKIE, STICKY_SECONDS, replica_reads
from core.testing.replica import on_each_alias, replica_caught_up
from core.testing.world import api_headers, login

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES, reason="no DATABASE_REPLICA_URL"),
    pytest.mark.django_db(databases="__all__", transaction=True),
]


def test_pages_read_the_replica_writes_and_the_next_reads_stay_on_the_primary(world, client):
    login(client, world.staff)
    replica_caught_up()
    with on_each_alias() as seen:
        response = client.get("/orgs/units/")
    assert response.status_code == 200
    assert seen.touched("replica", "orgs_unit"), seen.replica
    assert not seen.touched("default", "orgs_unit"), seen.primary
    assert seen.touched("default", "django_session")  # the session is the primary's
    assert not seen.touched("replica", "django_session")

    # A write: on the primary, and the browser reads the primary for a while afterwards.
    unit = world.unit_a1
    assert client.get(f"/orgs/units/{unit.pk}/edit/").status_code == 200
    with on_each_alias() as seen:
        response = client.post(f"/orgs/units/{unit.pk}/edit/", {})
    assert not seen.writes("replica")
    assert response.cookies[COOKIE]["max-age"] == STICKY_SECONDS
    with on_each_alias() as seen:
        response = client.get("/orgs/units/")
    assert response.status_code == 200
    assert seen.touched("default", "orgs_unit") and not seen.replica

    # Once the mark has expired, the browser's pages read the replica again.
    del client.cookies[COOKIE]
    with on_each_alias() as seen:
        assert client.get("/orgs/units/").status_code == 200
    assert seen.touched("replica", "orgs_unit") and not seen.touched("default", "orgs_unit")


def test_the_api_reads_the_replica(world, client):
    headers = api_headers(world.staff)
    # The token's first use records it (a write, on the primary: that request reads the primary from then on).
    assert client.get("/api/v1/units?limit=5", **headers).status_code == 200
    replica_caught_up()
    with on_each_alias() as seen:
        response = client.get("/api/v1/units?limit=5", **headers)
    assert response.status_code == 200 and response.json()["count"] > 0
    assert seen.touched("replica", "orgs_unit"), seen.replica
    assert not seen.touched("default", "orgs_unit"), seen.primary
    assert not seen.writes("replica")


def test_a_transaction_reads_the_primary(world):
    from orgs.models import Unit

    replica_caught_up()
    with replica_reads():
        with on_each_alias() as seen:
            assert Unit.objects.filter(pk=world.unit_a1.pk).exists()
        assert seen.touched("replica", "orgs_unit") and not seen.primary
        with on_each_alias() as seen, transaction.atomic():
            assert Unit.objects.filter(pk=world.unit_a1.pk).exists()
            Unit.objects.filter(pk=world.unit_a1.pk).update(notes="核对")
            assert Unit.objects.get(pk=world.unit_a1.pk).notes == "核对"
        assert seen.touched("default", "orgs_unit") and not seen.replica
