"""The reception roster (值班表): the month's shifts at the 12338 hotline and the reception desk, sign-ups,
check-in, swaps (offered by the executive on a shift, taken by another, approved by staff), Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock, excel
from core.forms import StyledForm, add_refusal, date_field, reason_field
from core.roles import Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import ObjectActionView, public, scoped_function
from duties import selectors, services
from duties.models import Executive, Shift, ShiftSwap
from orgs.models import Federation

ROSTER_ROLES = frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.EXECUTIVE})
STAFF = frozenset({Role.FEDERATION_STAFF})
MSG_NOT_EXECUTIVE = services.MSG_NOT_EXECUTIVE
my_executive = selectors.my_executive


def _executives_in_office(user: Any, federation_id: int) -> Any:
    return (
        Executive.objects.changeable_by(user)
        .filter(federation_id=federation_id, ended_on__isnull=True)
        .select_related("person")
        .order_by("person__name")
    )


@scoped_function(roles=ROSTER_ROLES)
def roster(request: HttpRequest) -> HttpResponse:
    """值班表: a month's shifts (or, with `?week=2024-W10`, a week's, day by day), what the user may do with
    each, and the swaps waiting."""
    federation_id = chosen_federation(request, ROSTER_ROLES)
    weekly = "week" in request.GET
    if weekly:
        start, end = selectors.week_bounds(request.GET.get("week", ""))
    else:
        start, end = selectors.month_bounds(request.GET.get("month", ""))
    today = clock.today()
    shifts = selectors.roster(request.user, federation_id, start, end) if federation_id else []
    swaps = selectors.open_swaps(request.user, federation_id) if federation_id else []
    mine = my_executive(request.user, federation_id) if federation_id else None
    is_staff = federation_id is not None and scope_for(request.user).has_in(
        federation_id, Role.FEDERATION_STAFF
    )
    swapping = {s.shift_id for s in swaps}
    rows: list[dict[str, Any]] = []
    for shift in shifts:
        own = mine is not None and shift.executive_id == mine.pk
        rows.append(
            {
                "shift": shift,
                "own": own,
                "can_sign_up": mine is not None and shift.executive_id is None and shift.on >= today,
                "can_check_in": own and shift.on == today and shift.checked_in_at is None,
                "can_offer": own
                and shift.on >= today
                and shift.checked_in_at is None
                and shift.pk not in swapping,
                "no_show": shift.executive_id is not None
                and shift.on < today
                and shift.checked_in_at is None,
            }
        )
    swap_rows = [
        {
            "swap": s,
            "can_take": mine is not None and s.status == "offered" and s.offered_by_id != mine.pk,
            "can_approve": is_staff and s.status == "taken",
            "can_withdraw": mine is not None and s.status == "offered" and s.offered_by_id == mine.pk,
        }
        for s in swaps
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "swaps": swap_rows,
        "start": start,
        "end": end,
        "is_staff": is_staff,
        "mine": mine,
        "today": today,
        "weekly": weekly,
        # The other view of the same time: the month of the week's Monday, the first week of the month
        # (or this week, when the month is the current one).
        "month": start.strftime("%Y-%m"),
        "week": selectors.iso_week(today if start <= today <= end else start),
    }
    if weekly:
        by_day: dict[dt.date, list[dict[str, Any]]] = {start + dt.timedelta(days=i): [] for i in range(7)}
        for row in rows:
            by_day[row["shift"].on].append(row)
        context |= {
            "days": list(by_day.items()),
            "prev": selectors.iso_week(start - dt.timedelta(days=7)),
            "next": selectors.iso_week(start + dt.timedelta(days=7)),
        }
    else:
        context |= {
            "prev": (start - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": (end + dt.timedelta(days=1)).strftime("%Y-%m"),
        }
    return render(request, "duties/roster.html", context)


@scoped_function(roles=STAFF)
def roster_export(request: HttpRequest) -> HttpResponse:
    """The month's roster as an Excel workbook (core.excel)."""
    federation_id = chosen_federation(request, STAFF)
    start, end = selectors.month_bounds(request.GET.get("month", ""))
    shifts = selectors.roster(request.user, federation_id, start, end) if federation_id else []
    today = clock.today()

    def state(s: Shift) -> str:
        if s.executive_id is None:
            return gettext("空班")
        if s.checked_in_at:
            return gettext("已签到")
        return gettext("未到岗") if s.on < today else gettext("待值班")

    sheet = excel.Sheet(
        title=gettext("值班表"),
        columns=[
            excel.Column(gettext("日期"), 12, "date"),
            excel.Column(gettext("时段"), 14),
            excel.Column(gettext("岗位"), 14),
            excel.Column(gettext("值班执委"), 14),
            excel.Column(gettext("状态"), 10),
        ],
        rows=(
            [
                s.on,
                f"{s.starts_at:%H:%M}–{s.ends_at:%H:%M}",
                s.get_desk_display(),
                s.executive.person.name if s.executive else "",
                state(s),
            ]
            for s in shifts
        ),
        preamble=[[excel.Cell(gettext("值班表 %(month)s") % {"month": start.strftime("%Y-%m")}, "title")]],
    )
    name = start.strftime("%Y-%m")
    return excel.xlsx_response(
        excel.workbook_bytes([sheet]), filename=f"值班表{name}.xlsx", ascii_name=f"roster-{name}.xlsx"
    )


class ShiftForm(StyledForm):
    on = date_field(_("值班日期"))
    desk = forms.ChoiceField(label=_("岗位"), choices=Shift.Desk.choices)
    starts_at = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    executive: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("值班执委"),
        queryset=None,
        required=False,  # type: ignore[arg-type]
        help_text=_("留空即为空班，执委可自行报名。"),
    )

    def __init__(self, data: Any = None, *, executives: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["executive"].queryset = executives  # type: ignore[attr-defined]


SHIFT_FIELDS = {
    "shift_times": "ends_at",
    "not_in_office": "executive",
    "double_booked": "executive",
    "other_federation": "executive",
    "shift_past": "executive",
}


@scoped_function(roles=STAFF)
def shift_publish(request: HttpRequest) -> HttpResponse:
    """Staff publish a shift on the roster."""
    federation_id = chosen_federation(request, STAFF)
    federation = Federation.objects.visible_to(request.user).filter(pk=federation_id).first()  # type: ignore[misc]
    if federation is None:
        raise Http404
    form = ShiftForm(
        request.POST or None,
        executives=_executives_in_office(request.user, federation.pk),
        initial={"starts_at": "09:00", "ends_at": "12:00"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.shift_publish(
                federation=federation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            add_refusal(form, refusal, SHIFT_FIELDS)
        else:
            messages.success(request, gettext("已发布班次。"))
            return redirect(reverse("duties:roster") + f"?month={shift.on:%Y-%m}")
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("发布班次"),
            "object": federation,
            "submit_label": gettext("发布"),
            "cancel_url": reverse("duties:roster"),
        },
        status=400 if request.method == "POST" else 200,
    )


class RosterActionView(ObjectActionView):
    model: Any = Shift

    def shift(self) -> Shift:
        return self.object if isinstance(self.object, Shift) else self.object.shift

    def get_success_url(self) -> str:
        return reverse("duties:roster") + f"?month={self.shift().on:%Y-%m}"

    def facts(self) -> list[tuple[str, str]]:
        s = self.shift()
        return [
            (
                gettext("班次"),
                f"{s.on.isoformat()} {s.starts_at:%H:%M}–{s.ends_at:%H:%M} {s.get_desk_display()}",
            ),
            (gettext("值班执委"), s.executive.person.name if s.executive else gettext("空班")),
        ]

    def extra_context(self) -> dict[str, Any]:
        return {"breadcrumbs": [(gettext("值班表"), self.get_success_url())]}

    def acting_executive(self) -> Executive:
        mine = my_executive(self.request.user, self.object.federation_id)
        if mine is None:
            raise ValidationError(MSG_NOT_EXECUTIVE, code="not_executive")
        return mine


class ShiftAssignView(RosterActionView):
    title = _("安排值班")
    submit_label = _("保存")
    fields_by_code = SHIFT_FIELDS

    class Form(StyledForm):
        executive = forms.ModelChoiceField(label=_("值班执委"), queryset=None)  # type: ignore[arg-type, var-annotated]

    def make_form(self, data: Any = None) -> Any:
        form = self.Form(data)
        form.fields["executive"].queryset = _executives_in_office(  # type: ignore[attr-defined]
            self.request.user, self.object.federation_id
        )
        return form

    def perform(self, form: Any) -> str:
        services.shift_assign(
            shift=self.object, executive=form.cleaned_data["executive"], acting_user=self.request.user
        )
        return gettext("已安排值班。")


class ShiftSignUpView(RosterActionView):
    action = "sign_up"
    title = _("报名值班")
    submit_label = _("报名")

    def perform(self, form: Any) -> str:
        services.shift_sign_up(
            shift=self.object, executive=self.acting_executive(), acting_user=self.request.user
        )
        return gettext("已报名值班。")


class ShiftCheckInView(RosterActionView):
    action = "check_in"
    title = _("值班签到")
    submit_label = _("签到")

    def perform(self, form: Any) -> str:
        services.shift_check_in(shift=self.object, acting_user=self.request.user)
        return gettext("已签到。")


class SwapOfferView(RosterActionView):
    action = "offer"
    title = _("申请调班")
    intro = _("其他执委接班并经工作人员批准后，班次改由接班执委值班；班次开始前无人接班，申请自动失效。")
    submit_label = _("提出调班")

    class Form(StyledForm):
        note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        services.swap_offer(shift=self.object, note=form.cleaned_data["note"], acting_user=self.request.user)
        return gettext("已提出调班，等待其他执委接班。")


class SwapTakeView(RosterActionView):
    model = ShiftSwap
    action = "take"
    title = _("接班")
    submit_label = _("接班")

    def perform(self, form: Any) -> str:
        services.swap_take(swap=self.object, executive=self.acting_executive(), acting_user=self.request.user)
        return gettext("已接班，等待工作人员批准。")


class SwapApproveView(RosterActionView):
    model = ShiftSwap
    action = "approve"
    title = _("批准调班")
    submit_label = _("批准")

    def facts(self) -> list[tuple[str, str]]:
        taker = self.object.taken_by
        return [*super().facts(), (gettext("接班执委"), taker.person.name if taker else "—")]

    def perform(self, form: Any) -> str:
        services.swap_approve(swap=self.object, acting_user=self.request.user)
        return gettext("已批准调班。")


class SwapRejectView(RosterActionView):
    model = ShiftSwap
    action = "approve"
    title = _("不批准调班")
    submit_label = _("不批准")
    danger = True
    fields_by_code = {"reason_required": "reason"}

    class Form(StyledForm):
        reason = reason_field()

    def make_form(self, data: Any = None) -> Any:
        return self.Form(data)

    def perform(self, form: Any) -> str:
        services.swap_reject(
            swap=self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )
        return gettext("已退回调班申请。")


class SwapWithdrawView(RosterActionView):
    model = ShiftSwap
    action = "withdraw"
    title = _("撤回调班")
    submit_label = _("撤回")

    def perform(self, form: Any) -> str:
        services.swap_withdraw(swap=self.object, acting_user=self.request.user)
        return gettext("已撤回调班申请。")


# ------------------------------------------------------------------------------ calendar feed
@scoped_function(roles={Role.EXECUTIVE})
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """订阅值班日历: the executive's secret feed address, issued (shown once), renewed or stopped."""
    from duties.models import CalendarFeed

    federation_id = chosen_federation(request, {Role.EXECUTIVE})
    executive = selectors.my_executive(request.user, federation_id) if federation_id else None
    if executive is None:
        return render(request, "duties/not_executive.html")
    ctx: dict[str, Any] = {"executive": executive}
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            services.calendar_feed_revoke(executive=executive, acting_user=request.user)
            messages.success(request, gettext("已停用日历订阅地址。"))
            return redirect("duties:calendar")
        _, token = services.calendar_feed_issue(executive=executive, acting_user=request.user)
        ctx["feed_url"] = request.build_absolute_uri(reverse("duties:calendar-ics", args=[token]))
    ctx["active"] = (
        CalendarFeed.objects.visible_to(request.user)
        .filter(executive=executive, revoked_at__isnull=True)
        .first()
    )
    response = render(request, "duties/calendar_feed.html", ctx)
    add_never_cache_headers(response)
    return response


@public
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The roster feed of the token's executive (text/calendar); a revoked or unknown token is 404."""
    from django.utils import timezone

    from duties.models import CalendarFeed

    feed = selectors.feed_for_token(token)
    if feed is None or feed.executive.ended_on is not None:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    response = HttpResponse(selectors.roster_ics(feed.executive), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roster.ics"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


calendar_ics.jinguo_example_kwargs = {"token": "x" * 43}  # type: ignore[attr-defined]
