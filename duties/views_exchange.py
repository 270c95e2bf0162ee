"""Exchange meetings (定期交流) with attendance and minutes, and suggestions (建言献策) handled like proposals:
accepted or kept as information, assigned to a lead department, answered within a time limit, rated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock
from core.forms import StyledForm, add_refusal, date_field, reason_field
from core.roles import Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.uploads import stored_file_response
from core.views import ObjectActionView, ScopedDetailView, ScopedObjectMixin, scoped_function
from duties import selectors, services
from duties.models import (
    SUGGESTION_MACHINE,
    Attendance,
    ExchangeMeeting,
    Executive,
    MeetingAttachment,
    MeetingSeries,
    Suggestion,
)
from orgs.models import Federation, Unit

MEETING_ROLES = frozenset({Role.FEDERATION_STAFF, Role.EXECUTIVE})
SUGGESTION_ROLES = frozenset({Role.FEDERATION_STAFF, Role.EXECUTIVE, Role.UNIT_LIAISON})
STAFF = frozenset({Role.FEDERATION_STAFF})


# ---------------------------------------------------------------------------------------- meetings
@scoped_function(roles=MEETING_ROLES)
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = list(ExchangeMeeting.objects.visible_to(request.user).order_by("-held_on", "-pk")[:100])
    series = list(MeetingSeries.objects.visible_to(request.user).order_by("title", "pk"))
    is_staff = bool(scope_for(request.user).federations_with(Role.FEDERATION_STAFF))
    return render(
        request,
        "duties/meeting_list.html",
        {"meetings": meetings, "series": series, "is_staff": is_staff, "today": clock.today()},
    )


class SeriesForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=200, initial=_("执委季度交流会"))
    every_months = forms.TypedChoiceField(
        label=_("周期"), choices=MeetingSeries.Every.choices, coerce=int, initial=MeetingSeries.Every.QUARTER
    )
    venue = forms.CharField(label=_("地点"), max_length=200, required=False)
    agenda_template = forms.CharField(
        label=_("议程模板"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每次安排会议时复制到该次会议的议程中，可再逐次修改。"),
    )


@scoped_function(roles=STAFF)
def series_create(request: HttpRequest) -> HttpResponse:
    """A series of exchange meetings (default quarterly) with its agenda template."""
    federation_id = chosen_federation(request, STAFF)
    federation = Federation.objects.visible_to(request.user).filter(pk=federation_id).first()  # type: ignore[misc]
    if federation is None:
        raise Http404
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_create(federation=federation, acting_user=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_refusal(form, refusal, {"title_required": "title"})
        else:
            messages.success(request, gettext("已设立交流会系列。"))
            return redirect("duties:meeting-list")
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("设立交流会系列"),
            "object": federation,
            "submit_label": gettext("保存"),
            "cancel_url": reverse("duties:meeting-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


class SeriesNextView(ObjectActionView):
    """安排下一次: the series' next meeting, one period after the latest, its agenda from the template."""

    model = MeetingSeries
    title = _("安排下一次交流会")
    submit_label = _("安排")
    fields_by_code = {"title_required": "held_on"}

    class Form(StyledForm):
        held_on = date_field(_("日期"), required=False)

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def facts(self) -> list[tuple[str, str]]:
        s: MeetingSeries = self.object
        return [
            (gettext("周期"), s.get_every_months_display()),
            (gettext("议程模板"), s.agenda_template or "—"),
        ]

    def perform(self, form: Any) -> str:
        self.meeting = services.series_schedule_next(
            series=self.object, held_on=form.cleaned_data.get("held_on"), acting_user=self.request.user
        )
        return gettext("已安排交流会。")

    def get_success_url(self) -> str:
        meeting = getattr(self, "meeting", None)
        return (
            reverse("duties:meeting-detail", args=[meeting.pk]) if meeting else reverse("duties:meeting-list")
        )


class MeetingForm(StyledForm):
    title = forms.CharField(label=_("主题"), max_length=200)
    held_on = date_field(_("日期"))
    venue = forms.CharField(label=_("地点"), max_length=200, required=False)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


@scoped_function(roles=STAFF)
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    federation_id = chosen_federation(request, STAFF)
    federation = Federation.objects.visible_to(request.user).filter(pk=federation_id).first()  # type: ignore[misc]
    if federation is None:
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                federation=federation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            add_refusal(form, refusal, {"title_required": "title"})
        else:
            messages.success(request, gettext("已安排交流会。"))
            return redirect("duties:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("安排交流会"),
            "object": federation,
            "submit_label": gettext("保存"),
            "cancel_url": reverse("duties:meeting-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


class MeetingDetailView(ScopedDetailView):
    model = ExchangeMeeting
    allowed_roles = MEETING_ROLES
    template_name = "duties/meeting_detail.html"
    context_object_name = "meeting"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["attendance"] = list(
            Attendance.objects.visible_to(self.request.user)
            .filter(meeting=self.object)
            .select_related("executive__person")
        )
        ctx["attachments"] = list(
            MeetingAttachment.objects.visible_to(self.request.user).filter(meeting=self.object)
        )
        ctx["can_change"] = self.permits("change")
        ctx["held"] = self.object.held_on <= clock.today()
        return ctx


class MeetingActionView(ObjectActionView):
    model = ExchangeMeeting

    def get_success_url(self) -> str:
        return reverse("duties:meeting-detail", args=[self.object.pk])

    def extra_context(self) -> dict[str, Any]:
        return {
            "breadcrumbs": [
                (gettext("交流会"), reverse("duties:meeting-list")),
                (self.object.title, self.get_success_url()),
            ]
        }


class AttendanceView(MeetingActionView):
    """登记出席: one choice per executive in office on the meeting's day."""

    title = _("登记出席")

    def executives(self) -> list[Executive]:
        m: ExchangeMeeting = self.object
        return list(
            Executive.objects.changeable_by(self.request.user)
            .filter(federation_id=m.federation_id)
            .in_office_on(m.held_on)
            .select_related("person")
        )

    def make_form(self, data: Any = None) -> Any:
        form = StyledForm(data)
        current = {a.executive_id: a.status for a in Attendance.objects.filter(meeting=self.object)}
        for e in self.executives():
            form.fields[f"e{e.pk}"] = forms.ChoiceField(
                label=e.person.name,
                choices=Attendance.Status.choices,
                initial=current.get(e.pk, Attendance.Status.PRESENT),
            )
        return form

    def perform(self, form: Any) -> str:
        for e in self.executives():
            status = form.cleaned_data.get(f"e{e.pk}")
            if status:
                services.attendance_record(
                    meeting=self.object, executive=e, status=status, acting_user=self.request.user
                )
        return gettext("已登记出席情况。")


class AttachView(MeetingActionView):
    """上传会议材料: a file checked by its content (PDF, images, Word, Excel)."""

    title = _("上传会议材料")
    submit_label = _("上传")
    template_name = "duties/attach_form.html"
    fields_by_code = {"file": "file"}

    class Form(StyledForm):
        title = forms.CharField(label=_("名称"), max_length=200, required=False)
        file = forms.FileField(label=_("文件"))

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        return self.Form(data, files)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.meeting_attach(
                    meeting=self.object,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    acting_user=request.user,
                )
            except ValidationError as refusal:
                add_refusal(form, refusal, self.fields_by_code)
            else:
                messages.success(request, gettext("已上传会议材料。"))
                return redirect(self.get_success_url())
        return self.show(form, status=400)


class AttachmentOpenView(ScopedObjectMixin, View):
    """A meeting's file, streamed to who may see the meeting (never from the web root)."""

    model = MeetingAttachment
    allowed_roles = MEETING_ROLES

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        att: MeetingAttachment = self.get_object()  # type: ignore[assignment]
        return stored_file_response(
            services.attachments_dir() / att.path,
            kind=att.file_kind,
            content_type=att.content_type,
            filename=att.original_name,
        )


class MinutesView(MeetingActionView):
    title = _("会议纪要")

    class Form(StyledForm):
        minutes = forms.CharField(label=_("纪要"), widget=forms.Textarea(attrs={"rows": 8}))

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data, initial={"minutes": self.object.minutes})

    def perform(self, form: Any) -> str:
        services.meeting_minutes(
            meeting=self.object, minutes=form.cleaned_data["minutes"], acting_user=self.request.user
        )
        return gettext("已保存纪要。")


# ------------------------------------------------------------------------------------- suggestions
@scoped_function(roles=SUGGESTION_ROLES)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """建言献策: by state; a lead department's liaison sees her queue."""
    qs = Suggestion.objects.visible_to(request.user).select_related("author__person", "lead_unit")
    state = request.GET.get("status", "")
    if state in Suggestion.Status.values:
        qs = qs.filter(status=state)
    is_executive = scope_for(request.user).has(Role.EXECUTIVE)
    return render(
        request,
        "duties/suggestion_list.html",
        {
            "suggestions": list(qs.order_by("-submitted_on", "-pk")[:200]),
            "states": Suggestion.Status.choices,
            "state": state,
            "is_executive": is_executive,
            "today": clock.today(),
        },
    )


class SubmitForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    background = forms.CharField(label=_("背景"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(label=_("建议"), widget=forms.Textarea(attrs={"rows": 6}))


@scoped_function(roles={Role.EXECUTIVE})
def suggestion_submit(request: HttpRequest) -> HttpResponse:
    federation_id = chosen_federation(request, {Role.EXECUTIVE})
    author = selectors.my_executive(request.user, federation_id) if federation_id else None
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if author is None:
                raise ValidationError(services.MSG_NOT_EXECUTIVE, code="not_executive")
            suggestion = services.suggestion_submit(
                author=author, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            add_refusal(form, refusal, {"title_required": "title", "proposal_required": "proposal"})
        else:
            messages.success(request, gettext("已提交建议。"))
            return redirect("duties:suggestion-detail", pk=suggestion.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("建言献策"),
            "object": gettext("提交建议"),
            "submit_label": gettext("提交"),
            "cancel_url": reverse("duties:suggestion-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


class SuggestionDetailView(ScopedDetailView):
    model = Suggestion
    allowed_roles = SUGGESTION_ROLES
    template_name = "duties/suggestion_detail.html"
    context_object_name = "suggestion"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        s: Suggestion = self.object
        labels = dict(Suggestion.Status.choices)
        ctx["timeline"] = [
            (t, labels.get(t.from_state, t.from_state), labels.get(t.to_state, t.to_state))
            for t in SUGGESTION_MACHINE.timeline(s)
        ]
        ctx["can_handle"] = self.permits("change")
        ctx["can_answer"] = s.status == "assigned" and self.permits("answer")
        ctx["can_rate"] = s.status == "answered" and self.permits("rate")
        ctx["overdue"] = s.status == "assigned" and s.reply_due is not None and s.reply_due < clock.today()
        return ctx


class SuggestionActionView(ObjectActionView):
    model = Suggestion

    def get_success_url(self) -> str:
        return reverse("duties:suggestion-detail", args=[self.object.pk])

    def extra_context(self) -> dict[str, Any]:
        return {
            "breadcrumbs": [
                (gettext("建言献策"), reverse("duties:suggestion-list")),
                (self.object.title, self.get_success_url()),
            ]
        }

    def facts(self) -> list[tuple[str, str]]:
        s: Suggestion = self.object
        return [(gettext("状态"), s.get_status_display()), (gettext("提出人"), s.author.person.name)]


class AcceptView(SuggestionActionView):
    title = _("立案审查")
    fields_by_code = {"move_refused": "decision", "reason_required": "reason"}

    class Form(StyledForm):
        decision = forms.ChoiceField(
            label=_("处理"), choices=[("accept", _("立案办理")), ("keep", _("作为社情民意"))]
        )
        reason = forms.CharField(label=_("说明"), max_length=500, required=False)

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.suggestion_accept(
            suggestion=self.object,
            as_information=d["decision"] == "keep",
            reason=d["reason"],
            acting_user=self.request.user,
        )
        return gettext("已处理。")


class AssignView(SuggestionActionView):
    title = _("交办")
    fields_by_code = {
        "lead_unit_required": "lead_unit",
        "other_federation": "lead_unit",
        "due_before_today": "reply_due",
        "move_refused": "lead_unit",
    }

    class Form(StyledForm):
        lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)  # type: ignore[arg-type, var-annotated]
        co_units = forms.CharField(label=_("协办单位"), max_length=300, required=False)
        reply_due = date_field(_("答复期限"), required=False, help_text=_("留空为三个月后。"))

    def make_form(self, data: Any = None) -> Any:
        form = self.Form(data)
        form.fields["lead_unit"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.visible_to(self.request.user)
            .filter(federation_id=self.object.federation_id)
            .order_by("name")
        )
        return form

    def perform(self, form: Any) -> str:
        services.suggestion_assign(suggestion=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已交办。")


class ExtendView(SuggestionActionView):
    title = _("延期答复")
    intro = _("答复期限只能延长一次，延长三个月。")
    fields_by_code = {"reason_required": "reason", "already_extended": "reason", "move_refused": "reason"}

    class Form(StyledForm):
        reason = reason_field()

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        services.suggestion_extend(
            suggestion=self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )
        return gettext("已延期。")


class AnswerView(SuggestionActionView):
    action = "answer"
    title = _("答复")
    fields_by_code = {"reply_required": "reply", "move_refused": "result"}

    class Form(StyledForm):
        result = forms.ChoiceField(label=_("办理结果"), choices=Suggestion.Result.choices)
        reply = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 6}))

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        services.suggestion_answer(suggestion=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已答复。")


class RateView(SuggestionActionView):
    action = "rate"
    title = _("评价答复")
    fields_by_code = {"move_refused": "rating"}

    class Form(StyledForm):
        rating = forms.ChoiceField(label=_("评价"), choices=Suggestion.Rating.choices)

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        services.suggestion_rate(
            suggestion=self.object, rating=form.cleaned_data["rating"], acting_user=self.request.user
        )
        return gettext("已评价，谢谢。")
