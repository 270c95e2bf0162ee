"""Writes of the self-inspection, each in one transaction (templates, cycles, forms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
        copies = CycleItem.objects.bulk_create(
            [
                CycleItem(
                    federation_id=fed,
                    cycle=cycle,
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
        )
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
