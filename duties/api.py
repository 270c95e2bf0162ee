"""The duty system over the API, scoped like the pages: /api/v1/duties/... (executives, contact logs, the
roster, suggestions) and /api/v1/hotline/... (the confidential case log, its own router)."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from core.api import (
    BodyError,
    BodyIn,
    ErrorOut,
    PageIn,
    get_object,
    json_body,
    page_of,
    read_json_body,
    scoped_endpoint,
)
from core.confidential import reads_confidential
from core.models import ConcurrentEditError
from core.roles import Role
from duties import selectors, services
from duties.models import (
    ContactAssignment,
    ContactLog,
    DutySettings,
    Executive,
    HotlineCase,
    Shift,
    ShiftSwap,
    Suggestion,
)
from orgs.models import Federation

router = Router(tags=["duties"])
hotline_router = Router(tags=["hotline"])

DUTY_ROLES = (Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.UNIT_LIAISON, Role.EXECUTIVE)
LOG_ROLES = (Role.FEDERATION_STAFF, Role.EXECUTIVE)
REFUSALS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ExecutiveOut(Schema):
    id: int
    name: str
    board: str
    unit_id: int | None
    started_on: dt.date
    ended_on: dt.date | None


class ExecutivePage(Schema):
    items: list[ExecutiveOut]
    count: int


class ContactLogOut(Schema):
    id: int
    executive_id: int
    assignment_id: int
    contacted_on: dt.date
    way: str
    reached: bool
    subject: str
    follow_up_due: dt.date | None
    withdrawn: bool


class ContactLogPage(Schema):
    items: list[ContactLogOut]
    count: int


class ContactLogIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    assignment_id: int
    contacted_on: dt.date
    way: Literal["visit", "phone", "wechat", "meeting"]
    subject: str
    reached: bool = True
    notes: str = ""
    follow_up_due: dt.date | None = None


def _executive(e: Executive) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.person.name,
        "board": e.board,
        "unit_id": e.unit_id,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
    }


def _log(log: ContactLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "executive_id": log.executive_id,
        "assignment_id": log.assignment_id,
        "contacted_on": log.contacted_on,
        "way": log.way,
        "reached": log.reached,
        "subject": log.subject,
        "follow_up_due": log.follow_up_due,
        "withdrawn": log.withdrawn_on is not None,
    }


@router.get("/executives", response={200: ExecutivePage, **REFUSALS})
@scoped_endpoint(roles=DUTY_ROLES, model=None)
def executive_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """The executives the caller may see."""
    data = page_of(selectors.executives_for(request.user).order_by("pk"), page)
    return {"items": [_executive(e) for e in data["items"]], "count": data["count"]}


@router.get("/executives/{id}", response={200: ExecutiveOut, **REFUSALS})
@scoped_endpoint(roles=DUTY_ROLES, model=Executive)
def executive_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return _executive(get_object(request, Executive, id))


@router.get("/contact-logs", response={200: ContactLogPage, **REFUSALS})
@scoped_endpoint(roles=LOG_ROLES, model=None)
def contact_log_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """Contact logs the caller may see, newest first."""
    data = page_of(ContactLog.objects.visible_to(request.user).order_by("-contacted_on", "-pk"), page)
    return {"items": [_log(x) for x in data["items"]], "count": data["count"]}


@router.post(
    "/contact-logs",
    response={201: ContactLogOut, **REFUSALS, 415: ErrorOut},
    openapi_extra=json_body(ContactLogIn, description="一次联系群众记录"),
)
@scoped_endpoint(roles=LOG_ROLES, model=None)
def contact_log_create(request: HttpRequest) -> Status:
    """Records a contact on one of the caller's assignments (or, for staff, their federation's)."""
    payload = read_json_body(request, ContactLogIn)
    assignment = get_object(request, ContactAssignment, payload.assignment_id, "log")
    log = services.contact_log_record(
        assignment=assignment,
        contacted_on=payload.contacted_on,
        way=payload.way,
        subject=payload.subject,
        reached=payload.reached,
        notes=payload.notes,
        follow_up_due=payload.follow_up_due,
        acting_user=request.user,
    )
    return Status(201, _log(log))


@router.get("/contact-logs/{id}", response={200: ContactLogOut, **REFUSALS})
@scoped_endpoint(roles=LOG_ROLES, model=ContactLog)
def contact_log_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return _log(get_object(request, ContactLog, id))


# ------------------------------------------------------------------------------------------ roster
ROSTER_ROLES = (Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.EXECUTIVE)


class OnDutyOut(Schema):
    id: int
    name: str


class ShiftOut(Schema):
    id: int
    desk: str
    on: dt.date
    starts_at: str = Field(description="HH:MM（当地时间）")
    ends_at: str = Field(description="HH:MM（当地时间）")
    executive: OnDutyOut | None = Field(description="值班执委；空班为 null")
    checked_in: bool


class ShiftPage(Schema):
    items: list[ShiftOut]
    count: int


class SwapOut(Schema):
    id: int
    shift_id: int
    offered_by_id: int
    taken_by_id: int | None
    status: str


class SwapPage(Schema):
    items: list[SwapOut]
    count: int


class OfferIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    note: str = ""


class ShiftFilter(PageIn):
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月份 YYYY-MM")
    week: str | None = Field(
        None,
        pattern=r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$",
        description="ISO 周 YYYY-Www（与 month 同给时取交集）",
    )


def _shift(s: Shift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "desk": s.desk,
        "on": s.on,
        "starts_at": f"{s.starts_at:%H:%M}",
        "ends_at": f"{s.ends_at:%H:%M}",
        "executive": {"id": s.executive_id, "name": s.executive.person.name} if s.executive else None,
        "checked_in": s.checked_in_at is not None,
    }


def _swap(s: ShiftSwap) -> dict[str, Any]:
    return {
        "id": s.pk,
        "shift_id": s.shift_id,
        "offered_by_id": s.offered_by_id,
        "taken_by_id": s.taken_by_id,
        "status": s.status,
    }


@router.get("/shifts", response={200: ShiftPage, **REFUSALS})
@scoped_endpoint(roles=ROSTER_ROLES, model=None)
def shift_list(request: HttpRequest, filters: Query[ShiftFilter]) -> dict[str, Any]:
    """Shifts of the roster the caller may see, optionally of one month or one ISO week."""
    qs = (
        Shift.objects.visible_to(request.user)
        .select_related("executive__person")
        .order_by("on", "starts_at", "pk")
    )
    if filters.month:
        qs = qs.filter(on__range=selectors.month_bounds(filters.month))
    if filters.week:
        qs = qs.filter(on__range=selectors.week_bounds(filters.week))
    data = page_of(qs, filters)
    return {"items": [_shift(s) for s in data["items"]], "count": data["count"]}


@router.get("/shifts/{id}", response={200: ShiftOut, **REFUSALS})
@scoped_endpoint(roles=ROSTER_ROLES, model=Shift)
def shift_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return _shift(get_object(request, Shift, id))


@router.post(
    "/shifts/{id}/offer",
    response={201: SwapOut, **REFUSALS, 415: ErrorOut},
    openapi_extra=json_body(OfferIn, description="调班说明（可空）"),
)
@scoped_endpoint(roles=(Role.EXECUTIVE,), model=Shift, action="offer")
def shift_offer(request: HttpRequest, id: int) -> Status:
    """The executive on the shift offers it for a swap."""
    shift = get_object(request, Shift, id, "offer")
    payload = read_json_body(request, OfferIn)
    return Status(201, _swap(services.swap_offer(shift=shift, note=payload.note, acting_user=request.user)))


@router.get("/swaps", response={200: SwapPage, **REFUSALS})
@scoped_endpoint(roles=(Role.FEDERATION_STAFF, Role.EXECUTIVE), model=None)
def swap_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    data = page_of(ShiftSwap.objects.visible_to(request.user).order_by("-pk"), page)
    return {"items": [_swap(s) for s in data["items"]], "count": data["count"]}


@router.post("/swaps/{id}/take", response={200: SwapOut, **REFUSALS})
@scoped_endpoint(roles=(Role.EXECUTIVE,), model=ShiftSwap, action="take")
def swap_take(request: HttpRequest, id: int) -> dict[str, Any]:
    """Another executive of the federation takes an offered shift (staff then approve)."""
    swap = get_object(request, ShiftSwap, id, "take")
    mine = selectors.my_executive(request.user, swap.federation_id)
    if mine is None:
        raise ValidationError(services.MSG_NOT_EXECUTIVE, code="not_executive")
    return _swap(services.swap_take(swap=swap, executive=mine, acting_user=request.user))


@router.post("/swaps/{id}/approve", response={200: SwapOut, **REFUSALS})
@scoped_endpoint(roles=(Role.FEDERATION_STAFF,), model=ShiftSwap, action="approve")
def swap_approve(request: HttpRequest, id: int) -> dict[str, Any]:
    swap = get_object(request, ShiftSwap, id, "approve")
    return _swap(services.swap_approve(swap=swap, acting_user=request.user))


# ----------------------------------------------------------------------------------- hotline cases
CASE_ROLES = (Role.EXECUTIVE, Role.HOTLINE_SUPERVISOR)


class CaseIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    category: Literal[
        "marriage", "violence", "labour", "inheritance", "children", "psychology", "policy", "other"
    ]
    narrative: str
    urgent: bool = False
    channel: Literal["call", "visit"] = "call"
    caller_name: str = ""
    caller_phone: str = ""
    caller_address: str = ""
    federation_id: int | None = None


class CaseSummaryOut(Schema):
    id: int
    received_on: dt.date
    channel: str
    category: str
    urgent: bool
    status: str
    masked_identity: str


class CaseOut(CaseSummaryOut):
    caller_name: str
    caller_phone: str
    caller_address: str
    narrative: str


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int


def _case_summary(c: HotlineCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "received_on": c.received_on,
        "channel": c.channel,
        "category": c.category,
        "urgent": c.urgent,
        "status": c.status,
        "masked_identity": c.masked_identity,
    }


@reads_confidential("接口读取个案")
def _case_full(c: HotlineCase) -> dict[str, Any]:
    return {
        **_case_summary(c),
        "caller_name": c.caller_name,
        "caller_phone": c.caller_phone,
        "caller_address": c.caller_address,
        "narrative": c.narrative,
    }


@hotline_router.get("/cases", response={200: CasePage, **REFUSALS})
@scoped_endpoint(roles=CASE_ROLES, model=None)
def case_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """The cases the caller may read, identities masked (nothing decrypted)."""
    data = page_of(HotlineCase.objects.visible_to(request.user).order_by("-received_on", "-pk"), page)
    return {"items": [_case_summary(c) for c in data["items"]], "count": data["count"]}


@hotline_router.post(
    "/cases",
    response={201: CaseOut, **REFUSALS, 415: ErrorOut},
    openapi_extra=json_body(CaseIn, description="来电来访登记；调用者为接听人"),
)
@scoped_endpoint(roles=CASE_ROLES, model=None)
def case_create(request: HttpRequest) -> Status:
    """Registers a call or visit (the executive on duty or a hotline supervisor); returns it with its id."""
    from core.tenancy import federations_for

    payload = read_json_body(request, CaseIn)
    allowed = federations_for(request, CASE_ROLES)
    federation_id = (
        payload.federation_id if payload.federation_id is not None else (allowed[0] if allowed else None)
    )
    if federation_id not in allowed:
        raise Http404
    case = services.case_intake(
        federation=Federation.objects.get(pk=federation_id),
        category=payload.category,
        narrative=payload.narrative,
        urgent=payload.urgent,
        channel=payload.channel,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        caller_address=payload.caller_address,
        acting_user=request.user,
    )
    return Status(201, _case_full(case))


@hotline_router.get("/cases/{id}", response={200: CaseOut, **REFUSALS})
@scoped_endpoint(roles=CASE_ROLES, model=HotlineCase, action="read")
def case_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    """The case with its decrypted fields, to its taker and the supervisors (404 to everyone else); audited."""
    return _case_full(get_object(request, HotlineCase, id, "read"))


# ------------------------------------------------------------------------------------ suggestions
SUGGESTION_ROLES = (Role.FEDERATION_STAFF, Role.EXECUTIVE, Role.UNIT_LIAISON)


class SuggestionOut(Schema):
    id: int
    author_id: int
    title: str
    background: str
    proposal: str
    submitted_on: dt.date
    status: str
    lead_unit_id: int | None
    co_units: str
    reply_due: dt.date | None
    extended: bool
    result: str
    reply: str
    answered_on: dt.date | None
    rating: str


class SuggestionPage(Schema):
    items: list[SuggestionOut]
    count: int


class SuggestionFilter(PageIn):
    status: Literal["submitted", "accepted", "information", "assigned", "answered", "closed"] | None = None


class SuggestionIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    proposal: str
    background: str = ""
    federation_id: int | None = None


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.pk,
        "author_id": s.author_id,
        "title": s.title,
        "background": s.background,
        "proposal": s.proposal,
        "submitted_on": s.submitted_on,
        "status": s.status,
        "lead_unit_id": s.lead_unit_id,
        "co_units": s.co_units,
        "reply_due": s.reply_due,
        "extended": s.extended,
        "result": s.result,
        "reply": s.reply,
        "answered_on": s.answered_on,
        "rating": s.rating,
    }


@router.get("/suggestions", response={200: SuggestionPage, **REFUSALS})
@scoped_endpoint(roles=SUGGESTION_ROLES, model=None)
def suggestion_list(request: HttpRequest, filters: Query[SuggestionFilter]) -> dict[str, Any]:
    """The suggestions the caller may see (staff, the author, the lead department's liaison), newest first."""
    qs = Suggestion.objects.visible_to(request.user).order_by("-submitted_on", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    data = page_of(qs, filters)
    return {"items": [_suggestion(s) for s in data["items"]], "count": data["count"]}


@router.post(
    "/suggestions",
    response={201: SuggestionOut, **REFUSALS, 415: ErrorOut},
    openapi_extra=json_body(SuggestionIn, description="执委提交建言献策；调用者为提出人"),
)
@scoped_endpoint(roles=(Role.EXECUTIVE,), model=None)
def suggestion_create(request: HttpRequest) -> Status:
    """An executive submits a suggestion in one of her federations (the first when none is given)."""
    from core.tenancy import federations_for

    payload = read_json_body(request, SuggestionIn)
    allowed = federations_for(request, (Role.EXECUTIVE,))
    federation_id = (
        payload.federation_id if payload.federation_id is not None else (allowed[0] if allowed else None)
    )
    if federation_id not in allowed:
        raise Http404
    author = selectors.my_executive(request.user, federation_id)  # type: ignore[arg-type]
    if author is None:
        raise ValidationError(services.MSG_NOT_EXECUTIVE, code="not_executive")
    suggestion = services.suggestion_submit(
        author=author,
        title=payload.title,
        proposal=payload.proposal,
        background=payload.background,
        acting_user=request.user,
    )
    return Status(201, _suggestion(suggestion))


@router.get("/suggestions/{id}", response={200: SuggestionOut, **REFUSALS})
@scoped_endpoint(roles=SUGGESTION_ROLES, model=Suggestion)
def suggestion_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return _suggestion(get_object(request, Suggestion, id))


# ---------------------------------------------------------------------------- per-federation settings
SETTINGS_ROLES = (Role.FEDERATION_STAFF,)
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut, 415: ErrorOut}
VERSION_HELP = "读取时的版本号（尚未设置、使用默认值时为 0）；期间有人修改则返回 409"


def _bounded(name: str, required: bool = True) -> Any:
    low, high = services.SETTING_RANGES[name]
    return Field(... if required else None, ge=low, le=high, description=f"{low}–{high}")


class DutySettingsOut(Schema):
    federation_id: int
    no_contact_days: int = Field(description="未联系天数阈值")
    required_shifts: int = Field(description="每名执委每年应值班次数")
    case_retention_years: int = Field(description="个案内容保存年限")
    version: int = Field(description="版本号：修改时原样带回（尚未设置时为 0）")


class DutySettingsPut(BodyIn):
    version: int = Field(..., ge=0, le=2_147_483_647, description=VERSION_HELP)
    no_contact_days: int = _bounded("no_contact_days")
    required_shifts: int = _bounded("required_shifts")
    case_retention_years: int = _bounded("case_retention_years")


class DutySettingsPatch(BodyIn):
    version: int = Field(..., ge=0, le=2_147_483_647, description=VERSION_HELP)
    no_contact_days: int | None = _bounded("no_contact_days", required=False)
    required_shifts: int | None = _bounded("required_shifts", required=False)
    case_retention_years: int | None = _bounded("case_retention_years", required=False)


def _settings(row: Any) -> dict[str, Any]:
    return {
        "federation_id": row.federation_id,
        **{name: getattr(row, name) for name in services.SETTING_RANGES},
        "version": services.settings_version(row),
    }


def _federation_to_manage(request: HttpRequest, id: int) -> Federation:
    return get_object(request, Federation, id, "manage")


def _save_settings(request: HttpRequest, federation: Any, version: int, values: dict[str, Any]) -> Any:
    current = DutySettings.of(federation.pk)
    merged = {name: getattr(current, name) for name in services.SETTING_RANGES}
    merged.update({k: v for k, v in values.items() if v is not None})
    try:
        row = services.duty_settings_save(
            federation=federation, version=version, acting_user=request.user, **merged
        )
    except ConcurrentEditError:
        raise
    except ValidationError as refusal:
        field = str((refusal.params or {}).get("field", ""))
        message = "；".join(refusal.messages)
        detail = [{"loc": ["body", field], "msg": message, "type": refusal.code}] if field else None
        raise BodyError(422, message, detail=detail) from None
    return _settings(row)


@router.get("/settings/{id}", response={200: DutySettingsOut, **REFUSALS})
@scoped_endpoint(roles=SETTINGS_ROLES, model=Federation, action="manage")
def duty_settings_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    """A federation's duty settings (`id`: the federation's id), with the version to send back when
    changing them; the federation's staff only (another federation: 404)."""
    return _settings(DutySettings.of(_federation_to_manage(request, id).pk))


@router.put(
    "/settings/{id}",
    response={200: DutySettingsOut, **WRITE_REFUSALS},
    openapi_extra=json_body(DutySettingsPut, description="全部三项设置与读取时的版本号"),
)
@scoped_endpoint(roles=SETTINGS_ROLES, model=Federation, action="manage")
def duty_settings_replace(request: HttpRequest, id: int) -> dict[str, Any]:
    """Sets all three settings; 409 if someone changed them since `version` was read."""
    federation = _federation_to_manage(request, id)
    payload = read_json_body(request, DutySettingsPut)
    return _save_settings(request, federation, payload.version, payload.model_dump(exclude={"version"}))


@router.patch(
    "/settings/{id}",
    response={200: DutySettingsOut, **WRITE_REFUSALS},
    openapi_extra=json_body(DutySettingsPatch, description="要修改的设置与读取时的版本号"),
)
@scoped_endpoint(roles=SETTINGS_ROLES, model=Federation, action="manage")
def duty_settings_update(request: HttpRequest, id: int) -> dict[str, Any]:
    """Changes the settings given (the others stay); 409 if someone changed them since `version` was read."""
    federation = _federation_to_manage(request, id)
    payload = read_json_body(request, DutySettingsPatch)
    return _save_settings(request, federation, payload.version, payload.model_dump(exclude={"version"}))
