"""The confidential hotline case log: contents encrypted at rest, read by the taker and supervisors alone,
every read audited, referrals and follow-ups, statistics without personal data."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from core import clock, confidential
from core.confidential import ConfidentialAccessError, ScopeError
from core.models import AuditEvent, Notification
from core.testing.asserts import refused
from core.testing.world import api_headers, build_world
from duties import services
from duties.models import CaseEntry, HotlineCase, Referral

NAME, PHONE, STORY = "欧阳翠屏", "13987654321", "丈夫酗酒后多次动手，孩子躲在邻居家不敢回去"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def on_duty(world):
    """The `executive` persona is on a shift today."""
    return services.shift_publish(
        federation=world.fed_a,
        on=clock.today(),
        starts_at=dt.time(0),
        ends_at=dt.time(23, 59),
        executive=world.exec_a,
    )


def intake(world, user, **extra):
    with confidential.activate(user):
        return services.case_intake(
            federation=world.fed_a,
            category="violence",
            caller_name=NAME,
            caller_phone=PHONE,
            caller_address="龙城街道某小区",
            narrative=STORY,
            acting_user=user,
            **extra,
        )


def test_no_plaintext_in_the_database_row_nor_the_audit_log(world, on_duty):
    case = intake(world, world.executive)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM duties_hotlinecase WHERE id = %s", [case.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT object_repr, changes, detail FROM core_auditevent")
        audit_text = " ".join(str(v) for r in cursor.fetchall() for v in r)
    for secret in (NAME, PHONE, STORY, "某小区"):
        assert secret not in row and secret not in audit_text
    assert str(case) == f"个案 #{case.pk}"
    assert case.masked_identity == "欧*** ···4321"


def test_a_query_outside_a_scope_and_a_read_outside_a_declaration_fail(world):
    with pytest.raises(ScopeError):
        list(HotlineCase.objects.all())
    with confidential.activate(world.supervisor):
        case = HotlineCase.objects.visible_to(world.supervisor).get(pk=world.case_a.pk)
        with pytest.raises(ConfidentialAccessError):
            _ = case.narrative


def test_only_the_taker_and_the_supervisors_see_a_case(world):
    with confidential.activate(world.staff):
        for user, expected in (
            (world.executive, {world.case_a}),
            (world.supervisor, {world.case_a}),
            (world.staff, set()),
            (world.liaison, set()),
            (world.outsider, set()),
            (world.auditor, set()),
            (world.dual, set()),
        ):
            assert set(HotlineCase.objects.visible_to(user)) == expected, user
            assert set(Referral.objects.visible_to(user)) == {r for c in expected for r in c.referrals.all()}


def test_pages_by_role_and_every_read_audited(world, client_as):
    url = reverse("duties:case-detail", args=[world.case_a.pk])
    for user in (world.staff, world.liaison, world.volunteer, world.outsider):
        assert client_as(user).get(url).status_code in (403, 404), user
    before = AuditEvent.objects.filter(action="decrypt", object_id=str(world.case_a.pk)).count()
    res = client_as(world.supervisor).get(url)
    page = res.content.decode()
    assert res.status_code == 200 and "测试情况" in page and "测试来电人" in page
    assert "no-store" in res["Cache-Control"]
    events = AuditEvent.objects.filter(action="decrypt", object_id=str(world.case_a.pk))
    assert events.count() > before
    assert all("测试" not in e.detail and "测试" not in e.object_repr for e in events)
    # The list shows masked identities only.
    listing = client_as(world.executive).get(reverse("duties:case-list")).content.decode()
    assert "测**** ···0000" in listing and "测试来电人" not in listing and "测试情况" not in listing


def test_intake_needs_a_shift_today_or_the_supervisor_role(world):
    with confidential.activate(world.executive), refused(services.MSG_NOT_ON_DUTY):
        services.case_intake(
            federation=world.fed_a, category="labour", narrative="咨询", acting_user=world.executive
        )
    case = intake(world, world.supervisor)
    assert case.taker == world.supervisor and case.shift is None


def test_a_repeat_call_joins_the_open_case(world, on_duty):
    first = intake(world, world.executive)
    again = intake(world, world.executive)
    assert again.pk == first.pk
    with confidential.activate(world.executive):
        assert CaseEntry.objects.filter(case=first, kind="call").count() == 1


def test_an_urgent_case_notifies_the_supervisors_without_contents(
    world, on_duty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, world.executive, urgent=True)
    notice = Notification.objects.get(recipient=world.supervisor, kind="case_urgent")
    assert (
        f"#{case.pk}" in notice.title and NAME not in notice.title + notice.body and STORY not in notice.body
    )


def test_referral_needs_consent_or_the_supervisors_override(world, on_duty):
    case = intake(world, world.executive)
    with confidential.activate(world.executive):
        with refused(services.MSG_CONSENT_OR_OVERRIDE):
            services.referral_create(
                case=case,
                body="police",
                receiving_body="龙城派出所",
                consent=False,
                override_reason="有危险",
                acting_user=world.executive,
            )
        referral = services.referral_create(
            case=case,
            body="legal_aid",
            receiving_body="区法律援助中心",
            consent=True,
            acting_user=world.executive,
        )
    with confidential.activate(world.executive):
        # (refresh_from_db would read the sealed fields through their descriptor: fetch anew instead.)
        case = HotlineCase.objects.get(pk=case.pk)
    assert case.status == "referred"
    with confidential.activate(world.supervisor):
        services.referral_create(
            case=case,
            body="police",
            receiving_body="龙城派出所",
            consent=False,
            override_reason="人身安全受到威胁",
            acting_user=world.supervisor,
        )
        services.referral_move(referral=referral, transition="accept", acting_user=world.supervisor)
        services.case_follow_up(
            case=case, on=clock.today(), notes="已入住庇护所", acting_user=world.supervisor
        )
        case = HotlineCase.objects.get(pk=case.pk)
        assert case.status == "follow_up"
        services.case_move(case=case, transition="close", acting_user=world.supervisor)
        case = HotlineCase.objects.get(pk=case.pk)
        assert case.status == "closed" and case.closed_on == clock.today()
        with refused(services.MSG_CASE_CLOSED):
            services.case_follow_up(case=case, on=clock.today(), notes="x", acting_user=world.supervisor)


def test_the_executive_logs_and_refers_through_the_pages(world, on_duty, client_as):
    client = client_as(world.executive)
    res = client.post(
        reverse("duties:case-intake"),
        {
            "channel": "call",
            "category": "violence",
            "caller_name": NAME,
            "caller_phone": PHONE,
            "narrative": STORY,
        },
    )
    assert res.status_code == 302
    with confidential.system_scope("测试"):
        case = HotlineCase.objects.latest("pk")
    res = client.post(
        reverse("duties:referral-create", args=[case.pk]),
        {"body": "shelter", "receiving_body": "区妇女儿童庇护中心", "consent": "on"},
    )
    assert res.status_code == 302
    assert client_as(world.supervisor).get(reverse("duties:case-detail", args=[case.pk])).status_code == 200


def test_staff_see_statistics_without_personal_data(world, client_as):
    page = client_as(world.staff).get(reverse("duties:case-stats") + "?year=2024").content.decode()
    assert "家庭暴力" in page and "测试来电人" not in page and "13800000000" not in page


def test_api_case_create_and_read(world, on_duty, client):
    body = {
        "category": "violence",
        "urgent": False,
        "caller_name": NAME,
        "caller_phone": PHONE,
        "narrative": STORY,
    }
    res = client.post(
        "/api/v1/hotline/cases",
        json.dumps(body),
        content_type="application/json",
        **api_headers(world.executive),
    )
    assert res.status_code == 201, res.content
    case_id = res.json()["id"]
    got = client.get(f"/api/v1/hotline/cases/{case_id}", **api_headers(world.supervisor))
    assert got.status_code == 200 and got.json()["narrative"] == STORY
    assert client.get(f"/api/v1/hotline/cases/{case_id}", **api_headers(world.staff)).status_code == 403
    assert (
        client.get(f"/api/v1/hotline/cases/{world.case_b.pk}", **api_headers(world.supervisor)).status_code
        == 404
    )
    listed = client.get("/api/v1/hotline/cases", **api_headers(world.executive)).json()
    assert NAME not in json.dumps(listed, ensure_ascii=False)
    assert AuditEvent.objects.filter(
        action="decrypt", object_id=str(case_id), detail__contains="接口读取个案"
    ).exists()


def test_the_body_literals_match_the_models_choices():
    from typing import get_args

    from duties.api import CaseIn, ContactLogIn
    from duties.models import ContactLog

    assert set(get_args(CaseIn.model_fields["category"].annotation)) == set(HotlineCase.Category.values)
    assert set(get_args(CaseIn.model_fields["channel"].annotation)) == set(HotlineCase.Channel.values)
    assert set(get_args(ContactLogIn.model_fields["way"].annotation)) == set(ContactLog.Way.values)
