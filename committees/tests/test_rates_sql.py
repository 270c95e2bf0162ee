"""The rates counted by the database (committees.rate_queries) equal the pure rules (committees.rates).

committees.rates is the definition; the SQL path must give the same numerator and denominator for every
rate, scope and period. Checked on the test world and on randomised histories (seeded, so a failure
replays) full of the edge cases: boundary days, units of unknown start, dissolved units and committees,
committees dissolved before a term was due, several committees of one unit, early, on-time and late
re-elections, vacancies filled on the deadline, later, or never. Periods end on the event days
themselves and the days beside them, where an off-by-one would show. Runs on both engines.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from committees import rate_queries
from committees.models import Committee, Term, Vacancy
from committees.rates import all_rates, yearly_trend
from committees.selectors import (
    rate_facts_for,
    rate_settings_for,
    rate_trend_for,
    rate_units_for,
    rates_and_trend_for,
    rates_for,
)
from core import audit
from core.scoping import Scope
from core.testing.world import build_world
from orgs.models import Federation, Unit

D = dt.date
SYSTEM = Scope(user_id=0, is_superuser=True)


def assert_same(user, periods, federation=None):
    """rates_for equals all_rates over the whole history, for each period; returns the denominators seen."""
    facts = rate_facts_for(user, federation)
    settings = rate_settings_for(user, federation)
    seen = {"formation": 0, "on_time_reelection": 0, "vacancy_fill": 0}
    for start, end in periods:
        expected = all_rates(facts, start, end, settings)
        assert rates_for(user, start, end, federation=federation) == expected, (start, end)
        for key in seen:
            seen[key] += getattr(expected, key).denominator
    return seen


def event_days(federation: Federation | None = None) -> list[dt.date]:
    """Every day something happened or a rule's deadline falls, and the days before and after it."""
    units = Unit.objects.all() if federation is None else Unit.objects.filter(federation=federation)
    days: set[dt.date] = set()
    for fields, qs in [
        (("established_on", "dissolved_on"), units),
        (("formed_on", "dissolved_on"), Committee.objects.filter(unit__in=units)),
        (("started_on", "due_on", "ended_on"), Term.objects.filter(committee__unit__in=units)),
        (("vacated_on", "filled_on"), Vacancy.objects.filter(committee__unit__in=units)),
    ]:
        for row in qs.values_list(*fields):
            days.update(d for d in row if d is not None)
    # The rules' own boundaries: the end of the grace days, the fill deadline.
    for fed_id, grace, fill in Federation.objects.values_list("pk", "reelection_grace_days", "vacancy_fill_days"):
        for due in Term.objects.filter(committee__unit__in=units, federation_id=fed_id).values_list("due_on", flat=True):
            days.add(due + dt.timedelta(days=grace))
        for vacated in Vacancy.objects.filter(committee__unit__in=units, federation_id=fed_id).values_list(
            "vacated_on", flat=True
        ):
            days.add(vacated + dt.timedelta(days=fill))
    one = dt.timedelta(days=1)
    return sorted({x for d in days for x in (d - one, d, d + one)})


def periods_around(days: list[dt.date], rng: random.Random, count: int) -> list[tuple[dt.date, dt.date]]:
    periods = [(D(y, 1, 1), D(y, 12, 31)) for y in range(days[0].year, days[-1].year + 1)]
    for _ in range(count):
        a, b = sorted(rng.sample(days, 2))
        periods.append((a, b))
        periods.append((b, b))  # one day
    return periods


# ---- the test world ------------------------------------------------------------------------------


@pytest.fixture
def history_world(db):
    return build_world(committee_history=True)


def test_the_test_world_for_every_persona_and_many_periods(history_world):
    w = history_world
    rng = random.Random(7)
    days = event_days()
    assert days, "the test world has committee history"
    periods = periods_around(days, rng, 40)
    seen = assert_same(w.staff, periods)
    assert all(seen.values()), seen
    assert_same(w.liaison, periods)
    assert_same(SYSTEM, periods, federation=w.fed_a)
    assert_same(SYSTEM, periods)


def test_the_trend_and_the_period_of_the_dashboard(history_world):
    w = history_world
    facts, settings = rate_facts_for(w.staff), rate_settings_for(w.staff)
    for until in (D(2017, 6, 30), D(2018, 12, 31), D(2020, 2, 29)):
        start = D(until.year, 1, 1)
        rates, trend = rates_and_trend_for(w.staff, start, until, 2010, until.year, until=until)
        assert rates == all_rates(facts, start, until, settings)
        assert trend == yearly_trend(facts, 2010, until.year, settings, until=until)
    assert rate_trend_for(w.staff, 2012, 2020) == yearly_trend(facts, 2012, 2020, settings)


# ---- randomised histories ------------------------------------------------------------------------


def random_history(federation: Federation, rng: random.Random, units: int) -> None:
    """Units and committee histories written straight to the tables (the rules, not the services, are
    under test here: histories the services would refuse still have a rate)."""
    day0 = D(2010, 1, 1)

    def day(lo: int = 0, hi: int = 365 * 12) -> dt.date:
        return day0 + dt.timedelta(days=rng.randint(lo, hi))

    for i in range(units):
        established = None if rng.random() < 0.15 else day(-400, 2000)
        dissolved = None
        if rng.random() < 0.2:
            dissolved = (established or day0) + dt.timedelta(days=rng.randint(0, 3000))
        unit = Unit.objects.create(
            federation=federation, name=f"随机单位{i:03d}", established_on=established, dissolved_on=dissolved,
            requires_committee=rng.random() > 0.1,
        )
        formed = (established or day0) + dt.timedelta(days=rng.randint(-100, 900))
        for n_committee in range(rng.choice([0, 1, 1, 1, 2])):
            last = n_committee == 0 and rng.random() < 0.6
            # Each committee's terms, back to back, re-elected early, on time, in the grace days or late.
            started = formed
            ends: list[dt.date] = []
            plans = []
            for number in range(1, rng.randint(1, 4) + 1):
                due = started + dt.timedelta(days=rng.choice([365 * 3, 365 * 5, 400]))
                plans.append((number, started, due))
                started = due + dt.timedelta(days=rng.choice([-30, -1, 0, 0, 1, 5, 10, 30, 200]))
                ends.append(started)
            dissolved_on = None
            if not last:
                dissolved_on = max(formed, plans[-1][2] + dt.timedelta(days=rng.choice([-400, -1, 0, 1, 60])))
            committee = Committee.objects.create(
                federation=federation, unit=unit, formed_on=formed, dissolved_on=dissolved_on
            )
            for number, started_on, due_on in plans:
                Term.objects.create(
                    federation=federation, committee=committee, number=number, started_on=started_on, due_on=due_on
                )
            for _ in range(rng.randint(0, 3)):
                vacated = formed + dt.timedelta(days=rng.randint(0, 3000))
                fill = rng.choice([None, None, 0, 1, 30, 89, 90, 91, 120, 400])
                filled = None if fill is None else vacated + dt.timedelta(days=fill)
                Vacancy.objects.create(
                    federation=federation, committee=committee, role=rng.choice(["chair", "member"]),
                    vacated_on=vacated, filled_on=filled,
                )
            # The next committee (if any) is formed after this one ended, or overlaps a dissolved one.
            formed = (dissolved_on or formed) + dt.timedelta(days=rng.randint(-200, 400))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_randomised_histories_give_the_same_rates(world, seed):
    rng = random.Random(seed)
    fed = world.fed_a
    fed.reelection_grace_days = rng.choice([0, 0, 10, 30])
    fed.vacancy_fill_days = rng.choice([30, 90, 90, 120])
    fed.save()
    with audit.acting_as(None, source="test"):
        random_history(fed, rng, 40)
    days = event_days(fed)
    periods = periods_around(days, rng, 60)
    seen = assert_same(world.staff, periods)
    assert all(seen.values()), seen
    assert_same(SYSTEM, periods, federation=fed)
    facts, settings = rate_facts_for(world.staff), rate_settings_for(world.staff)
    # Every boundary day as a period's end (and start), many periods per statement.
    every = [(D(d.year, 1, 1), d) for d in days] + [(d, d + dt.timedelta(days=rng.randint(0, 800))) for d in days]
    units = rate_units_for(world.staff)
    for i in range(0, len(every), 150):
        chunk = every[i : i + 150]
        assert rate_queries.rates_over(units, chunk, settings) == [all_rates(facts, a, b, settings) for a, b in chunk]
    until = rng.choice(days)
    rates, trend = rates_and_trend_for(world.staff, D(until.year, 1, 1), until, 2009, until.year, until=until)
    assert rates == all_rates(facts, D(until.year, 1, 1), until, settings)
    assert trend == yearly_trend(facts, 2009, until.year, settings, until=until)


# ---- no list of ids bound --------------------------------------------------------------------------


def _params_of_the_rates(world, units: int, prefix: str) -> list[int]:
    with audit.acting_as(None, source="test"):
        Unit.objects.bulk_create(Unit(federation=world.fed_a, name=f"{prefix}{i:03d}") for i in range(units))
    sizes: list[int] = []

    def count(execute, sql, params, many, context):
        sizes.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        rates_and_trend_for(world.staff, D(2020, 1, 1), D(2020, 12, 31), 2010, 2020)
    return sizes


@pytest.mark.summary_unchecked  # units bulk-created straight to the table
def test_the_statements_bind_no_list_of_ids(world):
    # The scope is a subquery: the same statements and parameters (dates, settings) whatever the units.
    rate_units_for(world.staff).count()
    few = _params_of_the_rates(world, 2, "参数甲")
    many = _params_of_the_rates(world, 60, "参数乙")
    assert few == many, (few, many)
    assert len(few) == 3  # the federation's settings + the rate summary's years and days (committees.rate_summary)


@pytest.mark.summary_unchecked  # units bulk-created straight to the table
def test_a_liaisons_statements_bind_no_list_of_ids(world):
    # Counted over her units (committees.rate_queries): four statements whatever the federation's size.
    def params(units: int, prefix: str) -> list[int]:
        with audit.acting_as(None, source="test"):
            Unit.objects.bulk_create(Unit(federation=world.fed_a, name=f"{prefix}{i:03d}") for i in range(units))
        sizes: list[int] = []

        def count(execute, sql, params, many, context):
            sizes.append(len(params or ()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            rates_and_trend_for(world.liaison, D(2020, 1, 1), D(2020, 12, 31), 2010, 2020)
        return sizes

    few, many = params(2, "联络甲"), params(60, "联络乙")
    assert few == many and len(few) == 5, (few, many)
