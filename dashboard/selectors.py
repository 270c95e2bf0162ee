"""What the self-check dashboard (自查工作台) shows, read through the user's scope.

The three rates come from committees.selectors / committees.rates (one set of facts, loaded once,
from which every year of the trend is computed in Python); the three lists are committees.selectors'
scoped queries, turned into the rows the page and the Excel exports show.
Nothing below runs a query per unit: the page's query count does not grow with the district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from committees import selectors as committee_selectors
from committees.models import Term
from committees.rates import RateResult, Rates, YearRates, all_rates, yearly_trend

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


# Lazy: the page, the chart and the Excel exports show them in the language of the request.
RATE_LABELS = {
    "formation": (_("组建率"), _("应建妇委会的单位中已组建的比例（截至期末）")),
    "on_time_reelection": (_("按时换届率"), _("期内届满的届次中按时换届的比例")),
    "vacancy_fill": (_("及时补缺率"), _("期内缺位中在期限内补齐的比例")),
}


def rate_views(rates: Rates) -> list[RateView]:
    return [
        RateView(key=key, label=str(label), hint=str(hint), result=getattr(rates, key))
        for key, (label, hint) in RATE_LABELS.items()
    ]


def first_year_for(user: Any, federation: int | None = None) -> int | None:
    """The first year with committee history the user can see (for the year picker and the trend)."""
    committees = committee_selectors.rate_committees_for(user, federation)
    found = [
        committees.aggregate(m=Min("formed_on"))["m"],
        Term.objects.visible_to(user).filter(committee__in=committees).aggregate(m=Min("due_on"))["m"],
    ]
    years = [d.year for d in found if d is not None]
    return min(years) if years else None


def units_without_committee(user: Any, as_of: dt.date, federation: int | None = None) -> list[NoCommitteeRow]:
    """Active units that must have a committee and had none on `as_of` (未组建)."""
    return [
        NoCommitteeRow(u.pk, u.name, u.get_kind_display(), u.established_on)
        for u in committee_selectors.units_without_committee(user, as_of, federation)
    ]


def overdue_terms(user: Any, as_of: dt.date, federation: int | None = None) -> list[OverdueRow]:
    """Terms in office on `as_of` whose planned end has passed (超期服役), longest overdue first."""
    return [
        OverdueRow(
            unit_id=o.unit.pk,
            unit_name=o.unit.name,
            term_number=o.term.number,
            started_on=o.term.started_on,
            due_on=o.term.due_on,
            days_overdue=o.days_overdue,
        )
        for o in committee_selectors.overdue_committees(user, as_of, federation)
    ]


def vacancies_past_deadline(user: Any, as_of: dt.date, federation: int | None = None) -> list[VacancyRow]:
    """Posts open on `as_of` longer than the federation's fill deadline, longest open first."""
    return [
        VacancyRow(
            unit_id=late.committee.unit_id,
            unit_name=late.committee.unit.name,
            post=late.vacancy.get_role_display(),
            vacated_on=late.vacancy.vacated_on,
            deadline=late.deadline,
            days_open=(as_of - late.vacancy.vacated_on).days,
        )
        for late in committee_selectors.vacancies_past_deadline(user, as_of, federation)
    ]


def dashboard_for(
    user: Any, *, start: dt.date, end: dt.date, trend_from: int, trend_to: int, federation: int | None = None
) -> Dashboard:
    """Everything the dashboard shows for the period [start, end] in one federation (the user's part of
    it), in a fixed number of queries."""
    facts = committee_selectors.rate_facts_for(user, federation)
    rate_settings = committee_selectors.rate_settings_for(user, federation)
    return Dashboard(
        start=start,
        end=end,
        as_of=end,
        rates=rate_views(all_rates(facts, start, end, rate_settings)),
        trend=trend_series(yearly_trend(facts, trend_from, trend_to, rate_settings, until=end)),
        no_committee=units_without_committee(user, end, federation),
        overdue=overdue_terms(user, end, federation),
        vacancies=vacancies_past_deadline(user, end, federation),
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

