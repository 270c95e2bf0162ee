"""Rectification items (整改) from items below their threshold: planned, closed, reminded when overdue."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Rectification, SelfCheck
from core import clock
from core.states import MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


def test_items_below_the_threshold_open_rectifications_once(world):
    rows = Rectification.objects.filter(selfcheck=form_a1(world))
    numbers = set(rows.values_list("item__number", flat=True))
    # Overdue term (2), open vacancy (3), highlights (10), and from the lecture system one lecture of the
    # four expected (6) and too few volunteer hours (7); formed (1), rules filed (4), duties (9) are met.
    assert {2, 3, 6, 7, 10} <= numbers and not numbers & {1, 4, 9}
    assert "超期服役" in rows.get(item__number=2).weakness
    assert services.rectifications_open(selfcheck=form_a1(world), deadline=clock.today()) == []


def test_plan_and_close_a_rectification(world, client_as):
    r = Rectification.objects.get(selfcheck=form_a1(world), item__number=2)
    client = client_as(world.liaison)
    resp = client.post(
        reverse("assessment:rectification-plan", args=[r.pk]),
        {
            "measures": "三月底前召开会员代表大会换届",
            "owner": "张红",
            "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert resp.status_code == 302
    with refused(MSG_REASON_REQUIRED):
        services.rectification_close(rectification=Rectification.objects.get(pk=r.pk), note="")
    resp = client.post(reverse("assessment:rectification-close", args=[r.pk]), {"note": "已完成换届选举"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.owner, r.closed_on) == ("done", "张红", clock.today())
    page = client.get(reverse("assessment:form-detail", args=[r.selfcheck_id])).content.decode()
    assert "已完成换届选举" in page
    assert (
        client_as(world.other_liaison).get(reverse("assessment:rectification-plan", args=[r.pk])).status_code
        == 404
    )


def test_overdue_rectifications_are_reminded_until_closed(world):
    r = Rectification.objects.get(selfcheck=form_a1(world), item__number=2)
    later = r.deadline + dt.timedelta(days=1)
    notices = services.overdue_rectification_notices(later)
    mine = [n for n in notices if n.cause == f"rectification:{r.pk}"]
    assert mine and mine[0].audience.unit_id == world.unit_a1.pk and "已超过期限" in mine[0].title
    services.rectification_close(rectification=r, note="已完成")
    assert not [
        n for n in services.overdue_rectification_notices(later) if n.cause == f"rectification:{r.pk}"
    ]
