"""The duty system over the API (/api/v1/duties/...), scoped like the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from core.api import ErrorOut, PageIn, get_object, json_body, page_of, read_json_body, scoped_endpoint
from core.roles import Role
from duties import selectors, services
from duties.models import ContactAssignment, ContactLog, Executive

router = Router(tags=["duties"])

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


class ContactLogIn(Schema):
    assignment_id: int
    contacted_on: dt.date
    way: ContactLog.Way
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
