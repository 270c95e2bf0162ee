"""The three rates counted by the database: the rules of committees.rates, as SQL aggregates.

committees.rates is the definition (pure functions over dated facts); this module answers the same
figures without loading a unit, term or vacancy into Python: each rate is a handful of counts, and any
number of periods (the headline period and every year of the trend) is counted in the same statement by
conditional aggregation. Four statements whatever the number of units or periods:

1. units: per date, the active units that require a committee (the formation denominators);
2. committees joined to their unit: per date, the distinct units with a committee active on it
   (the formation numerators);
3. terms: per period, the terms due in it and not left out, and those re-elected on time;
4. vacancies: per period, the judged vacancies and those filled by the deadline.

The scope (the units the user may read) is a subquery of the statements, never a list of ids: the bound
parameters are the dates and the settings only, so they do not grow with the data.
tests/test_rates_sql.py checks that every figure equals committees.rates' on the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, DateField, Exists, F, Func, OuterRef, Q, QuerySet, Value

from committees.models import Committee, Term, Vacancy
from committees.rates import RateResult, Rates, RateSettings, YearRates
from core.spans import active_on_q
from orgs.models import Unit

Period = tuple[dt.date, dt.date]


class AddDays(Func):
    """`date + days` as a date, on both engines (`days` a number or a column): the rules' deadlines.

    SQLite keeps dates as ISO text: `date(d, 'N days')` returns ISO text again, compared as such.
    PostgreSQL: `date + integer` is a date.
    """

    output_field = DateField()
    arity = 2

    def __init__(self, day: Any, days: Any) -> None:
        super().__init__(day, days if hasattr(days, "resolve_expression") else Value(int(days)))

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, tuple[Any, ...]]:
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return day_sql, days_sql, (*day_params, *days_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        day_sql, days_sql, params = self._parts(compiler, connection)
        return f"date({day_sql}, ({days_sql}) || ' days')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        day_sql, days_sql, params = self._parts(compiler, connection)
        return f"({day_sql} + CAST({days_sql} AS integer))", params


def _unit_active(day: dt.date, prefix: str = "") -> Q:
    return active_on_q(day, start=f"{prefix}established_on", end=f"{prefix}dissolved_on", start_may_be_unknown=True)


def _committee_active(day: dt.date) -> Q:
    return active_on_q(day, start="formed_on", end="dissolved_on")


def _ids(units: QuerySet[Unit]) -> QuerySet[Any]:
    """The scope as a subquery (`unit_id IN (SELECT id ...)`), unordered."""
    return units.order_by().values("id")


def _counts(qs: QuerySet[Any], **aggregates: Any) -> dict[str, int]:
    if not aggregates:
        return {}
    return {k: int(v or 0) for k, v in qs.aggregate(**aggregates).items()}


def formation_counts(units: QuerySet[Unit], days: Sequence[dt.date]) -> list[RateResult]:
    """组建率 as of each day (committees.rates.formation_rate): two statements for all the days."""
    counted = units.filter(requires_committee=True)
    dens = _counts(
        counted.order_by(), **{f"d{i}": Count("id", filter=_unit_active(day)) for i, day in enumerate(days)}
    )
    # A unit counts once, however many of its committees were active that day.
    nums = _counts(
        Committee.objects.filter(unit_id__in=_ids(counted)).order_by(),
        **{
            f"n{i}": Count("unit_id", distinct=True, filter=_committee_active(day) & _unit_active(day, "unit__"))
            for i, day in enumerate(days)
        },
    )
    return [RateResult(nums[f"n{i}"], dens[f"d{i}"]) for i in range(len(days))]


def reelection_counts(units: QuerySet[Unit], periods: Sequence[Period], grace_days: int) -> list[RateResult]:
    """按时换届率 over each period (committees.rates.on_time_reelection_rate): one statement."""
    if not periods:
        return []
    on_time = Term.objects.filter(
        committee_id=OuterRef("committee_id"),
        number=OuterRef("number") + 1,
        started_on__lte=AddDays(OuterRef("due_on"), grace_days),
    )
    terms = (
        Term.objects.filter(committee__unit_id__in=_ids(units))
        # committees.rules.left_out_of_reelection_rate: dissolved strictly before the term was due.
        .filter(Q(committee__dissolved_on__isnull=True) | Q(committee__dissolved_on__gte=F("due_on")))
        .filter(due_on__gte=min(p[0] for p in periods), due_on__lte=max(p[1] for p in periods))
        .order_by()
        # An annotation with a subquery: Django counts over a derived table, one EXISTS per term.
        .annotate(on_time=Exists(on_time))
    )
    aggregates: dict[str, Any] = {}
    for i, (start, end) in enumerate(periods):
        due = Q(due_on__gte=start, due_on__lte=end)
        aggregates[f"d{i}"] = Count("id", filter=due)
        aggregates[f"n{i}"] = Count("id", filter=due & Q(on_time=True))
    counts = _counts(terms, **aggregates)
    return [RateResult(counts[f"n{i}"], counts[f"d{i}"]) for i in range(len(periods))]


def vacancy_counts(units: QuerySet[Unit], periods: Sequence[Period], fill_days: int) -> list[RateResult]:
    """及时补缺率 over each period (committees.rates.vacancy_fill_rate): one statement."""
    if not periods:
        return []
    vacancies = (
        Vacancy.objects.filter(committee__unit_id__in=_ids(units))
        .filter(vacated_on__gte=min(p[0] for p in periods), vacated_on__lte=max(p[1] for p in periods))
        .order_by()
    )
    on_time = Q(filled_on__isnull=False, filled_on__lte=AddDays(F("vacated_on"), fill_days))
    aggregates: dict[str, Any] = {}
    for i, (start, end) in enumerate(periods):
        vacated = Q(vacated_on__gte=start, vacated_on__lte=end)
        # Judged: filled (at any date), or open with its deadline (vacated_on + fill_days) before the end.
        past_deadline = Q(vacated_on__lt=end - dt.timedelta(days=fill_days))
        aggregates[f"d{i}"] = Count("id", filter=vacated & (Q(filled_on__isnull=False) | past_deadline))
        aggregates[f"n{i}"] = Count("id", filter=vacated & on_time)
    counts = _counts(vacancies, **aggregates)
    return [RateResult(counts[f"n{i}"], counts[f"d{i}"]) for i in range(len(periods))]


def rates_over(units: QuerySet[Unit], periods: Sequence[Period], settings: RateSettings | None = None) -> list[Rates]:
    """`committees.rates.all_rates` for each period (formation as of its end), in four statements."""
    settings = settings or RateSettings()
    periods = list(periods)
    if not periods:
        return []
    formation = formation_counts(units, [end for _start, end in periods])
    reelection = reelection_counts(units, periods, settings.grace_days)
    fill = vacancy_counts(units, periods, settings.fill_days)
    return [
        Rates(start=start, end=end, formation=f, on_time_reelection=r, vacancy_fill=v)
        for (start, end), f, r, v in zip(periods, formation, reelection, fill, strict=True)
    ]


def trend_periods(first_year: int, last_year: int, *, until: dt.date | None = None) -> list[tuple[int, Period]]:
    """The years of `committees.rates.yearly_trend` with their periods (the last one cut at `until`)."""
    years = []
    for year in range(first_year, last_year + 1):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if until is not None:
            if start > until:
                continue
            end = min(end, until)
        years.append((year, (start, end)))
    return years


def rates_and_trend(
    units: QuerySet[Unit],
    period: Period,
    first_year: int,
    last_year: int,
    settings: RateSettings | None = None,
    *,
    until: dt.date | None = None,
) -> tuple[Rates, list[YearRates]]:
    """The rates of `period` and the yearly trend (as `all_rates` and `yearly_trend`), in four statements."""
    years = trend_periods(first_year, last_year, until=until)
    found = rates_over(units, [period, *(p for _year, p in years)], settings)
    return found[0], [YearRates(year, rates) for (year, _p), rates in zip(years, found[1:], strict=True)]
