"""The document library and consultations over the API, scoped to the caller.

GET /api/v1/documents            the documents the caller may see (search with q, kind, item)
GET /api/v1/documents/{id}       a document: its versions the caller may read, the one in force in sections
GET /api/v1/consultations        the consultations the caller runs or is asked to comment on
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api import ErrorOut, PageIn, get_object, page_of, scoped_endpoint
from core.roles import BUSINESS_ROLES
from documents import selectors
from documents.models import Consultation, Document

router = Router(tags=["documents"])
consultations_router = Router(tags=["documents"])
READ_REFUSALS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ONE_REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    doc_number: str
    issuer: str
    items: list[int]


class DocumentPage(Schema):
    items: list[DocumentOut]
    count: int


class DocumentFilter(PageIn):
    q: str | None = Field(None, max_length=50)
    kind: str | None = Field(None, max_length=30)
    item: int | None = Field(None, ge=1, le=99)


class SectionOut(Schema):
    number: int
    heading: str
    text: str


class VersionOut(Schema):
    id: int
    label: str
    status: str
    effective_on: str | None
    published_on: str | None
    has_file: bool


class DocumentDetailOut(DocumentOut):
    summary: str
    versions: list[VersionOut]
    current_version: int | None
    sections: list[SectionOut]


class ConsultationOut(Schema):
    id: int
    document_id: int
    title: str
    status: str
    deadline: str
    opened_on: str
    concluded_on: str | None
    final_version: int | None


def document_dict(doc: Document) -> dict[str, object]:
    return {
        "id": doc.pk,
        "kind": doc.kind,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issuer": doc.issuer,
        "items": [g.number for g in doc.guided_items.all()],
    }


@router.get("", response={200: DocumentPage, **READ_REFUSALS})
@scoped_endpoint(roles=BUSINESS_ROLES, model=Document)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> dict[str, object]:
    """The documents the caller may see, searched by title or text (`q`), by kind, by the item they guide."""
    qs = selectors.document_list_for(
        request.user, q=filters.q or "", kind=filters.kind or "", item=filters.item
    )
    page = page_of(qs, filters)
    page["items"] = [document_dict(d) for d in page["items"]]
    return page


@router.get("/{id}", response={200: DocumentDetailOut, **ONE_REFUSALS})
@scoped_endpoint(roles=BUSINESS_ROLES, model=Document)
def get_document(request: HttpRequest, id: int) -> dict[str, object]:
    doc = get_object(request, Document, id)
    current = selectors.current_version(doc, request.user)
    return {
        **document_dict(doc),
        "summary": doc.summary,
        "versions": [
            {
                "id": v.pk,
                "label": v.label,
                "status": v.status,
                "effective_on": v.effective_on.isoformat() if v.effective_on else None,
                "published_on": v.published_on.isoformat() if v.published_on else None,
                "has_file": v.has_file,
            }
            for v in selectors.versions_for(request.user, doc)
        ],
        "current_version": current.pk if current else None,
        "sections": [
            {"number": s.number, "heading": s.heading, "text": s.text}
            for s in (list(current.sections.all()) if current else [])
        ],
    }


@consultations_router.get("", response={200: list[ConsultationOut], **READ_REFUSALS})
@scoped_endpoint(roles=BUSINESS_ROLES, model=Consultation)
def list_consultations(request: HttpRequest) -> list[dict[str, object]]:
    """The consultations the caller may see, newest first."""
    return [
        {
            "id": c.pk,
            "document_id": c.draft.document_id,
            "title": c.title,
            "status": c.status,
            "deadline": c.deadline.isoformat(),
            "opened_on": c.opened_on.isoformat(),
            "concluded_on": c.concluded_on.isoformat() if c.concluded_on else None,
            "final_version": c.final_version_id,
        }
        for c in selectors.consultations_for(request.user)[:200]
    ]
