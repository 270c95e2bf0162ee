"""Exchange meetings and suggestions (submitted → accepted → assigned → answered → rated)."""

import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from core.testing.asserts import refused
from core.testing.world import build_world
from duties import selectors, services
from duties.models import Suggestion

D = dt.date


@pytest.fixture
def world(db):
    return build_world()


def test_attendance_only_after_the_meeting_and_counted(world):
    later = services.meeting_schedule(
        federation=world.fed_a, title="第四季度交流会", held_on=clock.today() + dt.timedelta(days=10)
    )
    with refused(services.MSG_MEETING_NOT_HELD):
        services.attendance_record(meeting=later, executive=world.exec_a, status="present")
    with refused(services.MSG_OTHER_FEDERATION):
        services.attendance_record(meeting=world.meeting_a, executive=world.exec_b, status="present")
    record = selectors.duty_record(world.exec_a, *selectors.year_bounds(2024))
    assert record.meetings_attended == 1
    services.attendance_record(meeting=world.meeting_a, executive=world.exec_a, status="absent")
    record = selectors.duty_record(world.exec_a, *selectors.year_bounds(2024))
    assert record.meetings_attended == 0 and record.meetings_absent == 1


def test_a_suggestion_assigned_answered_and_rated(world):
    s = world.suggestion_a
    assert s.status == "assigned" and s.reply_due == clock.today() + dt.timedelta(days=services.REPLY_DAYS)
    services.suggestion_extend(suggestion=s, reason="需会同协办单位调研")
    with refused(services.MSG_ALREADY_EXTENDED):
        services.suggestion_extend(suggestion=s, reason="再延一次")
    with refused(services.MSG_REPLY_REQUIRED):
        services.suggestion_answer(suggestion=s, result="adopted", reply=" ")
    services.suggestion_answer(suggestion=s, result="adopted", reply="已在政务服务中心二楼设置母婴室。")
    services.suggestion_rate(suggestion=s, rating="satisfied")
    s = Suggestion.objects.get(pk=s.pk)
    assert s.status == "closed" and s.rating == "satisfied"
    record = selectors.duty_record(world.exec_a, *selectors.year_bounds(clock.today().year))
    assert record.suggestions == 1 and record.suggestions_adopted == 1


def test_who_handles_a_suggestion(world):
    s = world.suggestion_a
    assert Suggestion.objects.permitted(world.liaison, "answer").filter(pk=s.pk).exists()
    assert not Suggestion.objects.permitted(world.other_liaison, "view").filter(pk=s.pk).exists()
    assert Suggestion.objects.permitted(world.executive, "rate").filter(pk=s.pk).exists()
    assert not Suggestion.objects.permitted(world.executive, "answer").filter(pk=s.pk).exists()
    assert not Suggestion.objects.visible_to(world.staff).filter(pk=world.suggestion_b.pk).exists()


def test_the_suggestion_through_the_pages(world, client_as):
    client = client_as(world.executive)
    res = client.post(
        reverse("duties:suggestion-submit"),
        {"title": "关于开设家庭教育讲座的建议", "proposal": "建议每季度在社区开设一次家庭教育讲座。"},
    )
    assert res.status_code == 302
    s = Suggestion.objects.get(title="关于开设家庭教育讲座的建议")
    staff = client_as(world.staff)
    assert (
        staff.post(reverse("duties:suggestion-accept", args=[s.pk]), {"decision": "accept"}).status_code
        == 302
    )
    assert (
        staff.post(
            reverse("duties:suggestion-assign", args=[s.pk]), {"lead_unit": world.unit_a2.pk}
        ).status_code
        == 302
    )
    liaison = client_as(world.other_liaison)
    assert (
        liaison.post(
            reverse("duties:suggestion-answer", args=[s.pk]),
            {"result": "planned", "reply": "已列入明年工作计划。"},
        ).status_code
        == 302
    )
    assert (
        client_as(world.executive)
        .post(reverse("duties:suggestion-rate", args=[s.pk]), {"rating": "basic"})
        .status_code
        == 302
    )
    assert Suggestion.objects.get(pk=s.pk).status == "closed"
    page = client_as(world.executive).get(reverse("duties:suggestion-detail", args=[s.pk])).content.decode()
    assert "已列入明年工作计划" in page and "基本满意" in page


def test_staff_record_attendance_on_the_page(world, client_as):
    client = client_as(world.staff)
    url = reverse("duties:meeting-attendance", args=[world.meeting_a.pk])
    assert client.post(url, {f"e{world.exec_a.pk}": "excused"}).status_code == 302
    assert world.meeting_a.attendance.get().status == "excused"
    assert client_as(world.executive).post(url, {}).status_code == 403
