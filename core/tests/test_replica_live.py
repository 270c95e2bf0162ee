"""Run with a replica alias (DATABASE_REPLICA_URL; its TEST MIRROR is the primary): see test_replica.py."""

import pytest
from django.conf import settings
from django.db import connections

pytestmark = pytest.mark.skipif("replica" not in settings.DATABASES, reason="no DATABASE_REPLICA_URL")


class Count:
    def __init__(self, alias):
        self.alias, self.statements = alias, []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def _counted(client_call):
    primary, replica = Count("default"), Count("replica")
    with connections["default"].execute_wrapper(primary), connections["replica"].execute_wrapper(replica):
        response = client_call()
    return response, primary.statements, replica.statements


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_pages_read_the_replica_writes_and_the_next_reads_stay_on_the_primary(world, client):
    client.force_login(world.staff)
    response, primary, replica = _counted(lambda: client.get("/orgs/units/"))
    assert response.status_code == 200
    assert any("orgs_unit" in sql for sql in replica), replica
    assert not any("orgs_unit" in sql for sql in primary), primary
    assert any("django_session" in sql for sql in primary)  # the session is the primary's
    assert not any("django_session" in sql for sql in replica)

    # A write: on the primary, and the browser reads the primary for a while afterwards.
    unit = world.unit_a1
    page = client.get(f"/orgs/units/{unit.pk}/edit/")
    assert page.status_code == 200
    response, primary, replica = _counted(lambda: client.post(f"/orgs/units/{unit.pk}/edit/", {}))
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica)
    assert "jinguo_primary" in response.cookies
    response, primary, replica = _counted(lambda: client.get("/orgs/units/"))
    assert response.status_code == 200
    assert any("orgs_unit" in sql for sql in primary) and not replica


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_service_reads_the_primary_inside_its_transaction(world):
    from django.db import transaction

    from core.replica import reads_from, replica_reads

    with replica_reads():
        assert reads_from() == "replica"
        with transaction.atomic():
            assert reads_from() == "default"
