"""Exchange meeting series (default quarterly) whose agenda template is copied into each meeting, and files
attached to a meeting (checked by content, streamed only to who may see the meeting)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import clock
from core.testing.world import build_world
from duties import services
from duties.models import ExchangeMeeting, MeetingAttachment, MeetingSeries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
AGENDA = "一、交流联系群众情况\n二、通报热线值班"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.JINGUO_PRIVATE_DIR = tmp_path
    return build_world()


@pytest.fixture
def series(world):
    return services.series_create(federation=world.fed_a, title="执委季度交流会", agenda_template=AGENDA)


def test_a_series_is_quarterly_by_default_and_copies_its_agenda(world, series):
    assert series.every_months == 3
    first = services.series_schedule_next(series=series, held_on=dt.date(2024, 1, 31))
    second = services.series_schedule_next(series=series)
    assert second.held_on == dt.date(2024, 4, 30) and second.series_id == series.pk
    assert first.agenda == second.agenda == AGENDA
    # A later change of the template leaves scheduled meetings as they are.
    series.agenda_template = "新议程"
    series.save()
    third = services.series_schedule_next(series=series)
    first.refresh_from_db()
    assert third.agenda == "新议程" and first.agenda == AGENDA and third.held_on == dt.date(2024, 7, 30)


def test_the_first_meeting_of_a_series_defaults_to_today(world, series):
    assert services.series_schedule_next(series=series).held_on == clock.today()


def test_months_are_added_to_the_months_end():
    assert services.add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert services.add_months(dt.date(2024, 1, 15), 12) == dt.date(2025, 1, 15)


def test_staff_set_up_a_series_and_schedule_its_next_meeting_on_pages(world, client_as):
    client = client_as(world.staff)
    res = client.post(
        reverse("duties:series-create"),
        {"title": "执委季度交流会", "every_months": "3", "venue": "区妇联", "agenda_template": AGENDA},
    )
    assert res.status_code == 302
    series = MeetingSeries.objects.get(federation=world.fed_a, venue="区妇联")
    assert "执委季度交流会" in client.get(reverse("duties:meeting-list")).content.decode()
    res = client.post(reverse("duties:series-next", args=[series.pk]), {"held_on": "2024-06-20"})
    meeting = ExchangeMeeting.objects.get(series=series)
    assert res.status_code == 302 and res.url == reverse("duties:meeting-detail", args=[meeting.pk])
    assert meeting.agenda == AGENDA and meeting.venue == "区妇联"


def test_only_staff_of_the_federation_schedule_a_series(world, client_as, series):
    url = reverse("duties:series-next", args=[series.pk])
    assert client_as(world.executive).post(url, {}).status_code == 403
    assert client_as(world.outsider).post(url, {}).status_code in (403, 404)
    assert not ExchangeMeeting.objects.filter(series=series).exists()


def test_a_file_is_attached_checked_and_streamed_to_who_may_see_the_meeting(world, client_as):
    meeting = world.meeting_a
    res = client_as(world.staff).post(
        reverse("duties:meeting-attach", args=[meeting.pk]),
        {"title": "会议议程", "file": SimpleUploadedFile("agenda.pdf", PDF, "application/pdf")},
    )
    assert res.status_code == 302
    att = MeetingAttachment.objects.exclude(pk=world.attachment_a.pk).get(meeting=meeting)
    assert att.file_kind == "pdf" and att.size == len(PDF)
    assert (services.attachments_dir() / att.path).read_bytes() == PDF
    url = reverse("duties:attachment-open", args=[att.pk])
    got = client_as(world.executive).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert "no-store" in got["Cache-Control"]
    assert client_as(world.outsider).get(url).status_code in (403, 404)
    assert client_as(world.liaison).get(url).status_code == 403
    assert (
        "会议议程"
        in client_as(world.executive)
        .get(reverse("duties:meeting-detail", args=[meeting.pk]))
        .content.decode()
    )


def test_a_file_of_another_type_is_refused(world, client_as):
    res = client_as(world.staff).post(
        reverse("duties:meeting-attach", args=[world.meeting_a.pk]),
        {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert res.status_code == 400 and "文件类型不在允许范围内" in res.content.decode()
    assert MeetingAttachment.objects.count() == 2  # the test world's, one per federation
    with pytest.raises(ValidationError):
        services.meeting_attach(meeting=world.meeting_a, upload=SimpleUploadedFile("e.txt", b""))


def test_executives_cannot_attach(world, client_as):
    res = client_as(world.executive).post(
        reverse("duties:meeting-attach", args=[world.meeting_a.pk]),
        {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )
    assert res.status_code == 403 and MeetingAttachment.objects.count() == 2
