"""Corrections (更正) and withdrawals (撤销登记) of every recorded event, through the services: what changes,
what follows, what is refused (with nothing written), what is recorded, and the rates before and after."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from committees import history as h
from committees import services as s
from committees.models import Committee, Correction, Seat, Term, Vacancy
from committees.selectors import rates_for
from core import clock
from core.models import AuditEvent
from core.testing.asserts import refused
from orgs import services as org_services
from orgs.models import Person, Unit

D = dt.date
WHY = "录入时日期填错，按会议纪要更正"


@pytest.fixture
def committee(world):
    """unit_a1: formed 2012-03-08 (第1届 due 2017-03-08), 李丽 in the chair and 王芳 a member from that day."""
    c = s.committee_form(unit=world.unit_a1, formed_on=D(2012, 3, 8))
    s.seat_assign(committee=c, role="chair", holder_name="李丽", started_on=D(2012, 3, 8))
    s.seat_assign(committee=c, role="member", holder_name="王芳", started_on=D(2012, 3, 8))
    return c


def term(committee, number):
    return Term.objects.get(committee=committee, number=number)


def seat(name, **filters):
    return Seat.objects.get(holder_name=name, **filters)


def last_correction():
    return Correction.objects.order_by("-id").first()


# ---- the example: a re-election typed a year ahead -------------------------------------------


@time_machine.travel(dt.datetime(2026, 12, 2, 10, 0), tick=False)
def test_a_reelection_dated_in_the_future_is_refused_and_the_right_date_accepted(world):
    c = s.committee_form(unit=world.unit_a1, formed_on=D(2021, 12, 31))
    with refused(s.MSG_ELECTED_IN_FUTURE):
        s.term_reelect(committee=c, started_on=D(2027, 3, 1))
    assert s.term_reelect(committee=c, started_on=D(2026, 11, 20)).number == 2


def test_a_future_date_is_refused_by_every_recording_service(world, committee):
    tomorrow = clock.today() + dt.timedelta(days=1)
    chair = seat("李丽")
    with refused(s.MSG_FORMED_IN_FUTURE):
        s.committee_form(unit=world.unit_a2, formed_on=tomorrow)
    with refused(s.MSG_ELECTED_IN_FUTURE):
        s.committee_form(unit=world.unit_a2, formed_on=D(2012, 1, 1), first_term_started_on=tomorrow)
    with refused(s.MSG_SEAT_IN_FUTURE):
        s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=tomorrow)
    with refused(s.MSG_VACATED_IN_FUTURE):
        s.seat_vacate(seat=chair, vacated_on=tomorrow)
    with refused(s.MSG_VACATED_IN_FUTURE):
        s.vacancy_record(committee=committee, role="member", vacated_on=tomorrow)
    vacancy = s.vacancy_record(committee=committee, role="member", vacated_on=D(2014, 1, 1))
    with refused(s.MSG_FILLED_IN_FUTURE):
        s.vacancy_fill(vacancy=vacancy, filled_on=tomorrow)
    with refused(s.MSG_DISSOLVED_IN_FUTURE):
        s.committee_dissolve(committee=committee, dissolved_on=tomorrow)
    with refused(org_services.MSG_DISSOLVED_IN_FUTURE):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=tomorrow)


def test_a_reelection_recorded_a_year_ahead_before_the_fix_can_be_corrected(world):
    """Data typed before future dates were refused: 第2届 "elected" on 2027-03-01 is moved to its real day."""
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, 0), tick=False):
        c = s.committee_form(unit=world.unit_a1, formed_on=D(2021, 12, 31))
        s.seat_assign(committee=c, role="chair", holder_name="李丽", started_on=D(2021, 12, 31))
        wrong = s.term_reelect(committee=c, started_on=D(2027, 3, 1))
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0), tick=False):
        fixed = s.term_correct(term=wrong, started_on=D(2026, 11, 20), reason=WHY, acting_user=world.staff)
        assert (fixed.started_on, fixed.due_on) == (D(2026, 11, 20), D(2031, 11, 20))
        assert term(c, 1).ended_on == D(2026, 11, 20)
        assert seat("李丽", term=fixed).started_on == D(2026, 11, 20)
        assert seat("李丽", term=term(c, 1)).ended_on == D(2026, 11, 20)


# ---- formation ------------------------------------------------------------------------------------


def test_correcting_the_formation_moves_the_first_term_and_its_first_seats(world, committee):
    s.committee_formation_correct(committee=committee, formed_on=D(2012, 3, 1), reason=WHY, acting_user=world.staff)
    committee.refresh_from_db()
    first = term(committee, 1)
    assert committee.formed_on == D(2012, 3, 1)
    assert (first.started_on, first.due_on) == (D(2012, 3, 1), D(2017, 3, 1))
    assert seat("李丽").started_on == seat("王芳").started_on == D(2012, 3, 1)
    correction = last_correction()
    assert (correction.kind, correction.event, correction.reason) == ("correct", "formation", WHY)
    assert correction.changes[0] == ["formed_on", "2012-03-08", "2012-03-01"]
    assert (correction.actor, correction.actor_name, correction.unit) == (world.staff, "staff", world.unit_a1)
    # Audited: the rows' updates and the correction itself, by the staff member.
    assert AuditEvent.objects.filter(object_type="committees.correction", actor_id=world.staff.pk).exists()
    assert AuditEvent.objects.filter(object_type="committees.term", action="update", actor_id=world.staff.pk).exists()


def test_withdrawing_the_formation_takes_the_committee_and_everything_recorded_for_it(world, committee):
    s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.committee_formation_withdraw(committee=committee, reason="登记错了单位", acting_user=world.staff)
    assert not Committee.objects.exists() and not Term.objects.exists()
    assert not Seat.objects.exists() and not Vacancy.objects.exists()
    correction = last_correction()
    assert (correction.kind, correction.committee, correction.target) == ("withdraw", None, {"formed_on": "2012-03-08"})
    assert AuditEvent.objects.filter(object_type="committees.seat", action="delete").count() == 2


# ---- re-election ----------------------------------------------------------------------------------


def test_correcting_a_reelection_moves_the_previous_end_and_the_carried_seats(world, committee):
    second = s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    s.term_correct(term=second, started_on=D(2017, 2, 20), reason=WHY)
    second.refresh_from_db()
    assert (second.started_on, second.due_on) == (D(2017, 2, 20), D(2022, 2, 20))
    assert term(committee, 1).ended_on == D(2017, 2, 20)
    assert seat("李丽", term=second).started_on == D(2017, 2, 20)
    assert seat("李丽", term=term(committee, 1)).ended_on == D(2017, 2, 20)


def test_a_due_date_given_in_the_correction_is_kept(world, committee):
    second = s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    s.term_correct(term=second, started_on=D(2017, 3, 1), due_on=D(2021, 12, 31), reason=WHY)
    assert term(committee, 2).due_on == D(2021, 12, 31)


def test_withdrawing_the_latest_reelection_gives_the_previous_term_its_seats_back(world, committee):
    before = (Term.objects.count(), Seat.objects.count())
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    s.seat_assign(committee=committee, role="vice_chair", holder_name="张静", started_on=D(2018, 1, 1))
    s.term_withdraw(term=term(committee, 2), reason="换届会议延期，未实际举行")
    first = term(committee, 1)
    assert first.ended_on is None
    assert seat("李丽").ended_on is None and seat("李丽").term == first
    # Appointed during the withdrawn term: still there, now in the first term.
    assert seat("张静").term == first
    assert (Term.objects.count(), Seat.objects.count()) == (before[0], before[1] + 1)


def test_withdrawing_a_reelection_without_carried_seats_reopens_the_seats_it_ended(world, committee):
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1), carry_seats=False)
    s.term_withdraw(term=term(committee, 2), reason=WHY)
    assert seat("李丽").ended_on is None and seat("王芳").ended_on is None


# ---- appointment ----------------------------------------------------------------------------------


def test_correcting_an_appointment_moves_the_fill_it_made(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    newcomer = s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=D(2014, 6, 1))
    s.seat_correct(seat=newcomer, started_on=D(2014, 3, 1), holder_name="赵敏敏", reason=WHY)
    vacancy.refresh_from_db()
    assert (vacancy.filled_on, vacancy.filled_by.holder_name) == (D(2014, 3, 1), "赵敏敏")
    assert last_correction().changes == [["seat_started_on", "2014-06-01", "2014-03-01"],
                                         ["holder_name", "赵敏", "赵敏敏"]]


def test_withdrawing_an_appointment_reopens_the_vacancy_it_filled(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    newcomer = s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=D(2014, 6, 1))
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))  # 赵敏 carried into 第2届
    s.seat_withdraw(seat=newcomer, reason="任命未获通过")
    vacancy.refresh_from_db()
    assert (vacancy.filled_on, vacancy.filled_by) == (None, None)
    assert not Seat.objects.filter(holder_name="赵敏").exists()  # her copy in 第2届 too


# ---- vacancy and fill -----------------------------------------------------------------------------


def test_correcting_a_vacancy_moves_the_holders_leaving_day(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.vacancy_correct(vacancy=vacancy, vacated_on=D(2013, 12, 1), reason=WHY)
    assert seat("王芳").ended_on == D(2013, 12, 1)
    assert Vacancy.objects.get().vacated_on == D(2013, 12, 1)


def test_withdrawing_a_vacancy_puts_the_holder_back(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.vacancy_withdraw(vacancy=vacancy, reason="误登记离任")
    assert seat("王芳").ended_on is None and not Vacancy.objects.exists()


def test_correcting_a_fill_moves_the_newcomers_start(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=D(2014, 6, 1))
    s.vacancy_fill_correct(vacancy=vacancy, filled_on=D(2014, 2, 1), reason=WHY)
    assert Vacancy.objects.get().filled_on == seat("赵敏").started_on == D(2014, 2, 1)


def test_withdrawing_a_fill_reopens_the_vacancy_and_takes_the_appointment_that_made_it(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=D(2014, 6, 1))
    s.vacancy_fill_withdraw(vacancy=vacancy, reason=WHY)
    assert Vacancy.objects.get().filled_on is None and not Seat.objects.filter(holder_name="赵敏").exists()
    dated = s.vacancy_record(committee=committee, role="vice_chair", vacated_on=D(2015, 1, 1), filled_on=D(2015, 2, 1))
    s.vacancy_fill_withdraw(vacancy=dated, reason=WHY)
    assert Vacancy.objects.get(pk=dated.pk).filled_on is None


# ---- dissolution ----------------------------------------------------------------------------------


def test_correcting_a_dissolution_moves_the_end_of_the_term_and_seats(world, committee):
    s.committee_dissolve(committee=committee, dissolved_on=D(2016, 5, 1))
    s.committee_dissolution_correct(committee=committee, dissolved_on=D(2016, 6, 1), reason=WHY)
    assert Committee.objects.get().dissolved_on == term(committee, 1).ended_on == D(2016, 6, 1)
    assert seat("李丽").ended_on == D(2016, 6, 1)


def test_withdrawing_a_dissolution_restores_the_committee(world, committee):
    vacancy = s.seat_vacate(seat=seat("王芳"), vacated_on=D(2014, 1, 1))
    s.committee_dissolve(committee=committee, dissolved_on=D(2016, 5, 1))
    s.committee_dissolution_withdraw(committee=committee, reason="撤销决定已收回")
    assert Committee.objects.get().dissolved_on is None and term(committee, 1).ended_on is None
    assert seat("李丽").ended_on is None
    assert seat("王芳").ended_on == D(2014, 1, 1) and Vacancy.objects.get() == vacancy  # she had left before


def test_correcting_and_withdrawing_a_units_merger_moves_its_committee(world, committee):
    org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18), successor=world.unit_a2)
    org_services.unit_dissolution_correct(unit=world.unit_a1, dissolved_on=D(2019, 3, 1), successor=None,
                                          reason=WHY, acting_user=world.staff)
    unit = Unit.objects.get(pk=world.unit_a1.pk)
    assert (unit.dissolved_on, unit.successor) == (D(2019, 3, 1), None)
    assert Committee.objects.get().dissolved_on == term(committee, 1).ended_on == D(2019, 3, 1)
    correction = last_correction()
    assert (correction.event, correction.changes) == (
        "unit_dissolution", [["unit_dissolved_on", "2019-01-18", "2019-03-01"], ["successor", "区财政局", ""]])
    assert AuditEvent.objects.filter(object_type="orgs.unit", action="correct", detail=WHY).exists()

    org_services.unit_dissolution_withdraw(unit=unit, reason="机构改革方案撤回")
    assert Unit.objects.get(pk=unit.pk).dissolved_on is None
    assert Committee.objects.get().dissolved_on is None and seat("李丽").ended_on is None


# ---- refusals: each writes nothing ------------------------------------------------------------------


def test_a_correction_needs_a_reason_and_a_change(world, committee):
    with refused(s.MSG_REASON_REQUIRED):
        s.term_correct(term=term(committee, 1), started_on=D(2012, 3, 1), reason="  ")
    with refused(h.MSG_NOTHING_CHANGED):
        s.term_correct(term=term(committee, 1), started_on=D(2012, 3, 8), due_on=D(2017, 3, 8), reason=WHY)
    with refused(org_services.MSG_REASON_REQUIRED):
        org_services.unit_dissolution_withdraw(unit=world.unit_a1, reason="")
    with refused(org_services.MSG_NOT_DISSOLVED):
        org_services.unit_dissolution_withdraw(unit=world.unit_a1, reason=WHY)


def test_a_correction_that_breaks_the_history_is_refused_with_where_and_why(world, committee):
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    expected = h.MSG_TERM_NOT_AFTER_PREVIOUS % {"n": 2, "p": 1, "day": "2012-01-01", "limit": "2012-03-08"}
    with refused(expected, code="term_before_previous"):
        s.term_correct(term=term(committee, 2), started_on=D(2012, 1, 1), reason=WHY)
    # Formed after the chair took her post: 王芳, elected with the first term, moves with it; 李丽 does not.
    s.seat_correct(seat=seat("李丽", term=term(committee, 1)), started_on=D(2012, 4, 1), reason=WHY)
    with refused(h.MSG_SEAT_BEFORE_FORMED % {"who": "李丽（主任，2012-04-01 起）", "day": "2012-04-01",
                                             "limit": "2012-05-01"}):
        s.committee_formation_correct(committee=committee, formed_on=D(2012, 5, 1),
                                      first_term_started_on=D(2012, 5, 1), reason=WHY)


def test_a_correction_into_the_future_is_refused(world, committee):
    tomorrow = clock.today() + dt.timedelta(days=1)
    with refused(h.MSG_IN_FUTURE % {"what": f"王芳（委员，{tomorrow.isoformat()} 起）的任职日期",
                                    "day": tomorrow.isoformat(), "limit": clock.today().isoformat()}):
        s.seat_correct(seat=seat("王芳"), started_on=tomorrow, reason=WHY)


def test_withdrawals_that_would_leave_a_hole_are_refused(world, committee):
    with refused(h.MSG_FIRST_TERM_IS_FORMATION):
        s.term_withdraw(term=term(committee, 1), reason=WHY)
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    s.term_reelect(committee=committee, started_on=D(2022, 3, 1))
    with refused(h.MSG_ONLY_LATEST_REELECTION % {"n": 3}):
        s.term_withdraw(term=term(committee, 2), reason=WHY)
    leaving = seat("王芳", term=term(committee, 3))
    vacancy = s.seat_vacate(seat=leaving, vacated_on=D(2023, 1, 1))
    with refused(h.MSG_SEAT_WAS_VACATED % {"who": "王芳（委员，2022-03-01 起）"}):
        s.seat_withdraw(seat=leaving, reason=WHY)
    s.vacancy_fill(vacancy=vacancy, filled_on=D(2023, 2, 1))
    with refused(h.MSG_VACANCY_WAS_FILLED):
        s.vacancy_withdraw(vacancy=vacancy, reason=WHY)
    open_one = s.vacancy_record(committee=committee, role="member", vacated_on=D(2023, 5, 1))
    with refused(h.MSG_VACANCY_NOT_FILLED):
        s.vacancy_fill_correct(vacancy=open_one, filled_on=D(2023, 6, 1), reason=WHY)
    with refused(h.MSG_NOT_DISSOLVED):
        s.committee_dissolution_withdraw(committee=committee, reason=WHY)


def test_a_committee_that_ended_with_its_unit_does_not_stand_again_alone(world, committee):
    org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18))
    with refused(h.MSG_COMMITTEE_OUTLIVES_UNIT % {"day": "2012-03-08", "limit": "2019-01-18"}):
        s.committee_dissolution_withdraw(committee=committee, reason=WHY)
    with refused(h.MSG_COMMITTEE_OUTLIVES_UNIT % {"day": "2012-03-08", "limit": "2019-01-18"}):
        s.committee_dissolution_correct(committee=committee, dissolved_on=D(2019, 2, 1), reason=WHY)


def test_a_unit_end_is_not_corrected_to_before_its_committee_or_into_nonsense(world, committee):
    org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18))
    unit = Unit.objects.get(pk=world.unit_a1.pk)
    with refused(h.MSG_COMMITTEE_AFTER_UNIT_END % {"day": "2012-03-08", "limit": "2011-01-01"}):
        org_services.unit_dissolution_correct(unit=unit, dissolved_on=D(2011, 1, 1), reason=WHY)
    with refused(org_services.MSG_BAD_SUCCESSOR):
        org_services.unit_dissolution_correct(unit=unit, dissolved_on=D(2019, 1, 18), successor=unit, reason=WHY)
    with refused(org_services.MSG_NOTHING_CHANGED):
        org_services.unit_dissolution_correct(unit=unit, dissolved_on=D(2019, 1, 18), reason=WHY)
    with refused(org_services.MSG_DISSOLVED_IN_FUTURE):
        org_services.unit_dissolution_correct(unit=unit, dissolved_on=clock.today() + dt.timedelta(days=1),
                                              reason=WHY)


def test_a_second_chair_brought_by_a_correction_is_refused(world, committee):
    other = s.seat_assign(committee=committee, role="vice_chair", holder_name="张静", started_on=D(2013, 1, 1))
    with refused(h.MSG_TWO_CHAIRS % {"who": "李丽（主任，2012-03-08 起）", "other": "张静（主任，2013-01-01 起）",
                                     "day": "2013-01-01"}, code="chair_taken"):
        s.seat_correct(seat=other, started_on=D(2013, 1, 1), role="chair", reason=WHY)


def test_a_person_of_another_federation_is_refused_in_a_correction(world, committee):
    stranger = Person.objects.create(federation=world.fed_b, name="外区人员")
    with refused(s.MSG_PERSON_OTHER_FEDERATION):
        s.seat_correct(seat=seat("王芳"), started_on=D(2012, 3, 8), person=stranger, holder_name="", reason=WHY)


# ---- the rates follow ------------------------------------------------------------------------------


def test_the_rates_follow_a_corrected_reelection_and_fill(world, committee):
    late = s.term_reelect(committee=committee, started_on=D(2017, 6, 1))
    vacancy = s.seat_vacate(seat=seat("王芳", term=late), vacated_on=D(2018, 1, 1))
    s.vacancy_fill(vacancy=vacancy, filled_on=D(2018, 6, 1))

    def figures():
        rates = rates_for(world.staff, D(2017, 1, 1), D(2018, 12, 31), federation=world.fed_a)
        return rates.on_time_reelection.as_dict()["numerator"], rates.vacancy_fill.as_dict()["numerator"]

    assert figures() == (0, 0)
    s.term_correct(term=late, started_on=D(2017, 3, 1), due_on=D(2022, 3, 1), reason=WHY)
    s.vacancy_fill_correct(vacancy=vacancy, filled_on=D(2018, 3, 1), reason=WHY)
    assert figures() == (1, 1)
    # Withdrawn, the fill no longer counts; the vacancy is open past its deadline: judged late.
    s.vacancy_fill_withdraw(vacancy=vacancy, reason=WHY)
    rates = rates_for(world.staff, D(2018, 1, 1), D(2018, 12, 31), federation=world.fed_a)
    assert (rates.vacancy_fill.numerator, rates.vacancy_fill.denominator) == (0, 1)
    s.committee_formation_withdraw(committee=committee, reason=WHY)
    rates = rates_for(world.staff, D(2018, 1, 1), D(2018, 12, 31), federation=world.fed_a)
    assert (rates.formation.numerator, rates.on_time_reelection.denominator) == (0, 0)
