"""Executives, their division of contact and contact logs: services, scoping, pages, API, metrics."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from core import clock
from core.metrics import measure
from core.testing.asserts import refused
from core.testing.world import api_headers, build_world
from duties import services
from duties.models import ContactAssignment, ContactLog, DutyCorrection, Executive
from orgs.models import Person

D = dt.date


@pytest.fixture
def world(db):
    return build_world()


# ------------------------------------------------------------------------------------------ services
def test_a_contact_in_the_future_is_refused(world):
    with refused(services.MSG_IN_FUTURE):
        services.contact_log_record(
            assignment=world.assignment_a,
            contacted_on=clock.today() + dt.timedelta(days=1),
            way="phone",
            subject="电话回访",
        )


def test_a_contact_before_the_assignment_is_refused(world):
    with refused(services.MSG_BEFORE_ASSIGNMENT):
        services.contact_log_record(
            assignment=world.assignment_a, contacted_on=D(2020, 1, 1), way="phone", subject="电话回访"
        )


def test_one_open_follow_up_per_contact_and_a_reached_contact_completes_it(world):
    first = services.contact_log_record(
        assignment=world.assignment_a,
        contacted_on=D(2024, 4, 1),
        way="phone",
        subject="反映托育困难",
        reached=False,
        follow_up_due=D(2024, 5, 1),
    )
    with refused(services.MSG_FOLLOW_UP_OPEN):
        services.contact_log_record(
            assignment=world.assignment_a,
            contacted_on=D(2024, 4, 2),
            way="phone",
            subject="再次联系",
            reached=False,
            follow_up_due=D(2024, 5, 2),
        )
    services.contact_log_record(
        assignment=world.assignment_a, contacted_on=D(2024, 4, 10), way="visit", subject="上门走访"
    )
    first.refresh_from_db()
    assert first.follow_up_done_on == D(2024, 4, 10) and not first.follow_up_open


def test_a_correction_is_rechecked_and_kept_with_its_reason(world):
    log = world.log_a
    with refused(services.MSG_REASON_REQUIRED):
        services.contact_log_correct(
            log=log, reason=" ", contacted_on=D(2024, 3, 9), way="visit", subject=log.subject, reached=True
        )
    with refused(services.MSG_IN_FUTURE):
        services.contact_log_correct(
            log=log,
            reason="日期填错",
            contacted_on=clock.today() + dt.timedelta(days=3),
            way="visit",
            subject=log.subject,
            reached=True,
        )
    services.contact_log_correct(
        log=log,
        reason="日期填错",
        contacted_on=D(2024, 3, 9),
        way="visit",
        subject=log.subject,
        reached=True,
        acting_user=world.executive,
    )
    log.refresh_from_db()
    assert log.contacted_on == D(2024, 3, 9)
    correction = DutyCorrection.objects.get(object_id=log.pk)
    assert (
        correction.kind == "correct" and correction.reason == "日期填错" and correction.by == world.executive
    )


def test_a_withdrawn_contact_counts_nowhere(world):
    # 2024: the contact log, the served shift, the hotline case and the meeting attended of the test world.
    year = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}
    assert measure("duties.executive_records", unit_id=world.unit_a1.pk, **year).value == 4
    services.contact_log_withdraw(log=world.log_a, reason="重复登记")
    assert measure("duties.executive_records", unit_id=world.unit_a1.pk, **year).value == 3
    with refused(services.MSG_WITHDRAWN):
        services.contact_log_withdraw(log=world.log_a, reason="再撤一次")


def test_a_person_is_executive_once_and_of_her_own_federation(world):
    with refused(services.MSG_ALREADY_EXECUTIVE):
        services.executive_appoint(
            federation=world.fed_a, person=world.executive.person, started_on=D(2024, 1, 1)
        )
    with refused(services.MSG_PERSON_OTHER_FEDERATION):
        services.executive_appoint(
            federation=world.fed_a, person=world.exec_b.person, started_on=D(2024, 1, 1)
        )


def test_an_assignment_needs_a_target_of_the_federation(world):
    with refused(services.MSG_TARGET_REQUIRED):
        services.assignment_create(executive=world.exec_a, kind="unit", assigned_on=D(2024, 1, 1))
    with refused(services.MSG_TARGET_OTHER_FEDERATION):
        services.assignment_create(
            executive=world.exec_a, kind="unit", unit=world.unit_b1, assigned_on=D(2024, 1, 1)
        )
    with refused(services.MSG_ASSIGNMENT_DUPLICATE):
        services.assignment_create(
            executive=world.exec_a, kind="unit", unit=world.unit_a1, assigned_on=D(2024, 1, 1)
        )


def test_a_familys_details_are_encrypted_and_masked(world):
    from django.db import connection

    a = services.assignment_create(
        executive=world.exec_a,
        kind="family",
        family_name="欧阳春花",
        family_phone="13912345678",
        family_address="龙城街道爱联社区3栋",
        assigned_on=D(2024, 1, 1),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT family_name, family_phone, family_address FROM duties_contactassignment WHERE id=%s",
            [a.pk],
        )
        row = cursor.fetchone()
    assert not any("欧阳" in v or "1391234" in v or "3栋" in v for v in row)
    assert ContactAssignment.objects.get(pk=a.pk).target_label == "欧***家庭"


# -------------------------------------------------------------------------------------------- scoping
def test_who_sees_which_executives_and_logs(world):
    assert set(Executive.objects.visible_to(world.staff)) == {world.exec_a}
    assert set(Executive.objects.visible_to(world.executive)) == {world.exec_a}
    assert set(Executive.objects.visible_to(world.liaison)) == {world.exec_a}
    assert not Executive.objects.visible_to(world.other_liaison).exists()
    assert set(Executive.objects.visible_to(world.outsider)) == {world.exec_b}
    assert set(ContactLog.objects.visible_to(world.executive)) == {world.log_a}
    assert not ContactLog.objects.visible_to(world.liaison).exists()
    assert not ContactLog.objects.visible_to(world.supervisor).exists()
    assert not ContactAssignment.objects.permitted(world.volunteer, "log").exists()


# -------------------------------------------------------------------------------------------- pages
def test_the_executive_records_a_contact_on_her_page(world, client_as):
    client = client_as(world.executive)
    assert client.get(reverse("duties:mine")).url == reverse(
        "duties:executive-detail", args=[world.exec_a.pk]
    )
    url = reverse("duties:log-create", args=[world.assignment_a.pk])
    assert client.get(url).status_code == 200
    res = client.post(
        url, {"contacted_on": "2024-06-01", "way": "phone", "reached": "on", "subject": "电话了解情况"}
    )
    assert res.status_code == 302
    page = client.get(
        reverse("duties:executive-detail", args=[world.exec_a.pk]) + "?year=2024"
    ).content.decode()
    assert "电话了解情况" in page and 'data-testid="duty-record"' in page
    # A refusal comes back on the form, nothing written.
    res = client.post(
        url,
        {"contacted_on": (clock.today() + dt.timedelta(days=2)).isoformat(), "way": "phone", "subject": "x"},
    )
    assert res.status_code == 400 and str(services.MSG_IN_FUTURE) in res.content.decode()


def test_another_federations_executive_is_404_and_a_liaison_may_not_log(world, client_as):
    assert (
        client_as(world.staff).get(reverse("duties:executive-detail", args=[world.exec_b.pk])).status_code
        == 404
    )
    assert client_as(world.liaison).get(
        reverse("duties:log-create", args=[world.assignment_a.pk])
    ).status_code in (403, 404)
    assert (
        client_as(world.staff).get(reverse("duties:executive-detail", args=[world.exec_a.pk])).status_code
        == 200
    )


def test_staff_appoint_and_assign(world, client_as):
    client = client_as(world.staff)
    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="李红梅")
    res = client.post(
        reverse("duties:executive-appoint"),
        {"person": person.pk, "board": "federation", "started_on": "2024-01-01"},
    )
    executive = Executive.objects.get(person=person)
    assert res.status_code == 302 and executive.unit == world.unit_a2
    res = client.post(
        reverse("duties:assignment-create", args=[executive.pk]),
        {"kind": "community", "community": world.comm_a1.pk, "assigned_on": "2024-02-01"},
    )
    assert res.status_code == 302 and executive.assignments.get().community == world.comm_a1


def test_coverage_lists_who_was_not_reached(world, client_as):
    page = client_as(world.staff).get(reverse("duties:coverage")).content.decode()
    # The community assignment was never reached; the unit one last in 2024 (more than 90 days ago).
    assert page.count("<tr>") == 3 and "龙城街道爱联社区" in page


def _executives(n, world):
    for i in range(n):
        person = Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=f"执委{i}")
        e = services.executive_appoint(federation=world.fed_a, person=person, started_on=D(2023, 1, 1))
        a = services.assignment_create(
            executive=e, kind="group", group_name=f"群体{i}", assigned_on=D(2023, 2, 1)
        )
        services.contact_log_record(assignment=a, contacted_on=D(2024, 5, 1), way="phone", subject="联系")


# session, user with its role assignments and person's unit (the scope), count, executives (+ person, unit), duty figures
# (contact logs, shifts, attendance, suggestions, cases: one aggregate each), the menu's notification count
# (the session is renewed at most once a minute, core.sessions: not on these reads).
LIST_QUERIES = 10


@pytest.mark.parametrize("n", [2, 20])
def test_the_executive_list_costs_the_same_for_2_and_20(world, client_as, django_assert_num_queries, n):
    _executives(n, world)
    client = client_as(world.staff)
    client.get(reverse("duties:executive-list"))
    with django_assert_num_queries(LIST_QUERIES):
        res = client.get(reverse("duties:executive-list") + "?year=2024")
    assert res.status_code == 200 and f"共 {n + 1} 名执委" in res.content.decode()


# ---------------------------------------------------------------------------------------------- API
def test_api_contact_logs(world, client):
    headers = api_headers(world.executive)
    body = {
        "assignment_id": world.assignment_a.pk,
        "contacted_on": "2024-07-01",
        "way": "wechat",
        "subject": "微信联系",
    }
    res = client.post(
        "/api/v1/duties/contact-logs", json.dumps(body), content_type="application/json", **headers
    )
    assert res.status_code == 201, res.content
    log_id = res.json()["id"]
    assert client.get(f"/api/v1/duties/contact-logs/{log_id}", **headers).json()["subject"] == "微信联系"
    assert client.get("/api/v1/duties/contact-logs", **headers).json()["count"] == 2
    # Another federation's assignment is as missing; a future date refused in Chinese.
    res = client.post(
        "/api/v1/duties/contact-logs",
        json.dumps({**body, "assignment_id": world.assignment_b.pk}),
        content_type="application/json",
        **headers,
    )
    assert res.status_code == 404
    future = {**body, "contacted_on": (clock.today() + dt.timedelta(days=1)).isoformat()}
    res = client.post(
        "/api/v1/duties/contact-logs", json.dumps(future), content_type="application/json", **headers
    )
    assert res.status_code == 422 and str(services.MSG_IN_FUTURE) in res.json()["message"]
    assert (
        client.get(f"/api/v1/duties/contact-logs/{log_id}", **api_headers(world.liaison)).status_code == 403
    )


# ------------------------------------------------------------------------------------------- metrics
def test_metrics_of_a_unit(world):
    year = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}
    records = measure("duties.executive_records", unit_id=world.unit_a1.pk, **year)
    # The contact log, the served shift, the case taken and the meeting attended.
    assert records.value == 4 and records.evidence[0].url.startswith(
        reverse("duties:executive-detail", args=[world.exec_a.pk])
    )
    assert measure("duties.executives_active", unit_id=world.unit_a1.pk, **year).value == 1
    assert measure("duties.executives_total", unit_id=world.unit_a1.pk, **year).value == 1
    # An executive without records in the period is in office but not active.
    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name="赵敏")
    services.executive_appoint(federation=world.fed_a, person=person, started_on=D(2024, 6, 1))
    assert measure("duties.executives_total", unit_id=world.unit_a1.pk, **year).value == 2
    assert measure("duties.executives_active", unit_id=world.unit_a1.pk, **year).value == 1
    # Another year: nothing recorded; another unit: no executives.
    assert (
        measure(
            "duties.executive_records", unit_id=world.unit_a1.pk, start=D(2023, 1, 1), end=D(2023, 12, 31)
        ).value
        == 0
    )
    assert measure("duties.executives_total", unit_id=world.unit_a2.pk, **year).value == 0
