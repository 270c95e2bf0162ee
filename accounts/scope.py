"""How a logged-in user's scope is built: from the account's role assignments (registered with core)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import IntegerField, TextField
from django.db.models.expressions import RawSQL

from accounts.models import RoleAssignment, User
from core.scoping import Scope
from orgs.models import Person

# The attributes a user row loaded with scope_columns() carries (accounts.backends, token_authenticate).
ROLES_ATTR = "jinguo_roles"
PERSON_UNIT_ATTR = "jinguo_person_unit"
_FIELDS = ("role", "federation_id", "unit_id", "community_id")


def _sql(vendor: str) -> tuple[str, str]:
    """The two subqueries' SQL, written out once per engine: built with the ORM on every request they
    cost as much as the query they replace (about 0.4 ms)."""
    q = connection.ops.quote_name
    user = q(User._meta.db_table)
    ra, person = RoleAssignment._meta.db_table, Person._meta.db_table
    row = ", ".join(q(f) for f in _FIELDS)
    if vendor == "postgresql":
        rows = f"COALESCE(JSON_AGG(JSON_BUILD_ARRAY({row})), '[]')::text"
    else:
        rows = f"JSON_GROUP_ARRAY(JSON_ARRAY({row}))"
    return (
        f"SELECT {rows} FROM {q(ra)} WHERE {q(ra)}.{q('user_id')} = {user}.{q('id')}",  # noqa: S608 - names
        f"SELECT {q('unit_id')} FROM {q(person)} WHERE {q(person)}.{q('id')} = {user}.{q('person_id')}",  # noqa: S608
    )


_sql_cache: dict[str, tuple[str, str]] = {}


def scope_columns() -> dict[str, RawSQL]:
    """Annotations that bring a user's role assignments and person's unit with the user's own row, for a
    query of the users or of rows joined to their user (the table keeps its name as the join's alias).

    Every request loads its user (the session's or the token's) and then needed a query of its own
    for the roles; as subqueries of the user's row they are read in the same statement, so they are
    never staler than the row.
    """
    if connection.vendor not in _sql_cache:
        _sql_cache[connection.vendor] = _sql(connection.vendor)
    roles, person_unit = _sql_cache[connection.vendor]
    return {
        ROLES_ATTR: RawSQL(roles, (), output_field=TextField()),  # noqa: S611 - our table names only
        PERSON_UNIT_ATTR: RawSQL(person_unit, (), output_field=IntegerField()),  # noqa: S611
    }


def _assignments(user: Any) -> Any:
    """(role, federation, unit, community) of each assignment: from the user's row where it brought
    them (scope_columns), else one query."""
    if hasattr(user, ROLES_ATTR):
        text = getattr(user, ROLES_ATTR)
        return [tuple(row) for row in json.loads(text)] if text else []
    return RoleAssignment.objects.filter(user_id=user.pk).values_list(*_FIELDS)


def load_scope(user: Any) -> Scope:
    """The roles, their federations and their bound organisations: from the user's row, or one query."""
    fed_roles: dict[int, set[str]] = {}
    bindings: dict[str, set[int]] = {}
    for role, federation_id, unit_id, community_id in _assignments(user):
        fed_roles.setdefault(federation_id, set()).add(role)
        bound = unit_id or community_id
        if bound:
            bindings.setdefault(role, set()).add(bound)
    # The person's unit only (not the whole person, whose encrypted columns would be decrypted), and
    # no query at all for an account without a person.
    person_id = getattr(user, "person_id", None)
    person_unit_id = None
    if person_id is not None:
        if hasattr(user, PERSON_UNIT_ATTR):
            person_unit_id = getattr(user, PERSON_UNIT_ATTR)
        elif User._meta.get_field("person").is_cached(user):
            person_unit_id = user.person.unit_id if user.person else None
        else:
            person_unit_id = Person.objects.filter(pk=person_id).values_list("unit_id", flat=True).first()
    return Scope(
        user_id=user.pk,
        federation_roles={fid: frozenset(r) for fid, r in fed_roles.items()},
        bindings={role: frozenset(ids) for role, ids in bindings.items()},
        person_id=person_id,
        person_unit_id=person_unit_id,
        is_superuser=user.is_superuser,
    )
