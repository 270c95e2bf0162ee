"""Base views that fetch everything through the scoped querysets.

Every URL pattern must resolve to a view that declares how it is scoped (`jinguo_scoping`): the
object views below ("object"), role-gated pages whose data come from scoped selectors ("roles"), or
the few public pages ("public"). tests/test_url_scoping.py walks the URLconf and fails on any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView, UpdateView

from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES
from core.scoping import ScopedQuerySet, get_changeable_or_403, get_visible_or_404, scope_for

SCOPING_KINDS = ("object", "roles", "public")


def user_has_any_role(user: Any, roles: Iterable[str]) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.roles & frozenset(roles))


class RoleRequiredMixin:
    """Only users holding one of `allowed_roles` get in; the others get 403."""

    jinguo_scoping = "roles"
    allowed_roles: frozenset[str] = BUSINESS_ROLES
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_has_any_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ScopedObjectMixin(RoleRequiredMixin):
    """Objects come from `model.objects.visible_to(user)`; changes need `changeable_by(user)`."""

    jinguo_scoping = "object"
    model: Any = None
    # "view" pages answer 200 for any visible object; "change" pages 403 for visible-only objects.
    scope_action = "view"
    kwargs: dict[str, Any]

    def get_queryset(self) -> models.QuerySet:
        qs = self.model._default_manager.all()
        if not isinstance(qs, ScopedQuerySet):
            raise ImproperlyConfigured(f"{self.model.__name__} has no scoped queryset")
        if self.scope_action == "change":
            return qs.changeable_by(self.request.user)
        return qs.visible_to(self.request.user)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        getter = get_changeable_or_403 if self.scope_action == "change" else get_visible_or_404
        return getter(self.model, self.request.user, pk=self.kwargs["pk"])


class ScopedListView(ScopedObjectMixin, ListView):
    paginate_by = 50


class ScopedDetailView(ScopedObjectMixin, DetailView):
    pass


class ScopedUpdateView(ScopedObjectMixin, UpdateView):
    """An edit page whose save refuses to overwrite someone else's newer change."""

    scope_action = "change"
    success_message = gettext_lazy("已保存。")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            with transaction.atomic():
                response = super().form_valid(form)
        except ConcurrentEditError as conflict:
            form.add_error(None, conflict)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return response


class ScopedTemplateView(RoleRequiredMixin, TemplateView):
    """A page without one object: its data come from selectors that take the user."""


def scoped_function(*, roles: Iterable[str] = BUSINESS_ROLES) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks and guards a function view whose data come from scoped selectors or querysets."""
    allowed = frozenset(roles)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not user_has_any_role(request.user, allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.jinguo_scoping = "roles"  # type: ignore[attr-defined]
        wrapper.jinguo_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view that anyone may reach without logging in (log-in page, health check)."""
    from django.contrib.auth.decorators import login_not_required

    view = login_not_required(view)
    view.jinguo_scoping = "public"  # type: ignore[attr-defined]
    return view


def authenticated(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view that serves only the user's own things (profile, own notifications, log-out)."""
    view.jinguo_scoping = "roles"  # type: ignore[attr-defined]
    view.jinguo_roles = None  # type: ignore[attr-defined]
    return view
