"""The maintained rate summary (committees.rate_summary) equals a full recompute after every write, and
its rates equal committees.rate_queries' (the definition counted over the units)."""

import datetime as dt
import random

import pytest
from django.core.management import call_command

from committees import rate_queries, rate_summary
from committees import services as committees
from committees.management.commands.generate_scale import generate
from committees.models import Committee, RateDay, RateYear, Term
from orgs import services as orgs
from orgs.models import Federation, Unit

pytestmark = pytest.mark.django_db

D = dt.date


def _periods(seed: int, n: int = 12) -> list[tuple[dt.date, dt.date]]:
    rng = random.Random(seed)
    found = [(D(2016, 1, 1), D(2016, 12, 31)), (D(2010, 1, 1), D(2026, 12, 31)), (D(2020, 6, 1), D(2020, 6, 1))]
    for _ in range(n):
        a = D(2008, 1, 1) + dt.timedelta(days=rng.randrange(19 * 365))
        found.append((a, a + dt.timedelta(days=rng.randrange(3 * 365))))
    return found


def assert_same_rates(federation_id: int, seed: int = 1) -> None:
    periods = _periods(seed)
    units = Unit.objects.filter(federation_id=federation_id)
    settings = rate_summary._settings(federation_id)
    expected = rate_queries.rates_over(units, periods, settings)
    got = rate_summary.rates_over(federation_id, periods, settings)
    assert [r.as_dict() for r in got] == [r.as_dict() for r in expected]


def test_a_generated_province_reads_the_same_rates_from_its_summary():
    districts = generate(units=300, federations=2, seed=7)
    for district in districts:
        assert rate_summary.differences(district.pk) == {}
        assert RateDay.objects.filter(federation=district).exists()
        assert_same_rates(district.pk, seed=district.pk)


def test_every_service_keeps_the_summary_exact(world):
    fed = world.fed_a
    unit = orgs.unit_create(federation=fed, name="区汇总测试局", established_on=D(2010, 1, 1))
    assert rate_summary.differences(fed.pk) == {}
    committee = committees.committee_form(unit=unit, formed_on=D(2012, 3, 1))
    chair = committees.seat_assign(committee=committee, role="chair", holder_name="王芳", started_on=D(2012, 3, 1))
    committees.seat_assign(committee=committee, role="member", holder_name="李娜", started_on=D(2012, 3, 1))
    assert rate_summary.differences(fed.pk) == {}
    vacancy = committees.seat_vacate(seat=chair, vacated_on=D(2016, 1, 1))
    assert rate_summary.differences(fed.pk) == {}
    committees.vacancy_fill(vacancy=vacancy, filled_on=D(2016, 5, 1))
    assert rate_summary.differences(fed.pk) == {}
    committees.term_reelect(committee=committee, started_on=D(2017, 5, 1))
    assert rate_summary.differences(fed.pk) == {}
    assert_same_rates(fed.pk)
    fed.refresh_from_db()
    orgs.federation_rules_update(
        federation=fed, changes={"reelection_grace_days": 200, "vacancy_fill_days": 30}, version=fed.version
    )
    assert rate_summary.differences(fed.pk) == {}
    assert_same_rates(fed.pk)
    orgs.unit_dissolve(unit=unit, dissolved_on=D(2021, 6, 30))
    assert rate_summary.differences(fed.pk) == {}
    assert_same_rates(fed.pk)


def test_a_deleted_term_and_its_cascade_leave_the_summary_exact(world):
    fed = world.fed_a
    unit = orgs.unit_create(federation=fed, name="区删除测试局", established_on=D(2010, 1, 1))
    committee = committees.committee_form(unit=unit, formed_on=D(2012, 3, 1))
    committees.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    committees.term_reelect(committee=committee, started_on=D(2022, 3, 1))
    Term.objects.filter(committee=committee).order_by("-number").first().delete()
    assert rate_summary.differences(fed.pk) == {}
    Committee.objects.get(pk=committee.pk).delete()  # its terms go with it (a cascade)
    assert rate_summary.differences(fed.pk) == {}


def test_overlapping_committees_count_a_unit_once(world):
    fed = world.fed_a
    unit = orgs.unit_create(federation=fed, name="区重叠测试局", established_on=D(2010, 1, 1))
    Committee.objects.create(federation=fed, unit=unit, formed_on=D(2011, 1, 1), dissolved_on=D(2015, 1, 1))
    Committee.objects.create(federation=fed, unit=unit, formed_on=D(2013, 1, 1), dissolved_on=D(2014, 1, 1))
    Committee.objects.create(federation=fed, unit=unit, formed_on=D(2014, 6, 1))
    assert rate_summary.differences(fed.pk) == {}
    assert_same_rates(fed.pk)


def test_the_recompute_finds_and_repairs_a_summary_that_was_changed_behind_its_back(world, capsys):
    fed = world.fed_a
    unit = orgs.unit_create(federation=fed, name="区篡改测试局", established_on=D(2010, 1, 1))
    committees.committee_form(unit=unit, formed_on=D(2012, 3, 1))
    RateDay.objects.filter(federation=fed, day=D(2012, 3, 1)).update(formed=5)
    assert rate_summary.differences(fed.pk)
    with pytest.raises(SystemExit):
        call_command("rebuild_rate_summary", "--check")
    call_command("rebuild_rate_summary")
    assert rate_summary.differences(fed.pk) == {}
    call_command("rebuild_rate_summary", "--check")
    assert "0" in capsys.readouterr().out
    RateYear.objects.filter(federation=fed, year=2012).update(formed=9)
    assert 2012 in rate_summary.differences(fed.pk)
    call_command("rebuild_rate_summary", "--federation", str(fed.pk))
    assert rate_summary.differences(fed.pk) == {}


def test_inside_deferred_the_federation_is_recomputed_once_at_the_end(world):
    fed = world.fed_a
    with rate_summary.deferred():
        unit = orgs.unit_create(federation=fed, name="区延后测试局", established_on=D(2010, 1, 1))
        committees.committee_form(unit=unit, formed_on=D(2012, 3, 1))
        assert rate_summary.differences(fed.pk)  # not yet
    assert rate_summary.differences(fed.pk) == {}


def test_every_federation_is_exact_after_the_test_world(world):
    for fed in Federation.objects.all():
        assert rate_summary.differences(fed.pk) == {}


def test_staff_read_the_summary_and_a_liaison_her_unit_counted_directly(world, django_assert_max_num_queries):
    from committees import selectors
    from committees.testing import add_committee_history

    add_committee_history(world)
    assert selectors.summary_federation(world.staff) == world.fed_a.pk
    assert selectors.summary_federation(world.liaison) is None
    assert selectors.summary_federation(world.staff, unit_ids=[world.unit_a1.pk]) is None
    periods = _periods(3)
    for start, end in periods:
        got = selectors.rates_for(world.staff, start, end, federation=world.fed_a)
        units = Unit.objects.filter(federation=world.fed_a)
        expected = rate_queries.rates_over(units, [(start, end)], rate_summary._settings(world.fed_a.pk))[0]
        assert got.as_dict() == expected.as_dict()
    with django_assert_max_num_queries(3):  # the federation's rules, the summary: whatever its size
        selectors.rates_and_trend_for(world.staff, D(2020, 1, 1), D(2020, 12, 31), 2010, 2026, federation=world.fed_a)


def test_the_lists_lengths_from_the_summary_equal_the_lists(world):
    from committees import selectors

    districts = generate(units=250, federations=1, seed=11)
    fed = districts[0]
    from accounts.models import RoleAssignment, User
    from core.roles import Role

    staff = User.objects.create_user(username="summary_staff", password=None)
    RoleAssignment.objects.create(user=staff, federation=fed, role=Role.FEDERATION_STAFF)
    for as_of in (D(2012, 6, 30), D(2016, 1, 1), D(2019, 12, 31), D(2024, 3, 15)):
        counts = rate_summary.problem_counts(fed.pk, as_of)
        assert counts["no-committee"] == selectors.units_without_committee(staff, as_of, fed.pk).count()
        assert counts["overdue"] == selectors.overdue_terms(staff, as_of, fed.pk).count()
        assert counts["vacancies"] == selectors.late_vacancies(staff, as_of, fed.pk).count()
        assert sum(counts.values()) > 0
        # The dashboard's first rows, by the queries that stop early, are the lists' first rows.
        assert [t.pk for t in selectors.overdue_terms_first(staff, as_of, fed.pk, 10)] == [
            t.pk for t in selectors.overdue_terms(staff, as_of, fed.pk)[:10]
        ]
        assert [v.pk for v in selectors.late_vacancies_first(staff, as_of, fed.pk, 10)] == [
            v.pk for v in selectors.late_vacancies(staff, as_of, fed.pk)[:10]
        ]
