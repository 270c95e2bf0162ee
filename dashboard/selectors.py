"""What the self-check dashboard (自查工作台) shows, read through the user's scope.

The three rates and their trend are counted by the database (committees.rate_queries, by the rules of
committees.rates) in four statements; the three lists are committees.selectors' scoped queries, of which
the page shows the first rows with their count, the list pages (dashboard.views.ProblemListView) a page
at a time, and the Excel exports all, turned into the same rows.
Nothing below runs a query per unit: the page's query count does not grow with the district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, QuerySet, Window
from django.utils.translation import gettext_lazy as _

from committees import rate_summary
from committees import selectors as committee_selectors
from committees.models import Committee, Term, Vacancy
from committees.rates import RateResult, Rates, YearRates
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


# How many rows of each list the dashboard shows; the rest are on the list's own pages.
LIST_HEAD = 10


@dataclass(frozen=True)
class ListHead:
    """The first rows of a list and how many there are in all."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


@dataclass
class Dashboard:
    start: dt.date
    end: dt.date
    as_of: dt.date
    rates: list[RateView]
    trend: dict[str, Any]
    no_committee: ListHead = field(default_factory=ListHead)
    overdue: ListHead = field(default_factory=ListHead)
    vacancies: ListHead = field(default_factory=ListHead)


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
    whole = committee_selectors.summary_federation(user, federation)
    if whole is not None:
        # All of one federation: its rows carry it (committee_fed_formed, term_fed_due answer at once).
        found = [
            Committee.objects.filter(federation_id=whole).aggregate(m=Min("formed_on"))["m"],
            Term.objects.filter(federation_id=whole).aggregate(m=Min("due_on"))["m"],
        ]
        years = [d.year for d in found if d is not None]
        return min(years) if years else None
    committees = committee_selectors.rate_committees_for(user, federation)
    found = [
        committees.aggregate(m=Min("formed_on"))["m"],
        Term.objects.visible_to(user).filter(committee__in=committees).aggregate(m=Min("due_on"))["m"],
    ]
    years = [d.year for d in found if d is not None]
    return min(years) if years else None


def no_committee_row(unit: Unit, as_of: dt.date) -> NoCommitteeRow:
    return NoCommitteeRow(unit.pk, unit.name, unit.get_kind_display(), unit.established_on)


def overdue_row(term: Term, as_of: dt.date) -> OverdueRow:
    o = committee_selectors.overdue_committee(term, as_of)
    return OverdueRow(
        unit_id=o.unit.pk,
        unit_name=o.unit.name,
        term_number=o.term.number,
        started_on=o.term.started_on,
        due_on=o.term.due_on,
        days_overdue=o.days_overdue,
    )


def vacancy_row(vacancy: Vacancy, as_of: dt.date) -> VacancyRow:
    late = committee_selectors.late_vacancy(vacancy, as_of)
    return VacancyRow(
        unit_id=late.committee.unit_id,
        unit_name=late.committee.unit.name,
        post=late.vacancy.get_role_display(),
        vacated_on=late.vacancy.vacated_on,
        deadline=late.deadline,
        days_open=(as_of - late.vacancy.vacated_on).days,
    )


@dataclass(frozen=True)
class ProblemList:
    """One of the dashboard's three lists: its query (scoped, ordered) and the row the page shows."""

    key: str
    title: Any
    queryset: Callable[[Any, dt.date, int | None], QuerySet[Any]]
    row: Callable[[Any, dt.date], Any]
    # The first rows for a whole federation by queries that stop early (committees.selectors' *_first).
    first: Callable[[Any, dt.date, int, int], list[Any]] | None = None

    def rows(self, user: Any, as_of: dt.date, federation: int | None = None) -> list[Any]:
        """Every row (the Excel export)."""
        return [self.row(obj, as_of) for obj in self.queryset(user, as_of, federation)]

    def head(
        self, user: Any, as_of: dt.date, federation: int | None = None, size: int = LIST_HEAD,
        counts: dict[str, int] | None = None,
    ) -> ListHead:
        """The first `size` rows with the count of all. With `counts` (a whole federation's, from the rate
        summary) the rows are one query that stops after `size`; else the count is a window over the rows."""
        if counts is not None:
            whole = committee_selectors.summary_federation(user, federation)
            if self.first is not None and whole is not None:
                objs = self.first(user, as_of, whole, size)
            else:
                objs = list(self.queryset(user, as_of, federation)[:size])
            return ListHead(rows=[self.row(obj, as_of) for obj in objs], total=counts[self.key])
        objs = list(self.queryset(user, as_of, federation).annotate(jg_total=Window(Count("*")))[:size])
        total = objs[0].jg_total if objs else 0
        return ListHead(rows=[self.row(obj, as_of) for obj in objs], total=total)


PROBLEM_LISTS: dict[str, ProblemList] = {
    "no-committee": ProblemList(
        "no-committee", _("未组建妇委会的单位"), committee_selectors.units_without_committee, no_committee_row
    ),
    "overdue": ProblemList(
        "overdue", _("超期服役"), committee_selectors.overdue_terms, overdue_row,
        first=committee_selectors.overdue_terms_first,
    ),
    "vacancies": ProblemList(
        "vacancies", _("超过补缺期限的缺位"), committee_selectors.late_vacancies, vacancy_row,
        first=committee_selectors.late_vacancies_first,
    ),
}


def units_without_committee(user: Any, as_of: dt.date, federation: int | None = None) -> list[NoCommitteeRow]:
    """Active units that must have a committee and had none on `as_of` (未组建)."""
    return PROBLEM_LISTS["no-committee"].rows(user, as_of, federation)


def overdue_terms(user: Any, as_of: dt.date, federation: int | None = None) -> list[OverdueRow]:
    """Terms in office on `as_of` whose planned end has passed (超期服役), longest overdue first."""
    return PROBLEM_LISTS["overdue"].rows(user, as_of, federation)


def vacancies_past_deadline(user: Any, as_of: dt.date, federation: int | None = None) -> list[VacancyRow]:
    """Posts open on `as_of` longer than the federation's fill deadline, longest open first."""
    return PROBLEM_LISTS["vacancies"].rows(user, as_of, federation)


def dashboard_for(
    user: Any, *, start: dt.date, end: dt.date, trend_from: int, trend_to: int, federation: int | None = None
) -> Dashboard:
    """Everything the dashboard shows for the period [start, end] in one federation (the user's part of
    it), in a fixed number of queries: the rates and the trend counted by the database in four, each list
    its first rows with their count in one."""
    rates, trend = committee_selectors.rates_and_trend_for(
        user, start, end, trend_from, trend_to, federation=federation, until=end
    )
    whole = committee_selectors.summary_federation(user, federation)
    counts = rate_summary.problem_counts(whole, end) if whole is not None else None
    lists = {key: spec.head(user, end, federation, counts=counts) for key, spec in PROBLEM_LISTS.items()}
    return Dashboard(
        start=start,
        end=end,
        as_of=end,
        rates=rate_views(rates),
        trend=trend_series(trend),
        no_committee=lists["no-committee"],
        overdue=lists["overdue"],
        vacancies=lists["vacancies"],
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

