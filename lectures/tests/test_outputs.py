"""Exports, the certificate, home cards and reminders of the lecture system."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.reminders import run_reminders
from lectures import reminders
from lectures.models import LectureRequest


def test_staff_export_lectures_and_hours(world, client_as):
    import openpyxl

    client = client_as(world.staff)
    answer = client.get(reverse("lectures:export-lectures"))
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store, private"
    rows = list(openpyxl.load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "课题" and {r[1] for r in rows[1:]} == {"如何与孩子有效沟通"} and len(rows) == 3
    answer = client.get(reverse("lectures:export-hours"), {"from": "2000-01-01"})
    rows = list(openpyxl.load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert ("volunteer人员", "区教育局", "家庭教育、法律", 1, 3.5) in rows
    assert client_as(world.requester).get(reverse("lectures:export-hours")).status_code == 403


def test_the_volunteer_downloads_her_certificate(world, client_as):
    answer = client_as(world.volunteer).get(
        reverse("lectures:volunteer-certificate", args=[world.volunteer_a.pk])
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    # Her unit's liaison sees her profile, but the certificate is hers and staff's.
    assert (
        client_as(world.liaison)
        .get(reverse("lectures:volunteer-certificate", args=[world.volunteer_a.pk]))
        .status_code
        == 403
    )


def test_home_cards_for_the_volunteer_and_the_requester(world, client_as):
    page = client_as(world.volunteer).get(reverse("home")).content.decode()
    assert 'data-testid="home-volunteer"' in page and "3.50" in page and "待您答复的点单" in page
    page = client_as(world.requester).get(reverse("home")).content.decode()
    assert 'data-testid="home-requester"' in page and "如何与孩子有效沟通" in page


def test_an_order_waiting_for_a_lecturer_reminds_staff_until_it_is_matched(world):
    today = timezone.localdate()
    LectureRequest.objects.filter(pk=world.order_a.pk).update(
        created_at=timezone.now() - dt.timedelta(days=reminders.MATCH_WAIT_DAYS)
    )
    LectureRequest.objects.filter(pk=world.offered_a.pk).update(
        matched_at=timezone.now() - dt.timedelta(days=reminders.ANSWER_WAIT_DAYS)
    )
    run_reminders(today)
    staff_notice = Notification.objects.get(
        recipient=world.staff, dedup_key=f"lecture-order-unmatched:{world.order_a.pk}"
    )
    offer_notice = Notification.objects.get(recipient=world.volunteer, kind="lecture_offer_wait")
    assert staff_notice.resolved_at is None and offer_notice.resolved_at is None
    from lectures import services

    services.request_match(order=LectureRequest.objects.get(pk=world.order_a.pk), volunteer=world.volunteer_a)
    services.request_move(
        order=LectureRequest.objects.get(pk=world.offered_a.pk), transition="decline", reason="出差"
    )
    run_reminders(today)
    staff_notice.refresh_from_db()
    offer_notice.refresh_from_db()
    assert staff_notice.resolved_at is not None and offer_notice.resolved_at is not None
