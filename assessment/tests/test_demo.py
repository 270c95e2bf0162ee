"""The demo district's self-inspection: the closed cycles of 2018 and 2020 (2018 weaker), this year's cycle
with submitted forms, rectifications, highlights in every state and an exchange session; the demo
accounts' pages show them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from assessment.models import Cycle, ExchangeSession, Highlight, Rectification, SelfCheck


@pytest.mark.engine_agnostic
def test_the_demo_has_a_cycle_highlights_and_an_exchange_session(db, client):
    call_command("load_demo", verbosity=0)
    from core import clock

    cycle = Cycle.objects.get(year=clock.today().year)
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
    # The same load (it takes a while) has the past cycles.
    past_cycles_are_there(client)


def mean_share(cycle):
    forms = SelfCheck.objects.filter(cycle=cycle, status="submitted")
    return sum(Decimal(f.total_score) / Decimal(f.max_score) for f in forms) / forms.count()


def past_cycles_are_there(client):
    """2018 and 2020 closed, 2018 weaker; the liaison may copy 2020's answers forward."""
    from assessment import selectors
    from core import clock
    from core.testing.world import login

    c2018, c2020 = Cycle.objects.get(year=2018), Cycle.objects.get(year=2020)
    assert c2018.status == c2020.status == "closed"
    # The 2019 reform: 2018's cycle had the 57 units of 2017, 2020's the 49 active then.
    assert (c2018.forms.count(), c2020.forms.count()) == (57, 49)
    assert c2018.forms.filter(status="submitted").count() < c2018.forms.count()
    for c in (c2018, c2020):
        submitted = SelfCheck.objects.filter(cycle=c, status="submitted")
        assert all(f.submitted_at.date() <= dt.date(c.year + 1, 1, 1) for f in submitted)
        assert Rectification.objects.filter(selfcheck__cycle=c).exists()
        assert not Rectification.objects.filter(selfcheck__cycle=c, status="open").exists()
        assert c.forms.filter(evidence__isnull=False).exists()
    assert mean_share(c2018) < mean_share(c2020)
    weak_2018 = sum(s.weak for s in selectors.cycle_overview(c2018).spreads)
    weak_2020 = sum(s.weak for s in selectors.cycle_overview(c2020).spreads)
    assert weak_2018 > weak_2020
    trend = selectors.overview_trend(Cycle.objects.get(year=clock.today().year))
    assert trend.years[:2] == [2018, 2020]
    # The liaison's unit submitted in 2020: her draft of this year can copy its answers forward.
    login(client, User.objects.get(username="demo_liaison"))
    mine = SelfCheck.objects.get(cycle__year=clock.today().year, unit__name="区教育局")
    page = client.get(reverse("assessment:form-detail", args=[mine.pk])).content.decode()
    assert 'data-testid="copy-forward-link"' in page
    login(client, User.objects.get(username="demo_staff"))
    pdf = client.get(reverse("assessment:cycle-overview-pdf", args=[c2018.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
