"""Scoping built once: what may this user see and change.

Every scoped model's queryset subclasses `ScopedQuerySet` and answers `visible_to(user)` and
`changeable_by(user)`. Views (core.views) and API endpoints (core.api) fetch objects only through
those two methods, and the URL-walking test (core/tests/test_url_scoping.py) checks that every URL
pattern is wired to them. An object outside the user's scope is indistinguishable from a missing one
(404); one the user may see but not change answers 403 to a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from core.roles import ADMIN_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class Scope:
    """What one user's roles reach, loaded once per request."""

    user_id: int | None
    roles: frozenset[str] = frozenset()
    # federation id -> roles held in that federation
    federation_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    liaison_unit_ids: frozenset[int] = frozenset()
    person_id: int | None = None
    person_unit_id: int | None = None
    is_superuser: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def federations_with(self, *roles: str) -> frozenset[int]:
        """Federations in which the user holds any of `roles`."""
        return frozenset(fid for fid, held in self.federation_roles.items() if held & set(roles))

    @property
    def federation_ids(self) -> frozenset[int]:
        return frozenset(self.federation_roles)

    @property
    def is_admin_only(self) -> bool:
        """Holds only 三员 roles: reads no business data."""
        return bool(self.roles) and self.roles <= ADMIN_ROLES


ANONYMOUS_SCOPE = Scope(user_id=None)


def scope_for(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_jinguo_scope", None)
    if cached is not None:
        return cached
    from accounts.models import RoleAssignment

    fed_roles: dict[int, set[str]] = {}
    liaison_units: set[int] = set()
    for role, federation_id, unit_id in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "federation_id", "unit_id"
    ):
        fed_roles.setdefault(federation_id, set()).add(role)
        if role == Role.UNIT_LIAISON and unit_id:
            liaison_units.add(unit_id)
    person = getattr(user, "person", None)
    scope = Scope(
        user_id=user.pk,
        roles=frozenset(r for held in fed_roles.values() for r in held),
        federation_roles={fid: frozenset(r) for fid, r in fed_roles.items()},
        liaison_unit_ids=frozenset(liaison_units),
        person_id=person.pk if person else None,
        person_unit_id=person.unit_id if person else None,
        is_superuser=user.is_superuser,
    )
    setattr(user, "_jinguo_scope", scope)  # noqa: B010 - cache on the request's user object
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles change."""
    if hasattr(user, "_jinguo_scope"):
        del user._jinguo_scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows what each user may see and change. Subclasses define the two rules."""

    def visible_to(self, user: Any) -> Self:
        scope = scope_for(user)
        if scope.is_anonymous:
            return self.none()
        return self.for_scope(scope)

    def changeable_by(self, user: Any) -> Self:
        scope = scope_for(user)
        if scope.is_anonymous:
            return self.none()
        return self.changeable_for_scope(scope)

    # The two rules. They receive a Scope, never a request, so commands and jobs can use them too.
    def for_scope(self, scope: Scope) -> Self:
        raise NotImplementedError(f"{self.model.__name__} must define for_scope()")

    def changeable_for_scope(self, scope: Scope) -> Self:
        return self.none()


def scoped_models() -> list[type[models.Model]]:
    """Every model whose default manager is scoped."""
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if isinstance(m._default_manager.all(), ScopedQuerySet)  # type: ignore[attr-defined]
    ]


def get_visible_or_404[M: models.Model](model: type[M], user: Any, **lookup: Any) -> M:
    """The object if the user may see it, else 404 (whether or not it exists)."""
    qs = model._default_manager.all()
    if not isinstance(qs, ScopedQuerySet):
        raise TypeError(f"{model.__name__} has no scoped queryset")
    try:
        return qs.visible_to(user).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


def get_changeable_or_403[M: models.Model](model: type[M], user: Any, **lookup: Any) -> M:
    """The object if the user may change it; 404 if they may not even see it, 403 if only see it."""
    obj = get_visible_or_404(model, user, **lookup)
    qs: ScopedQuerySet = model._default_manager.all()  # type: ignore[assignment]
    if not qs.changeable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def unit_rows_q(scope: Scope, unit_path: str, *, federation_path: str = "federation_id") -> models.Q:
    """Rows belonging to a unit: federation staff see their federations', a liaison their units'."""
    from core.roles import FEDERATION_WIDE_ROLES

    q = models.Q(**{f"{federation_path}__in": scope.federations_with(*FEDERATION_WIDE_ROLES)})
    q |= models.Q(**{f"{unit_path}__in": scope.liaison_unit_ids})
    return q


def unit_rows_changeable_q(scope: Scope, unit_path: str, *, federation_path: str = "federation_id") -> models.Q:
    q = models.Q(**{f"{federation_path}__in": scope.federations_with(Role.FEDERATION_STAFF)})
    q |= models.Q(**{f"{unit_path}__in": scope.liaison_unit_ids})
    return q
