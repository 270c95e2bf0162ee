"""What the self-check dashboard (自查工作台) shows, read through the user's scope.

The three rates come from committees.selectors / committees.rates (one set of facts, loaded once,
from which every year of the trend is computed in Python); the three lists are scoped queries here.
Nothing below runs a query per unit: the page's query count does not grow with the district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q

from committees.models import Committee, Term, Vacancy
from committees.rates import (
    Facts,
    RateResult,
    Rates,
    RateSettings,
    TermFact,
    UnitFact,
    VacancyFact,
    YearRates,
)
from orgs.models import Unit

# How many years the trend chart reaches back at most.
TREND_MAX_YEARS = 12


@dataclass(frozen=True)
class RateView:
    """One rate as the page shows it: 64.9%  37/57."""

    key: str
    label: str
    hint: str
    result: RateResult

    @property
    def numerator(self) -> int:
        return self.result.numerator

    @property
    def denominator(self) -> int:
        return self.result.denominator

    @property
    def percent(self) -> str:
        return self.result.percent

    @property
    def value(self) -> float | None:
        """The percentage as a number for the chart (one decimal), None when nothing was counted."""
        rate = self.result.rate
        return None if rate is None else round(rate * 100, 1)


@dataclass(frozen=True)
class NoCommitteeRow:
    unit_id: int
    unit_name: str
    kind: str
    established_on: dt.date | None


@dataclass(frozen=True)
class OverdueRow:
    unit_id: int
    unit_name: str
    term_number: int
    started_on: dt.date
    due_on: dt.date
    days_overdue: int


@dataclass(frozen=True)
class VacancyRow:
    unit_id: int
    unit_name: str
    post: str
    vacated_on: dt.date
    deadline: dt.date
    days_open: int


@dataclass
class Dashboard:
    start: dt.date
    end: dt.date
    as_of: dt.date
    rates: list[RateView]
    trend: dict[str, Any]
    no_committee: list[NoCommitteeRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    vacancies: list[VacancyRow] = field(default_factory=list)


RATE_LABELS = {
    "formation": ("组建率", "应建妇委会的单位中已组建的比例（截至期末）"),
    "on_time_reelection": ("按时换届率", "期内届满的届次中按时换届的比例"),
    "vacancy_fill": ("及时补缺率", "期内缺位中在期限内补齐的比例"),
}


def rate_views(rates: Rates) -> list[RateView]:
    return [
        RateView(key=key, label=label, hint=hint, result=getattr(rates, key))
        for key, (label, hint) in RATE_LABELS.items()
    ]


def first_year_for(user: Any) -> int | None:
    """The first year with committee history the user can see (for the year picker and the trend)."""
    committees = Committee.objects.visible_to(user)
    terms = Term.objects.visible_to(user)
    years = [
        d.year
        for d in (
            committees.aggregate(m=Min("formed_on"))["m"],
            terms.aggregate(m=Min("due_on"))["m"],
        )
        if d is not None
    ]
    return min(years) if years else None


def units_without_committee(user: Any, as_of: dt.date) -> list[NoCommitteeRow]:
    """Active units that must have a committee and had none on `as_of` (未组建)."""
    has_committee = Committee.objects.filter(unit_id=OuterRef("pk"), formed_on__lte=as_of).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )
    units = (
        Unit.objects.visible_to(user)
        .active_on(as_of)
        .filter(requires_committee=True)
        .exclude(Exists(has_committee))
        .order_by("name", "id")
    )
    return [NoCommitteeRow(u.pk, u.name, u.get_kind_display(), u.established_on) for u in units]


def overdue_terms(user: Any, as_of: dt.date) -> list[OverdueRow]:
    """Terms in office on `as_of` whose planned end has passed (超期服役), longest overdue first."""
    successor_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=as_of
    )
    terms = (
        Term.objects.visible_to(user)
        .filter(started_on__lte=as_of, due_on__lt=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .filter(Q(committee__dissolved_on__isnull=True) | Q(committee__dissolved_on__gt=as_of))
        .filter(Q(committee__unit__dissolved_on__isnull=True) | Q(committee__unit__dissolved_on__gt=as_of))
        .exclude(Exists(successor_started))
        .select_related("committee__unit")
        .order_by("due_on", "id")
    )
    return [
        OverdueRow(
            unit_id=t.committee.unit_id,
            unit_name=t.committee.unit.name,
            term_number=t.number,
            started_on=t.started_on,
            due_on=t.due_on,
            days_overdue=(as_of - t.due_on).days,
        )
        for t in terms
    ]


def vacancies_past_deadline(user: Any, as_of: dt.date) -> list[VacancyRow]:
    """Posts open on `as_of` longer than the federation's fill deadline, longest open first."""
    vacancies = (
        Vacancy.objects.visible_to(user)
        .filter(vacated_on__lte=as_of)
        .filter(Q(filled_on__isnull=True) | Q(filled_on__gt=as_of))
        .filter(Q(committee__dissolved_on__isnull=True) | Q(committee__dissolved_on__gt=as_of))
        .filter(Q(committee__unit__dissolved_on__isnull=True) | Q(committee__unit__dissolved_on__gt=as_of))
        .select_related("committee__unit", "federation")
        .order_by("vacated_on", "id")
    )
    rows = []
    for v in vacancies:
        deadline = v.vacated_on + dt.timedelta(days=v.federation.vacancy_fill_days)
        if as_of > deadline:
            rows.append(
                VacancyRow(
                    unit_id=v.committee.unit_id,
                    unit_name=v.committee.unit.name,
                    post=v.get_role_display(),
                    vacated_on=v.vacated_on,
                    deadline=deadline,
                    days_open=(as_of - v.vacated_on).days,
                )
            )
    return rows


def dashboard_for(user: Any, *, start: dt.date, end: dt.date, trend_from: int, trend_to: int) -> Dashboard:
    """Everything the dashboard shows for the period [start, end], in a fixed number of queries."""
    from committees import rates as rate_lib

    facts, rate_settings = _facts_and_settings(user)
    return Dashboard(
        start=start,
        end=end,
        as_of=end,
        rates=rate_views(rate_lib.all_rates(facts, start, end, rate_settings)),
        trend=trend_series(rate_lib.yearly_trend(facts, trend_from, trend_to, rate_settings)),
        no_committee=units_without_committee(user, end),
        overdue=overdue_terms(user, end),
        vacancies=vacancies_past_deadline(user, end),
    )


def trend_series(rows: list[YearRates]) -> dict[str, Any]:
    """The chart's data: {years: [...], series: [{key, name, data: [percent|None], detail: [[num, den]]}]}."""
    series = []
    for key, (label, _hint) in RATE_LABELS.items():
        results = [getattr(row.rates, key) for row in rows]
        series.append(
            {
                "key": key,
                "name": label,
                "data": [None if r.rate is None else round(r.rate * 100, 1) for r in results],
                "detail": [[r.numerator, r.denominator] for r in results],
            }
        )
    table = [
        {"year": row.year, "cells": [f"{getattr(row.rates, k).percent}（{getattr(row.rates, k).numerator}/"
                                     f"{getattr(row.rates, k).denominator}）" for k in RATE_LABELS]}
        for row in rows
    ]
    return {"years": [str(row.year) for row in rows], "series": series, "table": table}


def _facts_and_settings(user: Any) -> tuple[Facts, RateSettings]:
    """The rate facts of everything the user sees (five queries, whatever the number of units)."""
    from collections import defaultdict

    from orgs.models import Federation

    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for unit_id, formed_on, dissolved_on in Committee.objects.visible_to(user).values_list(
        "unit_id", "formed_on", "dissolved_on"
    ):
        spans[unit_id].append((formed_on, dissolved_on))
    units = [
        UnitFact(pk, established, dissolved, requires, tuple(spans.get(pk, ())))
        for pk, established, dissolved, requires in Unit.objects.visible_to(user).values_list(
            "pk", "established_on", "dissolved_on", "requires_committee"
        )
    ]
    rows = list(
        Term.objects.visible_to(user)
        .order_by("committee_id", "number")
        .values_list("pk", "committee_id", "due_on", "started_on", "committee__dissolved_on")
    )
    terms = []
    for i, (pk, committee_id, due_on, _started, committee_dissolved) in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        successor = following[3] if following is not None and following[1] == committee_id else None
        terms.append(TermFact(pk, committee_dissolved, due_on, successor))
    vacancies = [
        VacancyFact(pk, vacated, filled)
        for pk, vacated, filled in Vacancy.objects.visible_to(user).values_list("pk", "vacated_on", "filled_on")
    ]
    federation = Federation.objects.visible_to(user).filter(parent__isnull=False).first() or (
        Federation.objects.visible_to(user).first()
    )
    rate_settings = (
        RateSettings(federation.reelection_grace_days, federation.vacancy_fill_days) if federation else RateSettings()
    )
    return Facts(units=units, terms=terms, vacancies=vacancies), rate_settings
