"""The unit registry: list with search and filters, detail, edit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse

from core.htmx import render_page_or_partial
from core.roles import Role
from core.scoping import scope_for
from core.views import ScopedDetailView, ScopedListView, ScopedUpdateView
from orgs import selectors
from orgs.forms import UnitForm, UnitLiaisonForm
from orgs.models import Unit


class UnitListView(ScopedListView):
    model = Unit
    template_name = "orgs/unit_list.html"
    paginate_by = 30

    def get_queryset(self) -> QuerySet[Unit]:
        g = self.request.GET
        return selectors.unit_list_for(
            self.request.user, q=g.get("q", "").strip() or None, status=g.get("status") or None, kind=g.get("kind") or None
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["kinds"] = Unit.Kind.choices
        ctx["filters"] = {k: self.request.GET.get(k, "") for k in ("q", "status", "kind")}
        return ctx

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return render_page_or_partial(self.request, self.template_name, "results", context)


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "orgs/unit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit: Unit = self.object
        ctx["can_change"] = Unit.objects.changeable_by(self.request.user).filter(pk=unit.pk).exists()
        ctx["predecessors"] = list(unit.predecessors.all())
        from committees.views import unit_committee_panel

        ctx["committee_panel"] = unit_committee_panel(self.request.user, unit)
        return ctx


class UnitUpdateView(ScopedUpdateView):
    model = Unit
    template_name = "orgs/unit_form.html"

    def get_form_class(self) -> type:
        scope = scope_for(self.request.user)
        if scope.is_superuser or self.object.federation_id in scope.federations_with(Role.FEDERATION_STAFF):
            return UnitForm
        return UnitLiaisonForm

    def get_success_url(self) -> str:
        return reverse("orgs:unit-detail", args=[self.object.pk])
