"""The topic library (课题库): proposals, review, versions (打磨), retirement; list, search, scoping, API."""

import pytest
from django.urls import reverse

from core.states import MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import api_headers
from lectures import review, services
from lectures.models import Topic, TopicVersion, Volunteer


def test_a_proposal_is_reviewed_into_the_library(world):
    p = world.proposal_a
    assert (
        p.status == "proposed"
        and p.current_version is None
        and list(p.lecturers.all()) == [world.volunteer_a]
    )
    with refused(MSG_REASON_REQUIRED):
        services.topic_review(topic=p, accept=False, comment=" ")
    services.topic_review(topic=p, accept=False, comment="请补充案例")
    assert Topic.objects.get(pk=p.pk).status == "returned"
    # The proposer sends a new version: back to review.
    v2 = services.topic_revise(topic=p, outline="一、结婚\n二、离婚冷静期\n三、案例", changes="补充案例")
    assert (v2.number, Topic.objects.get(pk=p.pk).status) == (2, "proposed")
    services.topic_review(topic=Topic.objects.get(pk=p.pk), accept=True, acting_user=world.staff)
    p = Topic.objects.get(pk=p.pk)
    assert p.status == "library" and p.current_version == v2 and p.added_on is not None


def test_a_change_to_a_topic_in_the_library_is_reviewed_again(world):
    t = world.topic_a
    v1 = t.current_version
    with refused(services.MSG_TOPIC_IN_LIBRARY):
        services.topic_update(topic=t, title="改名", category=t.category, audience="", duration_minutes=90)
    with refused(services.MSG_OUTLINE_UNCHANGED):
        services.topic_revise(topic=t, outline=v1.outline)
    v2 = services.topic_revise(topic=t, outline=v1.outline + "\n四、亲子游戏", changes="试讲后增加互动")
    with refused(services.MSG_VERSION_PENDING):
        services.topic_revise(topic=t, outline="又一版")
    # Until accepted, the library keeps version 1.
    t = Topic.objects.get(pk=t.pk)
    assert t.status == "library" and t.current_version == v1
    services.topic_review(topic=t, accept=True)
    assert Topic.objects.get(pk=t.pk).current_version == v2
    assert TopicVersion.objects.get(pk=v1.pk).status == "accepted"


def test_proposals_need_an_active_volunteer_and_a_new_title(world):
    with refused(services.MSG_VOLUNTEER_NOT_ACTIVE):
        services.topic_propose(
            proposer=world.applicant_a, title="心理健康", category=world.cats_a[4], outline="x"
        )
    with refused(services.MSG_TOPIC_DUPLICATE):
        services.topic_propose(
            proposer=world.volunteer_a, title="如何与孩子有效沟通", category=world.cats_a[0], outline="x"
        )
    with refused(services.MSG_OUTLINE_REQUIRED):
        services.topic_propose(
            proposer=world.volunteer_a, title="新课", category=world.cats_a[0], outline=" "
        )


def test_retired_topics_stay_in_history_and_can_return(world):
    t = world.topic_a
    with refused(MSG_REASON_REQUIRED):
        services.topic_move(topic=t, transition="retire")
    services.topic_move(topic=t, transition="retire", reason="内容过时")
    assert Topic.objects.get(pk=t.pk).status == "retired"
    services.topic_move(topic=Topic.objects.get(pk=t.pk), transition="restore")
    assert Topic.objects.get(pk=t.pk).status == "library"


def test_who_sees_which_topic(world):
    seen = lambda user: set(Topic.objects.visible_to(user).values_list("pk", flat=True))  # noqa: E731
    a, p, b = world.topic_a.pk, world.proposal_a.pk, world.topic_b.pk
    assert seen(world.staff) == {a, p}
    assert seen(world.volunteer) == {a, p}  # her own proposal
    assert seen(world.requester) == {a} and seen(world.liaison) == {a}
    assert seen(world.outsider) == {b} and seen(world.auditor) == set()
    assert not Topic.objects.permitted(world.volunteer, "review").exists()


def test_the_library_filters_by_category_and_searches(world, client_as):
    services.topic_propose(
        proposer=world.volunteer_a, title="心肺复苏", category=world.cats_a[2], outline="按压"
    )
    services.topic_review(topic=Topic.objects.get(title="心肺复苏"), accept=True)
    client = client_as(world.requester)
    page = client.get(reverse("lectures:topic-list"), {"category": world.cats_a[2].pk}).content.decode()
    assert "心肺复苏" in page and "如何与孩子有效沟通" not in page and "民法典" not in page
    page = client.get(reverse("lectures:topic-list"), {"q": "共情"}).content.decode()
    assert "如何与孩子有效沟通" in page and "心肺复苏" not in page
    page = client.get(reverse("lectures:topic-list"), {"q": "volunteer人员"}).content.decode()
    assert "如何与孩子有效沟通" in page


def test_the_volunteer_proposes_and_staff_review_on_the_pages(world, client_as):
    client = client_as(world.volunteer)
    page = client.post(
        reverse("lectures:topic-propose"),
        {
            "title": "GDP国民经济核算",
            "category": world.cats_a[3].pk,
            "duration_minutes": 90,
            "outline": "一、GDP是什么",
        },
    )
    assert page.status_code == 302
    topic = Topic.objects.get(title="GDP国民经济核算")
    assert client.get(reverse("lectures:topic-review", args=[topic.pk])).status_code == 403
    staff = client_as(world.staff)
    assert (
        staff.post(reverse("lectures:topic-review", args=[topic.pk]), {"decision": "return"}).status_code
        == 400
    )
    # Outside the decision phase nothing is staged; in it the decision waits until staff release it.
    assert (
        staff.post(reverse("lectures:topic-review", args=[topic.pk]), {"decision": "accept"}).status_code
        == 400
    )
    review.phase_set(settings=review.settings_for(world.fed_a.pk), phase="decision")
    assert (
        staff.post(reverse("lectures:topic-review", args=[topic.pk]), {"decision": "accept"}).status_code
        == 302
    )
    assert Topic.objects.get(pk=topic.pk).status == "proposed"
    review.decisions_release(federation_id=world.fed_a.pk, acting_user=world.staff)
    assert Topic.objects.get(pk=topic.pk).status == "library"
    detail = (
        client_as(world.requester).get(reverse("lectures:topic-detail", args=[topic.pk])).content.decode()
    )
    assert "一、GDP是什么" in detail


def test_a_pending_revision_shows_what_changed(world, client_as):
    services.topic_revise(topic=world.topic_a, outline="一、倾听\n二、共情与接纳\n三、表达")
    page = (
        client_as(world.staff).get(reverse("lectures:topic-detail", args=[world.topic_a.pk])).content.decode()
    )
    assert 'data-testid="topic-diff"' in page and "+ 二、共情与接纳" in page and "- 二、共情" in page


@pytest.mark.parametrize("rows", [2, 20])
def test_the_library_costs_the_same_queries_for_2_and_20_topics(
    world, client_as, django_assert_num_queries, rows
):
    for i in range(rows):
        t = services.topic_propose(
            proposer=world.volunteer_a, title=f"课题{i}", category=world.cats_a[i % 8], outline="大纲"
        )
        services.topic_review(topic=t, accept=True)
    client = client_as(world.requester)
    client.get(reverse("lectures:topic-list"))
    # session, user (with its roles and person's unit), count, own volunteer record (the propose button), the
    # filter's categories, the bell, the page's topics (with category), their lecturers with persons
    with django_assert_num_queries(8):
        page = client.get(reverse("lectures:topic-list"))
    assert page.content.decode().count("<tr>") == rows + 2


def test_the_api_lists_the_library(world, client):
    answer = client.get("/api/v1/lectures/topics", **api_headers(world.requester)).json()
    assert answer["count"] == 1
    item = answer["items"][0]
    assert (item["title"], item["version"], item["lecturers"][0]["name"]) == (
        "如何与孩子有效沟通",
        1,
        "volunteer人员",
    )
    assert (
        client.get(
            f"/api/v1/lectures/topics/{world.proposal_a.pk}", **api_headers(world.requester)
        ).status_code
        == 404
    )
    assert Volunteer.objects.count() == 3
