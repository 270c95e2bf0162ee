"""Qualifications with validity dates: a topic may require one; a lapsed one is marked in the ranking, refused
when offering an order or scheduling, and reminded of before it lapses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import clock
from core.models import Notification
from core.reminders import run_reminders
from core.testing.asserts import refused
from lectures import reminders, selectors, services
from lectures.models import LectureRequest, Qualification, Topic

PDF = b"%PDF-1.4\n% scan of a certificate\n"


def _require(world, name="急救培训导师证"):
    topic = Topic.objects.get(pk=world.topic_a.pk)
    return services.topic_require_qualification(topic=topic, name=name)


def test_a_lapsed_qualification_is_marked_with_its_reason_and_refused(world):
    order = LectureRequest.objects.get(pk=world.order_a.pk)
    day = order.preferred_date
    _require(world)
    mine = next(c for c in selectors.candidates_for(order) if c.volunteer == world.volunteer_a)
    assert not mine.qualified and "没有“急救培训导师证”资质" in mine.qualification_note
    services.qualification_add(
        volunteer=world.volunteer_a,
        name="急救培训导师证",
        issued_on=day - dt.timedelta(days=800),
        valid_until=day - dt.timedelta(days=1),
    )
    ranked = selectors.candidates_for(order)
    mine = next(c for c in ranked if c.volunteer == world.volunteer_a)
    assert not mine.qualified and "已于" in mine.qualification_note and "过期" in mine.qualification_note
    assert ranked[-1] == mine  # she gives the topic, yet comes after everyone qualified
    lapsed = services.MSG_QUALIFICATION_LAPSED % {
        "name": world.volunteer_a.person.name,
        "reason": mine.qualification_note,
    }
    with refused(lapsed):
        services.request_match(order=order, volunteer=world.volunteer_a)
    with pytest.raises(ValidationError) as info:
        services.lecture_schedule(
            topic=Topic.objects.get(pk=world.topic_a.pk),
            lecturers=[world.volunteer_a],
            starts_at=timezone.now() + dt.timedelta(days=25),
            venue="会议室",
            capacity=10,
        )
    assert info.value.error_list[0].code == "qualification"
    # Renewed: valid on the day, proposed first again and offered the order.
    services.qualification_add(
        volunteer=world.volunteer_a, name="急救培训导师证", issued_on=clock.today(), valid_until=None
    )
    ranked = selectors.candidates_for(order)
    assert ranked[0].volunteer == world.volunteer_a and ranked[0].qualified
    assert "长期有效" in ranked[0].qualification_note
    services.request_match(order=order, volunteer=world.volunteer_a)


def test_a_topic_without_a_requirement_asks_for_none(world):
    order = LectureRequest.objects.get(pk=world.order_a.pk)
    assert all(c.qualified and not c.qualification_note for c in selectors.candidates_for(order))


def test_qualification_dates_and_evidence_are_checked(world):
    with refused(services.MSG_QUALIFICATION_DATES):
        services.qualification_add(
            volunteer=world.volunteer_a, name="证", issued_on=dt.date(2024, 5, 1), valid_until=dt.date(2024, 4, 1)
        )
    with refused(services.MSG_QUALIFICATION_NAME):
        services.qualification_add(volunteer=world.volunteer_a, name=" ", issued_on=dt.date(2024, 5, 1))
    with pytest.raises(ValidationError) as info:
        services.qualification_add(
            volunteer=world.volunteer_a,
            name="证",
            issued_on=dt.date(2024, 5, 1),
            upload=SimpleUploadedFile("scan.pdf", b"MZ not a pdf"),
        )
    assert info.value.error_list[0].code == "file"
    assert not Qualification.objects.filter(name="证").exists()


def test_the_volunteer_records_a_qualification_with_its_scan(world, client_as, settings, tmp_path):
    settings.JINGUO_PRIVATE_DIR = tmp_path
    client = client_as(world.volunteer)
    url = reverse("lectures:qualification-add", args=[world.volunteer_a.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "name": "心理咨询师",
            "issued_on": "2024-01-01",
            "valid_until": "",
            "file": SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert answer.status_code == 302
    q = Qualification.objects.get(name="心理咨询师")
    assert q.evidence_kind == "pdf" and q.valid_until is None
    page = client.get(reverse("lectures:volunteer-detail", args=[world.volunteer_a.pk])).content.decode()
    assert "心理咨询师" in page and "长期有效" in page
    scan = client.get(reverse("lectures:qualification-evidence", args=[q.pk]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
    # Her unit's liaison sees it; another federation does not.
    assert client_as(world.liaison).get(reverse("lectures:qualification-evidence", args=[q.pk])).status_code == 200
    assert client_as(world.outsider).get(reverse("lectures:qualification-evidence", args=[q.pk])).status_code in (
        403,
        404,
    )
    # A staff member sets the topic's requirement on its page.
    staff = client_as(world.staff)
    answer = staff.post(
        reverse("lectures:topic-qualification", args=[world.topic_a.pk]),
        {"required_qualification": "心理咨询师", "version": Topic.objects.get(pk=world.topic_a.pk).version},
    )
    assert answer.status_code == 302
    assert Topic.objects.get(pk=world.topic_a.pk).required_qualification == "心理咨询师"


def test_a_qualification_lapsing_within_30_days_is_reminded_until_renewed(world):
    today = clock.today()
    q = services.qualification_add(
        volunteer=world.volunteer_a,
        name="急救培训导师证",
        issued_on=today - dt.timedelta(days=700),
        valid_until=today + dt.timedelta(days=reminders.QUALIFICATION_WARN_DAYS + 1),
    )
    run_reminders(today)
    assert not Notification.objects.filter(kind="lecture_qualification_lapsing").exists()
    run_reminders(today + dt.timedelta(days=1))
    mine = Notification.objects.get(recipient=world.volunteer, kind="lecture_qualification_lapsing")
    assert "急救培训导师证" in mine.title and mine.resolved_at is None
    assert Notification.objects.filter(recipient=world.staff, kind="lecture_qualification_lapsing").exists()
    services.qualification_add(
        volunteer=world.volunteer_a, name=q.name, issued_on=today, valid_until=today + dt.timedelta(days=1000)
    )
    run_reminders(today + dt.timedelta(days=2))
    mine.refresh_from_db()
    assert mine.resolved_at is not None


def test_the_match_page_shows_the_reason_a_lecturer_is_not_qualified(world, client_as):
    _require(world)
    page = client_as(world.staff).get(reverse("lectures:request-match", args=[world.order_a.pk])).content.decode()
    assert 'data-testid="qualification-lapsed"' in page and "没有“急救培训导师证”资质" in page
