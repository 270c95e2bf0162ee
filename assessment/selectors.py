"""Reads of the self-inspection: the facts of a unit (committee registry, metrics, highlights) and a
form with each item's result, live until submission and frozen after it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext

from assessment import scoring
from assessment.models import Cycle, CycleItem, ItemAnswer, SelfCheck
from core import clock, metrics
from core.metrics import EvidenceLink
from core.sqlplan import Unindexed


def period_of(cycle: Cycle, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The cycle's period: its calendar year, up to today while the year runs."""
    today = today or clock.today()
    start, end = dt.date(cycle.year, 1, 1), dt.date(cycle.year, 12, 31)
    return start, min(end, max(today, start))


def unit_facts(
    unit: Any, start: dt.date, as_of: dt.date, *, kinds: set[str] | None = None
) -> scoring.UnitFacts:
    """The facts the automatic items of `unit` are scored from, over [start, as_of].

    Committee registry: 3 queries (committees, terms with the successor's start, vacancies) and the
    federation's settings; metrics through core.metrics (their providers' queries); highlights: 1 query.
    The caller has already been allowed to see the unit's form: these reads are the scorer's own.
    """
    from committees.models import Committee, Term, Vacancy

    federation = unit.federation
    committees = list(
        Committee.objects.filter(unit_id=unit.pk)
        .order_by("formed_on")
        .values_list("formed_on", "dissolved_on")
    )
    successor = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number=OuterRef("number") + 1
    ).values("started_on")[:1]
    terms = [
        scoring.TermFact(
            number=n, started_on=s, due_on=d, successor_started_on=succ, committee_dissolved_on=cd
        )
        for n, s, d, succ, cd in Term.objects.filter(committee__unit_id=unit.pk)
        .annotate(succ=Subquery(successor))
        .values_list("number", "started_on", "due_on", "succ", "committee__dissolved_on")
    ]
    vacancies = [
        scoring.VacancyFact(post=str(role), vacated_on=v, filled_on=f)
        for role, v, f in Vacancy.objects.filter(committee__unit_id=unit.pk).values_list(
            "role", "vacated_on", "filled_on"
        )
    ]
    wanted = kinds if kinds is not None else {k.value for k in scoring.AUTO_KINDS}
    measured: dict[str, metrics.Measurement | None] = {}
    names: list[str] = []
    for kind, name in scoring.METRIC_OF.items():
        if kind.value in wanted:
            names.append(name)
    if scoring.RuleKind.EXECUTIVE_RECORDS.value in wanted:
        names.extend(scoring.EXECUTIVE_METRICS)
    for name in names:
        measured[name] = metrics.measure(name, unit_id=unit.pk, start=start, end=as_of)
    submitted = published = 0
    highlight_links: list[EvidenceLink] = []
    if scoring.RuleKind.HIGHLIGHTS.value in wanted:
        submitted, published, highlight_links = _highlight_counts(unit, start, as_of)
    history = EvidenceLink(
        gettext("%(unit)s 妇委会历届情况") % {"unit": unit.name},
        reverse("committees:unit-history", args=[unit.pk]),
    )
    return scoring.UnitFacts(
        start=start,
        as_of=as_of,
        requires_committee=unit.requires_committee,
        committees=committees,
        terms=terms,
        vacancies=vacancies,
        fill_days=federation.vacancy_fill_days,
        grace_days=federation.reelection_grace_days,
        metrics=measured,
        highlights_submitted=submitted,
        highlights_published=published,
        committee_links=(history,),
        highlight_links=tuple(highlight_links),
    )


def _highlight_counts(unit: Any, start: dt.date, as_of: dt.date) -> tuple[int, int, list[EvidenceLink]]:
    """The unit's highlights submitted in [start, as_of] (still submitted, since published or withdrawn; a
    draft or a returned one is not counted), and how many of them are published."""
    from assessment.models import Highlight

    rows = list(
        Highlight.objects.filter(
            unit_id=unit.pk,
            submitted_on__gte=start,
            submitted_on__lte=as_of,
            # A highlight withdrawn from the feed was still submitted; it is no longer published.
            status__in=(Highlight.Status.SUBMITTED, Highlight.Status.PUBLISHED, Highlight.Status.WITHDRAWN),
        )
        .order_by("submitted_on", "pk")
        .values_list("pk", "title", "status")
    )
    links = [
        EvidenceLink(title, reverse("assessment:highlight-detail", args=[pk])) for pk, title, _s in rows[:20]
    ]
    return len(rows), sum(1 for r in rows if r[2] == Highlight.Status.PUBLISHED), links


def rule_of(item: CycleItem) -> scoring.Rule:
    return scoring.Rule(
        kind=scoring.RuleKind(item.kind),
        points=Decimal(item.points),
        params=item.params or {},
        evidence_required=item.evidence_required,
        na_allowed=item.na_allowed,
    )


def answer_of(answer: ItemAnswer, evidence_count: int) -> scoring.Answer:
    return scoring.Answer(
        value=answer.value or None,
        not_applicable=answer.not_applicable,
        na_reason=answer.na_reason,
        evidence_count=evidence_count,
    )


@dataclass
class ItemLine:
    item: CycleItem
    answer: ItemAnswer
    result: scoring.Result
    # After submission: what the data say now, when it differs from the frozen result.
    moved: scoring.Result | None = None
    evidence: list[Any] | None = None

    @property
    def below_threshold(self) -> bool:
        return self.result.below(Decimal(self.item.threshold))


@dataclass
class FormView:
    selfcheck: SelfCheck
    lines: list[ItemLine]
    total: scoring.Total
    start: dt.date
    as_of: dt.date

    @property
    def progress(self) -> tuple[int, int]:
        """Items done (answered or automatic), of all: what is done, not how well."""
        return self.total.answered, self.total.of


def evidence_counts(selfcheck: SelfCheck) -> dict[int, list[Any]]:
    """Evidence of the form by item id (one piece may serve several items)."""
    from assessment.models import Evidence

    out: dict[int, list[Any]] = {}
    for ev in Evidence.objects.filter(selfcheck=selfcheck).prefetch_related("items").order_by("-id"):
        for item in ev.items.all():
            out.setdefault(item.pk, []).append(ev)
    return out


def live_results(
    selfcheck: SelfCheck, today: dt.date | None = None
) -> list[tuple[CycleItem, ItemAnswer, scoring.Result]]:
    cycle = selfcheck.cycle
    start, as_of = period_of(cycle, today)
    answers = list(
        ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item").order_by("item__number")
    )
    for a in answers:
        # The audit log names an answer by its form (its str): no query per answer when it is saved.
        a.selfcheck = selfcheck
    kinds = {a.item.kind for a in answers if a.item.automatic}
    facts = unit_facts(selfcheck.unit, start, as_of, kinds=kinds) if kinds else None
    ev = evidence_counts(selfcheck)
    out = []
    for a in answers:
        rule = rule_of(a.item)
        result = scoring.score_item(
            rule,
            facts=facts,
            answer=answer_of(a, len(ev.get(a.item_id, []))),
            template_version=cycle.template_revision,
        )
        out.append((a.item, a, result))
    return out


def form_view(selfcheck: SelfCheck, today: dt.date | None = None, *, with_moved: bool = True) -> FormView:
    """The form with each item's result: live until submitted, frozen after (with what moved since, unless
    `with_moved` is false: then a submitted form's facts are not read again)."""
    start, as_of = period_of(selfcheck.cycle, today)
    ev = evidence_counts(selfcheck)
    lines = []
    if selfcheck.locked and not with_moved:
        answers = ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item").order_by("item__number")
        for answer in answers:
            answer.selfcheck = selfcheck
            if answer.result is not None:
                frozen = scoring.Result.from_dict(answer.result)
                lines.append(ItemLine(answer.item, answer, frozen, None, ev.get(answer.item_id, [])))
        if len(lines) == len(answers):
            return FormView(selfcheck, lines, scoring.total_of([x.result for x in lines]), start, as_of)
        lines = []
    for item, answer, live in live_results(selfcheck, today):
        if answer.result is not None and selfcheck.locked:
            frozen = scoring.Result.from_dict(answer.result)
            moved = live if (live.score, live.sentence) != (frozen.score, frozen.sentence) else None
            lines.append(ItemLine(item, answer, frozen, moved, ev.get(item.pk, [])))
        else:
            lines.append(ItemLine(item, answer, live, None, ev.get(item.pk, [])))
    total = scoring.total_of([line.result for line in lines])
    return FormView(selfcheck, lines, total, start, as_of)


def previous_form(selfcheck: SelfCheck) -> SelfCheck | None:
    """The unit's submitted form of the newest earlier year's cycle of the same federation, if any: the one
    whose answers may be copied forward."""
    # By the unit's few forms: without statistics SQLite walked every submitted form of the federation
    # through selfcheck_fed_status (5 ms at 100,000 units, core.sqlplan).
    return (
        SelfCheck.objects.alias(jg_fed=Unindexed("federation_id"), jg_status=Unindexed("status"))
        .filter(
            jg_fed=selfcheck.federation_id,
            unit_id=selfcheck.unit_id,
            jg_status=SelfCheck.Status.SUBMITTED,
            cycle__year__lt=selfcheck.cycle.year,
        )
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle_id")
        .first()
    )


def item_signature(item: CycleItem) -> tuple[Any, ...]:
    """What makes an item the same in two template versions: an answer to one is an answer to the other
    (the guidance and the rectification threshold may differ; the question and its scoring may not)."""
    import json

    return (
        item.number,
        item.title.strip(),
        item.kind,
        json.dumps(item.params or {}, sort_keys=True),
        Decimal(item.points),
        item.evidence_required,
        item.na_allowed,
    )


def cycles_for(user: Any) -> Any:
    return Cycle.objects.visible_to(user).order_by("-year", "-id")


def forms_for(user: Any, cycle: Cycle) -> Any:
    return (
        SelfCheck.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("unit")
        .order_by("unit__name", "id")
    )


# ---- highlights, exchange sessions, the federation's overview ---------------------------------------


def current_cycle_of(unit: Any) -> Cycle | None:
    """The newest cycle the unit has a form in (its items are those a new highlight may illustrate)."""
    return (
        Cycle.objects.filter(forms__unit_id=unit.pk).order_by("-year", "-id").first()
    )


def highlight_feed_for(user: Any, federation_ids: Any = None) -> Any:
    """The published highlights the user sees (every unit of the federation sees them), newest first."""
    from assessment.models import Highlight

    qs = Highlight.objects.visible_to(user).filter(status=Highlight.Status.PUBLISHED)
    if federation_ids is not None:
        qs = qs.filter(federation_id__in=federation_ids)
    return qs.select_related("unit").order_by("-published_on", "-id")


def own_highlights_for(user: Any) -> Any:
    """The highlights of the user's own units (a liaison's), drafts included."""
    from assessment.models import Highlight

    return Highlight.objects.permitted(user, "fill").select_related("unit").order_by("-id")


def highlights_to_review_for(user: Any) -> Any:
    """Submitted highlights waiting for the staff (publish or return)."""
    from assessment.models import Highlight

    return (
        Highlight.objects.permitted(user, "review")
        .filter(status=Highlight.Status.SUBMITTED)
        .select_related("unit")
        .order_by("submitted_on", "id")
    )


def highlights_api_for(user: Any) -> Any:
    """GET /api/v1/assessment/highlights: published ones and the caller's own (staff: also the submitted)."""
    from assessment.models import Highlight

    return (
        Highlight.objects.visible_to(user).prefetch_related("items").order_by("-submitted_on", "-id")
    )


# The buckets of an item's score distribution, in the order the chart stacks them.
BUCKETS = ("full", "pass", "weak", "uncounted")


@dataclass
class ItemSpread:
    item: CycleItem
    counts: dict[str, int]

    @property
    def weak(self) -> int:
        return self.counts["weak"]


@dataclass
class Overview:
    """The federation's view of a cycle (no league table): per item how the units' scores spread, the items
    most often below their threshold, the units that have not submitted, the rectification progress."""

    cycle: Cycle
    n_forms: int
    n_submitted: int
    spreads: list[ItemSpread]
    not_submitted: list[SelfCheck]
    rectification: dict[str, int]

    @property
    def weakest(self) -> list[ItemSpread]:
        return sorted((s for s in self.spreads if s.weak), key=lambda s: (-s.weak, s.item.number))[:5]


def cycle_overview(cycle: Cycle, today: dt.date | None = None) -> Overview:
    """From the results frozen at submission (a draft's results still move, so they are not counted).

    Queries: the items, the forms with their units, the submitted answers' results, the rectifications'
    counts (one aggregate)."""
    from django.db.models import Count, Q

    from assessment.models import Rectification

    today = today or clock.today()
    items = list(cycle.items.order_by("number"))
    spreads = {i.pk: ItemSpread(i, dict.fromkeys(BUCKETS, 0)) for i in items}
    forms = list(SelfCheck.objects.filter(cycle=cycle).select_related("unit").order_by("unit__name"))
    submitted = [f for f in forms if f.status == SelfCheck.Status.SUBMITTED]
    rows = ItemAnswer.objects.filter(
        selfcheck__cycle=cycle, selfcheck__status=SelfCheck.Status.SUBMITTED, result__isnull=False
    ).values_list("item_id", "result")
    for item_id, data in rows:
        spread = spreads.get(item_id)
        if spread is None or data is None:
            continue
        result = scoring.Result.from_dict(data)
        if not result.counted or result.score is None:
            bucket = "uncounted"
        elif result.below(Decimal(spread.item.threshold)):
            bucket = "weak"
        elif result.score >= result.max_score:
            bucket = "full"
        else:
            bucket = "pass"
        spread.counts[bucket] += 1
    rect = Rectification.objects.filter(selfcheck__cycle=cycle).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Rectification.Status.DONE)),
        overdue=Count("id", filter=Q(status=Rectification.Status.OPEN, deadline__lt=today)),
    )
    rect["open"] = rect["total"] - rect["done"]
    return Overview(
        cycle=cycle,
        n_forms=len(forms),
        n_submitted=len(submitted),
        spreads=[spreads[i.pk] for i in items],
        not_submitted=[f for f in forms if f.status != SelfCheck.Status.SUBMITTED],
        rectification=rect,
    )


def overview_chart(overview: Overview) -> dict[str, Any]:
    """The data of the overview's stacked bar chart (json_script), one bar per item."""
    labels = {
        "full": gettext("满分"),
        "pass": gettext("达到整改线"),
        "weak": gettext("低于整改线"),
        "uncounted": gettext("不计分"),
    }
    return {
        "items": [f"{s.item.number}. {s.item.title}" for s in overview.spreads],
        "series": [
            {"key": b, "name": labels[b], "data": [s.counts[b] for s in overview.spreads]} for b in BUCKETS
        ],
    }


@dataclass
class TrendRow:
    """One item of the overview's comparison with earlier years: per year, units below the threshold of
    those submitted (None where that year's form had no such item)."""

    number: int
    title: str
    weak: list[tuple[int, int] | None]


@dataclass
class Trend:
    years: list[int]
    submitted: list[int]
    rows: list[TrendRow]


def overview_trend(cycle: Cycle, *, years: int = 5, current: Overview | None = None) -> Trend:
    """The cycle's items compared with the federation's earlier cycles (the newest cycle of each earlier
    year, at most `years` in all, oldest first): how many submitted forms fell below each item's threshold.

    Queries: the cycles, then cycle_overview's per cycle (not for `cycle` when its `current` overview is
    given)."""
    earlier = list(
        Cycle.objects.filter(federation_id=cycle.federation_id, year__lt=cycle.year).order_by("-year", "-id")
    )
    chosen: dict[int, Cycle] = {}
    for c in earlier:
        chosen.setdefault(c.year, c)
    cycles = [*sorted(chosen.values(), key=lambda c: c.year)[-(years - 1) :], cycle]
    overviews = [cycle_overview(c) for c in cycles[:-1]] + [current or cycle_overview(cycle)]
    current = overviews[-1]
    rows = []
    for spread in current.spreads:
        weak: list[tuple[int, int] | None] = []
        for ov in overviews:
            match = next((s for s in ov.spreads if s.item.number == spread.item.number), None)
            weak.append(None if match is None else (match.weak, ov.n_submitted))
        rows.append(TrendRow(spread.item.number, spread.item.title, weak))
    return Trend(years=[c.year for c in cycles], submitted=[ov.n_submitted for ov in overviews], rows=rows)


@dataclass
class FollowUp:
    """A rectification item of the unit's previous form, seen from this form: was the item measured
    better this time (its share of the points), the same, or worse."""

    rectification: Any
    before: scoring.Result | None
    now: scoring.Result | None

    @property
    def movement(self) -> str:
        """"up", "same", "down", or "" when either side has no score to compare."""
        if self.before is None or self.now is None or self.before.share is None or self.now.share is None:
            return ""
        if self.now.share > self.before.share:
            return "up"
        return "down" if self.now.share < self.before.share else "same"


def rectification_follow_ups(view: FormView) -> list[FollowUp]:
    """The previous cycle's rectification items of the unit, each with the item's result then (frozen at
    that submission) and now (this form's line with the same item number), so the page shows whether the
    measurement moved.

    Queries: the previous form, its rectifications with their items, its answers' frozen results."""
    from assessment.models import Rectification

    previous = previous_form(view.selfcheck)
    if previous is None:
        return []
    rows = list(Rectification.objects.filter(selfcheck=previous).select_related("item").order_by("item__number"))
    if not rows:
        return []
    frozen = {
        number: scoring.Result.from_dict(data)
        for number, data in ItemAnswer.objects.filter(selfcheck=previous, result__isnull=False).values_list(
            "item__number", "result"
        )
        if data is not None
    }
    now = {line.item.number: line.result for line in view.lines}
    for r in rows:
        r.selfcheck = previous
    return [FollowUp(r, frozen.get(r.item.number), now.get(r.item.number)) for r in rows]
