"""Committee history services: the happy paths and every refusal (committees/services.py)."""

import datetime as dt

import pytest

from committees import services as s
from committees.models import Committee, Seat, Term, Vacancy
from core.models import AuditEvent
from core.testing.asserts import refused
from orgs import services as org_services
from orgs.models import Person, Unit

D = dt.date


@pytest.fixture
def committee(world):
    return s.committee_form(unit=world.unit_a1, formed_on=D(2012, 3, 8))


@pytest.fixture
def people(world):
    return [Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=n) for n in ("李丽", "王芳", "张静")]


# ---- forming ----------------------------------------------------------------------------------------

def test_forming_opens_the_first_term_for_the_federations_term_length(world, committee):
    term = committee.terms.get()
    assert (term.number, term.started_on, term.due_on, term.ended_on) == (1, D(2012, 3, 8), D(2017, 3, 8), None)
    assert committee.federation_id == world.fed_a.pk == term.federation_id


def test_forming_is_audited(world, committee):
    assert AuditEvent.objects.filter(object_type="committees.committee", object_id=str(committee.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="committees.term", action="create").exists()


def test_first_term_may_start_after_forming_and_term_length_follows_the_federation(world):
    world.fed_a.term_length_years = 3
    world.fed_a.save()
    c = s.committee_form(unit=world.unit_a2, formed_on=D(2016, 2, 29), first_term_started_on=D(2016, 2, 29))
    assert c.terms.get().due_on == D(2019, 2, 28)


def test_committee_cannot_be_formed_before_the_unit(world):
    with refused(s.MSG_FORMED_BEFORE_UNIT):
        s.committee_form(unit=world.unit_a1, formed_on=D(1999, 12, 31))


def test_committee_cannot_be_formed_once_the_unit_is_dissolved(world):
    org_services.unit_dissolve(unit=world.unit_a2, dissolved_on=D(2019, 1, 18))
    with refused(s.MSG_FORMED_AFTER_UNIT_DISSOLVED):
        s.committee_form(unit=world.unit_a2, formed_on=D(2019, 1, 18))
    s.committee_form(unit=world.unit_a2, formed_on=D(2019, 1, 17))


def test_a_unit_has_one_active_committee(world, committee):
    with refused(s.MSG_SECOND_ACTIVE_COMMITTEE):
        s.committee_form(unit=world.unit_a1, formed_on=D(2015, 1, 1))


def test_a_new_committee_cannot_overlap_a_dissolved_one(world, committee):
    s.committee_dissolve(committee=committee, dissolved_on=D(2014, 1, 1))
    with refused(s.MSG_COMMITTEE_OVERLAP):
        s.committee_form(unit=world.unit_a1, formed_on=D(2013, 12, 31))
    again = s.committee_form(unit=world.unit_a1, formed_on=D(2014, 1, 1))
    assert again.terms.get().number == 1


def test_first_term_cannot_start_before_the_committee(world):
    with refused(s.MSG_TERM_BEFORE_FORMED):
        s.committee_form(unit=world.unit_a1, formed_on=D(2012, 3, 8), first_term_started_on=D(2012, 3, 7))
    assert not Committee.objects.exists()  # one transaction: nothing half-written


# ---- re-election ------------------------------------------------------------------------------------

def test_reelection_opens_the_next_term_and_carries_the_seats(world, committee, people):
    chair = s.seat_assign(committee=committee, role=Seat.Role.CHAIR, person=people[0], started_on=D(2012, 3, 8))
    term2 = s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    assert (term2.number, term2.due_on) == (2, D(2022, 3, 1))
    assert Term.objects.get(committee=committee, number=1).ended_on == D(2017, 3, 1)
    chair.refresh_from_db()
    assert chair.ended_on == D(2017, 3, 1)
    carried = Seat.objects.get(committee=committee, ended_on__isnull=True)
    assert (carried.person, carried.role, carried.term, carried.started_on) == (people[0], "chair", term2, D(2017, 3, 1))


def test_reelection_without_carrying_ends_the_seats(world, committee, people):
    s.seat_assign(committee=committee, role=Seat.Role.MEMBER, person=people[1], started_on=D(2012, 3, 8))
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1), due_on=D(2021, 12, 31), carry_seats=False)
    assert not Seat.objects.filter(committee=committee, ended_on__isnull=True).exists()
    assert Term.objects.get(committee=committee, number=2).due_on == D(2021, 12, 31)


def test_reelection_cannot_precede_the_committee(world, committee):
    with refused(s.MSG_TERM_BEFORE_FORMED):
        s.term_reelect(committee=committee, started_on=D(2012, 3, 7))


def test_reelection_must_follow_the_previous_election(world, committee):
    with refused(s.MSG_TERM_BEFORE_PREVIOUS):
        s.term_reelect(committee=committee, started_on=D(2012, 3, 8))
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    with refused(s.MSG_TERM_BEFORE_PREVIOUS):
        s.term_reelect(committee=committee, started_on=D(2016, 1, 1))


def test_reelection_cannot_overlap_a_closed_term(world, committee):
    Term.objects.filter(committee=committee).update(ended_on=D(2016, 1, 1))
    with refused(s.MSG_TERM_OVERLAP):
        s.term_reelect(committee=committee, started_on=D(2015, 12, 31))


def test_reelection_due_date_must_follow_the_start(world, committee):
    with refused(s.MSG_DUE_NOT_AFTER_START):
        s.term_reelect(committee=committee, started_on=D(2017, 3, 1), due_on=D(2017, 3, 1))


def test_a_dissolved_committee_does_not_reelect(world, committee):
    s.committee_dissolve(committee=committee, dissolved_on=D(2016, 1, 1))
    with refused(s.MSG_COMMITTEE_DISSOLVED):
        s.term_reelect(committee=committee, started_on=D(2017, 3, 1))


# ---- seats and vacancies ----------------------------------------------------------------------------

def test_vacating_a_seat_opens_a_vacancy_and_the_next_assignment_fills_the_oldest(world, committee, people):
    m1 = s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2012, 3, 8))
    m2 = s.seat_assign(committee=committee, role="member", person=people[1], started_on=D(2012, 3, 8))
    first = s.seat_vacate(seat=m1, vacated_on=D(2015, 1, 10))
    second = s.seat_vacate(seat=m2, vacated_on=D(2015, 2, 10))
    assert (first.role, first.seat, first.filled_on) == ("member", m1, None)
    new = s.seat_assign(committee=committee, role="member", person=people[2], started_on=D(2015, 3, 1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.filled_on, first.filled_by) == (D(2015, 3, 1), new)
    assert second.filled_on is None
    assert new.term.number == 1 and new.holder_name == "张静"


def test_assignment_does_not_fill_a_vacancy_of_another_role_or_a_later_date(world, committee, people):
    s.vacancy_record(committee=committee, role="vice_chair", vacated_on=D(2015, 1, 1))
    s.vacancy_record(committee=committee, role="member", vacated_on=D(2015, 6, 1))
    s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2015, 5, 1))
    assert Vacancy.objects.filter(filled_on__isnull=True).count() == 2


def test_a_seat_needs_a_person_or_a_name(world, committee):
    with refused(s.MSG_SEAT_NEEDS_HOLDER):
        s.seat_assign(committee=committee, role="member", holder_name="  ", started_on=D(2013, 1, 1))
    seat = s.seat_assign(committee=committee, role="member", holder_name="历史委员", started_on=D(2013, 1, 1))
    assert seat.person is None and seat.holder_name == "历史委员"


def test_a_person_cannot_hold_the_same_post_twice_at_once(world, committee, people):
    s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2013, 1, 1))
    with refused(s.MSG_PERSON_HOLDS_POST):
        s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2014, 1, 1))


def test_a_committee_has_one_chair_at_a_time(world, committee, people):
    s.seat_assign(committee=committee, role="chair", person=people[0], started_on=D(2013, 1, 1))
    with refused(s.MSG_CHAIR_TAKEN):
        s.seat_assign(committee=committee, role="chair", person=people[1], started_on=D(2014, 1, 1))


def test_a_seat_cannot_start_before_the_committee(world, committee, people):
    with refused(s.MSG_SEAT_BEFORE_FORMED):
        s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2012, 3, 7))


def test_a_person_of_another_federation_cannot_sit(world, committee):
    stranger = Person.objects.create(federation=world.fed_b, unit=world.unit_b1, name="外人")
    with refused(s.MSG_PERSON_OTHER_FEDERATION):
        s.seat_assign(committee=committee, role="member", person=stranger, started_on=D(2013, 1, 1))


def test_a_seat_is_vacated_once_and_not_before_it_started(world, committee, people):
    seat = s.seat_assign(committee=committee, role="member", person=people[0], started_on=D(2013, 1, 1))
    with refused(s.MSG_VACATED_BEFORE_START):
        s.seat_vacate(seat=seat, vacated_on=D(2012, 12, 31))
    s.seat_vacate(seat=seat, vacated_on=D(2013, 1, 1))
    with refused(s.MSG_SEAT_ALREADY_ENDED):
        s.seat_vacate(seat=seat, vacated_on=D(2014, 1, 1))


def test_vacancy_history_without_people(world, committee):
    v = s.vacancy_record(committee=committee, role="vice_chair", vacated_on=D(2014, 1, 1), filled_on=D(2014, 3, 1))
    assert (v.role, v.vacated_on, v.filled_on, v.seat, v.federation_id) == ("vice_chair", D(2014, 1, 1), D(2014, 3, 1), None, world.fed_a.pk)
    with refused(s.MSG_VACANCY_BEFORE_FORMED):
        s.vacancy_record(committee=committee, role="member", vacated_on=D(2012, 1, 1))
    with refused(s.MSG_FILLED_BEFORE_VACATED):
        s.vacancy_record(committee=committee, role="member", vacated_on=D(2014, 1, 1), filled_on=D(2013, 12, 31))


def test_a_vacancy_is_filled_once_and_not_before_it_opened(world, committee):
    v = s.vacancy_record(committee=committee, role="member", vacated_on=D(2014, 1, 1))
    with refused(s.MSG_FILLED_BEFORE_VACATED):
        s.vacancy_fill(vacancy=v, filled_on=D(2013, 12, 31))
    s.vacancy_fill(vacancy=v, filled_on=D(2014, 1, 1))
    with refused(s.MSG_VACANCY_ALREADY_FILLED):
        s.vacancy_fill(vacancy=v, filled_on=D(2014, 2, 1))


# ---- dissolving -------------------------------------------------------------------------------------

def test_dissolving_a_committee_closes_its_term_and_seats(world, committee, people):
    s.seat_assign(committee=committee, role="chair", person=people[0], started_on=D(2013, 1, 1))
    c = s.committee_dissolve(committee=committee, dissolved_on=D(2016, 5, 1))
    assert c.dissolved_on == D(2016, 5, 1)
    assert Term.objects.get(committee=c).ended_on == D(2016, 5, 1)
    assert Seat.objects.get(committee=c).ended_on == D(2016, 5, 1)
    with refused(s.MSG_ALREADY_DISSOLVED):
        s.committee_dissolve(committee=c, dissolved_on=D(2016, 6, 1))


def test_a_committee_is_not_dissolved_before_it_was_formed_or_its_current_term_began(world, committee):
    with refused(s.MSG_DISSOLVED_BEFORE_FORMED):
        s.committee_dissolve(committee=committee, dissolved_on=D(2012, 3, 7))
    s.term_reelect(committee=committee, started_on=D(2017, 3, 1))
    with refused(s.MSG_DISSOLVED_BEFORE_TERM):
        s.committee_dissolve(committee=committee, dissolved_on=D(2016, 1, 1))


def test_merging_a_unit_ends_its_committee(world, committee):
    unit = org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18), successor=world.unit_a2)
    assert (unit.dissolved_on, unit.successor) == (D(2019, 1, 18), world.unit_a2)
    committee.refresh_from_db()
    assert committee.dissolved_on == D(2019, 1, 18)
    assert Term.objects.get(committee=committee).ended_on == D(2019, 1, 18)


def test_unit_dissolution_refusals(world, committee):
    with refused(org_services.MSG_UNIT_DISSOLVED_BEFORE_ESTABLISHED):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(1999, 1, 1))
    with refused(org_services.MSG_BAD_SUCCESSOR):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 1), successor=world.unit_a1)
    with refused(org_services.MSG_BAD_SUCCESSOR):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 1), successor=world.unit_b1)
    with refused(s.MSG_UNIT_HAS_LATER_COMMITTEE):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2012, 1, 1))
    org_services.unit_dissolve(unit=world.unit_a2, dissolved_on=D(2019, 1, 1))
    with refused(org_services.MSG_ALREADY_DISSOLVED):
        org_services.unit_dissolve(unit=Unit.objects.get(pk=world.unit_a2.pk), dissolved_on=D(2020, 1, 1))


def test_acting_user_is_recorded(world):
    c = s.committee_form(unit=world.unit_a2, formed_on=D(2015, 1, 1), acting_user=world.staff)
    event = AuditEvent.objects.get(object_type="committees.committee", object_id=str(c.pk))
    assert event.actor_id == world.staff.pk


# ---- filling a given vacancy, and typed names -------------------------------------------------------

def test_a_seat_fills_the_vacancy_it_is_given_not_the_oldest(world, committee):
    older = s.vacancy_record(committee=committee, role="member", vacated_on=D(2014, 1, 1))
    later = s.vacancy_record(committee=committee, role="member", vacated_on=D(2015, 1, 1))
    seat = s.seat_assign(committee=committee, role="member", holder_name="孙丽", started_on=D(2015, 2, 1), vacancy=later)
    later.refresh_from_db()
    older.refresh_from_db()
    assert (later.filled_on, later.filled_by) == (D(2015, 2, 1), seat) and older.filled_on is None


def test_a_given_vacancy_must_be_open_of_that_post_and_committee_and_before_the_seat(world, committee):
    vacancy = s.vacancy_record(committee=committee, role="member", vacated_on=D(2015, 1, 1))
    with refused(s.MSG_VACANCY_OTHER_ROLE):
        s.seat_assign(committee=committee, role="vice_chair", holder_name="孙丽", started_on=D(2015, 2, 1), vacancy=vacancy)
    with refused(s.MSG_FILLED_BEFORE_VACATED):
        s.seat_assign(committee=committee, role="member", holder_name="孙丽", started_on=D(2014, 12, 1), vacancy=vacancy)
    other = s.committee_form(unit=world.unit_a2, formed_on=D(2012, 3, 8))
    with refused(s.MSG_VACANCY_OTHER_COMMITTEE):
        s.seat_assign(committee=other, role="member", holder_name="孙丽", started_on=D(2015, 2, 1), vacancy=vacancy)
    s.vacancy_fill(vacancy=vacancy, filled_on=D(2015, 1, 20))
    with refused(s.MSG_VACANCY_ALREADY_FILLED):
        s.seat_assign(committee=committee, role="member", holder_name="孙丽", started_on=D(2015, 2, 1), vacancy=vacancy)
    assert not Seat.objects.filter(holder_name="孙丽").exists()


def test_a_typed_name_holds_a_post_once_at_a_time(world, committee):
    s.seat_assign(committee=committee, role="member", holder_name="赵敏", started_on=D(2013, 1, 1))
    with refused(s.MSG_NAME_HOLDS_POST):
        s.seat_assign(committee=committee, role="member", holder_name=" 赵敏 ", started_on=D(2013, 2, 1))
    s.seat_assign(committee=committee, role="vice_chair", holder_name="赵敏", started_on=D(2013, 2, 1))
