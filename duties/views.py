"""Pages of the duty system: executives, their division of contact and contact logs.

Every page is scoped (core.views): objects come through `permitted(user, action)`, so another
federation's executive is 404 and a record one may see but not change is 403. Each form feeds one
service; a refusal comes back on the form with nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import add_refusal
from core.roles import Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import ObjectActionView, ScopedDetailView, ScopedListView, scoped_function
from duties import forms as df
from duties import selectors, services
from duties.models import ContactAssignment, ContactLog, DutyCorrection, DutySettings, Executive
from orgs.models import Community, Federation, Person, Unit

DUTY_ROLES = frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.UNIT_LIAISON, Role.EXECUTIVE})
STAFF = frozenset({Role.FEDERATION_STAFF})


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = clock.today()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


class ExecutiveListView(ScopedListView):
    """执委名单: the executives the user may see, with this year's duty figures."""

    model = Executive
    allowed_roles = DUTY_ROLES
    template_name = "duties/executive_list.html"
    context_object_name = "executives"

    def get_queryset(self) -> QuerySet[Executive]:
        return selectors.executives_for(self.request.user).order_by("ended_on", "person__name", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request)
        page = list(ctx["executives"])
        records = selectors.duty_records([e.pk for e in page], *selectors.year_bounds(year))
        ctx["rows"] = [(e, records[e.pk], selectors.record_total(records[e.pk])) for e in page]
        ctx["year"] = year
        ctx["is_staff"] = scope_for(self.request.user).has(Role.FEDERATION_STAFF)
        return ctx


class ExecutiveDetailView(ScopedDetailView):
    """An executive's page: her assignments, contacts, corrections and this year's duty record."""

    model = Executive
    allowed_roles = DUTY_ROLES
    template_name = "duties/executive_detail.html"
    context_object_name = "executive"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        executive: Executive = self.object
        user = self.request.user
        year = _year(self.request)
        ctx["year"] = year
        ctx["record"] = selectors.duty_record(executive, *selectors.year_bounds(year))
        ctx["assignments"] = selectors.assignments_of(user, executive)
        ctx["logs"] = selectors.logs_of(user, executive)
        ctx["corrections"] = list(DutyCorrection.objects.visible_to(user).filter(executive=executive)[:50])
        ctx["can_change"] = self.permits("change")
        ctx["can_log"] = ContactAssignment.objects.permitted(user, "log").filter(executive=executive).exists()
        return ctx


class FamilyRevealView(ScopedDetailView):
    """A family's personal information (分工联系的家庭): masked, revealed in full by a POST with a reason,
    answered with no-store and recorded in the audit log, as the people directory does."""

    model = ContactAssignment
    allowed_roles = frozenset({Role.FEDERATION_STAFF, Role.EXECUTIVE})
    template_name = "duties/family_detail.html"
    context_object_name = "assignment"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assignment: ContactAssignment = self.get_object()  # type: ignore[assignment]
        if assignment.kind != ContactAssignment.Kind.FAMILY:
            # A unit, community or group has no personal information: its executive's page says it all.
            return redirect("duties:executive-detail", pk=assignment.executive_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        a: ContactAssignment = self.object
        ctx["masked"] = {
            "name": a.target_label,
            "phone": services.mask_phone(a.family_phone) if a.family_phone else "",
            "address": services.mask_address(a.family_address),
        }
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assignment: ContactAssignment = self.get_object()  # type: ignore[assignment]
        self.object = assignment
        ctx = self.get_context_data(object=assignment)
        try:
            ctx["revealed"] = services.assignment_reveal(
                assignment=assignment, reason=request.POST.get("reason", ""), acting_user=request.user
            )
        except ValidationError as refusal:
            ctx["reveal_error"] = refusal.messages[0]
            response = render(request, self.template_name, ctx, status=400)
        else:
            messages.info(request, gettext("本次查看已记入审计日志。"))
            response = render(request, self.template_name, ctx)
        add_never_cache_headers(response)
        return response


@scoped_function(roles={Role.EXECUTIVE})
def my_duties(request: HttpRequest) -> HttpResponse:
    """我的履职: sends an executive to her own page."""
    scope = scope_for(request.user)
    mine = (
        Executive.objects.visible_to(request.user)  # type: ignore[misc]
        .filter(person_id=scope.person_id)
        .order_by("ended_on", "-pk")
    )
    executive = mine.first() if scope.person_id else None
    if executive is None:
        return render(request, "duties/not_executive.html", status=200)
    return redirect("duties:executive-detail", pk=executive.pk)


@scoped_function(roles=STAFF)
def executive_appoint(request: HttpRequest) -> HttpResponse:
    """Appoints a person of the federation executive."""
    federation_id = chosen_federation(request, STAFF)
    federation = Federation.objects.visible_to(request.user).filter(pk=federation_id).first()  # type: ignore[misc]
    if federation is None:
        raise Http404
    people = Person.objects.visible_to(request.user).filter(federation=federation).order_by("name")
    form = df.ExecutiveAppointForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            executive = services.executive_appoint(
                federation=federation,
                person=d["person"],
                started_on=d["started_on"],
                board=d["board"],
                acting_user=request.user,
            )
        except ValidationError as refusal:
            add_refusal(form, refusal, {"in_future": "started_on", "already_executive": "person"})
        else:
            messages.success(request, gettext("已登记执委。"))
            return redirect("duties:executive-detail", pk=executive.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("登记执委"),
            "object": federation,
            "submit_label": gettext("登记"),
            "cancel_url": reverse("duties:executive-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_function(roles=STAFF)
def coverage(request: HttpRequest) -> HttpResponse:
    """联系覆盖: standing assignments not reached in N days."""
    federation_id = chosen_federation(request, STAFF)
    lines = selectors.coverage(request.user, federation_id) if federation_id else []
    days = DutySettings.of(federation_id).no_contact_days if federation_id else selectors.NO_CONTACT_DAYS
    return render(request, "duties/coverage.html", {"lines": lines, "days": days})


@scoped_function(roles=STAFF)
def duty_settings(request: HttpRequest) -> HttpResponse:
    """履职设置: the federation's thresholds (no contact in N days, shifts a year, case retention), by staff."""
    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise Http404
    current = DutySettings.of(federation_id)
    initial = {f: getattr(current, f) for f in services.SETTING_RANGES}
    form = df.DutySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_settings_save(
                federation=Federation.objects.get(pk=federation_id),
                acting_user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as refusal:
            add_refusal(form, refusal, {"out_of_range": str((refusal.params or {}).get("field", ""))})
        else:
            messages.success(request, gettext("已保存履职设置。"))
            return redirect("duties:settings")
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("履职设置"),
            "object": Federation.objects.get(pk=federation_id).name,
            "submit_label": gettext("保存"),
            "cancel_url": reverse("duties:coverage"),
        },
        status=400 if request.method == "POST" else 200,
    )


class DutyActionView(ObjectActionView):
    """A duty action: back to the executive's page on success."""

    def executive_of(self, obj: Any) -> Executive:
        return obj if isinstance(obj, Executive) else obj.executive

    def get_success_url(self) -> str:
        return reverse("duties:executive-detail", args=[self.executive_of(self.object).pk])

    def extra_context(self) -> dict[str, Any]:
        executive = self.executive_of(self.object)
        return {
            "subject": executive.person.name,
            "breadcrumbs": [
                (gettext("执委名单"), reverse("duties:executive-list")),
                (executive.person.name, self.get_success_url()),
            ],
        }


class ExecutiveEndView(DutyActionView):
    model = Executive
    title = _("执委离任")
    submit_label = _("登记离任")
    fields_by_code = {"in_future": "ended_on", "end_before_start": "ended_on"}

    def make_form(self, data: Any = None) -> Any:
        return df.EndForm(data)

    def perform(self, form: Any) -> str:
        services.executive_end(
            executive=self.object, ended_on=form.cleaned_data["ended_on"], acting_user=self.request.user
        )
        return gettext("已登记离任。")


class AssignmentCreateView(DutyActionView):
    model = Executive
    title = _("分工联系")
    intro = _("为执委分工联系一个机关单位、社区、妇女群体或家庭。家庭的姓名、电话和住址加密保存。")
    submit_label = _("保存分工")
    fields_by_code = {
        "in_future": "assigned_on",
        "assigned_before_start": "assigned_on",
        "target_required": "kind",
        "target_other_federation": "kind",
        "duplicate": "kind",
    }

    def make_form(self, data: Any = None) -> Any:
        fed = self.object.federation_id
        return df.AssignmentForm(
            data,
            units=Unit.objects.visible_to(self.request.user).filter(federation_id=fed).order_by("name"),
            communities=Community.objects.visible_to(self.request.user)
            .filter(federation_id=fed)
            .order_by("name"),
        )

    def perform(self, form: Any) -> str:
        services.assignment_create(executive=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已保存分工。")


class AssignmentEndView(DutyActionView):
    model = ContactAssignment
    title = _("结束分工")
    submit_label = _("结束分工")
    fields_by_code = {
        "in_future": "ended_on",
        "end_before_start": "ended_on",
        "after_assignment_end": "ended_on",
    }

    def make_form(self, data: Any = None) -> Any:
        return df.EndForm(data)

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("联系对象"), self.object.target_label)]

    def perform(self, form: Any) -> str:
        services.assignment_end(
            assignment=self.object, ended_on=form.cleaned_data["ended_on"], acting_user=self.request.user
        )
        return gettext("已结束分工。")


LOG_FIELDS = {
    "in_future": "contacted_on",
    "before_assignment": "contacted_on",
    "after_assignment_end": "contacted_on",
    "follow_up_before_contact": "follow_up_due",
    "follow_up_open": "follow_up_due",
    "subject_required": "subject",
    "reason_required": "reason",
}


class ContactLogCreateView(DutyActionView):
    """记录联系: the executive (or staff) records a contact with an assigned target."""

    model = ContactAssignment
    action = "log"
    title = _("记录联系")
    submit_label = _("保存记录")
    fields_by_code = LOG_FIELDS

    def make_form(self, data: Any = None) -> Any:
        return df.ContactLogForm(data, initial={"contacted_on": clock.today(), "reached": True})

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("联系对象"), self.object.target_label)]

    def perform(self, form: Any) -> str:
        services.contact_log_record(
            assignment=self.object, acting_user=self.request.user, **form.cleaned_data
        )
        return gettext("已保存联系记录。")


class ContactLogCorrectView(DutyActionView):
    model = ContactLog
    title = _("更正联系记录")
    submit_label = _("保存更正")
    fields_by_code = LOG_FIELDS

    def make_form(self, data: Any = None) -> Any:
        log: ContactLog = self.object
        return df.ContactLogCorrectForm(
            data,
            initial={
                "contacted_on": log.contacted_on,
                "way": log.way,
                "reached": log.reached,
                "subject": log.subject,
                "notes": log.notes,
                "follow_up_due": log.follow_up_due,
            },
        )

    def perform(self, form: Any) -> str:
        services.contact_log_correct(log=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已更正联系记录。")


class ContactLogWithdrawView(DutyActionView):
    model = ContactLog
    title = _("撤销联系记录")
    intro = _("撤销后这条记录不再计入履职档案，按从未发生处理；撤销原因记入更正记录。")
    submit_label = _("撤销登记")
    danger = True
    fields_by_code = LOG_FIELDS

    def make_form(self, data: Any = None) -> Any:
        return df.ReasonForm(data)

    def facts(self) -> list[tuple[str, str]]:
        log: ContactLog = self.object
        return [(gettext("联系日期"), log.contacted_on.isoformat()), (gettext("事由"), log.subject)]

    def perform(self, form: Any) -> str:
        services.contact_log_withdraw(
            log=self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )
        return gettext("已撤销联系记录。")
