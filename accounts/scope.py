"""How a logged-in user's scope is built: from the account's role assignments (registered with core)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Aggregate, OuterRef, Subquery, TextField
from django.db.models.functions import JSONArray

from accounts.models import RoleAssignment, User
from core.scoping import Scope
from orgs.models import Person

# The attributes a user row loaded with scope_columns() carries (accounts.backends, token_authenticate).
ROLES_ATTR = "jinguo_roles"
PERSON_UNIT_ATTR = "jinguo_person_unit"
_FIELDS = ("role", "federation_id", "unit_id", "community_id")


class _JSONRows(Aggregate):
    """The group's rows as one JSON array in text: json_group_array (SQLite), json_agg (PostgreSQL)."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSON_AGG", template="%(function)s(%(expressions)s)::text")


def scope_columns(user_pk: str = "pk", person_id: str = "person_id") -> dict[str, Subquery]:
    """Annotations that bring a user's role assignments and person's unit with the user's own row.

    Every request loads its user (the session's or the token's) and then needed a query of its own
    for the roles, about a quarter of a millisecond of ORM work on each request; as subqueries of the
    user's row they cost microseconds, and they are read in the same statement, so they are never
    staler than the row. `user_pk` and `person_id` name the user's key and person in the outer query.
    """
    roles = (
        RoleAssignment.objects.filter(user_id=OuterRef(user_pk)).order_by().values("user_id")
        .annotate(rows=_JSONRows(JSONArray(*_FIELDS))).values("rows")
    )
    person_unit = Person.objects.filter(pk=OuterRef(person_id)).values("unit_id")[:1]
    return {ROLES_ATTR: Subquery(roles, output_field=TextField()), PERSON_UNIT_ATTR: Subquery(person_unit)}


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
