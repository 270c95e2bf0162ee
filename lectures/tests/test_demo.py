"""The demo district's lecture system: the article's topics, 30 in the library by 2020, the demo accounts' pages."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from lectures.models import Lecture, LectureRequest, Topic, Volunteer


@pytest.mark.engine_agnostic
def test_the_demo_has_the_articles_topics_and_real_pages_for_the_demo_accounts(db, client):
    # How fast it loads is measured by the benchmarks (benchmarks/test_bench.py), not here.
    call_command("load_demo", verbosity=0)
    titles = set(Topic.objects.values_list("title", flat=True))
    assert {
        "如何与孩子有效沟通",
        "GDP国民经济核算",
        "户外运动救援",
        "心肺复苏",
        "如何协助同事解决家事纠纷",
        "民法典之婚姻家庭篇",
    } <= titles
    assert Topic.objects.filter(status="library", added_on__lte=dt.date(2020, 12, 31)).count() == 30
    assert Volunteer.objects.count() >= 40
    assert Lecture.objects.filter(status="held", starts_at__year=2018).exists()
    assert {s for s in LectureRequest.objects.values_list("status", flat=True)} >= {
        "new",
        "matched",
        "confirmed",
        "held",
        "rated",
        "rejected",
        "withdrawn",
    }
    from core.testing.world import login

    volunteer = User.objects.get(username="demo_volunteer")
    login(client, volunteer)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-volunteer"' in page and "张雅琴" in page
    own = Volunteer.objects.get(person=volunteer.person)
    assert own.lectures.filter(status="held").exists() and own.lectures.filter(status="scheduled").exists()
    requester = User.objects.get(username="demo_requester")
    login(client, requester)
    assert LectureRequest.objects.permitted(requester, "change").count() >= 5
    assert "点单" in client.get(reverse("lectures:request-list")).content.decode()


@pytest.mark.engine_agnostic
def test_the_demo_has_qualifications_and_other_service(db):
    from lectures.models import OtherService, Qualification

    call_command("load_demo", verbosity=0)
    assert Topic.objects.get(title="心肺复苏").required_qualification == "急救培训导师证"
    own = Volunteer.objects.get(person__user__username="demo_volunteer")
    assert Qualification.objects.filter(volunteer=own, valid_until__isnull=False).exists()
    assert {"approved", "pending"} <= set(OtherService.objects.values_list("status", flat=True))
