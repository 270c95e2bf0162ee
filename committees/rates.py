"""The three headline rates (组建率, 按时换届率, 及时补缺率), computed from dated facts. Pure: no ORM.

Everything here works on plain frozen dataclasses loaded by `committees.selectors.rate_facts_for`, so
the same functions answer "as of" any date and over any period, and the yearly trend is just a loop.

Boundary semantics (domain.md, made precise; each rule lives in committees.rules or core.spans, which
the history page, the panel and the reminders use too):

* A unit is active on D when `established_on` <= D (or unknown) and it is not dissolved by D, i.e.
  `dissolved_on` is null or `dissolved_on` > D. The day a unit is dissolved it no longer counts.
  The same rule applies to a committee: formed on or before D, and `dissolved_on` null or > D.
* A period [A, B] includes both ends.
* Re-election: a term is "on time" when its successor started on or before `due_on + grace_days`
  (an early re-election is on time). Terms of committees dissolved strictly before `due_on` are left
  out of both sides; a committee dissolved on or after `due_on` without a successor counts as late.
* Vacancy fill: the deadline is `vacated_on + fill_days`; "filled within the deadline" means
  `filled_on <= deadline` (filling on the deadline day is on time). A vacancy is judged when it is
  filled (at any date recorded so far), or still open with its deadline passed by B, i.e.
  `deadline < B`. An open vacancy whose deadline is on or after B is pending: left out of both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from committees.rules import filled_in_time, left_out_of_reelection_rate, reelected_on_time, vacancy_deadline
from core.spans import active_on


@dataclass(frozen=True)
class UnitFact:
    """One unit (机关单位) with the spans of its committees as (formed_on, dissolved_on) pairs."""

    id: int
    established_on: dt.date | None
    dissolved_on: dt.date | None
    requires_committee: bool = True
    committees: Sequence[tuple[dt.date, dt.date | None]] = ()


@dataclass(frozen=True)
class TermFact:
    """One term (届): its planned end and when the next term of the same committee started."""

    id: int
    committee_dissolved_on: dt.date | None
    due_on: dt.date
    successor_started_on: dt.date | None


@dataclass(frozen=True)
class VacancyFact:
    """One vacancy (缺位): when the post was left empty and when (if ever) it was filled."""

    id: int
    vacated_on: dt.date
    filled_on: dt.date | None


@dataclass(frozen=True)
class Facts:
    """Everything the rates need, for one scope (a federation, or a liaison's unit)."""

    units: Sequence[UnitFact] = ()
    terms: Sequence[TermFact] = ()
    vacancies: Sequence[VacancyFact] = ()


@dataclass(frozen=True)
class RateSettings:
    """The federation's rules (its `reelection_grace_days` and `vacancy_fill_days`)."""

    grace_days: int = 0
    fill_days: int = 90


@dataclass(frozen=True)
class RateResult:
    """A rate shown with its numerator and denominator."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """numerator ÷ denominator, or None when nothing was counted."""
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> str:
        """For display: "64.9%" (one decimal, rounded half up), or "—" when there is no rate."""
        rate = self.rate
        if rate is None:
            return "—"
        return f"{rate * 100:.1f}%"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the command and the API; the rate is rounded to 4 decimals."""
        rate = self.rate
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": None if rate is None else round(rate, 4),
        }


@dataclass(frozen=True)
class Rates:
    """The three rates for one period [start, end]; formation is as of `end`."""

    start: dt.date
    end: dt.date
    formation: RateResult
    on_time_reelection: RateResult
    vacancy_fill: RateResult

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            "formation": self.formation.as_dict(),
            "on_time_reelection": self.on_time_reelection.as_dict(),
            "vacancy_fill": self.vacancy_fill.as_dict(),
        }


@dataclass(frozen=True)
class YearRates:
    """One point of the trend chart: formation as of Dec 31, the other two over the calendar year."""

    year: int
    rates: Rates


def formation_rate(units: Iterable[UnitFact], as_of: dt.date) -> RateResult:
    """组建率 as of `as_of`: active units requiring a committee that have an active committee ÷ all such units."""
    numerator = denominator = 0
    for unit in units:
        if not unit.requires_committee or not active_on(unit.established_on, unit.dissolved_on, as_of):
            continue
        denominator += 1
        if any(active_on(formed, dissolved, as_of) for formed, dissolved in unit.committees):
            numerator += 1
    return RateResult(numerator, denominator)


def on_time_reelection_rate(
    terms: Iterable[TermFact], start: dt.date, end: dt.date, grace_days: int = 0
) -> RateResult:
    """按时换届率 over [start, end]: terms due in the period re-elected by `due_on + grace_days`.

    Terms of committees dissolved before `due_on` (strictly) are left out of both sides.
    """
    numerator = denominator = 0
    for term in terms:
        if not start <= term.due_on <= end or left_out_of_reelection_rate(term.due_on, term.committee_dissolved_on):
            continue
        denominator += 1
        if reelected_on_time(term.due_on, term.successor_started_on, grace_days):
            numerator += 1
    return RateResult(numerator, denominator)


def vacancy_fill_rate(
    vacancies: Iterable[VacancyFact], start: dt.date, end: dt.date, fill_days: int = 90
) -> RateResult:
    """及时补缺率 over [start, end]: vacancies vacated in the period filled by the deadline ÷ judged ones.

    Deadline = `vacated_on + fill_days`; on time = `filled_on <= deadline`. Judged = filled, or open
    with `deadline < end`. Open with `deadline >= end` = pending, left out of both.
    """
    numerator = denominator = 0
    for vacancy in vacancies:
        if not start <= vacancy.vacated_on <= end:
            continue
        if vacancy.filled_on is None:
            if vacancy_deadline(vacancy.vacated_on, fill_days) < end:
                denominator += 1
            continue
        denominator += 1
        if filled_in_time(vacancy.vacated_on, vacancy.filled_on, fill_days):
            numerator += 1
    return RateResult(numerator, denominator)


def all_rates(facts: Facts, start: dt.date, end: dt.date, settings: RateSettings | None = None) -> Rates:
    """The three rates over [start, end], formation as of `end`."""
    settings = settings or RateSettings()
    return Rates(
        start=start,
        end=end,
        formation=formation_rate(facts.units, end),
        on_time_reelection=on_time_reelection_rate(facts.terms, start, end, settings.grace_days),
        vacancy_fill=vacancy_fill_rate(facts.vacancies, start, end, settings.fill_days),
    )


def yearly_trend(
    facts: Facts, first_year: int, last_year: int, settings: RateSettings | None = None, *, until: dt.date | None = None
) -> list[YearRates]:
    """One `YearRates` per calendar year from `first_year` to `last_year` inclusive (the trend chart).

    `until` (usually today) cuts the last year short, so terms due later this year are not yet late.
    """
    def year_end(year: int) -> dt.date:
        end = dt.date(year, 12, 31)
        return min(end, until) if until is not None else end

    return [
        YearRates(year, all_rates(facts, dt.date(year, 1, 1), year_end(year), settings))
        for year in range(first_year, last_year + 1)
        if until is None or dt.date(year, 1, 1) <= until
    ]
