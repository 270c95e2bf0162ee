"""Units over the API, scoped to the caller."""


import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from core.api import ErrorOut, PageIn, page_of, scoped_endpoint
from orgs import selectors
from orgs.models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    successor_id: int | None
    requires_committee: bool
    female_staff_count: int | None
    federation_id: int


class UnitPage(Schema):
    items: list[UnitOut]
    count: int


class UnitFilter(PageIn):
    q: str | None = None
    status: Literal["active", "dissolved"] | None = None


@router.get("", response={200: UnitPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
@scoped_endpoint(model=Unit)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, object]:
    qs = selectors.unit_list_for(request.user, q=filters.q, status=filters.status)
    return page_of(qs, filters)


@router.get("/{id}", response={200: UnitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
@scoped_endpoint(model=Unit)
def get_unit(request: HttpRequest, id: int) -> Unit:
    return selectors.unit_get_for(request.user, id)
