"""现场登记: a walk-in added at the check-in page is registered and attended at once, beyond the capacity."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lectures import services, walkin
from lectures.models import Lecture, Registration
from orgs.models import Person


@pytest.fixture
def today_lecture(world):
    lec = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        capacity=1,
        starts_at=timezone.now() + dt.timedelta(hours=1),
        venue="三楼会议室",
        host_unit=world.unit_a1,
    )
    services.registration_create(lecture=lec, person=world.users["requester"].person)
    # It starts now: the door is open today.
    Lecture.objects.filter(pk=lec.pk).update(starts_at=timezone.now())
    return Lecture.objects.get(pk=lec.pk)


def url(lec):
    return reverse("lectures:lecture-walk-in", args=[lec.pk])


def test_staff_add_a_walk_in_beyond_the_capacity(world, client_as, today_lecture):
    client = client_as(world.staff)
    page = client.get(reverse("lectures:lecture-checkin", args=[today_lecture.pk])).content.decode()
    assert url(today_lecture) in page
    response = client.post(url(today_lecture), {"name": " 赵  小燕 ", "unit": world.unit_a2.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("lectures:lecture-checkin", args=[today_lecture.pk])
    reg = Registration.objects.get(lecture=today_lecture, walk_in=True)
    assert (reg.person.name, reg.person.unit_id, reg.status, reg.attendance) == (
        "赵 小燕",
        world.unit_a2.pk,
        "registered",
        "attended",
    )
    page = client.get(reverse("lectures:lecture-checkin", args=[today_lecture.pk])).content.decode()
    assert "赵 小燕" in page and "现场" in page
    # The same person again: she is known to staff and already here.
    response = client.post(url(today_lecture), {"name": "赵 小燕", "unit": world.unit_a2.pk})
    assert response.status_code == 400
    assert "赵 小燕 已报名该讲座" in response.content.decode()
    assert Registration.objects.filter(lecture=today_lecture, walk_in=True).count() == 1


def test_an_existing_person_the_clerk_sees_is_reused(world, today_lecture):
    person = world.users["executive"].person
    reg = walkin.registration_walk_in(
        lecture=today_lecture, name=person.name, unit=person.unit, acting_user=world.staff
    )
    assert reg.person_id == person.pk


def test_the_lecturer_adds_a_walk_in_without_seeing_other_people(world, client_as, today_lecture):
    before = Person.objects.count()
    # The lecturer cannot see the executive's person record: a new one is made, nothing is revealed.
    person = world.users["executive"].person
    response = client_as(world.volunteer).post(url(today_lecture), {"name": person.name})
    assert response.status_code == 302
    reg = Registration.objects.get(lecture=today_lecture, walk_in=True)
    assert reg.person_id != person.pk and Person.objects.count() == before + 1


def test_refusals_write_nothing(world, client_as, today_lecture):
    client = client_as(world.staff)
    before = (Person.objects.count(), Registration.objects.count())
    assert client.post(url(today_lecture), {"name": "  "}).status_code == 400
    later = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        starts_at=timezone.now() + dt.timedelta(days=3),
        venue="会议室",
    )
    response = client.post(url(later), {"name": "钱多多"})
    assert response.status_code == 400 and "讲座当天才能签到" in response.content.decode()
    with pytest.raises(Exception, match="不属于"):
        walkin.registration_walk_in(lecture=today_lecture, name="孙丽", unit=world.unit_b1)
    assert (Person.objects.count(), Registration.objects.count()) == before


@pytest.mark.parametrize("persona", ["requester", "executive", "outsider"])
def test_others_cannot_add_walk_ins(world, client_as, today_lecture, persona):
    response = client_as(world.users[persona]).post(url(today_lecture), {"name": "李四"})
    assert response.status_code in (403, 404)
    assert not Registration.objects.filter(lecture=today_lecture, walk_in=True).exists()


def test_in_english_the_walk_in_page_is_english(world, client_as, today_lecture):
    client = client_as(world.staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(url(today_lecture)).content.decode()
    assert "Walk-in" in body and "Add and check in" in body and "现场登记" not in body
