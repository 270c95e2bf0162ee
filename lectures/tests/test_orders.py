"""Lecture ordering (点单): order → proposed lecturers → offer → accept → lecture → held → rated."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from core import clock
from core.states import MSG_MOVE_REFUSED, MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import api_headers
from lectures import selectors, services
from lectures.models import Lecture, LectureRequest, Registration


def test_the_whole_flow_from_order_to_rating(world):
    order = world.order_a
    ranked = selectors.candidates_for(order)
    assert ranked[0].volunteer == world.volunteer_a and ranked[0].gives_topic and ranked[0].same_category
    services.request_match(order=order, volunteer=world.volunteer_a, acting_user=world.staff)
    start = timezone.now() + dt.timedelta(days=10)
    services.request_accept(
        order=LectureRequest.objects.get(pk=order.pk), starts_at=start, acting_user=world.volunteer
    )
    order = LectureRequest.objects.get(pk=order.pk)
    lecture = order.lecture
    assert (order.status, lecture.community, lecture.capacity, lecture.venue) == (
        "confirmed",
        world.comm_a1,
        40,
        "爱联社区党群服务中心",
    )
    assert list(lecture.lecturers.all()) == [world.volunteer_a]
    # An order already taken cannot be accepted again.
    with refused(MSG_MOVE_REFUSED % {"state": "已确认", "move": "接受邀请"}, code="move_refused"):
        services.request_accept(order=order, starts_at=start)
    reg = services.registration_create(lecture=lecture, person=world.requester.person)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    services.registration_checkin(lecture=Lecture.objects.get(pk=lecture.pk), code=reg.code)
    services.lecture_hold(lecture=Lecture.objects.get(pk=lecture.pk))
    order = LectureRequest.objects.get(pk=order.pk)
    assert order.status == "held"
    with refused(services.MSG_RATING_RANGE):
        services.request_rate(order=order, rating=6)
    services.request_rate(order=order, rating=5, comment="居民反响很好", acting_user=world.requester)
    assert LectureRequest.objects.get(pk=order.pk).status == "rated"
    services.feedback_give(
        registration=Registration.objects.get(pk=reg.pk), relevance=5, content=5, delivery=4
    )
    assert selectors.service_record(world.volunteer_a).total == 7  # two held lectures of 3.5 hours


def test_declining_returns_the_order_to_staff_with_a_reason(world):
    order = world.offered_a
    with refused(MSG_REASON_REQUIRED):
        services.request_move(order=order, transition="decline")
    services.request_move(order=order, transition="decline", reason="当天出差")
    order = LectureRequest.objects.get(pk=order.pk)
    assert (order.status, order.volunteer) == ("new", None)


def test_orders_are_refused_without_a_library_topic_an_orderer_or_a_future_date(world):
    soon = clock.today() + dt.timedelta(days=3)
    with refused(services.MSG_TOPIC_NOT_IN_LIBRARY):
        services.request_create(
            topic=world.proposal_a,
            requested_by=world.requester,
            community=world.comm_a1,
            preferred_date=soon,
            venue="x",
        )
    with refused(services.MSG_ORDERER_REQUIRED):
        services.request_create(
            topic=world.topic_a, requested_by=world.requester, preferred_date=soon, venue="x"
        )
    with refused(services.MSG_DATE_PASSED):
        services.request_create(
            topic=world.topic_a,
            requested_by=world.requester,
            community=world.comm_a1,
            preferred_date=clock.today() - dt.timedelta(days=1),
            venue="x",
        )
    with refused(services.MSG_OTHER_FEDERATION):
        services.request_create(
            topic=world.topic_a,
            requested_by=world.requester,
            community=world.comm_b1,
            preferred_date=soon,
            venue="x",
        )
    with refused(MSG_REASON_REQUIRED):
        services.request_move(order=world.order_a, transition="reject")
    with refused(services.MSG_VOLUNTEER_NOT_ACTIVE):
        services.request_match(order=world.order_a, volunteer=world.applicant_a)


def test_who_sees_and_moves_which_order(world):
    seen = lambda user, action="view": set(  # noqa: E731
        LectureRequest.objects.permitted(user, action).values_list("pk", flat=True)
    )
    a, off, unit, b = world.order_a.pk, world.offered_a.pk, world.unit_order_a.pk, world.order_b.pk
    assert seen(world.staff) == {a, off, unit} and seen(world.staff, "review") == {a, off, unit}
    assert seen(world.requester) == {a, off} and seen(world.requester, "change") == {a, off}
    assert seen(world.liaison) == {unit} and seen(world.other_liaison) == set()
    assert seen(world.volunteer) == {off} and seen(world.volunteer, "answer") == {off}
    assert b not in seen(world.staff) and seen(world.outsider) == set()  # comm_b1's, not unit_b1's


def test_at_phone_width_pages_the_requester_orders_staff_offer_the_volunteer_accepts(world, client_as):
    from django.test import Client

    from core.testing.world import login

    requester = login(Client(), world.requester)
    topic_page = requester.get(reverse("lectures:topic-detail", args=[world.topic_a.pk])).content.decode()
    assert 'data-testid="order"' in topic_page
    soon = (clock.today() + dt.timedelta(days=14)).isoformat()
    page = requester.post(
        reverse("lectures:topic-order", args=[world.topic_a.pk]),
        {"preferred_date": soon, "expected_size": 25, "venue": "回龙埔社区活动室"},
    )
    assert page.status_code == 302
    order = LectureRequest.objects.get(venue="回龙埔社区活动室")
    assert order.community == world.comm_a1 and order.requested_by == world.requester
    staff = login(Client(), world.staff)
    match = staff.get(reverse("lectures:request-match", args=[order.pk])).content.decode()
    assert 'data-testid="candidates"' in match and "讲过本课题" in match
    assert (
        staff.post(
            reverse("lectures:request-match", args=[order.pk]),
            {"volunteer": world.volunteer_a.pk, "version": order.version},
        ).status_code
        == 302
    )
    volunteer = login(Client(), world.volunteer)
    detail = volunteer.get(reverse("lectures:request-detail", args=[order.pk])).content.decode()
    assert reverse("lectures:request-accept", args=[order.pk]) in detail
    start = (timezone.localtime() + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    assert (
        volunteer.post(
            reverse("lectures:request-accept", args=[order.pk]), {"starts_at": start, "capacity": 25}
        ).status_code
        == 302
    )
    assert LectureRequest.objects.get(pk=order.pk).status == "confirmed"
    # The requester may not match or accept.
    assert requester.get(reverse("lectures:request-match", args=[order.pk])).status_code == 403


def test_the_api_takes_an_order_and_shows_it(world, client):
    headers = api_headers(world.requester)
    body = {
        "topic_id": world.topic_a.pk,
        "preferred_date": (clock.today() + dt.timedelta(days=9)).isoformat(),
        "venue": "龙西社区",
        "expected_size": 20,
    }
    made = client.post(
        "/api/v1/lectures/orders", json.dumps(body), content_type="application/json", **headers
    )
    assert made.status_code == 201 and made.json()["community_id"] == world.comm_a1.pk
    shown = client.get(f"/api/v1/lectures/orders/{made.json()['id']}", **headers)
    assert shown.status_code == 200 and shown.json()["status"] == "new"
    assert client.get(f"/api/v1/lectures/orders/{world.order_b.pk}", **headers).status_code == 404
    body["topic_id"] = world.proposal_a.pk
    assert (
        client.post(
            "/api/v1/lectures/orders", json.dumps(body), content_type="application/json", **headers
        ).status_code
        == 404
    )


def test_the_order_list_costs_the_same_queries_whatever_its_length(
    world, client_as, django_assert_num_queries
):
    soon = clock.today() + dt.timedelta(days=5)
    client = client_as(world.staff)
    client.get(reverse("lectures:request-list"))
    # session, user (with its roles and person's unit), count, the bell, the page's orders (with topic,
    # community, unit, lecturer)
    for extra in (2, 18):
        for i in range(extra):
            services.request_create(
                topic=world.topic_a,
                requested_by=world.requester,
                community=world.comm_a1,
                preferred_date=soon,
                venue=f"社区{i}",
            )
        with django_assert_num_queries(5):
            client.get(reverse("lectures:request-list"))
