"""Lectures: scheduling, registration with a waiting list, check-in, attendance, feedback, derived hours."""

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.testing.asserts import refused
from core.testing.world import api_headers
from lectures import hours, selectors, services
from lectures.models import Lecture, Registration, Volunteer
from orgs.models import Person


def _today(lecture):
    """Moves a scheduled lecture to an hour from now (today: check-in opens, registration still open)."""
    start = timezone.now() + dt.timedelta(hours=1)
    if timezone.localdate(start) != timezone.localdate():  # late in the evening: stay on today's date
        start = timezone.now() + dt.timedelta(seconds=30)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=start)
    return Lecture.objects.get(pk=lecture.pk)


def test_a_full_lecture_waitlists_and_a_cancellation_offers_the_first_a_place(world):
    lec = world.lecture_a
    assert [r.status for r in Registration.objects.filter(lecture=lec)] == [
        "registered",
        "registered",
        "waitlisted",
    ]
    late = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="后来者")
    last = services.registration_create(lecture=lec, person=late)
    assert last.status == "waitlisted" and selectors.waitlist_position(last) == 2
    offered = services.registration_cancel(registration=world.reg_a, acting_user=world.requester)
    assert offered == world.wait_a
    assert Registration.objects.get(pk=world.wait_a.pk).status == "offered"
    assert Registration.objects.get(pk=world.reg_a.pk).status == "cancelled"  # a state, never a delete
    assert Notification.objects.filter(recipient=world.liaison, kind="lecture_offer").exists()
    assert selectors.waitlist_position(Registration.objects.get(pk=last.pk)) == 1
    with refused(services.MSG_ALREADY_CANCELLED):
        services.registration_cancel(registration=world.reg_a)
    # Cancelling from the waiting list frees no place.
    assert services.registration_cancel(registration=last) is None


def test_a_person_registers_once_and_not_after_the_start(world):
    with refused(services.MSG_ALREADY_REGISTERED):
        services.registration_create(lecture=world.lecture_a, person=world.requester.person)
    # After cancelling she may register again (at the end of the queue).
    services.registration_cancel(registration=world.reg_a)
    again = services.registration_create(lecture=world.lecture_a, person=world.requester.person)
    assert again.status == "waitlisted"
    with refused(services.MSG_NOT_OPEN):
        services.registration_create(lecture=world.held_a, person=world.executive.person)
    with refused(services.MSG_NO_PERSON):
        services.registration_create(lecture=world.lecture_a, person=None)
    Lecture.objects.filter(pk=world.lecture_a.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    with refused(services.MSG_REGISTRATION_CLOSED):
        services.registration_create(lecture=world.lecture_a, person=world.staff.person)


def test_check_in_by_code_on_the_day(world):
    with refused(services.MSG_CHECKIN_TOO_EARLY):
        services.registration_checkin(lecture=world.lecture_a, code=world.reg_a.code)
    lec = _today(world.lecture_a)
    with refused(services.MSG_UNKNOWN_CODE):
        services.registration_checkin(lecture=lec, code="ZZZZZZ")
    with refused(services.MSG_NOT_REGISTERED):
        services.registration_checkin(lecture=lec, code=world.wait_a.code)
    # Another lecture's code is not this lecture's.
    with refused(services.MSG_UNKNOWN_CODE):
        services.registration_checkin(lecture=lec, code=world.attended_a.code)
    reg = services.registration_checkin(lecture=lec, code=f" {world.reg_a.code.lower()} ")
    assert reg.attendance == "attended"
    walk_in = services.registration_create(lecture=lec, person=world.staff.person, walk_in=True)
    assert (walk_in.status, walk_in.attendance) == ("registered", "attended")  # beyond the capacity


def test_feedback_only_from_attendees_after_the_start_once(world):
    with refused(services.MSG_FEEDBACK_NOT_ATTENDED):
        services.feedback_give(registration=world.absent_a, relevance=5, content=5, delivery=5)
    with refused(services.MSG_FEEDBACK_TWICE):
        services.feedback_give(registration=world.attended_a, relevance=5, content=5, delivery=5)
    lec = _today(world.lecture_a)
    services.registration_checkin(lecture=lec, code=world.reg_a.code)
    with refused(services.MSG_FEEDBACK_TOO_EARLY):
        services.feedback_give(
            registration=Registration.objects.get(pk=world.reg_a.pk), relevance=4, content=4, delivery=4
        )


def test_a_lecture_is_held_only_after_its_start_and_credits_its_lecturers(world):
    with refused(services.MSG_NOT_STARTED):
        services.lecture_hold(lecture=world.lecture_a)
    record = selectors.service_record(Volunteer.objects.get(pk=world.volunteer_a.pk))
    # 90 minutes plus the topic's 2 hours of preparation.
    assert [i.hours for i in record.lectures] == [Decimal("3.50")] and record.total == Decimal("3.50")
    assert record.stars == 0 and record.to_next_star == Decimal("96.50")
    # Cancelled and scheduled lectures credit nothing.
    services.lecture_cancel(lecture=world.lecture_a, reason="场地冲突")
    assert selectors.service_record(world.volunteer_a).total == Decimal("3.50")
    # A period before it: nothing.
    assert selectors.service_record(world.volunteer_a, end=dt.date(2020, 1, 1)).total == 0


def test_star_levels_follow_the_national_thresholds():
    assert [hours.star_level(h) for h in (0, 99.99, 100, 299, 300, 600, 1000, 1499, 1500, 9000)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]
    assert hours.hours_to_next_star(1500) is None and hours.hours_to_next_star(250) == Decimal("50.00")
    assert hours.credited_hours(120, Decimal("1.5")) == Decimal("3.50")


def test_scheduling_needs_a_library_topic_and_active_lecturers(world):
    start = timezone.now() + dt.timedelta(days=3)
    with refused(services.MSG_TOPIC_NOT_IN_LIBRARY):
        services.lecture_schedule(
            topic=world.proposal_a, lecturers=[world.volunteer_a], starts_at=start, venue="x"
        )
    with refused(services.MSG_VOLUNTEER_NOT_ACTIVE):
        services.lecture_schedule(
            topic=world.topic_a, lecturers=[world.applicant_a], starts_at=start, venue="x"
        )
    with refused(services.MSG_OTHER_FEDERATION):
        services.lecture_schedule(
            topic=world.topic_a, lecturers=[world.volunteer_b], starts_at=start, venue="x"
        )
    lec = services.lecture_schedule(
        topic=world.topic_a, lecturers=[world.volunteer_a], starts_at=start, venue="礼堂"
    )
    assert lec.topic_version == world.topic_a.current_version and lec.duration_minutes == 90


def test_the_pages_register_check_in_and_take_feedback(world, client_as):
    staff = client_as(world.staff)
    start = (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    page = staff.post(
        reverse("lectures:topic-schedule", args=[world.topic_a.pk]),
        {
            "lecturers": [world.volunteer_a.pk],
            "starts_at": start,
            "duration_minutes": 60,
            "venue": "区妇联二楼",
            "capacity": 1,
        },
    )
    assert page.status_code == 302
    lec = Lecture.objects.get(venue="区妇联二楼")
    from django.test import Client

    from core.testing.world import login

    executive = login(Client(), world.executive)
    assert executive.post(reverse("lectures:lecture-register", args=[lec.pk])).status_code == 302
    reg = Registration.objects.get(lecture=lec, person=world.executive.person)
    detail = executive.get(reverse("lectures:lecture-detail", args=[lec.pk])).content.decode()
    assert reg.code in detail and 'data-testid="register"' not in detail
    # The volunteer lecturing checks her in at the door, on the day.
    lec = _today(lec)
    door = login(Client(), world.volunteer)
    assert (
        door.post(reverse("lectures:lecture-checkin", args=[lec.pk]), {"code": "ZZZZZZ"}).status_code == 400
    )
    assert (
        door.post(reverse("lectures:lecture-checkin", args=[lec.pk]), {"code": reg.code}).status_code == 302
    )
    assert Registration.objects.get(pk=reg.pk).attendance == "attended"
    # A registrant may not check others in.
    assert executive.get(reverse("lectures:lecture-checkin", args=[lec.pk])).status_code == 403
    Lecture.objects.filter(pk=lec.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    page = executive.post(
        reverse("lectures:feedback-give", args=[reg.pk]),
        {"relevance": 5, "content": 4, "delivery": 5, "comment": "案例生动"},
    )
    assert page.status_code == 302
    # The lecturer sees the comment without the name.
    detail = door.get(reverse("lectures:lecture-detail", args=[lec.pk])).content.decode()
    assert "案例生动" in detail


@pytest.mark.parametrize("rows", [2, 20])
def test_the_lecture_list_costs_the_same_queries_for_2_and_20(
    world, client_as, django_assert_num_queries, rows
):
    start = timezone.now() + dt.timedelta(days=2)
    for i in range(rows):
        services.lecture_schedule(
            topic=world.topic_a,
            lecturers=[world.volunteer_a],
            starts_at=start,
            venue=f"会场{i}",
            host_unit=world.unit_a2,
        )
    client = client_as(world.requester)
    client.get(reverse("lectures:lecture-list"))
    # session, user (with its roles and person's unit), count, the bell, the page's lectures (with topic, unit,
    # community and places taken), their lecturers with persons
    with django_assert_num_queries(6):
        page = client.get(reverse("lectures:lecture-list"))
    assert page.content.decode().count("会场") == rows


def test_the_api_registers_answers_409_for_a_second_time_and_cancels(world, client):
    headers = api_headers(world.staff)
    open_ = client.get("/api/v1/lectures?status=open", **headers).json()
    assert [i["id"] for i in open_["items"]] == [world.lecture_a.pk] and open_["items"][0]["taken"] == 2
    answer = client.post(f"/api/v1/lectures/{world.lecture_a.pk}/registrations", **headers)
    assert answer.status_code == 201 and answer.json()["status"] == "waitlisted"
    again = client.post(f"/api/v1/lectures/{world.lecture_a.pk}/registrations", **headers)
    assert again.status_code == 409 and again.json()["message"] == "您已报名该讲座，不能重复报名。"
    mine = answer.json()["id"]
    gone = client.delete(f"/api/v1/lectures/registrations/{mine}", **headers)
    assert gone.status_code == 200 and gone.json() == {"id": mine, "status": "cancelled"}
    # Another's registration is not the requester's to cancel.
    other = client.delete(f"/api/v1/lectures/registrations/{world.wait_a.pk}", **api_headers(world.requester))
    assert other.status_code == 404
    assert client.get(f"/api/v1/lectures/{world.lecture_b.pk}", **headers).status_code == 404
    assert (
        json.loads(client.get(f"/api/v1/lectures/{world.held_a.pk}", **headers).content)["status"] == "held"
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_registrations_for_the_last_three_places_register_exactly_three():
    """On PostgreSQL (real row locks): twenty threads, three places; the rest waitlisted."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://... (SQLite serialises writers anyway)")
    from core.testing.world import build_world

    world = build_world()
    lec = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        capacity=3,
        starts_at=timezone.now() + dt.timedelta(days=3),
        venue="小会议室",
    )
    people = [
        Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=f"并发{i}") for i in range(20)
    ]
    barrier = threading.Barrier(20)
    errors = []

    def register(person):
        from django.db import connections

        try:
            barrier.wait()
            services.registration_create(lecture=lec, person=person)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = list(
        Registration.objects.filter(lecture=lec)
        .order_by("registered_at", "id")
        .values_list("status", flat=True)
    )
    assert statuses.count("registered") == 3 and statuses.count("waitlisted") == 17
    # In order of arrival: the first three to get the lock hold the places.
    assert statuses[:3] == ["registered"] * 3
