"""The demo loader and the home cards."""

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from core import confidential
from core.testing.world import build_world, login
from duties.models import (
    Executive,
    HotlineCase,
    MeetingAttachment,
    Referral,
    Shift,
    ShiftSwap,
    Suggestion,
)


@pytest.fixture
def demo(db):
    started = time.monotonic()
    call_command("load_demo", verbosity=0)
    return time.monotonic() - started


@pytest.mark.engine_agnostic
def test_the_demo_gives_the_demo_accounts_work(demo, client):
    assert Executive.objects.count() >= 25
    me = User.objects.get(username="demo_executive")
    executive = Executive.objects.get(person=me.person)
    assert executive.assignments.exists() and executive.contact_logs.exists()
    assert Suggestion.objects.filter(author=executive, status="answered").exists()
    assert ShiftSwap.objects.filter(status="offered").exclude(offered_by=executive).exists()
    with confidential.system_scope("测试"):
        assert set(HotlineCase.objects.values_list("status", flat=True)) == set(HotlineCase.Status.values)
        assert HotlineCase.objects.filter(taker=me).exists()
    home = login(client, me).get(reverse("home")).content.decode()
    assert 'data-testid="home-executive"' in home and "请评价" in home
    home = login(client, User.objects.get(username="demo_supervisor")).get(reverse("home")).content.decode()
    assert 'data-testid="home-supervisor"' in home
    # One load for both checks (it takes seconds).
    check_history_spread_over_two_years()


def check_history_spread_over_two_years():
    from core import clock
    from core.models import StateChange

    today = clock.today()
    with confidential.system_scope("测试"):
        cases = list(HotlineCase.objects.all())
        assert 180 <= len(cases) <= 220
        old = [c for c in cases if (today - c.received_on).days > 120]
        # The older cases are mostly closed, on a day after they came in; the recent ones still open.
        assert sum(c.status == "closed" for c in old) > 0.7 * len(old)
        assert all(c.received_on <= c.closed_on <= today for c in cases if c.status == "closed")
        assert any(c.closed_on < today - dt.timedelta(days=300) for c in cases if c.closed_on)
        assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
        assert HotlineCase.objects.filter(executive__isnull=False).count() > 50
        # Every step is dated on its day, not on the day the demo was loaded.
        case = next(c for c in old if c.status == "closed")
        steps = StateChange.objects.for_object(case)
        assert steps.count() >= 2 and all(s.at.date() < today for s in steps)
        assert case.created_at.date() == case.received_on
    assert Shift.objects.filter(on__lt=today - dt.timedelta(days=700)).exists()
    assert Shift.objects.filter(on__lt=today, executive__isnull=False, checked_in_at__isnull=True).exists()
    assert ShiftSwap.objects.filter(status="approved", shift__on__lt=today).exists()
    assert set(Suggestion.objects.values_list("status", flat=True)) == set(Suggestion.Status.values)
    dues = set(Suggestion.objects.filter(status="assigned").values_list("reply_due", flat=True))
    assert len(dues) >= 4 and min(dues) < today < max(dues)
    assert MeetingAttachment.objects.filter(file_kind="xlsx").exists()


def test_the_home_cards_in_the_test_world(db, client_as):
    world = build_world()
    page = client_as(world.executive).get(reverse("home")).content.decode()
    assert 'data-testid="home-executive"' in page
    page = client_as(world.supervisor).get(reverse("home")).content.decode()
    assert 'data-testid="home-supervisor"' in page and "测试来电人" not in page
    assert 'data-testid="home-executive"' not in client_as(world.staff).get(reverse("home")).content.decode()
