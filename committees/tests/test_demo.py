"""The demo district reproduces the article's figures (domain.md, reference scenario)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Max

from accounts.models import User
from committees import demo as committees_demo
from committees import selectors
from committees.models import Committee, Seat, Term, Vacancy
from core import clock
from core.models import Notification
from core.reminders import run_reminders
from core.scoping import Scope
from orgs import demo as org_demo
from orgs.models import Federation, Unit

D = dt.date


@pytest.fixture
def demo(db):
    # How long it takes is a figure of `make bench` (benchmarks/test_bench.py), not a limit of a unit test.
    call_command("load_demo", verbosity=0)
    return Federation.objects.get(name=org_demo.FEDERATION_NAME)


def system_rates(federation, start, end):
    return selectors.rates_for(Scope(user_id=0, is_superuser=True), start, end, federation=federation)


@pytest.mark.engine_agnostic
def test_demo_reproduces_the_reference_scenario(demo):
    federation = demo

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


@pytest.mark.engine_agnostic
def test_demo_has_overdue_committees_long_vacancies_a_reform_and_a_scoped_liaison(demo):
    federation = demo
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
    chair = Seat.objects.get(committee__unit=liaison.person.unit, role="chair", ended_on__isnull=True)
    assert chair.committee.unit.name == "区教育局"
    assert chair.person == liaison.person


@pytest.mark.engine_agnostic
def test_demo_history_runs_to_its_fixed_today_and_looks_alive(demo):
    """2021 to DEMO_TODAY: most committees re-elect in time, a few are overdue, a few seats are open."""
    federation = demo
    today = committees_demo.DEMO_TODAY
    assert today == D(2026, 11, 27)
    staff = User.objects.get(username="demo_staff")

    # Nothing happens after the demo's today.
    latest = [
        Committee.objects.filter(federation=federation).aggregate(d=Max("formed_on"))["d"],
        Term.objects.filter(federation=federation).aggregate(d=Max("started_on"))["d"],
        Seat.objects.filter(federation=federation).aggregate(d=Max("started_on"))["d"],
        Vacancy.objects.filter(federation=federation).aggregate(d=Max("vacated_on"))["d"],
        Vacancy.objects.filter(federation=federation).aggregate(d=Max("filled_on"))["d"],
        Unit.objects.filter(federation=federation).aggregate(d=Max("dissolved_on"))["d"],
    ]
    assert max(latest) <= today

    y2017 = system_rates(federation, D(2017, 1, 1), D(2017, 12, 31))
    # The vacancy of November 2020 was filled in time in January 2021: 2020's fill rate stays 100%.
    assert system_rates(federation, D(2020, 1, 1), D(2020, 12, 31)).vacancy_fill.rate == 1
    since_2021 = system_rates(federation, D(2021, 1, 1), today)
    assert 0.85 <= since_2021.formation.rate <= 1
    assert since_2021.on_time_reelection.rate > y2017.on_time_reelection.rate
    assert since_2021.on_time_reelection.denominator >= 40
    assert since_2021.vacancy_fill.denominator >= 20
    # Two new committees and one more merger since 2020.
    assert Committee.objects.filter(federation=federation, formed_on__gt=D(2020, 12, 31)).count() == 2
    assert Unit.objects.filter(federation=federation, dissolved_on__gt=D(2020, 12, 31)).count() == 1
    # Every year since 2020 the formation rate holds at 2020's level or above.
    trend = selectors.rate_trend_for(staff, 2020, 2026)
    assert all(p.rates.formation.rate >= trend[0].rates.formation.rate for p in trend)

    # A handful of committees overdue today, none of them for years.
    overdue = selectors.overdue_committees(staff, today)
    assert 3 <= len(overdue) <= 5
    assert all(o.days_overdue < 365 for o in overdue)

    # Two or three seats open today, all vacated since 2021: one past its whole deadline, others past half.
    open_now = list(Vacancy.objects.filter(federation=federation, filled_on__isnull=True))
    assert 2 <= len(open_now) <= 3
    assert all(v.vacated_on > D(2020, 12, 31) for v in open_now)
    fill_days = federation.vacancy_fill_days
    days_open = sorted((today - v.vacated_on).days for v in open_now)
    assert any(fill_days / 2 <= d <= fill_days for d in days_open)
    assert len(selectors.vacancies_past_deadline(staff, today)) == 1

    # The reminders ran for that day: notices wait in the app, and no e-mail or SMS went out.
    liaison = User.objects.get(username="demo_liaison")
    staff_kinds = set(Notification.objects.filter(recipient=staff).values_list("kind", flat=True))
    assert staff_kinds >= {"term_overdue", "term_due", "vacancy_overdue", "vacancy_half"}
    assert Notification.objects.filter(recipient=staff).count() >= 8
    assert Notification.objects.filter(recipient=liaison, kind="vacancy_half").exists()
    assert mail.outbox == []
    # Every app's producers ran once all demo records were there, for the day the demo was loaded (the
    # platform's today, which moves on past the demo's): running them again for that day adds nothing.
    again = run_reminders(clock.today(), federation_id=federation.pk, email=False, sms=False)
    assert again.notifications_created == 0
