"""The duty rows of the test world (core.testing.world), the same in each federation: in fed_a the
`executive` persona is an executive of unit_a1, in fed_b a person of unit_b1 (no account). Each has an
assignment to her unit and to a community, a contact log, a served shift (2024-03-08), a shift in a week
offered for a swap, and there is an open shift the week after."""

from __future__ import annotations

import datetime as dt

from core.testing.world import World


def add_executives(world: World) -> None:
    from django.utils import timezone

    from core import clock
    from duties import services
    from duties.models import Shift
    from orgs.models import Person

    today = clock.today()
    person_b = Person.objects.create(federation=world.fed_b, unit=world.unit_b1, name="外区执委")
    for key, fed, person, unit, community in (
        ("a", world.fed_a, world.executive.person, world.unit_a1, world.comm_a1),
        ("b", world.fed_b, person_b, world.unit_b1, world.comm_b1),
    ):
        executive = services.executive_appoint(
            federation=fed, person=person, unit=unit, started_on=dt.date(2021, 1, 1)
        )
        assignment = services.assignment_create(
            executive=executive, kind="unit", unit=unit, assigned_on=dt.date(2021, 2, 1)
        )
        community_assignment = services.assignment_create(
            executive=executive, kind="community", community=community, assigned_on=dt.date(2021, 2, 1)
        )
        log = services.contact_log_record(
            assignment=assignment, contacted_on=dt.date(2024, 3, 8), way="visit", subject="走访了解女职工需求"
        )
        served = services.shift_publish(
            federation=fed,
            on=dt.date(2024, 3, 8),
            starts_at=dt.time(9),
            ends_at=dt.time(12),
            executive=executive,
        )
        Shift.objects.filter(pk=served.pk).update(checked_in_at=timezone.now())
        mine = services.shift_publish(
            federation=fed,
            on=today + dt.timedelta(days=7),
            starts_at=dt.time(9),
            ends_at=dt.time(12),
            executive=executive,
        )
        open_shift = services.shift_publish(
            federation=fed,
            on=today + dt.timedelta(days=8),
            starts_at=dt.time(14),
            ends_at=dt.time(17),
            desk="reception",
        )
        swap = services.swap_offer(shift=mine, note="临时出差")
        world.add(
            **{
                f"exec_{key}": executive,
                f"assignment_{key}": assignment,
                f"community_assignment_{key}": community_assignment,
                f"log_{key}": log,
                f"served_shift_{key}": served,
                f"shift_{key}": mine,
                f"open_shift_{key}": open_shift,
                f"swap_{key}": swap,
            }
        )


def add_cases(world: World) -> None:
    """A hotline case per federation (fed_a's taken by the `executive` persona, fed_b's by nobody with an
    account), each with a referral and a follow-up; invented contents."""
    from core import confidential
    from duties.models import CaseEntry, HotlineCase, Referral
    from duties.services import mask_identity

    with confidential.system_scope("测试数据：热线个案"):
        for key, fed, taker, executive in (
            ("a", world.fed_a, world.executive, world.exec_a),
            ("b", world.fed_b, None, world.exec_b),
        ):
            case = HotlineCase(
                federation_id=fed.pk,
                taker=taker,
                executive=executive,
                received_on=dt.date(2024, 3, 8),
                category="violence",
                urgent=True,
                caller_name="测试来电人",
                caller_phone="13800000000",
                caller_address="测试路1号",
                narrative="测试情况：邻居反映家中有争吵声。",
                masked_identity=mask_identity("测试来电人", "13800000000"),
            )
            case.save()
            referral = Referral(
                federation_id=fed.pk,
                case=case,
                body="legal_aid",
                receiving_body="区法律援助中心",
                referred_on=dt.date(2024, 3, 9),
                consent=True,
            )
            referral.save()
            entry = CaseEntry(
                federation_id=fed.pk, case=case, on=dt.date(2024, 3, 20), notes="测试回访：已安置。"
            )
            entry.save()
            world.add(**{f"case_{key}": case, f"referral_{key}": referral, f"case_entry_{key}": entry})


def add_exchange(world: World) -> None:
    """A held exchange meeting of a quarterly series, with the executive's attendance and a file, and a
    suggestion assigned to the unit (so the unit's liaison has it in her queue), in each federation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from duties import services

    for key, fed, executive, unit in (
        ("a", world.fed_a, world.exec_a, world.unit_a1),
        ("b", world.fed_b, world.exec_b, world.unit_b1),
    ):
        meeting = services.meeting_schedule(
            federation=fed,
            title="第一季度执委交流会",
            held_on=dt.date(2024, 3, 28),
            venue="区妇联会议室",
            agenda="一、交流联系群众情况\n二、部署热线值班",
        )
        series = services.series_create(
            federation=fed, title="执委季度交流会", agenda_template="一、交流联系群众情况\n二、部署热线值班"
        )
        meeting.series = series
        meeting.save()
        attachment = services.meeting_attach(
            meeting=meeting,
            upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"),
            title="会议议程",
        )
        attendance = services.attendance_record(meeting=meeting, executive=executive, status="present")
        suggestion = services.suggestion_submit(
            author=executive, title="关于增设母婴室的建议", proposal="建议在区政务服务中心增设母婴室。"
        )
        services.suggestion_accept(suggestion=suggestion)
        services.suggestion_assign(suggestion=suggestion, lead_unit=unit, co_units="区卫健局")
        world.add(
            **{
                f"meeting_{key}": meeting,
                f"series_{key}": series,
                f"attachment_{key}": attachment,
                f"attendance_{key}": attendance,
                f"suggestion_{key}": suggestion,
            }
        )
