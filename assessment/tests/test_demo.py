"""The demo district's self-inspection: this year's cycle with submitted forms, rectifications, highlights
in every state and an exchange session; the demo accounts' pages show them."""

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from assessment.models import Cycle, ExchangeSession, Highlight, Rectification, SelfCheck


def test_the_demo_has_a_cycle_highlights_and_an_exchange_session(db, client):
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.get()
    assert SelfCheck.objects.filter(cycle=cycle, status="submitted").count() == 12
    assert Rectification.objects.filter(status="done").exists() and Rectification.objects.filter(
        status="open"
    )
    states = set(Highlight.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "published"}
    session = ExchangeSession.objects.get()
    assert session.highlights.count() == 4 and {h.status for h in session.highlights.all()} == {"published"}
    from core.testing.world import login

    login(client, User.objects.get(username="demo_liaison"))
    feed = client.get(reverse("assessment:highlight-list")).content.decode()
    assert "“巾帼读书会”每月一期" in feed and "（草稿）" in feed and "暑期职工子女托管班" not in feed
    login(client, User.objects.get(username="demo_staff"))
    overview = client.get(reverse("assessment:cycle-overview", args=[cycle.pk]))
    assert overview.status_code == 200 and "较多单位低于整改线的项目" in overview.content.decode()
