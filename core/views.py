"""Base views that fetch everything through the scoped querysets, by action.

Every URL pattern must resolve to a view that declares how it is scoped (`jinguo_scoping`): the
object views below ("object": they name a `model` and the `action` they perform on it), role-gated
pages whose data come from scoped selectors ("roles"), or the few public pages ("public").
core/tests/test_url_scoping.py walks the URLconf and fails on any other.

An object view fetches `model.objects.permitted(user, action)`: out of the user's "view" rule is 404,
visible but not permitted for the action is 403 (core.scoping.get_permitted_or_403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView, UpdateView

from core.forms import add_refusal
from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES
from core.scoping import ScopedQuerySet, get_permitted_or_403, scope_for

SCOPING_KINDS = ("object", "roles", "public")


def user_has_any_role(user: Any, roles: Iterable[str]) -> bool:
    """A coarse gate: holds one of `roles` in some federation. Data are then scoped per federation."""
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
    """The object comes from `model.objects.permitted(user, action)` (404 unseen, 403 seen but not permitted)."""

    jinguo_scoping = "object"
    model: Any = None
    # What the page does to its object: one of the model's declared actions (core.scoping).
    action = "view"
    kwargs: dict[str, Any]

    def scoped_queryset(self) -> ScopedQuerySet:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no model")
        qs = self.model._default_manager.all()
        if not isinstance(qs, ScopedQuerySet):
            raise ImproperlyConfigured(f"{self.model.__name__} has no scoped queryset")
        return qs

    def get_queryset(self) -> models.QuerySet:
        return self.scoped_queryset().permitted(self.request.user, self.action)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        return get_permitted_or_403(self.model, self.request.user, self.action, pk=self.kwargs["pk"])

    def permits(self, action: str, obj: models.Model | None = None) -> bool:
        """Whether the user may also do `action` to the object (for buttons on the page)."""
        target = obj if obj is not None else getattr(self, "object", None)
        if target is None:
            return False
        return self.scoped_queryset().permitted(self.request.user, action).filter(pk=target.pk).exists()


class ScopedListView(ScopedObjectMixin, ListView):
    paginate_by = 50


class ScopedDetailView(ScopedObjectMixin, DetailView):
    pass


class ScopedUpdateView(ScopedObjectMixin, UpdateView):
    """An edit page whose save refuses to overwrite someone else's newer change."""

    action = "change"
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


class ObjectActionView(ScopedObjectMixin, View):
    """One action on one object: GET shows its form (or a confirmation), POST runs one service.

    A refusal (`ValidationError` from the service) comes back on the form under the field its code
    names (`fields_by_code`), status 400, nothing written; success is a message and a redirect. The
    page works on a phone and without JavaScript. Subclasses set `model`, `action`, the texts, and
    define `make_form`, `perform` (returns the success message) and `get_success_url`.
    """

    action = "change"
    template_name = "core/action_form.html"
    title: Any = ""
    intro: Any = ""
    submit_label: Any = gettext_lazy("保存")
    danger = False
    fields_by_code: dict[str, str] = {}
    object: Any

    def make_form(self, data: Any = None) -> Any:
        """The action's form; the default has no fields (a confirmation)."""
        from core.forms import StyledForm

        return StyledForm(data)

    def perform(self, form: Any) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def facts(self) -> list[tuple[str, str]]:
        """What the clerk should see next to the form (the object's current state)."""
        return []

    def extra_context(self) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.show(self.make_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message = self.perform(form)
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict)
            except ValidationError as refused:
                add_refusal(form, refused, self.fields_by_code)
            else:
                messages.success(request, message)
                return redirect(self.get_success_url())
        return self.show(form, status=400)

    def show(self, form: forms.Form, status: int = 200) -> HttpResponse:
        context = {
            "object": self.object,
            "form": form,
            "title": self.title,
            "intro": self.intro,
            "facts": self.facts(),
            "submit_label": self.submit_label,
            "danger": self.danger,
            "cancel_url": self.get_cancel_url(),
            **self.extra_context(),
        }
        return render(self.request, self.template_name, context, status=status)


def scoped_function(
    *, roles: Iterable[str] = BUSINESS_ROLES, model: type[models.Model] | None = None, action: str = "view"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks and guards a function view whose data come from scoped selectors or querysets.

    A function view with `<pk>` in its URL names the `model` and the `action` it performs, and fetches
    its object with core.scoping.get_permitted_or_403 (the URL walker checks it does).
    """
    allowed = frozenset(roles)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not user_has_any_role(request.user, allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.jinguo_scoping = "roles"  # type: ignore[attr-defined]
        wrapper.jinguo_roles = allowed  # type: ignore[attr-defined]
        wrapper.jinguo_model = model  # type: ignore[attr-defined]
        wrapper.jinguo_action = action  # type: ignore[attr-defined]
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
