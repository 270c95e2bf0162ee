"""Units over the API, scoped to the caller."""


import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from core.api import ErrorOut, scoped_endpoint
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


class UnitFilter(Schema):
    q: str | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


@router.get("", response={200: UnitPage, 401: ErrorOut, 403: ErrorOut})
@scoped_endpoint(model=Unit)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, object]:
    qs = selectors.unit_list_for(request.user, q=filters.q, status=filters.status)
    limit = max(1, min(filters.limit, 200))
    offset = max(0, filters.offset)
    return {"items": list(qs[offset : offset + limit]), "count": qs.count()}


@router.get("/{id}", response={200: UnitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
@scoped_endpoint(model=Unit)
def get_unit(request: HttpRequest, id: int) -> Unit:
    return selectors.unit_get_for(request.user, id)
