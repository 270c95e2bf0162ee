"""The unit registry: list with search and filters, detail, edit; federation staff add, dissolve and merge units."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.forms import add_refusal
from core.htmx import render_page_or_partial
from core.roles import Role
from core.scoping import scope_for
from core.views import ScopedDetailView, ScopedListView, ScopedTemplateView, ScopedUpdateView
from orgs import selectors, services
from orgs.forms import UnitCreateForm, UnitDissolveForm, UnitForm, UnitLiaisonForm
from orgs.models import Unit

STAFF_ONLY = frozenset({Role.FEDERATION_STAFF})


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
        ctx["is_staff"] = selectors.staff_federations_for(self.request.user).exists()
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
        ctx["can_dissolve"] = unit.dissolved_on is None and selectors.is_staff_of(self.request.user, unit.federation_id)
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


class UnitCreateView(ScopedTemplateView):
    """新增单位: federation staff register a unit of their federation."""

    allowed_roles = STAFF_ONLY
    template_name = "orgs/unit_create.html"

    def form(self, data: Any = None) -> UnitCreateForm:
        return UnitCreateForm(data, federations=selectors.staff_federations_for(self.request.user))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                unit = services.unit_create(
                    federation=d["federation"], name=d["name"], kind=d["kind"], established_on=d["established_on"],
                    requires_committee=d["requires_committee"], female_staff_count=d["female_staff_count"],
                    address=d["address"], notes=d["notes"], acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(form, refused, {"name_required": "name", "name_taken": "name"})
            else:
                messages.success(request, f"已新增单位：{unit.name}。")
                return redirect("orgs:unit-detail", pk=unit.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class UnitDissolveView(ScopedDetailView):
    """撤销/合并单位: federation staff only (a liaison may change their unit, not end it)."""

    model = Unit
    scope_action = "change"
    allowed_roles = STAFF_ONLY
    template_name = "orgs/unit_dissolve.html"
    fields_by_code = {
        "dissolved_before_established": "dissolved_on", "later_committee": "dissolved_on",
        "dissolved_before_term": "dissolved_on", "dissolved_before_formed": "dissolved_on", "bad_successor": "successor",
    }

    def unit(self) -> Unit:
        unit: Unit = self.get_object()  # type: ignore[assignment]
        # Staff of this unit's federation: holding the role elsewhere (or being its liaison) is not enough.
        if not selectors.is_staff_of(self.request.user, unit.federation_id):
            raise PermissionDenied
        return unit

    def form(self, unit: Unit, data: Any = None) -> UnitDissolveForm:
        successors = (
            Unit.objects.changeable_by(self.request.user)
            .filter(federation_id=unit.federation_id, dissolved_on__isnull=True)
            .exclude(pk=unit.pk)
            .order_by("name")
        )
        return UnitDissolveForm(data, successors=successors)

    def show(self, unit: Unit, form: UnitDissolveForm, status: int = 200) -> HttpResponse:
        from committees.models import Committee

        committee = Committee.objects.visible_to(self.request.user).filter(unit=unit, dissolved_on__isnull=True).first()
        context = {"object": unit, "form": form, "committee": committee}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unit = self.unit()
        return self.show(unit, self.form(unit))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from committees.services import unit_dissolve

        unit = self.unit()
        form = self.form(unit, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                unit = unit_dissolve(unit=unit, dissolved_on=d["dissolved_on"], successor=d["successor"],
                                     acting_user=request.user)
            except ValidationError as refused:
                add_refusal(form, refused, self.fields_by_code)
            else:
                done = f"已并入{unit.successor.name}" if unit.successor else "已撤销"
                messages.success(request, f"{unit.name} {done}（{unit.dissolved_on:%Y-%m-%d}）；其妇委会（如有）同日结束。")
                return redirect("orgs:unit-detail", pk=unit.pk)
        return self.show(unit, form, status=400)
