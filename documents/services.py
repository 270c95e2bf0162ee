"""Writes of the document library and its consultations, each in one transaction, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.roles import BUSINESS_ROLES, Role
from documents.models import (
    CONSULTATION_MACHINE,
    Comment,
    Consultation,
    Document,
    DocumentSection,
    DocumentVersion,
    GuidedItem,
    HandlingNote,
)
from documents.text import split_sections

MSG_TITLE = _("请填写文件标题。")
MSG_LABEL = _("请填写版本名称，例如“2020 年版”或“征求意见稿”。")
MSG_BODY = _("请填写正文，或上传文件。")
MSG_ITEMS = _("评估项目序号须为 1 到 99 之间的整数。")
MSG_FILE_REFUSED = _("文件未通过检查：%(reason)s")
MSG_NOT_DRAFT = _("只有草稿版本可以发布或征求意见。")
MSG_DEADLINE_PAST = _("征求意见截止日期不能早于今天。")
MSG_NO_AUDIENCE = _("请至少选择一个征求意见的单位或角色。")
MSG_BAD_ROLE = _("所选角色无效。")
MSG_UNIT_ELSEWHERE = _("所选单位不属于本妇联或已撤销。")
MSG_NO_SECTIONS = _("征求意见稿没有可供提意见的正文章节，请先填写正文。")
MSG_CLOSED = _("征求意见已结束，不能再提交意见。")
MSG_DEADLINE_PASSED = _("征求意见已于 %(deadline)s 截止，不能再提交意见。")
MSG_COMMENT_EMPTY = _("请填写意见内容。")
MSG_SECTION_ELSEWHERE = _("所选章节不属于本次征求意见稿。")
MSG_NOTE_MISSING = _("第 %(number)s 部分“%(heading)s”收到意见，请填写处理结果和处理说明。")
MSG_BAD_OUTCOME = _("处理结果无效。")
MSG_FINAL_BODY = _("请填写正式版本的正文。")

FILE_KINDS = ("pdf", "docx", "xlsx", "png", "jpeg")
MAX_GUIDED_NUMBER = 99


def private_dir() -> Path:
    """Where document files are kept: outside the web root (a scoped view streams a file)."""
    return Path(getattr(settings, "JINGUO_PRIVATE_DIR", Path(settings.VAR_DIR) / "private")) / "documents"


def _store_private(data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = private_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return relative, digest


def _clean_numbers(numbers: Iterable[Any]) -> list[int]:
    clean: set[int] = set()
    for raw in numbers:
        try:
            n = int(raw)
        except (TypeError, ValueError):
            raise ValidationError(MSG_ITEMS, code="items") from None
        if not 1 <= n <= MAX_GUIDED_NUMBER:
            raise ValidationError(MSG_ITEMS, code="items")
        clean.add(n)
    return sorted(clean)


def _set_guided(document: Document, numbers: list[int]) -> None:
    GuidedItem.objects.filter(document=document).exclude(number__in=numbers).delete()
    have = set(GuidedItem.objects.filter(document=document).values_list("number", flat=True))
    GuidedItem.objects.bulk_create(
        GuidedItem(federation_id=document.federation_id, document=document, number=n)
        for n in numbers
        if n not in have
    )


@audit.action("documents.document_create", label=_("新建文件"))
@transaction.atomic
def document_create(
    *,
    federation_id: int,
    title: str,
    kind: str = Document.Kind.OTHER,
    doc_number: str = "",
    issuer: str = "",
    summary: str = "",
    item_numbers: Iterable[Any] = (),
    acting_user: Any = None,
) -> Document:
    """A document of the federation's library, with the evaluation-form items it guides."""
    title = title.strip()
    if not title:
        raise ValidationError(MSG_TITLE, code="title")
    numbers = _clean_numbers(item_numbers)
    with audit.attributed_to(acting_user):
        document = Document(
            federation_id=federation_id,
            kind=kind,
            title=title[:200],
            doc_number=doc_number.strip()[:60],
            issuer=issuer.strip()[:100],
            summary=summary.strip(),
        )
        document.save()
        _set_guided(document, numbers)
    return document


@audit.action("documents.document_update", target="document", label=_("修改文件信息"))
@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    doc_number: str = "",
    issuer: str = "",
    summary: str = "",
    item_numbers: Iterable[Any] = (),
    acting_user: Any = None,
) -> Document:
    title = title.strip()
    if not title:
        raise ValidationError(MSG_TITLE, code="title")
    numbers = _clean_numbers(item_numbers)
    with audit.attributed_to(acting_user):
        document.title, document.kind = title[:200], kind
        document.doc_number, document.issuer = doc_number.strip()[:60], issuer.strip()[:100]
        document.summary = summary.strip()
        document.save()
        _set_guided(document, numbers)
    return document


def _write_sections(version: DocumentVersion) -> list[DocumentSection]:
    DocumentSection.objects.filter(version=version).delete()
    return DocumentSection.objects.bulk_create(
        DocumentSection(
            federation_id=version.federation_id,
            version=version,
            number=s.number,
            heading=s.heading[:200],
            text=s.text,
        )
        for s in split_sections(version.body)
    )


@audit.action("documents.version_add", target="document", label=_("新增文件版本"))
@transaction.atomic
def version_add(
    *,
    document: Document,
    label: str,
    body: str = "",
    effective_on: dt.date | None = None,
    note: str = "",
    upload: Any = None,
    publish: bool = False,
    acting_user: Any = None,
) -> DocumentVersion:
    """A new version of a document: a draft (to publish or consult on later) or published at once. Its body
    is split into numbered sections; a file is checked by its content and size (core.uploads)."""
    from core.uploads import DOCUMENT_KINDS, UploadRefused, check_document

    label = label.strip()
    if not label:
        raise ValidationError(MSG_LABEL, code="label")
    if not body.strip() and upload is None:
        raise ValidationError(MSG_BODY, code="body")
    version = DocumentVersion(
        federation_id=document.federation_id,
        document=document,
        label=label[:60],
        body=body.strip(),
        effective_on=effective_on,
        note=note.strip(),
    )
    if upload is not None:
        try:
            data, kind = check_document(upload, kinds=FILE_KINDS)
        except UploadRefused as refused:
            raise ValidationError(MSG_FILE_REFUSED, code="file", params={"reason": refused.message}) from None
        relative, digest = _store_private(data)
        version.path, version.sha256, version.file_kind = relative, digest, kind
        version.original_name = (
            str(getattr(upload, "name", "") or f"document.{kind}").replace("/", "_").replace("\\", "_")[-200:]
        )
        version.content_type, version.size = DOCUMENT_KINDS[kind][1], len(data)
    with audit.attributed_to(acting_user):
        version.save()
        _write_sections(version)
        if publish:
            _publish(version)
    return version


def _publish(version: DocumentVersion) -> None:
    version.status = DocumentVersion.Status.PUBLISHED
    version.published_on = clock.today()
    if version.effective_on is None:
        version.effective_on = version.published_on
    version.save()


@audit.action("documents.version_publish", target="version", label=_("发布文件版本"))
@transaction.atomic
def version_publish(*, version: DocumentVersion, acting_user: Any = None) -> DocumentVersion:
    if version.status != DocumentVersion.Status.DRAFT:
        raise ValidationError(MSG_NOT_DRAFT, code="status")
    with audit.attributed_to(acting_user):
        _publish(version)
    return version


# ---- consultations (征求意见) -------------------------------------------------------------------------


def audience_roles() -> list[str]:
    """The roles a consultation may be addressed to (business roles, staff aside: they run it)."""
    return [r for r in Role.values if r in BUSINESS_ROLES and r != Role.FEDERATION_STAFF]


def audience_users(consultation: Consultation) -> list[Any]:
    """The active accounts a consultation is addressed to: holders of its roles in its federation, the
    liaisons of its units and the accounts of people working in them."""
    from django.db.models import Q

    from accounts.models import RoleAssignment, User

    unit_ids = list(consultation.units.values_list("pk", flat=True))
    by_role = RoleAssignment.objects.filter(federation_id=consultation.federation_id).filter(
        Q(role__in=consultation.role_list) | Q(role=Role.UNIT_LIAISON, unit_id__in=unit_ids)
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=by_role.values("user_id")) | Q(person__unit_id__in=unit_ids))
        .filter(
            role_assignments__federation_id=consultation.federation_id,
            role_assignments__role__in=BUSINESS_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


@audit.action("documents.consultation_open", target="version", label=_("发布征求意见稿"))
@transaction.atomic
def consultation_open(
    *,
    version: DocumentVersion,
    deadline: dt.date,
    roles: Iterable[str] = (),
    unit_ids: Iterable[int] = (),
    title: str = "",
    intro: str = "",
    acting_user: Any = None,
    email: bool = True,
) -> Consultation:
    """Publishes a draft version for comment (征求意见稿) to the chosen roles and units until `deadline`, and
    tells them so (in the app, and by e-mail unless `email` is false, as the demo asks)."""
    from core.notify import notify
    from orgs.models import Unit

    if version.status != DocumentVersion.Status.DRAFT:
        raise ValidationError(MSG_NOT_DRAFT, code="status")
    today = clock.today()
    if deadline < today:
        raise ValidationError(MSG_DEADLINE_PAST, code="deadline")
    roles = sorted(set(roles))
    if any(r not in audience_roles() for r in roles):
        raise ValidationError(MSG_BAD_ROLE, code="roles")
    wanted = set(unit_ids)
    units = list(Unit.objects.filter(federation_id=version.federation_id, pk__in=wanted).active_on(today))
    if len(units) != len(wanted):
        raise ValidationError(MSG_UNIT_ELSEWHERE, code="units")
    if not roles and not units:
        raise ValidationError(MSG_NO_AUDIENCE, code="audience")
    if not version.sections.exists():
        raise ValidationError(MSG_NO_SECTIONS, code="body")
    with audit.attributed_to(acting_user):
        version.status = DocumentVersion.Status.CONSULTATION
        version.save()
        consultation = Consultation(
            federation_id=version.federation_id,
            draft=version,
            title=(title.strip() or f"{version.document.title}（{version.label}）")[:200],
            intro=intro.strip(),
            deadline=deadline,
            roles="," + ",".join(roles) + "," if roles else "",
            opened_on=today,
        )
        consultation.save()
        consultation.units.set(units)
    url = reverse("documents:consultation-detail", args=[consultation.pk])
    for user in audience_users(consultation):
        notify(
            recipient=user,
            federation_id=consultation.federation_id,
            kind="consultation_open",
            title=gettext("征求意见：%(title)s（%(deadline)s 截止）")
            % {"title": consultation.title, "deadline": deadline.isoformat()},
            dedup_key=f"consultation-open:{consultation.pk}",
            url=url,
            email=email,
        )
    return consultation


def comment_refusal(consultation: Consultation, today: dt.date | None = None) -> ValidationError | None:
    """Why a comment cannot be made now (closed, or past the deadline), or None."""
    today = today or clock.today()
    if consultation.status != Consultation.Status.OPEN:
        return ValidationError(MSG_CLOSED, code="closed")
    if today > consultation.deadline:
        return ValidationError(
            MSG_DEADLINE_PASSED, code="deadline", params={"deadline": consultation.deadline.isoformat()}
        )
    return None


@audit.action("documents.comment_add", target="consultation", label=_("提交意见"))
@transaction.atomic
def comment_add(*, consultation: Consultation, section_id: int, text: str, author: Any) -> Comment:
    """A comment on one section of the draft, while the consultation is open and before its deadline, by
    someone it is addressed to (Consultation.objects.permitted(author, "comment"); others get 404)."""
    from django.http import Http404

    from core.scoping import scope_for

    if not Consultation.objects.permitted(author, "comment").filter(pk=consultation.pk).exists():
        raise Http404
    refusal = comment_refusal(consultation)
    if refusal is not None:
        raise refusal
    text = text.strip()
    if not text:
        raise ValidationError(MSG_COMMENT_EMPTY, code="text")
    section = DocumentSection.objects.filter(pk=section_id, version_id=consultation.draft_id).first()
    if section is None:
        raise ValidationError(MSG_SECTION_ELSEWHERE, code="section")
    scope = scope_for(author)
    unit_ids = sorted(scope.units_for(Role.UNIT_LIAISON))
    unit_id = unit_ids[0] if unit_ids else scope.person_unit_id
    person = getattr(author, "person", None)
    name = (getattr(person, "name", "") or author.get_username())[:100]
    with audit.attributed_to(author):
        comment = Comment(
            federation_id=consultation.federation_id,
            consultation=consultation,
            section=section,
            author=author,
            author_name=name,
            unit_id=unit_id,
            text=text,
        )
        comment.save()
    return comment


@audit.action("documents.consultation_conclude", target="consultation", label=_("结束征求意见并发布正式版本"))
@transaction.atomic
def consultation_conclude(
    *,
    consultation: Consultation,
    final_body: str,
    notes: Mapping[int, tuple[str, str]],
    final_label: str = "",
    effective_on: dt.date | None = None,
    conclusion: str = "",
    acting_user: Any = None,
    email: bool = True,
) -> DocumentVersion:
    """Ends the consultation: publishes the final version and, for each section of the draft, how its
    comments were handled (`notes`: section number -> (outcome, note); every section that received a
    comment needs one); tells everyone who commented and the audience."""
    from core.notify import notify

    CONSULTATION_MACHINE.check(consultation, "conclude")
    if not final_body.strip():
        raise ValidationError(MSG_FINAL_BODY, code="final_body")
    outcomes = set(HandlingNote.Outcome.values)
    sections = {s.number: s for s in consultation.draft.sections.all()}
    commented = set(consultation.comments.values_list("section__number", flat=True).distinct())
    clean: dict[int, tuple[str, str]] = {}
    for number, (outcome, note) in notes.items():
        if number not in sections or not (outcome or note.strip()):
            continue
        if outcome not in outcomes:
            raise ValidationError(MSG_BAD_OUTCOME, code="outcome")
        clean[number] = (outcome, note.strip())
    for number in sorted(commented):
        outcome, note = clean.get(number, ("", ""))
        if not outcome or not note:
            s = sections[number]
            raise ValidationError(
                MSG_NOTE_MISSING, code="notes", params={"number": number, "heading": s.heading or "—"}
            )
    final = version_add(
        document=consultation.draft.document,
        label=final_label.strip() or gettext("正式版"),
        body=final_body,
        effective_on=effective_on,
        publish=True,
        acting_user=acting_user,
    )
    with audit.attributed_to(acting_user):
        for number, (outcome, note) in sorted(clean.items()):
            HandlingNote(
                federation_id=consultation.federation_id,
                consultation=consultation,
                section=sections[number],
                outcome=outcome,
                note=note or outcome,
            ).save()
        consultation.final_version = final
        consultation.conclusion = conclusion.strip()
        consultation.concluded_on = clock.today()
    CONSULTATION_MACHINE.move(consultation, "conclude", acting_user=acting_user)
    from accounts.models import User

    url = reverse("documents:consultation-detail", args=[consultation.pk])
    commenters = User.objects.filter(pk__in=consultation.comments.values("author_id"))
    recipients = {u.pk: u for u in [*audience_users(consultation), *commenters]}
    for user in recipients.values():
        notify(
            recipient=user,
            federation_id=consultation.federation_id,
            kind="consultation_concluded",
            title=gettext("“%(title)s”征求意见已结束，正式版本已发布") % {"title": consultation.title},
            dedup_key=f"consultation-concluded:{consultation.pk}",
            url=url,
            email=email,
        )
    return final
