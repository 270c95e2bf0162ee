"""讲座统计: the overview for federation staff, its period, its Excel lists (audited) and its query count."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from lectures import overview, services
from lectures.models import Lecture, LectureRequest
from orgs.models import Person

URL = reverse("lectures:overview")
WIDE = "?from=2000-01-01&to=2100-12-31"


def test_staff_see_their_federation_only(world, client_as):
    client = client_as(world.staff)
    response = client.get(URL + WIDE)
    assert response.status_code == 200
    o = response.context["o"]
    # held_a: the requester attended, the liaison was absent; feedback 5/4/5.
    assert (o.held, o.registered, o.attended, o.attendance_rate) == (1, 2, 1, 50.0)
    topic = o.by_topic[0]
    assert (topic.name, topic.feedback, topic.relevance, topic.content, topic.overall) == (
        "如何与孩子有效沟通",
        1,
        5.0,
        4.0,
        4.67,
    )
    assert [r.name for r in o.by_volunteer] == [world.volunteer_a.person.name]
    # Credited: 90 minutes plus the topic's 2 preparation hours.
    assert str(o.by_volunteer[0].lecture_hours) == "3.50"
    assert {r.name for r in o.by_orderer} == {world.comm_a1.name, world.unit_a1.name}
    assert {r.state: r.count for r in o.by_state}["new"] == 2
    body = response.content.decode()
    assert "外区课题" not in body and "外区讲师王芳" not in body and world.comm_b1.name not in body
    assert 'data-overview-chart="months"' in body and "lectures-overview-data" in body


@pytest.mark.parametrize("persona", ["liaison", "requester", "volunteer", "executive"])
def test_others_are_refused(world, client_as, persona):
    assert client_as(world.users[persona]).get(URL).status_code == 403
    assert (
        client_as(world.users[persona]).get(reverse("lectures:overview-export", args=["topics"])).status_code
        == 403
    )


def test_the_period_filters_and_bad_input_says_so(world, client_as):
    client = client_as(world.staff)
    response = client.get(URL + "?from=2000-01-01&to=2000-12-31")
    assert response.context["o"].held == 0 and response.context["o"].orders == 0
    response = client.get(URL + "?year=abc")
    assert response.status_code == 200
    assert "年份无效" in response.content.decode()
    response = client.get(URL + "?from=2020-05-01&to=2020-01-01")
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert response.context["period"].custom is False


def test_parse_period():
    today = dt.date(2026, 12, 3)
    p = overview.parse_period({"year": "2019"}, today)
    assert (p.start, p.end, p.custom) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31), False)
    p = overview.parse_period({"from": "2019-03-01"}, today)
    assert (p.start, p.end, p.custom) == (dt.date(2019, 3, 1), dt.date(2026, 12, 31), True)
    p = overview.parse_period({"year": "1800"}, today)
    assert p.year == 2026 and p.errors


def test_time_from_order_to_lecture(world):
    order = world.offered_a
    LectureRequest.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(days=50))
    order.refresh_from_db()
    order = services.request_accept(order=order, starts_at=timezone.now() + dt.timedelta(hours=1))
    Lecture.objects.filter(pk=order.lecture_id).update(starts_at=timezone.now() - dt.timedelta(days=10))
    services.lecture_hold(lecture=Lecture.objects.get(pk=order.lecture_id))
    period = overview.parse_period({"from": "2000-01-01", "to": "2100-12-31"}, dt.date.today())
    lead = overview.overview_for(world.staff, world.fed_a.pk, period).lead_time
    assert (lead.count, lead.median, lead.mean, lead.shortest, lead.longest) == (1, 40.0, 40.0, 40, 40)


@pytest.mark.parametrize("kind", list(overview.LISTS))
def test_each_list_exports_to_excel_and_is_audited(world, client_as, kind):
    client = client_as(world.staff)
    response = client.get(reverse("lectures:overview-export", args=[kind]) + WIDE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert str(overview.LISTS[kind].title) in str(sheet["A1"].value)
    assert sheet["A3"].value == str(overview.LISTS[kind].columns[0][0])
    event = AuditEvent.objects.get(action="export", object_type="lectures.overview")
    assert event.changes["list"] == kind and event.federation_id == world.fed_a.pk


def test_an_unknown_list_is_not_found(world, client_as):
    response = client_as(world.staff).get(reverse("lectures:overview-export", args=["nope"]))
    assert response.status_code == 404


def test_the_topic_list_exports_its_rows(world, client_as):
    response = client_as(world.staff).get(reverse("lectures:overview-export", args=["topics"]) + WIDE)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows == [["如何与孩子有效沟通", world.topic_a.category.name, 1, 1, 5, 4, 5, 4.67]]


def _more_rows(world, n):
    """n more held lectures with registrations, attendance and feedback, n more volunteers and orders."""
    now = timezone.now()
    for i in range(n):
        person = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name=f"讲师{i}")
        volunteer = services.volunteer_register(person=person, categories=world.cats_a[:1])
        lec = services.lecture_schedule(
            topic=world.topic_a,
            lecturers=[volunteer, world.volunteer_a],
            starts_at=now + dt.timedelta(hours=1),
            venue=f"会议室{i}",
            host_unit=world.unit_a2,
        )
        attendee = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name=f"学员{i}")
        reg = services.registration_create(lecture=lec, person=attendee)
        Lecture.objects.filter(pk=lec.pk).update(starts_at=now - dt.timedelta(days=3 + 40 * i))
        services.registration_mark(registration=reg, attendance="attended")
        services.lecture_hold(lecture=Lecture.objects.get(pk=lec.pk))
        reg.refresh_from_db()
        services.feedback_give(registration=reg, relevance=4, content=4, delivery=3)
        services.request_create(
            topic=world.topic_a,
            requested_by=world.requester,
            community=world.comm_a1,
            preferred_date=now.date() + dt.timedelta(days=30),
            venue="活动室",
        )


def test_the_page_query_count_does_not_grow_with_rows(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.staff)
    client.get(URL + WIDE)  # warm the session and the federation choice
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL + WIDE).status_code == 200
    _more_rows(world, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL + WIDE)
    assert response.context["o"].held == 7 and len(response.context["o"].by_volunteer) == 7
    assert len(many.captured_queries) == len(few.captured_queries), (
        "the overview's query count grew with its rows: read each list in one grouped query "
        "(lectures/overview.py lists them)"
    )
    # session, user (with its roles and person's unit); the first lecture's year (the picker); the
    # federations' names; the overview's nine (lectures/overview.py); the unread notices of the menu.
    assert len(few.captured_queries) == 14


def test_in_english_the_overview_is_english(world, client_as):
    client = client_as(world.staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(URL + WIDE).content.decode()
    assert "Lecture overview" in body and "Ratings by topic" in body and "Time from order to lecture" in body
    assert "讲座统计" not in body and "各课题评分" not in body


@pytest.mark.engine_agnostic
def test_the_demo_districts_overview(db, client):
    """The demo's 2019: lectures held with attendance and feedback, hours, orders in several states and
    lectures that came from orders."""
    from django.core.management import call_command

    from accounts.models import User
    from core.testing.world import login

    call_command("load_demo", verbosity=0)
    login(client, User.objects.get(username="demo_staff"))
    response = client.get(URL + "?year=2019")
    assert response.status_code == 200
    o = response.context["o"]
    assert o.held > 5 and o.attendance_rate is not None and 0 < o.attendance_rate <= 100
    assert o.by_topic and o.by_category and o.by_unit and o.by_volunteer
    assert all(r.overall is None or 1 <= r.overall <= 5 for r in o.by_topic)
    assert len(response.context["topics"]) <= overview.PAGE_ROWS
    assert o.hours_total > 0
    # Orders held in the demo were placed weeks before their lectures.
    lead = client.get(URL + WIDE).context["o"].lead_time
    assert lead.count >= 3 and lead.median is not None and lead.median > 10
