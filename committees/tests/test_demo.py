"""The demo district reproduces the article's figures (domain.md, reference scenario)."""

import datetime as dt
import time

import pytest
from django.core.management import call_command

from accounts.models import User
from committees import selectors
from committees.models import Committee, Seat, Term
from core.scoping import Scope
from orgs import demo as org_demo
from orgs.models import Federation, Unit

D = dt.date


@pytest.fixture
def demo(db):
    started = time.monotonic()
    call_command("load_demo", verbosity=0)
    elapsed = time.monotonic() - started
    federation = Federation.objects.get(name=org_demo.FEDERATION_NAME)
    return federation, elapsed


def system_rates(federation, start, end):
    return selectors.rates_for(Scope(user_id=0, is_superuser=True), start, end, federation=federation)


def test_demo_reproduces_the_reference_scenario(demo):
    federation, elapsed = demo
    assert elapsed < 30, f"load_demo took {elapsed:.1f}s"

    y2017 = system_rates(federation, D(2017, 1, 1), D(2017, 12, 31))
    assert (y2017.formation.numerator, y2017.formation.denominator) == (37, 57)
    assert y2017.formation.percent == "64.9%"
    assert y2017.on_time_reelection.rate == 0.6
    assert (y2017.on_time_reelection.numerator, y2017.on_time_reelection.denominator) == (6, 10)
    assert y2017.vacancy_fill.rate is not None and y2017.vacancy_fill.rate < 0.5
    assert (y2017.vacancy_fill.numerator, y2017.vacancy_fill.denominator) == (4, 9)

    y2020 = system_rates(federation, D(2020, 1, 1), D(2020, 12, 31))
    assert (y2020.formation.numerator, y2020.formation.denominator) == (44, 49)
    assert y2020.formation.percent == "89.8%"
    assert round((y2020.formation.rate - y2017.formation.rate) * 100, 1) == 24.9

    committees = Committee.objects.filter(federation=federation)
    assert committees.filter(formed_on__range=(D(2018, 1, 1), D(2020, 12, 31))).count() == 10
    reelections = Term.objects.filter(federation=federation, number__gt=1, started_on__range=(D(2018, 1, 1), D(2020, 12, 31)))
    assert reelections.values("committee").distinct().count() == reelections.count() == 7
    assert committees.filter(dissolved_on__isnull=False).count() == 3


def test_demo_has_overdue_committees_long_vacancies_a_reform_and_a_scoped_liaison(demo):
    federation, _ = demo
    staff = User.objects.get(username="demo_staff")
    assert len(selectors.overdue_committees(staff, D(2017, 12, 31))) == 4
    late = selectors.vacancies_past_deadline(staff, D(2020, 12, 31))
    assert {v.committee.unit.name for v in late} >= {"区交通运输局", "区委宣传部", "区人民医院"}
    assert len(selectors.units_without_committee(staff, D(2020, 12, 31))) == 5
    assert Unit.objects.filter(federation=federation, dissolved_on=D(2019, 1, 18), successor__isnull=False).count() == 15
    trend = selectors.rate_trend_for(staff, 2013, 2020)
    assert [p.year for p in trend] == list(range(2013, 2021))
    assert all(p.rates.formation.denominator for p in trend)

    # The demo liaison sees only her unit (区教育局), whose committee she chairs.
    liaison = User.objects.get(username="demo_liaison")
    rates = selectors.rates_for(liaison, D(2017, 1, 1), D(2017, 12, 31))
    assert (rates.formation.numerator, rates.formation.denominator) == (1, 1)
    chair = Seat.objects.get(committee__unit__name=org_demo.LIAISON_UNIT, role="chair", ended_on__isnull=True)
    assert chair.person == liaison.person
