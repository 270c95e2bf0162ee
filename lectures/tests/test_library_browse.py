"""The library page (课题库) as community contacts browse it: by duration, with each topic's rating (the mean
of the feedback on its held lectures) and lectures held, sorted by newest, rating or lectures held."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lectures import selectors, services
from lectures.models import Lecture, Topic


def _library_topic(world, title, minutes=90, category=None):
    topic = services.topic_propose(
        proposer=world.volunteer_a,
        title=title,
        category=category or world.cats_a[2],
        outline="大纲",
        duration_minutes=minutes,
    )
    services.topic_review(topic=topic, accept=True)
    return Topic.objects.get(pk=topic.pk)


def _held_with_feedback(world, topic, ratings, hold=True):
    """A lecture of `topic` that took place ten days ago, attended by the executive, who rates it."""
    lecture = services.lecture_schedule(
        topic=topic,
        lecturers=[world.volunteer_a],
        starts_at=timezone.now() + dt.timedelta(days=1),
        venue="会议室",
        host_unit=world.unit_a1,
    )
    reg = services.registration_create(lecture=lecture, person=world.executive.person)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=timezone.now() - dt.timedelta(days=10))
    lecture.refresh_from_db()
    services.registration_mark(registration=reg, attendance="attended")
    if hold:
        services.lecture_hold(lecture=lecture)
    reg.refresh_from_db()
    relevance, content, delivery = ratings
    services.feedback_give(registration=reg, relevance=relevance, content=content, delivery=delivery)
    return lecture


def _titles(client, **params):
    page = client.get(reverse("lectures:topic-list"), params)
    assert page.status_code == 200
    return [t.title for t in page.context["object_list"]]


def test_the_rating_is_the_mean_of_the_feedback_on_the_topics_held_lectures(world):
    # The world's held lecture of topic_a was rated 5, 4, 5; another one is rated 3, 3, 3; feedback on a
    # lecture not (yet) recorded as held does not count.
    _held_with_feedback(world, world.topic_a, (3, 3, 3))
    _held_with_feedback(world, world.topic_a, (1, 1, 1), hold=False)
    row = selectors.topic_list_for(world.requester).get(pk=world.topic_a.pk)
    assert row.rating == pytest.approx((5 + 4 + 5 + 3 + 3 + 3) / 6)
    assert (row.rating_count, row.given) == (2, 2)
    fresh = _library_topic(world, "新课题")
    row = selectors.topic_list_for(world.requester).get(pk=fresh.pk)
    assert (row.rating, row.rating_count, row.given) == (None, 0, 0)


def test_the_page_shows_each_topics_rating_and_lectures_held(world, client_as):
    _library_topic(world, "未举办的课题")
    page = client_as(world.requester).get(reverse("lectures:topic-list")).content.decode()
    assert "4.7" in page and "1 条反馈" in page and "暂无评分" in page and "1 场" in page


def test_the_library_filters_by_duration(world, client_as):
    _library_topic(world, "短课", minutes=45)
    _library_topic(world, "一小时", minutes=60)
    _library_topic(world, "长课", minutes=120)
    client = client_as(world.requester)
    assert set(_titles(client, duration="short")) == {"短课", "一小时"}
    assert set(_titles(client, duration="medium")) == {"如何与孩子有效沟通"}
    assert set(_titles(client, duration="long")) == {"长课"}
    # Unknown filter and sort values are ignored, not an error.
    everything = {"短课", "一小时", "长课", "如何与孩子有效沟通"}
    assert set(_titles(client, duration="forever", sort="'; drop", category="x")) == everything


def test_the_library_sorts_by_rating_lectures_held_and_newest(world, client_as):
    best = _library_topic(world, "高分课题")
    _held_with_feedback(world, best, (5, 5, 5))
    busy = _library_topic(world, "常讲课题")
    for _ in range(3):
        _held_with_feedback(world, busy, (2, 2, 2))
    _library_topic(world, "无评分课题")
    newest = _library_topic(world, "最新课题")
    Topic.objects.filter(pk=newest.pk).update(added_on=timezone.localdate() + dt.timedelta(days=1))
    client = client_as(world.requester)
    assert _titles(client, sort="rating") == [
        "高分课题",
        "如何与孩子有效沟通",
        "常讲课题",
        "无评分课题",
        "最新课题",
    ]
    assert _titles(client, sort="given")[0] == "常讲课题"
    assert _titles(client, sort="newest")[0] == "最新课题"
    # Sorting keeps the filters.
    assert _titles(client, sort="rating", q="课题") == ["高分课题", "常讲课题", "无评分课题", "最新课题"]


def test_another_federations_topics_stay_out_of_every_sort(world, client_as):
    client = client_as(world.requester)
    for sort in selectors.TOPIC_SORTS:
        assert "外区课题" not in _titles(client, sort=sort)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_sorted_filtered_library_costs_the_same_queries_for_2_and_20_topics(
    world, client_as, django_assert_num_queries, rows
):
    for i in range(rows):
        topic = _library_topic(world, f"课题{i}", minutes=60, category=world.cats_a[i % 8])
        if i < 2:
            _held_with_feedback(world, topic, (4, 4, 4))
    client = client_as(world.requester)
    params = {"sort": "rating", "duration": "short"}
    client.get(reverse("lectures:topic-list"), params)
    # As the plain library (test_topics): the ratings are annotated in the topics' query.
    with django_assert_num_queries(8):
        page = client.get(reverse("lectures:topic-list"), params)
    assert len(page.context["object_list"]) == rows


def test_the_api_filters_sorts_and_rates_the_library(world, client):
    from core.testing.world import api_headers

    best = _library_topic(world, "高分课题", minutes=45)
    _held_with_feedback(world, best, (5, 5, 5))
    headers = api_headers(world.requester)
    answer = client.get("/api/v1/lectures/topics", {"sort": "rating"}, **headers).json()
    assert [i["title"] for i in answer["items"]] == ["高分课题", "如何与孩子有效沟通"]
    assert (
        answer["items"][0]["rating"],
        answer["items"][0]["rating_count"],
        answer["items"][0]["given"],
    ) == (
        5.0,
        1,
        1,
    )
    answer = client.get("/api/v1/lectures/topics", {"duration": "short"}, **headers).json()
    assert [i["title"] for i in answer["items"]] == ["高分课题"]
    one = client.get(f"/api/v1/lectures/topics/{world.topic_a.pk}", **headers).json()
    assert one["rating"] == pytest.approx(14 / 3) and one["given"] == 1
    assert client.get("/api/v1/lectures/topics", {"duration": "forever"}, **headers).status_code == 422
