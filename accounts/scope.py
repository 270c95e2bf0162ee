"""How a logged-in user's scope is built: from the account's role assignments (registered with core)."""

from __future__ import annotations

from typing import Any

from accounts.models import RoleAssignment, User
from core.scoping import Scope
from orgs.models import Person


def load_scope(user: Any) -> Scope:
    """One query for the roles, their federations and their bound organisations."""
    fed_roles: dict[int, set[str]] = {}
    bindings: dict[str, set[int]] = {}
    for role, federation_id, unit_id, community_id in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "federation_id", "unit_id", "community_id"
    ):
        fed_roles.setdefault(federation_id, set()).add(role)
        bound = unit_id or community_id
        if bound:
            bindings.setdefault(role, set()).add(bound)
    # The person's unit only (not the whole person, whose encrypted columns would be decrypted), and
    # no query at all for an account without a person.
    person_id = getattr(user, "person_id", None)
    person_unit_id = None
    if person_id is not None:
        if User._meta.get_field("person").is_cached(user):
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
