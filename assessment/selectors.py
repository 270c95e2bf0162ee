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
    try:
        from assessment.models import Highlight  # type: ignore[attr-defined]
    except ImportError:
        return 0, 0, []
    rows = list(
        Highlight.objects.filter(unit_id=unit.pk, submitted_on__gte=start, submitted_on__lte=as_of)
        .exclude(status="draft")
        .values_list("pk", "title", "status")
    )
    links = [
        EvidenceLink(title, reverse("assessment:highlight-detail", args=[pk])) for pk, title, _s in rows[:20]
    ]
    return len(rows), sum(1 for r in rows if r[2] == "published"), links


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
    try:
        from assessment.models import Evidence  # type: ignore[attr-defined]
    except ImportError:
        return {}
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


def form_view(selfcheck: SelfCheck, today: dt.date | None = None) -> FormView:
    """The form with each item's result: live until submitted, frozen after (with what moved since)."""
    start, as_of = period_of(selfcheck.cycle, today)
    ev = evidence_counts(selfcheck)
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


def cycles_for(user: Any) -> Any:
    return Cycle.objects.visible_to(user).order_by("-year", "-id")


def forms_for(user: Any, cycle: Cycle) -> Any:
    return (
        SelfCheck.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("unit")
        .order_by("unit__name", "id")
    )
