"""The hotline case log (来电/来访登记): intake, the case page (the one place contents are decrypted, each read
audited), its steps, referrals (转介) and follow-ups (回访); statistics without personal data for staff.

Only the taker and the federation's hotline supervisors reach a case (everyone else: 404). Lists show the
masked identity stored at intake, so they decrypt nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock, confidential, excel
from core.confidential import reads_confidential
from core.forms import StyledForm, add_refusal, date_field
from core.roles import Role
from core.tenancy import chosen_federation
from core.views import ObjectActionView, ScopedDetailView, scoped_function
from duties import selectors, services
from duties.models import CASE_MACHINE, REFERRAL_MACHINE, HotlineCase, Referral
from orgs.models import Federation

CASE_ROLES = frozenset({Role.EXECUTIVE, Role.HOTLINE_SUPERVISOR})
STATS_ROLES = frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR})
READ_PURPOSE = "查看个案"


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


@scoped_function(roles=CASE_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    """个案: the cases the user may read, with masked identities (nothing decrypted)."""
    cases = selectors.case_list_for(request.user)
    from core.scoping import scope_for

    can_export = bool(scope_for(request.user).federations_with(Role.HOTLINE_SUPERVISOR))
    return no_store(render(request, "duties/case_list.html", {"cases": cases, "can_export": can_export}))


class IntakeForm(StyledForm):
    channel = forms.ChoiceField(label=_("渠道"), choices=HotlineCase.Channel.choices)
    category = forms.ChoiceField(label=_("类别"), choices=HotlineCase.Category.choices)
    urgent = forms.BooleanField(
        label=_("紧急（人身安全）"), required=False, help_text=_("勾选后立即通知热线负责人。")
    )
    caller_name = forms.CharField(label=_("来电人姓名"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    caller_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    narrative = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 6}))


@scoped_function(roles=CASE_ROLES)
def case_intake(request: HttpRequest) -> HttpResponse:
    """登记来电来访: by the executive on duty or a hotline supervisor."""
    federation_id = chosen_federation(request, CASE_ROLES)
    federation = Federation.objects.filter(pk=federation_id).first() if federation_id else None
    if federation is None:
        raise Http404
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_intake(federation=federation, acting_user=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_refusal(form, refusal, {"narrative_required": "narrative"})
        else:
            messages.success(request, gettext("已登记个案 #%(n)s。") % {"n": case.pk})
            return redirect("duties:case-detail", pk=case.pk)
    on_duty = services.shift_on_duty(request.user, federation.pk, clock.today())
    intro = gettext("姓名、电话、住址和情况加密保存，只有接听人和热线负责人可以查看。")
    response = render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("登记来电来访"),
            "object": federation,
            "submit_label": gettext("登记"),
            "intro": intro,
            "cancel_url": reverse("duties:case-list"),
            "facts": [(gettext("值班"), f"{on_duty.on} {on_duty.starts_at:%H:%M}–{on_duty.ends_at:%H:%M}")]
            if on_duty
            else [],
        },
        status=400 if request.method == "POST" else 200,
    )
    return no_store(response)


class CaseDetailView(ScopedDetailView):
    """The case page: contents decrypted for the taker and supervisors, each field's read audited."""

    model = HotlineCase
    action = "read"
    allowed_roles = CASE_ROLES
    template_name = "duties/case_detail.html"
    context_object_name = "case"

    @reads_confidential(READ_PURPOSE)
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response.render()  # type: ignore[attr-defined]  # decrypt inside the declared read
        return no_store(response)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        case: HotlineCase = self.object
        user = self.request.user
        ctx["entries"] = list(case.entries.all())
        ctx["referrals"] = [(r, REFERRAL_MACHINE.available(r)) for r in case.referrals.all()]
        labels = dict(HotlineCase.Status.choices)
        ctx["timeline"] = [
            (t, labels.get(t.from_state, t.from_state), labels.get(t.to_state, t.to_state))
            for t in CASE_MACHINE.timeline(case)
        ]
        ctx["moves"] = CASE_MACHINE.available(case)
        ctx["same_number"] = list(
            HotlineCase.objects.visible_to(user)
            .filter(caller_phone_hash=case.caller_phone_hash)
            .exclude(pk=case.pk)
            .exclude(caller_phone_hash="")
            .only("pk", "received_on", "status")[:10]
        )
        ctx["can_change"] = self.permits("change")
        return ctx


class CaseActionView(ObjectActionView):
    model: Any = HotlineCase

    def get_success_url(self) -> str:
        case = self.object if isinstance(self.object, HotlineCase) else self.object.case
        return reverse("duties:case-detail", args=[case.pk])

    def extra_context(self) -> dict[str, Any]:
        return {
            "breadcrumbs": [
                (gettext("个案"), reverse("duties:case-list")),
                (str(self.object), self.get_success_url()),
            ]
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return no_store(super().get(request, *args, **kwargs))


class MoveForm(StyledForm):
    transition = forms.ChoiceField(label=_("办理"))
    reason = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, moves: list[Any]) -> None:
        super().__init__(data)
        self.fields["transition"].choices = [(t.name, t.label) for t in moves]  # type: ignore[attr-defined]


class CaseMoveView(CaseActionView):
    title = _("个案办理")
    fields_by_code = {"reason_required": "reason", "move_refused": "transition"}

    def make_form(self, data: Any = None) -> Any:
        moves = [t for t in CASE_MACHINE.available(self.object) if t.name != "refer"]
        return MoveForm(data, moves=moves)

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("状态"), self.object.get_status_display())]

    def perform(self, form: Any) -> str:
        services.case_move(case=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已更新个案状态。")


class FollowUpForm(StyledForm):
    on = date_field(_("回访日期"))
    notes = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 4}))


class CaseFollowUpView(CaseActionView):
    title = _("记录回访")
    fields_by_code = {"in_future": "on", "notes_required": "notes"}

    def make_form(self, data: Any = None) -> Any:
        return FollowUpForm(data, initial={"on": clock.today()})

    def perform(self, form: Any) -> str:
        services.case_follow_up(case=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已记录回访。")


class ReferralForm(StyledForm):
    body = forms.ChoiceField(label=_("转介去向"), choices=Referral.Body.choices)
    receiving_body = forms.CharField(label=_("接收单位"), max_length=100)
    consent = forms.BooleanField(label=_("当事人同意转介"), required=False)
    override_reason = forms.CharField(
        label=_("未经同意转介的理由"),
        max_length=500,
        required=False,
        help_text=_("只有热线负责人可以在当事人未同意时转介（如人身安全受到威胁）。"),
    )
    follow_up_on = date_field(_("回访日期"), required=False)


class ReferralCreateView(CaseActionView):
    title = _("转介")
    fields_by_code = {"consent_or_override": "override_reason", "receiving_body_required": "receiving_body"}

    def make_form(self, data: Any = None) -> Any:
        return ReferralForm(data)

    def perform(self, form: Any) -> str:
        services.referral_create(case=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已登记转介。")


class ReferralMoveView(CaseActionView):
    model = Referral
    title = _("转介进展")
    fields_by_code = {"reason_required": "reason", "move_refused": "transition"}

    def make_form(self, data: Any = None) -> Any:
        return MoveForm(data, moves=REFERRAL_MACHINE.available(self.object))

    def facts(self) -> list[tuple[str, str]]:
        r: Referral = self.object
        return [(gettext("接收单位"), r.receiving_body), (gettext("状态"), r.get_status_display())]

    def perform(self, form: Any) -> str:
        services.referral_move(referral=self.object, acting_user=self.request.user, **form.cleaned_data)
        return gettext("已更新转介进展。")


@scoped_function(roles=STATS_ROLES)
def case_stats(request: HttpRequest) -> HttpResponse:
    """热线统计: counts by category, month, urgency and state, and referrals by body; no personal data."""
    federation_id = chosen_federation(request, STATS_ROLES)
    year = clock.today().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= year:
        year = int(raw)
    with confidential.system_scope("热线统计（只计数）"):
        cases = HotlineCase.objects.filter(federation_id=federation_id, received_on__year=year)  # type: ignore[misc]
        by_category = {r["category"]: r["n"] for r in cases.values("category").annotate(n=Count("id"))}
        by_status = {r["status"]: r["n"] for r in cases.values("status").annotate(n=Count("id"))}
        by_month = {
            r["received_on__month"]: r["n"]
            for r in cases.values("received_on__month").annotate(n=Count("id"))
        }
        urgent = cases.filter(urgent=True).count()
        referrals = Referral.objects.filter(federation_id=federation_id, referred_on__year=year)  # type: ignore[misc]
        by_body = {r["body"]: r["n"] for r in referrals.values("body").annotate(n=Count("id"))}
    return render(
        request,
        "duties/case_stats.html",
        {
            "year": year,
            "total": sum(by_category.values()),
            "urgent": urgent,
            "by_category": [
                (label, by_category.get(value, 0)) for value, label in HotlineCase.Category.choices
            ],
            "by_status": [(label, by_status.get(value, 0)) for value, label in HotlineCase.Status.choices],
            "by_month": [(m, by_month.get(m, 0)) for m in range(1, 13)],
            "by_body": [(label, by_body.get(value, 0)) for value, label in Referral.Body.choices],
        },
    )


SUPERVISORS = frozenset({Role.HOTLINE_SUPERVISOR})


class ExportForm(StyledForm):
    start = date_field(_("开始日期"))
    end = date_field(_("结束日期"))
    reason = forms.CharField(
        label=_("导出原因"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("导出的文件含来电人信息和情况记录：原因与件数记入审计日志，请妥善保管文件。"),
    )


@scoped_function(roles=SUPERVISORS)
def case_export(request: HttpRequest) -> HttpResponse:
    """导出个案内容: the contents of a period's cases as Excel, for hotline supervisors, with a reason."""
    federation_id = chosen_federation(request, SUPERVISORS)
    if federation_id is None:
        raise Http404
    today = clock.today()
    form = ExportForm(request.POST or None, initial={"start": today.replace(day=1), "end": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = services.case_export_rows(
                user=request.user,
                federation_id=federation_id,
                reason=d["reason"],
                start=d["start"],
                end=d["end"],
            )
        except ValidationError as refusal:
            add_refusal(
                form, refusal, {"reason_required": "reason", "range": "end", "not_supervisor": "reason"}
            )
        else:
            sheet = excel.Sheet(
                title=gettext("个案内容"),
                columns=[
                    excel.Column(gettext("编号"), 8),
                    excel.Column(gettext("登记日期"), 12, "date"),
                    excel.Column(gettext("渠道"), 8),
                    excel.Column(gettext("类别"), 12),
                    excel.Column(gettext("紧急"), 6),
                    excel.Column(gettext("状态"), 10),
                    excel.Column(gettext("来电人姓名"), 12),
                    excel.Column(gettext("联系电话"), 14),
                    excel.Column(gettext("住址"), 24),
                    excel.Column(gettext("情况"), 60),
                    excel.Column(gettext("结案日期"), 12, "date"),
                ],
                rows=rows,
            )
            name = f"{d['start']:%Y%m%d}-{d['end']:%Y%m%d}"
            return no_store(
                excel.xlsx_response(
                    excel.workbook_bytes([sheet]),
                    filename=gettext("个案内容-%(name)s.xlsx") % {"name": name},
                    ascii_name=f"cases-{name}.xlsx",
                )
            )
    return no_store(
        render(
            request,
            "core/action_form.html",
            {
                "form": form,
                "title": gettext("导出个案内容"),
                "object": gettext("来电来访个案"),
                "submit_label": gettext("导出 Excel"),
                "cancel_url": reverse("duties:case-list"),
            },
            status=400 if request.method == "POST" else 200,
        )
    )
