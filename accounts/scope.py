"""How a logged-in user's scope is built: from the account's role assignments (registered with core)."""

from __future__ import annotations

from typing import Any

from accounts.models import RoleAssignment
from core.scoping import Scope


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
    person = getattr(user, "person", None)
    return Scope(
        user_id=user.pk,
        federation_roles={fid: frozenset(r) for fid, r in fed_roles.items()},
        bindings={role: frozenset(ids) for role, ids in bindings.items()},
        person_id=person.pk if person else None,
        person_unit_id=person.unit_id if person else None,
        is_superuser=user.is_superuser,
    )
