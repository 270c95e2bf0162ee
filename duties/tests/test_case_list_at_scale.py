"""The case list at provincial scale: the newest cases a user may read, found without sorting every case of
the federation, and exactly those the single scoped query would give."""

import datetime as dt

import pytest
from django.db import connection

from core import confidential
from core.testing.world import build_world
from duties import selectors
from duties.models import HotlineCase
from duties.services import mask_identity


@pytest.fixture
def world(db):
    world = build_world()
    with confidential.system_scope("测试数据：热线个案"):
        for i, (fed, taker) in enumerate(
            [(world.fed_a, None)] * 4 + [(world.fed_a, world.executive)] * 2 + [(world.fed_b, world.executive)] * 2
            + [(world.fed_b, None)] * 3
        ):
            HotlineCase(
                federation_id=fed.pk, taker=taker, received_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 5),
                category="violence", caller_name=f"来电人{i}", caller_phone=f"1380000{i:04d}",
                narrative="测试情况", masked_identity=mask_identity(f"来电人{i}", f"1380000{i:04d}"),
            ).save()
    return world


@pytest.mark.parametrize("persona", ["supervisor", "executive", "staff", "dual", "outsider"])
@pytest.mark.parametrize("size", [3, 200])
def test_the_case_list_is_the_newest_cases_the_user_may_read(world, persona, size):
    user = getattr(world, persona)
    with confidential.activate(user):
        expected = list(HotlineCase.objects.visible_to(user).order_by("-received_on", "-pk")[:size])
        assert selectors.case_list_for(user, size) == expected
    if persona == "executive":  # her own intakes in a federation she does not supervise are in it
        assert {c.federation_id for c in expected} >= {world.fed_a.pk, world.fed_b.pk}


def test_the_supervisors_newest_cases_are_read_in_the_order_of_the_federations_index(world):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL plans by its statistics")
    from django.test.utils import CaptureQueriesContext

    with confidential.activate(world.supervisor), CaptureQueriesContext(connection) as captured:
        selectors.case_list_for(world.supervisor)
    statement = next(q["sql"] for q in captured.captured_queries if "duties_hotlinecase" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + statement)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "duties_case_fed_day" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
