"""`make bench`: timings of the pages and computations that grow with the district, at 500 units.

They print figures (ms per call, queries per request) and assert only what does not depend on the
machine: the answer is right and the number of queries does not grow with the number of units.
Wall-clock limits belong to `make loadtest`, not here.
"""

import datetime as dt
import os
import random
import time

import pytest
from django.db import connection

from committees.rates import Facts, TermFact, UnitFact, VacancyFact, all_rates, yearly_trend

UNITS = 500
ROUNDS = 10


class CountQueries:
    """Counts the SQL statements run inside the block (works across test-client requests)."""

    def __enter__(self):
        self.count = 0
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.count


def timed(func, rounds=ROUNDS):
    """(best, median) milliseconds of `rounds` calls, after one warm-up call."""
    func()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return samples[0], samples[len(samples) // 2]


def report(capsys, label, best, median, extra=""):
    with capsys.disabled():
        print(f"\n  BENCH {label:48} best {best:8.2f} ms  median {median:8.2f} ms  {extra}")


@pytest.fixture
def many_units(world):
    from core import audit
    from orgs.models import Unit

    with audit.acting_as(None, source="test"):
        Unit.objects.bulk_create(
            Unit(federation=world.fed_a, name=f"基准单位{i:03d}", established_on=dt.date(2000, 1, 1))
            for i in range(UNITS - 2)
        )
    assert Unit.objects.filter(federation=world.fed_a).count() == UNITS
    return world


@pytest.mark.summary_unchecked  # many_units: bulk_create straight to the table
def test_unit_list_page_at_500_units(many_units, client, capsys):
    client.force_login(many_units.staff)
    with CountQueries() as queries:
        assert client.get("/orgs/units/").status_code == 200
    best, median = timed(lambda: client.get("/orgs/units/"))
    best_q, median_q = timed(lambda: client.get("/orgs/units/?q=基准单位1&status=active"))
    report(
        capsys,
        f"GET /orgs/units/ (staff, {UNITS} units, page of 30)",
        best,
        median,
        f"{len(queries)} queries",
    )
    report(capsys, "GET /orgs/units/?q=…&status=active", best_q, median_q)
    assert len(queries) < 30


@pytest.mark.summary_unchecked  # many_units: bulk_create straight to the table
def test_api_unit_list_at_500_units(many_units, client, capsys):
    from accounts.models import ApiToken

    headers = {"authorization": f"Bearer {ApiToken.issue(many_units.staff)[1]}"}
    response = client.get("/api/v1/units?limit=200", headers=headers)
    assert response.status_code == 200 and response.json()["count"] == UNITS
    with CountQueries() as queries:
        client.get("/api/v1/units?limit=200", headers=headers)
    best, median = timed(lambda: client.get("/api/v1/units?limit=200", headers=headers))
    report(capsys, f"GET /api/v1/units?limit=200 ({UNITS} units)", best, median, f"{len(queries)} queries")
    assert len(queries) < 10


def synthetic_facts(units=UNITS, seed=2017):
    """A district of `units` units over 2010–2026 with committees, three-year terms and vacancies."""
    rng = random.Random(seed)
    unit_facts, terms, vacancies = [], [], []
    for i in range(units):
        established = dt.date(2000 + rng.randrange(15), 1 + rng.randrange(12), 1)
        dissolved = dt.date(2020 + rng.randrange(6), 6, 30) if rng.random() < 0.1 else None
        committees = []
        if rng.random() < 0.8:
            formed = max(established, dt.date(2010 + rng.randrange(8), 3, 1))
            committees.append((formed, dissolved))
            start = formed
            while start.year < 2026:
                due = dt.date(start.year + 3, start.month, min(start.day, 28))
                late = rng.choice([0, 0, 0, 30, 120])
                succ = due + dt.timedelta(days=late) if due.year < 2026 else None
                terms.append(
                    TermFact(
                        id=len(terms) + 1,
                        committee_dissolved_on=dissolved,
                        due_on=due,
                        successor_started_on=succ,
                    )
                )
                if succ is None:
                    break
                start = succ
            for _ in range(rng.randrange(3)):
                vacated = dt.date(2012 + rng.randrange(14), 1 + rng.randrange(12), 1 + rng.randrange(28))
                filled = vacated + dt.timedelta(days=rng.randrange(200)) if rng.random() < 0.85 else None
                vacancies.append(VacancyFact(id=len(vacancies) + 1, vacated_on=vacated, filled_on=filled))
        unit_facts.append(
            UnitFact(id=i + 1, established_on=established, dissolved_on=dissolved, committees=committees)
        )
    return Facts(units=unit_facts, terms=terms, vacancies=vacancies)


def test_rates_at_500_units(capsys):
    facts = synthetic_facts()
    rates = all_rates(facts, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert 0 < rates.formation.denominator <= UNITS
    best, median = timed(lambda: all_rates(facts, dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    report(
        capsys,
        f"all_rates, one year ({UNITS} units, {len(facts.terms)} terms, {len(facts.vacancies)} vacancies)",
        best,
        median,
    )
    trend = yearly_trend(facts, 2010, 2026)
    assert len(trend) == 17
    best, median = timed(lambda: yearly_trend(facts, 2010, 2026))
    report(capsys, f"yearly_trend 2010–2026 ({UNITS} units)", best, median)


@pytest.mark.summary_unchecked  # many_units: bulk_create straight to the table
def test_rate_facts_query_count_does_not_grow(many_units, capsys):
    from committees.selectors import rate_facts_for

    with CountQueries() as queries:
        facts = rate_facts_for(many_units.staff)
    assert len(facts.units) == UNITS
    best, median = timed(lambda: rate_facts_for(many_units.staff))
    report(
        capsys,
        f"rate_facts_for (staff, {UNITS} units, no committees)",
        best,
        median,
        f"{len(queries)} queries",
    )
    assert len(queries) <= 8


@pytest.mark.skipif(not os.environ.get("JINGUO_BENCH"), reason="a minute of demo data: `make bench` only")
def test_load_demo(db, capsys):
    """The demo every `make run` loads on a fresh machine (all apps' data)."""
    from django.core.management import call_command

    from orgs.models import Unit

    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    elapsed = (time.perf_counter() - started) * 1000
    assert Unit.objects.exists()
    report(capsys, "load_demo (every app's demo data)", elapsed, elapsed)
