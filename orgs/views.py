"""The unit registry: list with search and filters, detail with the apps' panels, edit; federation staff
add, dissolve and merge units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import add_refusal
from core.htmx import render_page_or_partial
from core.roles import Role
from core.views import (
    ObjectActionView,
    ScopedDetailView,
    ScopedListView,
    ScopedTemplateView,
    ScopedUpdateView,
)
from orgs import selectors, services
from orgs.forms import (
    UnitCreateForm,
    UnitDissolveForm,
    UnitEndCorrectForm,
    UnitEndWithdrawForm,
    UnitForm,
    UnitLiaisonForm,
)
from orgs.models import Unit
from orgs.registry import unit_panels

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


def render_unit_panels(request: HttpRequest, unit: Unit) -> list[SafeString]:
    """Each registered panel (orgs.registry.unit_panels) that has something for this user, rendered."""
    rendered = []
    for panel in unit_panels.entries():
        context = panel.context(request.user, unit)
        if context is not None:
            html = render_to_string(panel.template, {"object": unit, **context}, request=request)
            rendered.append(mark_safe(html))  # noqa: S308 - our own template's output
    return rendered


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "orgs/unit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit: Unit = self.object
        ctx["can_change"] = self.permits("change")
        ctx["predecessors"] = list(unit.predecessors.all())
        ctx["can_dissolve"] = unit.dissolved_on is None and self.permits("manage")
        ctx["can_correct_end"] = unit.dissolved_on is not None and self.permits("manage")
        ctx["panels"] = render_unit_panels(self.request, unit)
        return ctx


class UnitUpdateView(ScopedUpdateView):
    """编辑单位: staff of the unit's federation edit every detail, the unit's liaison its own details."""

    model = Unit
    template_name = "orgs/unit_form.html"

    def get_form_class(self) -> type[forms.ModelForm]:
        return UnitForm if self.permits("manage") else UnitLiaisonForm

    def form_valid(self, form: Any) -> HttpResponse:
        changes = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            services.unit_update(unit=self.object, changes=changes, version=form.cleaned_data.get("version"),
                                 acting_user=self.request.user)
        except ValidationError as refused:
            add_refusal(form, refused, {"name_required": "name", "name_taken": "name"})
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

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
                messages.success(request, gettext("已新增单位：%(name)s。") % {"name": unit.name})
                return redirect("orgs:unit-detail", pk=unit.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class UnitDissolveView(ObjectActionView):
    """撤销/合并单位: the staff of the unit's federation (action "manage": a liaison may edit her unit's
    details, not end it; staff of another federation may not even see it)."""

    model = Unit
    action = "manage"
    title = _("撤销/合并单位")
    intro = _("机构改革中单位撤销或并入其他单位时登记。撤销后，本单位不再计入组建率；历史记录全部保留。")
    submit_label = _("确认撤销/合并")
    danger = True
    fields_by_code = {
        "dissolved_before_established": "dissolved_on", "later_committee": "dissolved_on", "in_future": "dissolved_on",
        "dissolved_before_term": "dissolved_on", "dissolved_before_formed": "dissolved_on", "bad_successor": "successor",
    }

    def make_form(self, data: Any = None) -> UnitDissolveForm:
        unit: Unit = self.object
        successors = (
            Unit.objects.permitted(self.request.user, "manage")
            .filter(federation_id=unit.federation_id, dissolved_on__isnull=True)
            .exclude(pk=unit.pk)
            .order_by("name_pinyin", "name", "id")
        )
        return UnitDissolveForm(data, successors=successors)

    def extra_context(self) -> dict[str, Any]:
        return {
            "warnings": services.unit_dissolve_consequences(self.request.user, self.object),
            "breadcrumbs": [(gettext("单位名录"), reverse("orgs:unit-list")),
                            (self.object.name, reverse("orgs:unit-detail", args=[self.object.pk]))],
        }

    def perform(self, form: forms.Form) -> str:
        d = form.cleaned_data
        unit = services.unit_dissolve(unit=self.object, dissolved_on=d["dissolved_on"], successor=d["successor"],
                                      acting_user=self.request.user)
        self.object = unit
        day = unit.dissolved_on.isoformat() if unit.dissolved_on else ""
        if unit.successor:
            return gettext("%(unit)s 已并入%(successor)s（%(day)s）。") % {
                "unit": unit.name, "successor": unit.successor.name, "day": day}
        return gettext("%(unit)s 已撤销（%(day)s）。") % {"unit": unit.name, "day": day}

    def get_success_url(self) -> str:
        return reverse("orgs:unit-detail", args=[self.object.pk])


class UnitEndCorrectionMixin:
    """The staff of the unit's federation correct or withdraw its recorded end (action "manage"); the apps'
    records that ended with it follow (orgs.registry.unit_lifecycle `correct`)."""

    model = Unit
    action = "manage"
    request: HttpRequest
    object: Unit
    fields_by_code = {
        "dissolved_before_established": "dissolved_on", "in_future": "dissolved_on", "bad_successor": "successor",
        "reason_required": "reason", "formed_after_unit_dissolved": "dissolved_on",
        "committee_outlives_unit": "dissolved_on", "after_dissolved": "dissolved_on",
        "term_after_dissolved": "dissolved_on",
    }

    def facts(self) -> list[tuple[str, str]]:
        unit = self.object
        out = [(gettext("撤销日期"), unit.dissolved_on.isoformat() if unit.dissolved_on else "—")]
        if unit.successor_id:
            out.append((gettext("并入单位"), unit.successor.name if unit.successor else ""))
        return out

    def extra_context(self) -> dict[str, Any]:
        return {
            "breadcrumbs": [(gettext("单位名录"), reverse("orgs:unit-list")),
                            (self.object.name, reverse("orgs:unit-detail", args=[self.object.pk]))],
        }

    def get_success_url(self) -> str:
        return reverse("orgs:unit-detail", args=[self.object.pk])


class UnitEndCorrectView(UnitEndCorrectionMixin, ObjectActionView):
    """更正单位撤销/合并: a new day or successor, with the reason."""

    title = _("更正单位撤销/合并")
    intro = _("更正本单位的撤销日期或并入单位。随单位结束的妇委会，撤销日期随之更正。原因会记入历届情况和审计日志。")
    submit_label = _("保存更正")

    def make_form(self, data: Any = None) -> UnitEndCorrectForm:
        unit: Unit = self.object
        successors = (
            Unit.objects.permitted(self.request.user, "manage")
            .filter(federation_id=unit.federation_id, dissolved_on__isnull=True)
            .exclude(pk=unit.pk)
            .order_by("name_pinyin", "name", "id")
        )
        return UnitEndCorrectForm(data, successors=successors,
                                  initial={"dissolved_on": unit.dissolved_on, "successor": unit.successor_id})

    def perform(self, form: forms.Form) -> str:
        d = form.cleaned_data
        unit = services.unit_dissolution_correct(unit=self.object, dissolved_on=d["dissolved_on"],
                                                 successor=d["successor"], reason=d["reason"],
                                                 acting_user=self.request.user)
        return gettext("已更正：%(unit)s 于 %(day)s 撤销。") % {
            "unit": unit.name, "day": unit.dissolved_on.isoformat() if unit.dissolved_on else ""}


class UnitEndWithdrawView(UnitEndCorrectionMixin, ObjectActionView):
    """撤销单位撤销/合并的登记: the unit stands again."""

    title = _("撤销单位撤销/合并的登记")
    intro = _("单位并未撤销或合并时使用：撤销登记后单位恢复存续，随单位结束的妇委会恢复存续。原因会记入历届情况和审计日志。")
    submit_label = _("确认撤销这条登记")
    danger = True

    def make_form(self, data: Any = None) -> UnitEndWithdrawForm:
        return UnitEndWithdrawForm(data)

    def perform(self, form: forms.Form) -> str:
        unit = services.unit_dissolution_withdraw(unit=self.object, reason=form.cleaned_data["reason"],
                                                  acting_user=self.request.user)
        return gettext("已撤销登记：%(unit)s 恢复存续。") % {"unit": unit.name}


def my_unit_card(request: HttpRequest, scope: Any) -> dict[str, Any] | None:
    """Home card (core.registry.home_cards): the unit the user works at, for roles without a registry page."""
    if not scope.person_unit_id:
        return None
    unit = Unit.objects.visible_to(request.user).filter(pk=scope.person_unit_id).first()
    return {"my_unit": unit} if unit is not None else None

