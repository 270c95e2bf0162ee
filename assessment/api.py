"""The self-inspection over the API, scoped to the caller.

GET /api/v1/assessment/cycles                              the cycles the caller may see, newest first
GET /api/v1/assessment/cycles/{id}/units/{unit_id}         a unit's form with each item's result
GET /api/v1/assessment/highlights                          published highlights and the caller's own
GET /api/v1/assessment/rectifications                      rectification items in the caller's scope
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from assessment import selectors
from assessment.models import Cycle, SelfCheck
from core.api import ErrorOut, get_object, scoped_endpoint
from core.roles import Role

router = Router(tags=["assessment"])
ROLES = (Role.FEDERATION_STAFF, Role.UNIT_LIAISON)


class CycleOut(Schema):
    id: int
    year: int
    title: str
    deadline: str
    status: str
    template: str
    template_version: int


class EvidenceOut(Schema):
    label: str
    url: str


class ItemOut(Schema):
    number: int
    title: str
    kind: str
    score: float | None
    max_score: float
    status: str
    explanation: str
    evidence: list[EvidenceOut]


class FormOut(Schema):
    cycle: int
    unit_id: int
    unit: str
    status: str
    total: float
    max_total: float
    items: list[ItemOut]


@router.get("/cycles", response={200: list[CycleOut], 401: ErrorOut, 403: ErrorOut})
@scoped_endpoint(roles=ROLES, model=None)
def cycles(request: HttpRequest) -> list[dict[str, object]]:
    """The self-check cycles the caller may see (staff: their federation's; a liaison: those of their unit)."""
    return [
        {
            "id": c.pk,
            "year": c.year,
            "title": c.title,
            "deadline": c.deadline.isoformat(),
            "status": c.status,
            "template": c.template_name,
            "template_version": c.template_revision,
        }
        for c in selectors.cycles_for(request.user)
    ]


def form_of(request: HttpRequest, cycle_id: int, unit_id: int) -> SelfCheck:
    cycle = get_object(request, Cycle, cycle_id)
    selfcheck = (
        SelfCheck.objects.visible_to(request.user)
        .filter(cycle=cycle, unit_id=unit_id)
        .select_related("cycle", "unit", "unit__federation")
        .first()
    )
    if selfcheck is None:
        raise Http404
    return selfcheck


def form_dict(selfcheck: SelfCheck) -> dict[str, object]:
    view = selectors.form_view(selfcheck)
    return {
        "cycle": selfcheck.cycle_id,
        "unit_id": selfcheck.unit_id,
        "unit": selfcheck.unit.name,
        "status": selfcheck.status,
        "total": float(view.total.score),
        "max_total": float(view.total.max_score),
        "items": [
            {
                "number": line.item.number,
                "title": line.item.title,
                "kind": "auto" if line.item.automatic else "self",
                "score": None if line.result.score is None else float(line.result.score),
                "max_score": float(line.result.max_score),
                "status": str(line.result.status),
                "explanation": line.result.sentence,
                "evidence": [{"label": e.label, "url": e.url} for e in line.result.evidence]
                + [{"label": ev.label, "url": ev.url} for ev in (line.evidence or [])],
            }
            for line in view.lines
        ],
    }


@router.get(
    "/cycles/{id}/units/{unit_id}", response={200: FormOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
@scoped_endpoint(roles=ROLES, model=Cycle)
def unit_form(request: HttpRequest, id: int, unit_id: int) -> dict[str, object]:
    """A unit's form in a cycle: each item's score, the sentence that explains it and the records behind it."""
    return form_dict(form_of(request, id, unit_id))


@router.get(
    "/cycles/{id}/units/{unit_id}/report.pdf",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    openapi_extra={"responses": {"200": {"description": "PDF", "content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}}}}},
)
@scoped_endpoint(roles=ROLES, model=Cycle)
def unit_report(request: HttpRequest, id: int, unit_id: int) -> HttpResponse:
    """A unit's self-check report as PDF (Chinese text with an embedded CJK font)."""
    from assessment.views import report_pdf

    return report_pdf(form_of(request, id, unit_id))


class HighlightOut(Schema):
    id: int
    unit_id: int
    title: str
    text: str
    status: str
    submitted_on: str | None
    published_on: str | None
    cycle_id: int | None
    items: list[int]
    url: str


@router.get("/highlights", response={200: list[HighlightOut], 401: ErrorOut, 403: ErrorOut})
@scoped_endpoint(roles=ROLES, model=None)
def highlights(request: HttpRequest) -> list[dict[str, object]]:
    """Highlights (亮点工作信息) the caller may see: the published ones of the federation and the caller's own
    unit's (drafts included); the staff also see those submitted to them."""
    from django.urls import reverse

    return [
        {
            "id": h.pk,
            "unit_id": h.unit_id,
            "title": h.title,
            "text": h.text,
            "status": h.status,
            "submitted_on": h.submitted_on.isoformat() if h.submitted_on else None,
            "published_on": h.published_on.isoformat() if h.published_on else None,
            "cycle_id": h.cycle_id,
            "items": [i.number for i in h.items.all()],
            "url": reverse("assessment:highlight-detail", args=[h.pk]),
        }
        for h in selectors.highlights_api_for(request.user)
    ]


class RectificationOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    item: int
    item_title: str
    weakness: str
    measures: str
    owner: str
    deadline: str
    status: str
    closed_on: str | None


@router.get("/rectifications", response={200: list[RectificationOut], 401: ErrorOut, 403: ErrorOut})
@scoped_endpoint(roles=ROLES, model=None)
def rectifications(request: HttpRequest) -> list[dict[str, object]]:
    """Rectification items (整改) in the caller's scope (staff: their federation's; a liaison: her unit's),
    by deadline."""
    from assessment.models import Rectification

    rows = (
        Rectification.objects.visible_to(request.user)
        .select_related("item", "selfcheck")
        .order_by("deadline", "id")
    )
    return [
        {
            "id": r.pk,
            "cycle_id": r.selfcheck.cycle_id,
            "unit_id": r.unit_id,
            "item": r.item.number,
            "item_title": r.item.title,
            "weakness": r.weakness,
            "measures": r.measures,
            "owner": r.owner,
            "deadline": r.deadline.isoformat(),
            "status": r.status,
            "closed_on": r.closed_on.isoformat() if r.closed_on else None,
        }
        for r in rows
    ]
