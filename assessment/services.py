"""Writes of the self-inspection, each in one transaction (templates, cycles, forms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment import scoring, selectors
from assessment.defaults import DEFAULT_ITEMS, DEFAULT_TEMPLATE_NAME
from assessment.models import (
    SELFCHECK_MACHINE,
    Cycle,
    CycleItem,
    ItemAnswer,
    SelfCheck,
    Template,
    TemplateItem,
)
from core import audit, clock
from core.bulk import create_tracked
from orgs.models import Unit

MSG_BAD_PARAMS = _("评分规则的参数有误：%(problem)s")
MSG_BAD_POINTS = _("分值须为 0 到 100 之间的数。")
MSG_BAD_THRESHOLD = _("整改线须在 0 到 1 之间。")
MSG_DEADLINE_PAST = _("截止日期不能早于今天。")
MSG_YEAR_FUTURE = _("不能为未来年度开启自查。")
MSG_NO_UNITS = _("请至少选择一个单位。")
MSG_UNIT_ELSEWHERE = _("所选单位不属于本妇联或已撤销。")
MSG_CYCLE_EXISTS = _("该年度已有同名的自查周期。")
MSG_EMPTY_TEMPLATE = _("评估表没有项目，不能用于自查。")
MSG_LOCKED = _("自查表已提交，不能再修改。如需修改，请区妇联退回。")
MSG_AUTO_NOT_ANSWERED = _("自动评分项目不能手工填写得分；如有不同意见，请填写异议说明。")
MSG_NOT_AUTO = _("只有自动评分项目可以提出异议。")
MSG_BAD_ANSWER = _("“%(item)s”的填写无效。")
MSG_NA_NOT_ALLOWED = _("“%(item)s”不允许填“不适用”。")
MSG_NA_REASON = _("“%(item)s”填“不适用”时须说明原因。")
MSG_UNANSWERED = _("还有 %(n)s 个自评项目未填写，不能提交。")
MSG_CYCLE_CLOSED = _("该自查周期已结束。")


def _clean_params(kind: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        full = scoring.params_for(kind, params)
    except scoring.ParamError as e:
        raise ValidationError(MSG_BAD_PARAMS, code="params", params={"problem": str(e)}) from None
    defaults = scoring.DEFAULT_PARAMS[scoring.RuleKind(kind)]
    return {k: v for k, v in full.items() if k in (params or {}) or k in defaults}


@transaction.atomic
def template_create_default(*, federation_id: int, name: str = "", acting_user: Any = None) -> Template:
    """A new template with the ten default items (domain.md)."""
    with audit.attributed_to(acting_user):
        template = Template(federation_id=federation_id, name=name or gettext(DEFAULT_TEMPLATE_NAME))
        template.save()
        for spec in DEFAULT_ITEMS:
            TemplateItem(
                federation_id=federation_id,
                template=template,
                number=spec.number,
                title=gettext(spec.title),
                points=spec.points,
                guidance=gettext(spec.guidance),
                kind=spec.kind.value,
                params=_clean_params(spec.kind.value, spec.params),
                evidence_required=spec.evidence_required,
                na_allowed=spec.na_allowed,
                threshold=spec.threshold,
            ).save()
    return template


@transaction.atomic
def template_item_update(
    *,
    item: TemplateItem,
    title: str,
    points: Decimal,
    guidance: str,
    kind: str,
    params: Mapping[str, Any] | None,
    evidence_required: bool,
    na_allowed: bool,
    threshold: Decimal,
    acting_user: Any = None,
) -> TemplateItem:
    """Edits one item; the template's revision moves on (cycles opened before keep their copy)."""
    if not Decimal(0) <= Decimal(points) <= Decimal(100):
        raise ValidationError(MSG_BAD_POINTS, code="points")
    if not Decimal(0) <= Decimal(threshold) <= Decimal(1):
        raise ValidationError(MSG_BAD_THRESHOLD, code="threshold")
    clean = _clean_params(kind, params)
    with audit.attributed_to(acting_user):
        item.title, item.points, item.guidance, item.kind, item.params = title, points, guidance, kind, clean
        item.evidence_required, item.na_allowed, item.threshold = evidence_required, na_allowed, threshold
        item.save()
        template = Template.objects.select_for_update().get(pk=item.template_id)
        template.revision += 1
        template.save()
    return item


@transaction.atomic
def cycle_open(
    *,
    template: Template,
    year: int,
    deadline: dt.date,
    title: str = "",
    unit_ids: Iterable[int] | None = None,
    acting_user: Any = None,
) -> Cycle:
    """Opens a cycle: copies the template's items as they are now, and makes a form for each unit (all
    active units of the federation that need a committee, or the chosen ones)."""
    today = clock.today()
    if year > today.year:
        raise ValidationError(MSG_YEAR_FUTURE, code="year")
    if deadline < today:
        raise ValidationError(MSG_DEADLINE_PAST, code="deadline")
    items = list(TemplateItem.objects.filter(template=template).order_by("number"))
    if not items:
        raise ValidationError(MSG_EMPTY_TEMPLATE, code="template")
    title = title or gettext("%(year)s 年度机关妇女工作量化自查") % {"year": year}
    if Cycle.objects.filter(federation_id=template.federation_id, year=year, title=title).exists():
        raise ValidationError(MSG_CYCLE_EXISTS, code="title")
    active = Unit.objects.filter(federation_id=template.federation_id).active_on(today)
    if unit_ids is None:
        units = list(active.filter(requires_committee=True).order_by("id"))
    else:
        wanted = set(unit_ids)
        units = list(active.filter(pk__in=wanted).order_by("id"))
        if len(units) != len(wanted):
            raise ValidationError(MSG_UNIT_ELSEWHERE, code="units")
    if not units:
        raise ValidationError(MSG_NO_UNITS, code="units")
    return _cycle_create(template, items, year, deadline, title, units, acting_user)


def cycle_item_copies(items: Iterable[TemplateItem], cycle: Cycle) -> list[CycleItem]:
    """The template's items copied into the saved cycle (unsaved copies): the cycle keeps them whatever
    later happens to the template."""
    return [
        CycleItem(
            federation_id=cycle.federation_id,
            cycle_id=cycle.pk,
            number=i.number,
            title=i.title,
            points=i.points,
            guidance=i.guidance,
            kind=i.kind,
            params=i.params,
            evidence_required=i.evidence_required,
            na_allowed=i.na_allowed,
            threshold=i.threshold,
        )
        for i in items
    ]


def _cycle_create(
    template: Template,
    items: list[TemplateItem],
    year: int,
    deadline: dt.date,
    title: str,
    units: list[Unit],
    acting_user: Any,
) -> Cycle:
    fed = template.federation_id
    with audit.attributed_to(acting_user):
        cycle = Cycle(
            federation_id=fed,
            year=year,
            title=title,
            deadline=deadline,
            template=template,
            template_name=template.name,
            template_revision=template.revision,
        )
        cycle.save()
        copies = CycleItem.objects.bulk_create(cycle_item_copies(items, cycle))
        forms = create_tracked(SelfCheck, [SelfCheck(federation_id=fed, cycle=cycle, unit=u) for u in units])
        create_tracked(
            ItemAnswer, [ItemAnswer(federation_id=fed, selfcheck=f, item=c) for f in forms for c in copies]
        )
        audit.record("assessment.cycle_open", obj=cycle, changes={"units": [None, len(units)]})
    return cycle


def _check_open(selfcheck: SelfCheck) -> None:
    if selfcheck.locked:
        raise ValidationError(MSG_LOCKED, code="locked")
    if selfcheck.cycle.status != Cycle.Status.OPEN:
        raise ValidationError(MSG_CYCLE_CLOSED, code="closed")


def _valid_value(item: CycleItem, value: str) -> bool:
    if value == "":
        return True
    kind = scoring.RuleKind(item.kind)
    if kind == scoring.RuleKind.YES_NO:
        return value in ("yes", "no")
    if kind == scoring.RuleKind.COUNT:
        try:
            return Decimal(value) >= 0
        except InvalidOperation:
            return False
    if kind == scoring.RuleKind.GRADED:
        choices = scoring.params_for(kind, item.params)["choices"]
        return value.isdigit() and int(value) < len(choices)
    return kind == scoring.RuleKind.DOCUMENT and value == ""


@transaction.atomic
def selfcheck_save(
    *, selfcheck: SelfCheck, answers: Mapping[int, Mapping[str, Any]], acting_user: Any = None
) -> SelfCheck:
    """Saves a draft: `answers` maps an item id to {"value", "not_applicable", "na_reason", "note"} of
    self items (an automatic item takes only a "note")."""
    _check_open(selfcheck)
    rows = {a.item_id: a for a in ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item")}
    for known in rows.values():
        known.selfcheck = selfcheck  # the audit log names a row by its form: no query per row
    with audit.attributed_to(acting_user):
        for item_id, given in answers.items():
            row = rows.get(int(item_id))
            if row is None:
                continue
            item = row.item
            value = str(given.get("value", "") or "").strip()
            na = bool(given.get("not_applicable"))
            if item.automatic:
                if value or na:
                    raise ValidationError(MSG_AUTO_NOT_ANSWERED, code="auto")
            elif not _valid_value(item, value):
                raise ValidationError(MSG_BAD_ANSWER, code="value", params={"item": item.title})
            reason = str(given.get("na_reason", "") or "").strip()
            if na and not item.na_allowed:
                raise ValidationError(MSG_NA_NOT_ALLOWED, code="na", params={"item": item.title})
            if na and not reason:
                raise ValidationError(MSG_NA_REASON, code="na_reason", params={"item": item.title})
            note = str(given.get("note", "") or "").strip()
            new = (value, na, reason if na else "", note)
            if new != (row.value, row.not_applicable, row.na_reason, row.note):
                row.value, row.not_applicable, row.na_reason, row.note = new
                row.save()
    return selfcheck


@transaction.atomic
def answer_dispute(*, answer: ItemAnswer, text: str, acting_user: Any = None) -> ItemAnswer:
    """The unit's disagreement with an automatic result, kept beside it (an empty text withdraws it)."""
    _check_open(answer.selfcheck)
    if not answer.item.automatic:
        raise ValidationError(MSG_NOT_AUTO, code="not_auto")
    with audit.attributed_to(acting_user):
        answer.dispute = text.strip()
        answer.save()
    return answer


@transaction.atomic
def selfcheck_submit(*, selfcheck: SelfCheck, acting_user: Any = None) -> SelfCheck:
    """Submits the form: every self item answered; the results are computed once more and frozen."""
    _check_open(selfcheck)
    results = selectors.live_results(selfcheck)
    unanswered = [1 for _i, _a, r in results if r.status == scoring.Status.UNANSWERED]
    if unanswered:
        raise ValidationError(MSG_UNANSWERED, code="unanswered", params={"n": len(unanswered)})
    now = timezone.now()
    with audit.attributed_to(acting_user):
        for _item, answer, result in results:
            answer.result, answer.frozen_at = result.as_dict(), now
            answer.save()
        total = scoring.total_of([r for _i, _a, r in results])
        selfcheck.total_score, selfcheck.max_score = total.score, total.max_score
        selfcheck.submitted_at, selfcheck.submitted_by = (
            now,
            acting_user if getattr(acting_user, "pk", None) else None,
        )
        selfcheck.return_comment = ""
        SELFCHECK_MACHINE.move(selfcheck, "submit", acting_user=acting_user)
    return selfcheck


@transaction.atomic
def selfcheck_return(*, selfcheck: SelfCheck, comment: str, acting_user: Any = None) -> SelfCheck:
    """Staff return a submitted form with a comment: it opens again and its results are live again."""
    SELFCHECK_MACHINE.check(selfcheck, "return", reason=comment)
    with audit.attributed_to(acting_user):
        selfcheck.return_comment = comment.strip()
        selfcheck.total_score = selfcheck.max_score = None
        SELFCHECK_MACHINE.move(selfcheck, "return", reason=comment, acting_user=acting_user)
    return selfcheck


MSG_NO_PREVIOUS = _("本单位没有往年已提交的自查表，没有可沿用的填写。")


@dataclass
class CopyReport:
    """What copying last cycle's answers forward did: the items copied, those left because the item
    changed between the two template versions, and those already answered on this form."""

    source: SelfCheck
    copied: list[CycleItem] = field(default_factory=list)
    changed: list[CycleItem] = field(default_factory=list)
    answered: list[CycleItem] = field(default_factory=list)


@audit.action("assessment.selfcheck_copy_forward", target="selfcheck", label=_("沿用上一轮填写"))
@transaction.atomic
def selfcheck_copy_forward(*, selfcheck: SelfCheck, acting_user: Any = None) -> CopyReport:
    """Copies the answers of the self items of the unit's previous submitted form into this draft, where the
    item is the same in both template versions and is not answered here yet. Automatic items are never
    copied (they are scored from this year's data), nor evidence (it belongs to last year's form)."""
    _check_open(selfcheck)
    source = selectors.previous_form(selfcheck)
    if source is None:
        raise ValidationError(MSG_NO_PREVIOUS, code="no_previous")
    before = {
        a.item.number: a
        for a in ItemAnswer.objects.filter(selfcheck=source).select_related("item")
        if not a.item.automatic and (a.value or a.not_applicable)
    }
    report = CopyReport(source=source)
    rows = ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item").order_by("item__number")
    with audit.attributed_to(acting_user):
        for row in rows:
            row.selfcheck = selfcheck
            item, old = row.item, before.get(row.item.number)
            if item.automatic or old is None:
                continue
            if row.value or row.not_applicable:
                report.answered.append(item)
            elif selectors.item_signature(item) != selectors.item_signature(old.item) or not _valid_value(
                item, old.value
            ):
                report.changed.append(item)
            else:
                row.value, row.not_applicable, row.na_reason = old.value, old.not_applicable, old.na_reason
                row.note = row.note or old.note
                row.save()
                report.copied.append(item)
    return report


# ---- evidence (佐证材料) -------------------------------------------------------------------------------

MSG_EVIDENCE_NOTHING = _("请上传文件，或填写平台内记录的链接。")
MSG_EVIDENCE_BOTH = _("文件和链接只能二选一。")
MSG_EVIDENCE_LINK = _("链接须为本平台内的地址（以 / 开头），例如 /committees/units/12/history/。")
MSG_EVIDENCE_ITEMS = _("请选择这份材料对应的项目（可多选）。")
MSG_EVIDENCE_FUTURE = _("材料日期不能晚于今天。")
MSG_EVIDENCE_REFUSED = _("文件未通过检查：%(reason)s")

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")


def private_dir() -> Any:
    """Where evidence files are kept: outside the web root (no URL serves it; a scoped view streams a file)."""
    from pathlib import Path

    from django.conf import settings

    return Path(getattr(settings, "JINGUO_PRIVATE_DIR", Path(settings.VAR_DIR) / "private")) / "assessment"


@transaction.atomic
def evidence_add(
    *,
    selfcheck: SelfCheck,
    title: str,
    item_ids: Iterable[int],
    upload: Any = None,
    link_url: str = "",
    effective_on: dt.date | None = None,
    acting_user: Any = None,
) -> Any:
    """Attaches a file (checked by its content and size, stored by its hash) or a platform link to the form,
    for one or several of its items."""
    import hashlib

    from assessment.models import Evidence
    from core.uploads import DOCUMENT_KINDS, UploadRefused, check_document

    _check_open(selfcheck)
    link_url = link_url.strip()
    if upload is None and not link_url:
        raise ValidationError(MSG_EVIDENCE_NOTHING, code="nothing")
    if upload is not None and link_url:
        raise ValidationError(MSG_EVIDENCE_BOTH, code="both")
    if link_url and (not link_url.startswith("/") or link_url.startswith("//") or "\\" in link_url):
        raise ValidationError(MSG_EVIDENCE_LINK, code="link")
    if effective_on is not None and effective_on > clock.today():
        raise ValidationError(MSG_EVIDENCE_FUTURE, code="effective_on")
    items = list(CycleItem.objects.filter(cycle_id=selfcheck.cycle_id, pk__in=list(item_ids)))
    if not items:
        raise ValidationError(MSG_EVIDENCE_ITEMS, code="items")
    ev = Evidence(
        federation_id=selfcheck.federation_id,
        unit_id=selfcheck.unit_id,
        selfcheck=selfcheck,
        title=title.strip()[:200],
        effective_on=effective_on,
        link_url=link_url,
        uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    if upload is not None:
        try:
            data, kind = check_document(upload, kinds=EVIDENCE_KINDS)
        except UploadRefused as refused:
            raise ValidationError(
                MSG_EVIDENCE_REFUSED, code="file", params={"reason": refused.message}
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}"
        target = private_dir() / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(target)
        name = (
            str(getattr(upload, "name", "") or f"evidence.{kind}").replace("/", "_").replace("\\", "_")[-200:]
        )
        ev.path, ev.original_name, ev.file_kind = relative, name, kind
        ev.content_type, ev.size, ev.sha256 = DOCUMENT_KINDS[kind][1], len(data), digest
        ev.title = ev.title or name
    if not ev.title:
        ev.title = link_url
    with audit.attributed_to(acting_user):
        ev.save()
        ev.items.set(items)
    return ev


@transaction.atomic
def evidence_remove(*, evidence: Any, acting_user: Any = None) -> None:
    """Takes a piece of evidence off a form that is not yet submitted (the stored file stays: others may share
    its content, and the audit log names its hash)."""
    _check_open(evidence.selfcheck)
    with audit.attributed_to(acting_user):
        evidence.delete()


# ---- rectification (整改) ------------------------------------------------------------------------------

MSG_NOT_BELOW = _("该项目未低于整改线，无需整改。")
MSG_RECTIFICATION_EXISTS = _("该项目已有整改事项。")
MSG_RECTIFICATION_DEADLINE = _("整改期限不能早于今天。")


@transaction.atomic
def rectifications_open(*, selfcheck: SelfCheck, deadline: dt.date, acting_user: Any = None) -> list[Any]:
    """Opens a rectification item for every item of the form below its threshold that has none yet; the
    weakness is the result's own sentence."""
    from assessment.models import Rectification

    if deadline < clock.today():
        raise ValidationError(MSG_RECTIFICATION_DEADLINE, code="deadline")
    # A submitted form's frozen results decide; what moved since does not need reading here.
    view = selectors.form_view(selfcheck, with_moved=False)
    have = set(Rectification.objects.filter(selfcheck=selfcheck).values_list("item_id", flat=True))
    made = []
    with audit.attributed_to(acting_user):
        for line in view.lines:
            if (
                line.result.status == scoring.Status.SCORED
                and line.below_threshold
                and line.item.pk not in have
            ):
                r = Rectification(
                    federation_id=selfcheck.federation_id,
                    unit=selfcheck.unit,
                    selfcheck=selfcheck,
                    item=line.item,
                    weakness=line.result.sentence,
                    deadline=deadline,
                )
                r.save()
                made.append(r)
    return made


@transaction.atomic
def rectification_plan(
    *, rectification: Any, measures: str, owner: str, deadline: dt.date, acting_user: Any = None
) -> Any:
    if deadline < clock.today():
        raise ValidationError(MSG_RECTIFICATION_DEADLINE, code="deadline")
    with audit.attributed_to(acting_user):
        rectification.measures, rectification.owner, rectification.deadline = (
            measures.strip(),
            owner.strip(),
            deadline,
        )
        rectification.save()
    return rectification


@transaction.atomic
def rectification_close(*, rectification: Any, note: str, acting_user: Any = None) -> Any:
    """Closes a rectification item with what was done (the note is required)."""
    from assessment.models import RECTIFICATION_MACHINE

    RECTIFICATION_MACHINE.check(rectification, "close", reason=note)
    rectification.closing_note, rectification.closed_on = note.strip(), clock.today()
    RECTIFICATION_MACHINE.move(rectification, "close", reason=note, acting_user=acting_user)
    return rectification


def overdue_rectification_notices(today: dt.date, federation_id: int | None = None) -> list[Any]:
    """Reminder producer (core.reminders): an open rectification item past its deadline, to the unit's
    liaison, until it is closed or its deadline moved."""
    from assessment.models import Rectification
    from core.reminders import Audience, Notice
    from core.roles import Role

    rows = Rectification.objects.filter(status="open", deadline__lt=today).select_related("item", "unit")
    if federation_id is not None:
        rows = rows.filter(federation_id=federation_id)
    return [
        Notice(
            key=f"rectification-overdue:{r.pk}:{r.deadline.isoformat()}",
            cause=f"rectification:{r.pk}",
            kind="rectification_overdue",
            federation_id=r.federation_id,
            title=gettext("整改事项“%(item)s”已超过期限 %(d)s")
            % {"item": r.item.title, "d": r.deadline.isoformat()},
            url=f"/assessment/forms/{r.selfcheck_id}/#rectifications",
            audience=Audience(unit_id=r.unit_id, unit_roles=frozenset({Role.UNIT_LIAISON})),
        )
        for r in rows
    ]


# ---- highlights (亮点工作信息) and exchange sessions (经验交流) -------------------------------------------

MSG_HIGHLIGHT_TITLE = _("请填写亮点的标题。")
MSG_HIGHLIGHT_TEXT = _("请填写亮点的正文。")
MSG_HIGHLIGHT_ITEMS = _("所选项目不属于该亮点对应的自查周期。")
MSG_HIGHLIGHT_CYCLE = _("所选自查周期不属于本单位所在的妇联。")
MSG_HIGHLIGHT_UNIT_LOCKED = _("亮点已报送，单位不能再修改；如需修改，请区妇联退回。")
MSG_HIGHLIGHT_STAFF_ONLY_SUBMITTED = _("区妇联只能编辑已报送或已发布的亮点；草稿和退回的亮点由单位修改。")
MSG_HIGHLIGHT_FILE_REFUSED = _("附件未通过检查：%(reason)s")
MSG_SESSION_TITLE = _("请填写交流会的名称。")
MSG_SESSION_PLACE = _("请填写交流会的地点。")
MSG_SESSION_HIGHLIGHTS = _("交流的亮点须为本妇联已报送或已发布的亮点。")

HIGHLIGHT_FILE_KINDS = ("png", "jpeg", "pdf", "docx", "xlsx")


def _store_private(data: bytes) -> tuple[str, str]:
    """Stores `data` under the private directory by its SHA-256; returns (relative path, digest)."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = private_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return relative, digest


def _highlight_fields(
    *, cycle: Cycle | None, federation_id: int, title: str, text: str, item_ids: Iterable[int]
) -> tuple[str, str, list[CycleItem]]:
    title, text = title.strip(), text.strip()
    if not title:
        raise ValidationError(MSG_HIGHLIGHT_TITLE, code="title")
    if not text:
        raise ValidationError(MSG_HIGHLIGHT_TEXT, code="text")
    if cycle is not None and cycle.federation_id != federation_id:
        raise ValidationError(MSG_HIGHLIGHT_CYCLE, code="cycle")
    wanted = {int(i) for i in item_ids}
    items: list[CycleItem] = []
    if wanted:
        items = list(CycleItem.objects.filter(cycle=cycle, pk__in=wanted)) if cycle is not None else []
        if len(items) != len(wanted):
            raise ValidationError(MSG_HIGHLIGHT_ITEMS, code="items")
    return title[:120], text, items


@audit.action("assessment.highlight_create", label=_("新建亮点"))
def highlight_create(
    *,
    unit: Unit,
    title: str,
    text: str,
    cycle: Cycle | None = None,
    item_ids: Iterable[int] = (),
    acting_user: Any = None,
) -> Any:
    """A unit's new highlight, a draft only the unit sees; `cycle` defaults to the newest cycle the unit is in
    (its items are the ones a highlight may illustrate)."""
    from assessment.models import Highlight

    if cycle is None:
        cycle = selectors.current_cycle_of(unit)
    title, text, items = _highlight_fields(
        cycle=cycle, federation_id=unit.federation_id, title=title, text=text, item_ids=item_ids
    )
    with audit.attributed_to(acting_user):
        highlight = Highlight(
            federation_id=unit.federation_id,
            unit=unit,
            cycle=cycle,
            title=title,
            text=text,
            author=acting_user if getattr(acting_user, "pk", None) else None,
        )
        highlight.save()
        highlight.items.set(items)
    return highlight


@audit.action("assessment.highlight_propose", target="answer", label=_("推荐为亮点"))
def highlight_propose(*, answer: ItemAnswer, title: str, text: str, acting_user: Any = None) -> Any:
    """An item's good practice proposed as a highlight: a draft of the unit linked to the item."""
    selfcheck = answer.selfcheck
    return highlight_create(
        unit=selfcheck.unit,
        title=title,
        text=text,
        cycle=selfcheck.cycle,
        item_ids=[answer.item_id],
        acting_user=acting_user,
    )


def _check_editable(highlight: Any, *, by_staff: bool) -> None:
    if by_staff:
        if highlight.status not in ("submitted", "published", "withdrawn"):
            raise ValidationError(MSG_HIGHLIGHT_STAFF_ONLY_SUBMITTED, code="state")
    elif not highlight.editable_by_unit:
        raise ValidationError(MSG_HIGHLIGHT_UNIT_LOCKED, code="locked")


@audit.action("assessment.highlight_update", target="highlight", label=_("修改亮点"))
def highlight_update(
    *,
    highlight: Any,
    title: str,
    text: str,
    item_ids: Iterable[int],
    by_staff: bool = False,
    acting_user: Any = None,
) -> Any:
    """Edits a highlight: the unit while it is a draft or returned, the staff once submitted or published."""
    _check_editable(highlight, by_staff=by_staff)
    title, text, items = _highlight_fields(
        cycle=highlight.cycle,
        federation_id=highlight.federation_id,
        title=title,
        text=text,
        item_ids=item_ids,
    )
    with audit.attributed_to(acting_user):
        highlight.title, highlight.text = title, text
        highlight.save()
        highlight.items.set(items)
    return highlight


@audit.action("assessment.highlight_submit", target="highlight", label=_("报送亮点"))
def highlight_submit(*, highlight: Any, acting_user: Any = None) -> Any:
    """The unit submits (报送) its highlight to the federation; it counts for item 10 from today."""
    from assessment.models import HIGHLIGHT_MACHINE

    HIGHLIGHT_MACHINE.check(highlight, "submit")
    _highlight_fields(
        cycle=None, federation_id=highlight.federation_id, title=highlight.title, text=highlight.text,
        item_ids=(),
    )
    highlight.submitted_on, highlight.return_comment = clock.today(), ""
    HIGHLIGHT_MACHINE.move(highlight, "submit", acting_user=acting_user)
    return highlight


@audit.action("assessment.highlight_publish", target="highlight", label=_("发布亮点"))
def highlight_publish(*, highlight: Any, acting_user: Any = None) -> Any:
    """The staff publish a submitted highlight to the feed every unit of the federation sees."""
    from assessment.models import HIGHLIGHT_MACHINE

    HIGHLIGHT_MACHINE.check(highlight, "publish")
    highlight.published_on, highlight.withdrawn_on, highlight.withdraw_reason = clock.today(), None, ""
    HIGHLIGHT_MACHINE.move(highlight, "publish", acting_user=acting_user)
    return highlight


@audit.action("assessment.highlight_return", target="highlight", label=_("退回亮点"))
def highlight_return(*, highlight: Any, comment: str, acting_user: Any = None) -> Any:
    """The staff return a submitted highlight to its unit with a comment."""
    from assessment.models import HIGHLIGHT_MACHINE

    HIGHLIGHT_MACHINE.check(highlight, "return", reason=comment)
    highlight.return_comment = comment.strip()
    HIGHLIGHT_MACHINE.move(highlight, "return", reason=comment, acting_user=acting_user)
    return highlight


@audit.action("assessment.highlight_withdraw", target="highlight", label=_("撤下亮点"))
def highlight_withdraw(*, highlight: Any, reason: str, acting_user: Any = None) -> Any:
    """The staff take a published highlight off the feed (撤下) with a reason the unit sees; it still counts
    as submitted for item 10, no longer as published, and may be published again."""
    from assessment.models import HIGHLIGHT_MACHINE

    HIGHLIGHT_MACHINE.check(highlight, "withdraw", reason=reason)
    highlight.withdrawn_on, highlight.withdraw_reason = clock.today(), reason.strip()
    highlight.published_on = None
    HIGHLIGHT_MACHINE.move(highlight, "withdraw", reason=reason, acting_user=acting_user)
    return highlight


@audit.action("assessment.highlight_file_add", target="highlight", label=_("上传亮点附件"))
def highlight_file_add(*, highlight: Any, upload: Any, acting_user: Any = None) -> Any:
    """A photo or an attachment of a highlight the unit still edits (checked by content and size)."""
    from assessment.models import HighlightFile
    from core.uploads import DOCUMENT_KINDS, UploadRefused, check_document

    _check_editable(highlight, by_staff=False)
    try:
        data, kind = check_document(upload, kinds=HIGHLIGHT_FILE_KINDS)
    except UploadRefused as refused:
        raise ValidationError(
            MSG_HIGHLIGHT_FILE_REFUSED, code="file", params={"reason": refused.message}
        ) from None
    relative, digest = _store_private(data)
    name = str(getattr(upload, "name", "") or f"file.{kind}").replace("/", "_").replace("\\", "_")[-200:]
    with audit.attributed_to(acting_user):
        f = HighlightFile(
            federation_id=highlight.federation_id,
            highlight=highlight,
            path=relative,
            original_name=name,
            file_kind=kind,
            content_type=DOCUMENT_KINDS[kind][1],
            size=len(data),
            sha256=digest,
        )
        f.save()
    return f


@audit.action("assessment.highlight_file_remove", target="file", label=_("删除亮点附件"))
def highlight_file_remove(*, file: Any, acting_user: Any = None) -> None:
    _check_editable(file.highlight, by_staff=False)
    with audit.attributed_to(acting_user):
        file.delete()


def _session_fields(
    federation_id: int, title: str, place: str, highlight_ids: Iterable[int], kept: Iterable[int] = ()
) -> tuple[str, str, list[Any]]:
    from assessment.models import Highlight

    title, place = title.strip(), place.strip()
    if not title:
        raise ValidationError(MSG_SESSION_TITLE, code="title")
    if not place:
        raise ValidationError(MSG_SESSION_PLACE, code="place")
    wanted = {int(i) for i in highlight_ids}
    # A highlight withdrawn after it was presented stays on the session it was presented at.
    found = list(
        Highlight.objects.filter(federation_id=federation_id, pk__in=wanted).filter(
            Q(status__in=("submitted", "published")) | Q(pk__in=list(kept))
        )
    )
    if len(found) != len(wanted):
        raise ValidationError(MSG_SESSION_HIGHLIGHTS, code="highlights")
    return title[:120], place[:120], found


@audit.action("assessment.session_create", label=_("新建经验交流会"))
def session_create(
    *,
    federation_id: int,
    title: str,
    held_on: dt.date,
    place: str,
    notes: str = "",
    highlight_ids: Iterable[int] = (),
    acting_user: Any = None,
) -> Any:
    """An experience exchange session (经验交流会) of the federation with the highlights presented there."""
    from assessment.models import ExchangeSession

    title, place, highlights = _session_fields(federation_id, title, place, highlight_ids)
    with audit.attributed_to(acting_user):
        session = ExchangeSession(
            federation_id=federation_id, title=title, held_on=held_on, place=place, notes=notes.strip()
        )
        session.save()
        session.highlights.set(highlights)
    return session


@audit.action("assessment.session_update", target="session", label=_("修改经验交流会"))
def session_update(
    *,
    session: Any,
    title: str,
    held_on: dt.date,
    place: str,
    notes: str = "",
    highlight_ids: Iterable[int] = (),
    acting_user: Any = None,
) -> Any:
    kept = session.highlights.values_list("pk", flat=True)
    title, place, highlights = _session_fields(session.federation_id, title, place, highlight_ids, kept)
    with audit.attributed_to(acting_user):
        session.title, session.held_on, session.place, session.notes = title, held_on, place, notes.strip()
        session.save()
        session.highlights.set(highlights)
    return session
