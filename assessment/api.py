"""The self-inspection over the API, scoped to the caller.

GET /api/v1/assessment/cycles                              the cycles the caller may see, newest first
GET /api/v1/assessment/cycles/{id}/units/{unit_id}         a unit's form with each item's result
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
