"""Reads that stay cheap at provincial scale: no bound parameters that grow with the data, and the list
and detail queries served by an index, on both engines. PostgreSQL plans the tiny tables of a test with a
sequential scan (or a bitmap scan and a sort) whatever the indexes; with sequential scans, bitmap scans and
sorts switched off its plan shows whether an index *can* serve the query and its order, which is what a
missing index would fail: a disabled node is still planned when nothing else can do its work."""

import pytest
from django.db import connection

from committees.management.commands.generate_scale import generate
from committees.models import Committee
from committees.selectors import rate_facts_for
from orgs import selectors as org_selectors
from orgs.models import Unit


def _params_of(world, units, prefix):
    """The number of bound parameters of each statement rate_facts_for runs, with `units` more units."""
    from core import audit

    with audit.acting_as(None, source="test"):
        Unit.objects.bulk_create(Unit(federation=world.fed_a, name=f"{prefix}{i:03d}") for i in range(units))
    sizes = []

    def count(execute, sql, params, many, context):
        sizes.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        facts = rate_facts_for(world.staff)
    assert len(facts.units) == Unit.objects.filter(federation=world.fed_a).count()
    return sizes


@pytest.mark.summary_unchecked  # units bulk-created straight to the table
def test_rate_facts_bind_no_list_of_unit_ids(world):
    # The units are named to the committees, terms and vacancies by a subquery: the same statements
    # whatever the number of units (a list of 100,000 ids broke SQLite's limit of 32,766 variables).
    few = _params_of(world, 2, "规模甲")
    many = _params_of(world, 40, "规模乙")
    assert len(few) == 4 and few == many, (few, many)
    assert max(many) < 10


def _plan(qs) -> str:
    if connection.vendor != "postgresql":
        return qs.explain()
    switches = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
    try:
        return qs.explain()
    finally:
        with connection.cursor() as cursor:
            for switch in switches:
                cursor.execute(f"RESET {switch}")


def _sorts(plan: str) -> bool:
    """Does the plan sort rows itself (instead of reading them in an index's order)?"""
    if connection.vendor == "postgresql":
        return any(line.strip(" ->").startswith(("Sort", "Incremental Sort")) for line in plan.splitlines())
    return "TEMP B-TREE" in plan


def test_the_unit_list_is_read_in_index_order(world):
    plan = _plan(org_selectors.unit_list_for(world.staff)[:30])
    assert "unit_fed_pinyin" in plan and not _sorts(plan), plan


def test_the_api_unit_list_is_read_in_index_order(world):
    """GET /api/v1/units pages the same selector (core.api.page_of): its page and its count are served by
    an index."""
    qs = org_selectors.unit_list_for(world.staff)
    page = _plan(qs[:50])
    assert "unit_fed_pinyin" in page and not _sorts(page), page
    count = _plan(qs.order_by())  # the total: COUNT(*) over the same rows
    assert "INDEX" in count.upper() and "SCAN orgs_unit\n" not in count + "\n", count


def test_a_units_committees_are_found_by_the_unit(db):
    fed = generate(50, seed=3)[0]
    unit = Unit.objects.filter(federation=fed).first()
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    staff = User.objects.create_user(username="plan_staff", federation=fed)
    role_grant(user=staff, role=Role.FEDERATION_STAFF, federation_id=fed.pk)
    plan = _plan(Committee.objects.visible_to(staff).filter(unit_id=unit.pk).order_by("-formed_on"))
    assert "committee_fed_unit_formed" in plan, plan


def test_the_rates_of_one_period_read_only_its_facts_and_agree_with_the_whole_history(db):
    import datetime as dt

    from accounts.models import User
    from accounts.services import role_grant
    from committees.rates import all_rates
    from committees.selectors import rate_settings_for, rates_for
    from core.roles import Role

    fed = generate(300, seed=11)[0]
    staff = User.objects.create_user(username="rates_staff", federation=fed)
    role_grant(user=staff, role=Role.FEDERATION_STAFF, federation_id=fed.pk)
    everything = rate_facts_for(staff)
    settings = rate_settings_for(staff)
    periods = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(2010, 2027)]
    periods += [(dt.date(2015, 3, 7), dt.date(2019, 8, 30)), (dt.date(2000, 1, 1), dt.date(2026, 6, 30))]
    judged = {"formation": 0, "on_time_reelection": 0, "vacancy_fill": 0}
    for start, end in periods:
        expected = all_rates(everything, start, end, settings)
        assert rates_for(staff, start, end) == expected, (start, end)
        for key in judged:
            judged[key] += getattr(expected, key).denominator
    assert all(judged.values()), judged  # every rate was compared on something
    one_year = rate_facts_for(staff, period=(dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    assert len(one_year.terms) < len(everything.terms) and len(one_year.units) <= len(everything.units)


@pytest.mark.parametrize(
    ("first", "index", "history_index"),
    [
        ("overdue_terms_first", "term_fed_open_due", "term_fed_due"),
        ("late_vacancies_first", "vacancy_fed_open_vacated", "vacancy_fed_vacated"),
    ],
)
def test_the_dashboards_heads_walk_the_open_rows_not_the_history(db, first, index, history_index):
    """The dashboard's first overdue terms and late vacancies of a whole federation: each of their queries
    walks the index of the rows still open (or closed after the date), never the index of all history,
    whatever the planner's statistics (SQLite has none until ANALYZE: it picked the history index and read
    every past term of a 100,000-unit federation, 0.3 s per query). PostgreSQL plans by its statistics."""
    import datetime as dt

    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.services import role_grant
    from committees import selectors
    from core.roles import Role

    fed = generate(60, seed=5)[0]
    staff = User.objects.create_user(username="heads_staff", federation=fed)
    role_grant(user=staff, role=Role.FEDERATION_STAFF, federation_id=fed.pk)
    with CaptureQueriesContext(connection) as captured:
        getattr(selectors, first)(staff, dt.date(2026, 6, 30), fed.pk, 10)
    statements = [q["sql"] for q in captured.captured_queries if "LIMIT 10" in q["sql"]]
    assert statements, captured.captured_queries
    for sql in statements:
        if connection.vendor == "postgresql":
            # PostgreSQL chooses by its statistics (a test's tiny tables say little): an index serves it.
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
                try:
                    cursor.execute("EXPLAIN " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                finally:
                    cursor.execute("RESET enable_seqscan")
            assert "Index" in plan and "Seq Scan" not in plan, (sql, plan)
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(row) for row in cursor.fetchall())
        assert index in plan and history_index + " " not in plan + " ", (sql, plan)


def test_a_forms_previous_year_is_found_by_the_unit(db):
    """The self-check form's copy-forward source (assessment.selectors.previous_form) is read through the
    unit's own forms, not by walking every submitted form of the federation (selfcheck_fed_status: 5 ms
    at 100,000 units without statistics)."""
    from assessment.models import SelfCheck
    from assessment.selectors import previous_form

    fed = generate(50, seed=3)[0]
    form = SelfCheck.objects.filter(federation=fed).select_related("cycle").first()
    assert form is not None
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        previous_form(form)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "postgresql":  # plans by its statistics: it needs only the SQL to be valid
        assert "assessment_selfcheck" in plan, plan
    else:
        assert "selfcheck_fed_status" not in plan and "unit" in plan, plan
