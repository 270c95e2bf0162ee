"""Scoped reads of the document library and its consultations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core import clock
from documents.models import (
    Comment,
    Consultation,
    Document,
    DocumentSection,
    DocumentVersion,
    GuidedItem,
    HandlingNote,
)


def document_list_for(
    user: Any, *, q: str = "", kind: str = "", item: int | None = None
) -> QuerySet[Document]:
    """The documents the user may see, searched by title, number or text of a version they may read."""
    docs = Document.objects.visible_to(user)
    if kind:
        docs = docs.filter(kind=kind)
    if item is not None:
        docs = docs.filter(guided_items__number=item)
    q = q.strip()
    if q:
        readable = DocumentVersion.objects.visible_to(user).filter(body__icontains=q).values("document_id")
        docs = docs.filter(
            Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(summary__icontains=q) | Q(pk__in=readable)
        )
    return docs.prefetch_related("guided_items").distinct()


def versions_for(user: Any, document: Document) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.visible_to(user).filter(document=document).order_by("-id")


def current_version(document: Document, user: Any = None) -> DocumentVersion | None:
    """The version in force: the newest published one already effective, else the newest published one."""
    published = DocumentVersion.objects.filter(document=document, status=DocumentVersion.Status.PUBLISHED)
    if user is not None:
        published = published & DocumentVersion.objects.visible_to(user)
    today = clock.today()
    return (
        published.filter(effective_on__lte=today).order_by("-effective_on", "-id").first()
        or published.order_by("-effective_on", "-id").first()
    )


@dataclass(frozen=True)
class GuidanceLink:
    """A link under an evaluation item (assessment.registry.item_guidance): `source` names what it is."""

    label: str
    url: str
    source: str = ""


def guidance_by_item(user: Any, federation_id: int) -> dict[int, list[GuidanceLink]]:
    """Item number -> the published documents guiding it that the user may read (one query)."""
    from django.urls import reverse
    from django.utils.translation import gettext

    source = gettext("指导文件")
    rows = (
        GuidedItem.objects.visible_to(user)
        .filter(federation_id=federation_id)
        .select_related("document")
        .order_by("number", "document__kind", "document__title")
    )
    out: dict[int, list[GuidanceLink]] = {}
    for row in rows:
        out.setdefault(row.number, []).append(
            GuidanceLink(
                label=row.document.title,
                url=reverse("documents:detail", args=[row.document_id]),
                source=source,
            )
        )
    return out


def consultations_for(user: Any) -> QuerySet[Consultation]:
    return Consultation.objects.visible_to(user).select_related("draft__document")


@dataclass
class SectionSummary:
    """One section of a draft with the comments on it and, once concluded, how they were handled."""

    section: DocumentSection
    comments: list[Comment] = field(default_factory=list)
    note: HandlingNote | None = None

    @property
    def count(self) -> int:
        return len(self.comments)


def summary_of(consultation: Consultation) -> list[SectionSummary]:
    """Every section of the draft with its comments (for staff; three queries)."""
    notes = {n.section_id: n for n in HandlingNote.objects.filter(consultation=consultation)}
    sections = consultation.draft.sections.prefetch_related(
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(consultation=consultation).select_related("unit").order_by("id"),
            to_attr="the_comments",
        )
    )
    return [SectionSummary(s, list(s.the_comments), notes.get(s.pk)) for s in sections]


def comment_counts(consultation: Consultation) -> Counter[int]:
    """Section number -> comments received."""
    return Counter(consultation.comments.values_list("section__number", flat=True))


def own_comments(user: Any, consultation: Consultation) -> list[Comment]:
    return list(
        Comment.objects.visible_to(user)
        .filter(consultation=consultation, author_id=getattr(user, "pk", None))
        .select_related("section")
    )
