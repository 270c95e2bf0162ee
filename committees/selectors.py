"""Scoped reads of committee history: the facts behind the three rates, and the dashboard's lists.

Everything goes through the scoping of the models (`visible_to(user)` / `for_scope(scope)`): a
federation's staff read their federation, a unit liaison reads only their own unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from committees.models import Committee, Term, Vacancy
from committees.rates import (
    Facts,
    Rates,
    RateSettings,
    TermFact,
    UnitFact,
    VacancyFact,
    YearRates,
    all_rates,
    yearly_trend,
)
from core.scoping import Scope, scope_for, unit_rows_q
from orgs.models import Federation, Unit, UnitQuerySet


def _scope(user_or_scope: Any) -> Scope:
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


def _federation_id(federation: Federation | int | None) -> int | None:
    if federation is None or isinstance(federation, int):
        return federation
    return federation.pk


def rate_units_for(
    user_or_scope: Any, federation: Federation | int | None = None, unit_ids: Any = None
) -> UnitQuerySet:
    """The units whose committee figures the user may read (the committee rows' scoping rule)."""
    scope = _scope(user_or_scope)
    if scope.is_anonymous:
        return Unit.objects.none()
    units: UnitQuerySet = Unit.objects.for_scope(scope)
    if not scope.is_superuser:
        units = units.filter(unit_rows_q(scope, "id"))
    fed_id = _federation_id(federation)
    if fed_id is not None:
        units = units.filter(federation_id=fed_id)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return units


def rate_facts_for(
    user_or_scope: Any, federation: Federation | int | None = None, unit_ids: Any = None
) -> Facts:
    """The dated facts of the units the user may read, in four queries whatever their number.

    Queries: 1 units, 2 committees, 3 terms (with the next term's start as a subquery), 4 vacancies.
    """
    units = rate_units_for(user_or_scope, federation, unit_ids)
    unit_rows = list(units.values_list("id", "established_on", "dissolved_on", "requires_committee"))
    ids = [row[0] for row in unit_rows]
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for unit_id, formed_on, dissolved_on in (
        Committee.objects.filter(unit_id__in=ids).order_by("formed_on").values_list("unit_id", "formed_on", "dissolved_on")
    ):
        spans.setdefault(unit_id, []).append((formed_on, dissolved_on))
    successor_start = Term.objects.filter(committee_id=OuterRef("committee_id"), number=OuterRef("number") + 1).values(
        "started_on"
    )[:1]
    terms = [
        TermFact(id=pk, committee_dissolved_on=dissolved, due_on=due, successor_started_on=succ)
        for pk, dissolved, due, succ in Term.objects.filter(committee__unit_id__in=ids)
        .annotate(successor_started_on=Subquery(successor_start))
        .values_list("id", "committee__dissolved_on", "due_on", "successor_started_on")
    ]
    vacancies = [
        VacancyFact(id=pk, vacated_on=vacated, filled_on=filled)
        for pk, vacated, filled in Vacancy.objects.filter(committee__unit_id__in=ids).values_list(
            "id", "vacated_on", "filled_on"
        )
    ]
    return Facts(
        units=[
            UnitFact(
                id=pk, established_on=est, dissolved_on=dis, requires_committee=req, committees=tuple(spans.get(pk, ()))
            )
            for pk, est, dis, req in unit_rows
        ],
        terms=terms,
        vacancies=vacancies,
    )


def rate_settings_for(user_or_scope: Any, federation: Federation | int | None = None) -> RateSettings:
    """The federation's grace and fill-deadline settings; defaults when the scope spans none or several."""
    fed_id = _federation_id(federation)
    if fed_id is None:
        scope = _scope(user_or_scope)
        ids = scope.federation_ids
        if len(ids) != 1:
            return RateSettings()
        fed_id = next(iter(ids))
    row = Federation.objects.filter(pk=fed_id).values_list("reelection_grace_days", "vacancy_fill_days").first()
    if row is None:
        return RateSettings()
    return RateSettings(grace_days=row[0], fill_days=row[1])


def rates_for(
    user: Any,
    start: dt.date,
    end: dt.date,
    *,
    federation: Federation | int | None = None,
    unit_ids: Any = None,
) -> Rates:
    """The three rates over [start, end] (formation as of `end`) for what the user may read."""
    facts = rate_facts_for(user, federation, unit_ids)
    return all_rates(facts, start, end, rate_settings_for(user, federation))


def rate_trend_for(
    user: Any, first_year: int, last_year: int, *, federation: Federation | int | None = None
) -> list[YearRates]:
    """Per-year rates for the trend chart (formation as of Dec 31; the others over each year)."""
    facts = rate_facts_for(user, federation)
    return yearly_trend(facts, first_year, last_year, rate_settings_for(user, federation))


# ---- the dashboard's lists --------------------------------------------------------------------------


def _committee_active_on(as_of: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}formed_on__lte": as_of}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": as_of})
    )


def units_without_committee(user: Any, as_of: dt.date) -> QuerySet[Unit]:
    """Active units that require a committee but had none on `as_of` (未组建), by name."""
    active_committee = Committee.objects.filter(_committee_active_on(as_of), unit_id=OuterRef("pk"))
    return (
        rate_units_for(user)
        .active_on(as_of)
        .filter(requires_committee=True)
        .filter(~Exists(active_committee))
        .select_related("federation")
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class OverdueCommittee:
    """A committee serving past its term (超期服役) on a date: derived, never stored."""

    committee: Committee
    term: Term
    days_overdue: int

    @property
    def unit(self) -> Unit:
        return self.committee.unit


def overdue_committees(user: Any, as_of: dt.date) -> list[OverdueCommittee]:
    """Committees active on `as_of` whose current term was due before `as_of` with no successor by then.

    One query: the current term is the one started on or before `as_of` with no later term started by
    `as_of`; it is overdue when `due_on < as_of`. Most overdue first.
    """
    later_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=as_of
    )
    terms = (
        Term.objects.visible_to(user)
        .filter(committee__in=rate_committees_for(user))
        .filter(_committee_active_on(as_of, "committee__"))
        .filter(started_on__lte=as_of, due_on__lt=as_of)
        .filter(~Exists(later_started))
        .select_related("committee", "committee__unit")
        .order_by("due_on", "committee__unit__name")
    )
    return [OverdueCommittee(committee=t.committee, term=t, days_overdue=(as_of - t.due_on).days) for t in terms]


def rate_committees_for(user: Any) -> QuerySet[Committee]:
    """The committees of the units the user may read."""
    return Committee.objects.visible_to(user).filter(unit__in=rate_units_for(user))


@dataclass(frozen=True)
class LateVacancy:
    """A vacancy still open on a date after its fill deadline (补缺超期)."""

    vacancy: Vacancy
    deadline: dt.date
    days_past_deadline: int

    @property
    def committee(self) -> Committee:
        return self.vacancy.committee


def vacancies_past_deadline(user: Any, as_of: dt.date) -> list[LateVacancy]:
    """Vacancies open on `as_of` whose deadline (vacated_on + the federation's fill days) is before it.

    One query; the deadline uses each row's federation's `vacancy_fill_days`. Longest overdue first.
    """
    rows = (
        Vacancy.objects.visible_to(user)
        .filter(committee__in=rate_committees_for(user))
        .filter(vacated_on__lte=as_of)
        .filter(Q(filled_on__isnull=True) | Q(filled_on__gt=as_of))
        .select_related("committee", "committee__unit", "federation")
        .annotate(fill_days=F("federation__vacancy_fill_days"))
        .order_by("vacated_on", "id")
    )
    result = []
    for v in rows:
        deadline = v.vacated_on + dt.timedelta(days=v.fill_days)
        if deadline < as_of:
            result.append(LateVacancy(vacancy=v, deadline=deadline, days_past_deadline=(as_of - deadline).days))
    return result
