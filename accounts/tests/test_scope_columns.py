"""A request's user comes with its roles and its person's unit in the same statement
(accounts.scope.scope_columns): the scope equals the one counted by its own query, for every persona,
and no request runs a query of its own for the role assignments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ScopedModelBackend
from accounts.models import RoleAssignment, User
from accounts.scope import load_scope
from accounts.services import role_grant, role_revoke
from accounts.testing import PERSONAS, api_headers, login
from core.roles import Role

pytestmark = pytest.mark.django_db

ROLE_TABLE = RoleAssignment._meta.db_table


def own_role_queries(queries):
    """Statements that read the role assignments by themselves (not as a subquery of another row)."""
    return [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{ROLE_TABLE}"')]


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_the_scope_from_the_users_row_equals_the_scope_from_its_own_query(world, name):
    user = world.users[name]
    loaded = ScopedModelBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as queries:
        from_row = load_scope(loaded)
    assert queries.captured_queries == []
    assert from_row == load_scope(User.objects.get(pk=user.pk))


def test_a_user_with_a_person_brings_the_persons_unit(world):
    user = next(u for u in world.users.values() if u.person_id is not None)
    loaded = ScopedModelBackend().get_user(user.pk)
    assert load_scope(loaded).person_unit_id == user.person.unit_id is not None


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_request_reads_no_role_assignments_of_its_own(world, client, how):
    if how == "session":
        login(client, world.dual)
        headers, path = {}, "/orgs/units/"
    else:
        headers, path = api_headers(world.dual), "/api/v1/units?limit=5"
    client.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    assert own_role_queries(queries.captured_queries) == []


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_role_granted_or_revoked_counts_from_the_next_request(world, client, how):
    user = world.norole
    if how == "session":
        login(client, user)
        headers, path = {}, "/orgs/units/"
    else:
        headers, path = api_headers(user), "/api/v1/units?limit=5"
    assert client.get(path, **headers).status_code == 403
    assignment = role_grant(user=user, role=Role.FEDERATION_STAFF, federation_id=world.fed_a.pk)
    assert client.get(path, **headers).status_code == 200
    role_revoke(assignment=assignment)
    assert client.get(path, **headers).status_code == 403
