"""The demo loader and the home cards."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from core import confidential
from core.testing.world import build_world, login
from duties.models import Executive, HotlineCase, ShiftSwap, Suggestion


@pytest.fixture
def demo(db):
    started = time.monotonic()
    call_command("load_demo", verbosity=0)
    return time.monotonic() - started


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


def test_the_home_cards_in_the_test_world(db, client_as):
    world = build_world()
    page = client_as(world.executive).get(reverse("home")).content.decode()
    assert 'data-testid="home-executive"' in page
    page = client_as(world.supervisor).get(reverse("home")).content.decode()
    assert 'data-testid="home-supervisor"' in page and "测试来电人" not in page
    assert 'data-testid="home-executive"' not in client_as(world.staff).get(reverse("home")).content.decode()
