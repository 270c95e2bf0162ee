"""Scoping built once: what may this user do to which rows, by action.

Every scoped model's queryset subclasses `ScopedQuerySet`, declares the actions it answers
(`actions = frozenset({"view", "change", ...})`) and one rule per action (`<action>_rule(scope)`,
returning the rows the scope may do it to). `permitted(user, action)` is the one way to ask; views
(core.views) and API endpoints (core.api) declare the action they need and fetch through it, and the
URL-walking test (core/tests/test_url_scoping.py) checks every URL against the same rules. An object
outside the user's "view" rule is indistinguishable from a missing one (404); one the user may view but
not act on answers 403 (NetBox's `restrict(user, action)`).

Roles are held per federation (`Scope.federation_roles`), and rules must ask per federation
(`scope.federations_with(role)`), never "holds the role anywhere". Roles bound to an organisation (a
unit liaison's unit, a community contact's community) map to their ids through `Scope.bindings`, one
mechanism for every such role (core.roles.ROLE_BINDINGS).

core imports no app: the scope of a user is built by the loader that the accounts app registers
(`register_scope_loader`), from its role assignments.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

from core.roles import ADMIN_ROLES, FEDERATION_WIDE_ROLES, ROLE_BINDINGS, Role


@dataclass(frozen=True)
class Scope:
    """What one user's roles reach, loaded once per request."""

    user_id: int | None
    # federation id -> roles held in that federation
    federation_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # role -> ids of the organisations it is bound to (units or communities: core.roles.ROLE_BINDINGS)
    bindings: dict[str, frozenset[int]] = field(default_factory=dict)
    person_id: int | None = None
    person_unit_id: int | None = None
    is_superuser: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def roles(self) -> frozenset[str]:
        """Every role held in any federation: for menus and coarse page gates only, never for data."""
        return frozenset(r for held in self.federation_roles.values() for r in held)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def has_in(self, federation_id: int | None, *roles: str) -> bool:
        """Holds any of `roles` in that federation (a superuser holds every role everywhere)."""
        if self.is_superuser:
            return True
        return federation_id is not None and bool(self.federation_roles.get(federation_id, frozenset()) & set(roles))

    def federations_with(self, *roles: str) -> frozenset[int]:
        """Federations in which the user holds any of `roles`."""
        return frozenset(fid for fid, held in self.federation_roles.items() if held & set(roles))

    @property
    def federation_ids(self) -> frozenset[int]:
        return frozenset(self.federation_roles)

    def bound(self, *roles: str) -> frozenset[int]:
        """Ids of the organisations that these roles are bound to (the union)."""
        return frozenset(i for r in roles for i in self.bindings.get(r, frozenset()))

    def units_for(self, *roles: str) -> frozenset[int]:
        """Units these roles are bound to (only roles bound to units count)."""
        return self.bound(*(r for r in roles if ROLE_BINDINGS.get(r) == "unit"))

    def communities_for(self, *roles: str) -> frozenset[int]:
        return self.bound(*(r for r in roles if ROLE_BINDINGS.get(r) == "community"))

    @property
    def liaison_unit_ids(self) -> frozenset[int]:
        return self.units_for(Role.UNIT_LIAISON)

    @property
    def is_admin_only(self) -> bool:
        """Holds only 三员 roles: reads no business data."""
        return bool(self.roles) and self.roles <= ADMIN_ROLES


ANONYMOUS_SCOPE = Scope(user_id=None)

_scope_loader: Callable[[Any], Scope] | None = None


def register_scope_loader(loader: Callable[[Any], Scope]) -> None:
    """The accounts app registers how a logged-in user's scope is built (from its role assignments)."""
    global _scope_loader
    _scope_loader = loader


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request. A Scope passes through."""
    if isinstance(user, Scope):
        return user
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_jinguo_scope", None)
    if cached is not None:
        return cached
    if _scope_loader is None:
        raise ImproperlyConfigured("No scope loader registered (the accounts app registers it in ready()).")
    scope = _scope_loader(user)
    setattr(user, "_jinguo_scope", scope)  # noqa: B010 - cache on the request's user object
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles change."""
    if hasattr(user, "_jinguo_scope"):
        del user._jinguo_scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows what each user may do to its rows, action by action.

    Subclasses declare `actions` and define `<action>_rule(scope)` for each; "view" is required,
    "change" defaults to nobody. A superuser may do everything unless `superuser_sees_all` is False
    (rows that are personal to their owner: notifications, tokens).
    """

    actions: ClassVar[frozenset[str]] = frozenset({"view", "change"})
    superuser_sees_all: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [a for a in cls.actions if not callable(getattr(cls, f"{a}_rule", None))]
        if missing:
            raise ImproperlyConfigured(f"{cls.__name__} declares actions without a rule: {missing}")

    def permitted(self, user: Any, action: str = "view") -> Self:
        """The rows `user` (a user or a Scope) may do `action` to."""
        if action not in self.actions:
            raise ImproperlyConfigured(f"{self.model.__name__} has no action {action!r} (has {sorted(self.actions)})")
        scope = scope_for(user)
        if scope.is_anonymous:
            return self.none()
        if scope.is_superuser and self.superuser_sees_all:
            return self.all()
        rule: Callable[[Scope], Self] = getattr(self, f"{action}_rule")
        return rule(scope)

    def visible_to(self, user: Any) -> Self:
        return self.permitted(user, "view")

    def changeable_by(self, user: Any) -> Self:
        return self.permitted(user, "change")

    def view_rule(self, scope: Scope) -> Self:
        raise NotImplementedError(f"{self.model.__name__} must define view_rule()")

    def change_rule(self, scope: Scope) -> Self:
        return self.none()


def scoped_models() -> list[type[models.Model]]:
    """Every model whose default manager is scoped."""
    from django.apps import apps

    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def _scoped(model: type[models.Model]) -> ScopedQuerySet:
    qs = model._default_manager.all()
    if not isinstance(qs, ScopedQuerySet):
        raise TypeError(f"{model.__name__} has no scoped queryset")
    return qs


def is_permitted(model: type[models.Model], user: Any, action: str, pk: Any) -> bool:
    return _scoped(model).permitted(user, action).filter(pk=pk).exists()


def get_visible_or_404[M: models.Model](model: type[M], user: Any, **lookup: Any) -> M:
    """The object if the user may view it, else 404 (whether or not it exists)."""
    try:
        return _scoped(model).visible_to(user).get(**lookup)  # type: ignore[no-any-return]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


def get_permitted_or_403[M: models.Model](model: type[M], user: Any, action: str, **lookup: Any) -> M:
    """The object if the user may do `action` to it; 404 if they may not even view it, 403 if only view it."""
    obj = get_visible_or_404(model, user, **lookup)
    if action != "view" and not is_permitted(model, user, action, obj.pk):
        raise PermissionDenied
    return obj


def get_changeable_or_403[M: models.Model](model: type[M], user: Any, **lookup: Any) -> M:
    return get_permitted_or_403(model, user, "change", **lookup)


def _rows_of(parts: dict[str, frozenset[int]]) -> models.Q:
    """Rows whose column (path) is among its ids, for any of `parts`; a part without ids is left out, so
    that its path's join is not in the query at all (an empty `committee__unit_id__in` still joined the
    committee, and the extra join cost the dashboard's heads their covering index)."""
    found = [models.Q(**{f"{path}__in": ids}) for path, ids in parts.items() if ids]
    return functools.reduce(operator.or_, found) if found else models.Q(pk__in=[])


def unit_rows_q(scope: Scope, unit_path: str, *, federation_path: str = "federation_id") -> models.Q:
    """Rows belonging to a unit: the federation-wide roles see their federations', a liaison their units'."""
    return _rows_of({
        federation_path: scope.federations_with(*FEDERATION_WIDE_ROLES),
        unit_path: scope.units_for(Role.UNIT_LIAISON),
    })


def unit_rows_changeable_q(scope: Scope, unit_path: str, *, federation_path: str = "federation_id") -> models.Q:
    """Rows of a unit that its federation's staff and the unit's liaison may record."""
    return _rows_of({
        federation_path: scope.federations_with(Role.FEDERATION_STAFF),
        unit_path: scope.units_for(Role.UNIT_LIAISON),
    })
