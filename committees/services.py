"""Writes of committee history: forming, re-electing, seats, vacancies, dissolving.

Each function is keyword-only, runs in one transaction and saves through `TrackedModel`, so every
change is audited. Invalid history is refused with a `ValidationError` whose message is one of the
module constants below (tests import them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.models import Committee, Seat, Term, Vacancy
from core import audit
from orgs.models import Person, Unit

MSG_FORMED_BEFORE_UNIT = "妇委会成立日期不能早于单位成立日期。"
MSG_FORMED_AFTER_UNIT_DISSOLVED = "单位已撤销或并入其他单位，不能在撤销之日及以后成立妇委会。"
MSG_SECOND_ACTIVE_COMMITTEE = "该单位已有存续的妇委会，不能重复成立。"
MSG_COMMITTEE_OVERLAP = "妇委会成立日期与该单位此前妇委会的存续期间重叠。"
MSG_TERM_BEFORE_FORMED = "届次的选举日期不能早于妇委会成立日期。"
MSG_TERM_BEFORE_PREVIOUS = "换届选举日期必须晚于上一届的选举日期。"
MSG_TERM_OVERLAP = "换届选举日期与上一届的任期重叠。"
MSG_DUE_NOT_AFTER_START = "届满日期必须晚于选举日期。"
MSG_COMMITTEE_DISSOLVED = "该妇委会已撤销，不能再登记换届、任职或缺位。"
MSG_DATE_AFTER_DISSOLVED = "日期不能晚于妇委会撤销日期。"
MSG_ALREADY_DISSOLVED = "已撤销，不能重复撤销。"
MSG_DISSOLVED_BEFORE_FORMED = "撤销日期不能早于成立日期。"
MSG_DISSOLVED_BEFORE_TERM = "撤销日期不能早于当前届次的选举日期。"
MSG_UNIT_HAS_LATER_COMMITTEE = "该单位的妇委会成立于撤销日期之后，请先更正妇委会记录。"
MSG_SEAT_BEFORE_FORMED = "任职日期不能早于妇委会成立日期。"
MSG_SEAT_NEEDS_HOLDER = "请选择人员或填写姓名。"
MSG_PERSON_OTHER_FEDERATION = "该人员不属于本妇联。"
MSG_PERSON_HOLDS_POST = "该人员已在本妇委会担任此职务，不能重复任职。"
MSG_NAME_HOLDS_POST = "同名人员已在本妇委会担任此职务，不能重复任职。"
MSG_CHAIR_TAKEN = "本妇委会已有在任主任，请先登记原主任离任。"
MSG_SEAT_ALREADY_ENDED = "该职务已经离任，不能重复登记缺位。"
MSG_VACATED_BEFORE_START = "缺位日期不能早于任职日期。"
MSG_VACANCY_BEFORE_FORMED = "缺位日期不能早于妇委会成立日期。"
MSG_VACANCY_ALREADY_FILLED = "该缺位已补充，不能重复补充。"
MSG_FILLED_BEFORE_VACATED = "补充日期不能早于缺位日期。"
MSG_VACANCY_OTHER_COMMITTEE = "该缺位不属于本妇委会。"
MSG_VACANCY_OTHER_ROLE = "补缺的职务须与缺位的职务相同。"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _locked_committee(committee: Committee) -> Committee:
    """The committee row re-read under a row lock (on databases that have them)."""
    return Committee.objects.select_for_update().select_related("federation", "unit").get(pk=committee.pk)


def _current_term(committee: Committee) -> Term | None:
    return Term.objects.filter(committee=committee).order_by("-number").first()


def _check_committee_open(committee: Committee, day: dt.date) -> None:
    if committee.dissolved_on is not None:
        raise _refuse(MSG_COMMITTEE_DISSOLVED, "committee_dissolved")
    if day < committee.formed_on:
        raise _refuse(MSG_TERM_BEFORE_FORMED, "before_formed")


# ---- committees -------------------------------------------------------------------------------------


def committee_form(
    *,
    unit: Unit,
    formed_on: dt.date,
    first_term_started_on: dt.date | None = None,
    first_term_due_on: dt.date | None = None,
    acting_user: Any | None = None,
) -> Committee:
    """Forms a unit's committee (成立妇委会) and opens its first term (第1届).

    The first term starts on `first_term_started_on` (default: `formed_on`) and is due after the
    federation's `term_length_years` unless `first_term_due_on` is given.
    """
    started_on = first_term_started_on or formed_on
    with audit.attributed_to(acting_user), transaction.atomic():
        unit = Unit.objects.select_for_update().select_related("federation").get(pk=unit.pk)
        if unit.established_on is not None and formed_on < unit.established_on:
            raise _refuse(MSG_FORMED_BEFORE_UNIT, "formed_before_unit")
        if unit.dissolved_on is not None and formed_on >= unit.dissolved_on:
            raise _refuse(MSG_FORMED_AFTER_UNIT_DISSOLVED, "formed_after_unit_dissolved")
        previous = list(Committee.objects.filter(unit=unit).values_list("formed_on", "dissolved_on"))
        if any(dissolved is None for _, dissolved in previous):
            raise _refuse(MSG_SECOND_ACTIVE_COMMITTEE, "second_active_committee")
        if any(formed_on < dissolved for _, dissolved in previous if dissolved is not None):
            raise _refuse(MSG_COMMITTEE_OVERLAP, "committee_overlap")
        if started_on < formed_on:
            raise _refuse(MSG_TERM_BEFORE_FORMED, "before_formed")
        due_on = first_term_due_on or add_years(started_on, unit.federation.term_length_years)
        if due_on <= started_on:
            raise _refuse(MSG_DUE_NOT_AFTER_START, "due_not_after_start")
        committee = Committee(federation_id=unit.federation_id, unit=unit, formed_on=formed_on)
        committee.save()
        Term(federation_id=unit.federation_id, committee=committee, number=1, started_on=started_on, due_on=due_on).save()
        return committee


def committee_dissolve(*, committee: Committee, dissolved_on: dt.date, acting_user: Any | None = None) -> Committee:
    """Dissolves a committee (撤销妇委会): ends its current term and its seats on `dissolved_on`.

    Open vacancies stay as recorded: they are history, and the rates judge them by their dates.
    """
    with audit.attributed_to(acting_user), transaction.atomic():
        committee = _locked_committee(committee)
        if committee.dissolved_on is not None:
            raise _refuse(MSG_ALREADY_DISSOLVED, "already_dissolved")
        if dissolved_on < committee.formed_on:
            raise _refuse(MSG_DISSOLVED_BEFORE_FORMED, "dissolved_before_formed")
        current = _current_term(committee)
        if current is not None and current.ended_on is None:
            if dissolved_on < current.started_on:
                raise _refuse(MSG_DISSOLVED_BEFORE_TERM, "dissolved_before_term")
            current.ended_on = dissolved_on
            current.save()
        for seat in Seat.objects.filter(committee=committee, ended_on__isnull=True):
            seat.ended_on = max(dissolved_on, seat.started_on)
            seat.save()
        committee.dissolved_on = dissolved_on
        committee.save()
        return committee


def committees_end_with_unit_check(unit: Unit, dissolved_on: dt.date, successor: Unit | None) -> None:
    """Lifecycle hook (orgs.registry.unit_lifecycle): a unit cannot end before its committee was formed."""
    if Committee.objects.filter(unit=unit, formed_on__gt=dissolved_on).exists():
        raise _refuse(MSG_UNIT_HAS_LATER_COMMITTEE, "later_committee")


def committees_end_with_unit(unit: Unit, dissolved_on: dt.date, successor: Unit | None) -> None:
    """Lifecycle hook: the unit's standing committee ends the day the unit does (its term and seats too)."""
    for committee in Committee.objects.filter(unit=unit, dissolved_on__isnull=True):
        committee_dissolve(committee=committee, dissolved_on=dissolved_on)


# ---- terms ------------------------------------------------------------------------------------------


def term_reelect(
    *,
    committee: Committee,
    started_on: dt.date,
    due_on: dt.date | None = None,
    carry_seats: bool = True,
    acting_user: Any | None = None,
) -> Term:
    """Records a re-election (换届): opens term N+1 on `started_on` and ends term N that day.

    With `carry_seats` the holders of the open posts continue into the new term (their old seats end
    and new ones start on `started_on`); without it the old seats just end. Open vacancies stay open.
    """
    with audit.attributed_to(acting_user), transaction.atomic():
        committee = _locked_committee(committee)
        _check_committee_open(committee, started_on)
        previous = _current_term(committee)
        if previous is not None:
            if started_on <= previous.started_on:
                raise _refuse(MSG_TERM_BEFORE_PREVIOUS, "term_before_previous")
            if previous.ended_on is not None and started_on < previous.ended_on:
                raise _refuse(MSG_TERM_OVERLAP, "term_overlap")
        due_on = due_on or add_years(started_on, committee.federation.term_length_years)
        if due_on <= started_on:
            raise _refuse(MSG_DUE_NOT_AFTER_START, "due_not_after_start")
        if previous is not None and previous.ended_on is None:
            previous.ended_on = started_on
            previous.save()
        term = Term(
            federation_id=committee.federation_id,
            committee=committee,
            number=(previous.number + 1) if previous else 1,
            started_on=started_on,
            due_on=due_on,
        )
        term.save()
        for seat in Seat.objects.filter(committee=committee, ended_on__isnull=True).order_by("id"):
            seat.ended_on = max(started_on, seat.started_on)
            seat.save()
            if carry_seats:
                Seat(
                    federation_id=committee.federation_id,
                    committee=committee,
                    term=term,
                    role=seat.role,
                    person_id=seat.person_id,
                    holder_name=seat.holder_name,
                    started_on=started_on,
                ).save()
        return term


# ---- seats and vacancies ----------------------------------------------------------------------------


def seat_assign(
    *,
    committee: Committee,
    role: str,
    person: Person | None = None,
    holder_name: str = "",
    started_on: dt.date,
    vacancy: Vacancy | None = None,
    acting_user: Any | None = None,
) -> Seat:
    """Puts a person in a post (任职) in the term current on `started_on`.

    The seat fills `vacancy` when given (补缺 of that very vacancy); otherwise, if a vacancy of that role
    is open (vacated on or before `started_on`), the oldest is filled by this seat on `started_on`.
    A person (or, without one, a typed name) holds each post of a committee at most once at a time.
    """
    with audit.attributed_to(acting_user), transaction.atomic():
        committee = _locked_committee(committee)
        if committee.dissolved_on is not None:
            raise _refuse(MSG_COMMITTEE_DISSOLVED, "committee_dissolved")
        if started_on < committee.formed_on:
            raise _refuse(MSG_SEAT_BEFORE_FORMED, "before_formed")
        if person is None and not holder_name.strip():
            raise _refuse(MSG_SEAT_NEEDS_HOLDER, "needs_holder")
        open_seats = Seat.objects.filter(committee=committee, ended_on__isnull=True)
        if person is not None:
            if person.federation_id != committee.federation_id:
                raise _refuse(MSG_PERSON_OTHER_FEDERATION, "other_federation")
            if open_seats.filter(person=person, role=role).exists():
                raise _refuse(MSG_PERSON_HOLDS_POST, "holds_post")
            holder_name = holder_name.strip() or person.name
        elif open_seats.filter(person__isnull=True, holder_name=holder_name.strip(), role=role).exists():
            raise _refuse(MSG_NAME_HOLDS_POST, "holds_post")
        if role == Seat.Role.CHAIR and open_seats.filter(role=Seat.Role.CHAIR).exists():
            raise _refuse(MSG_CHAIR_TAKEN, "chair_taken")
        if vacancy is not None:
            vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
            if vacancy.committee_id != committee.pk:
                raise _refuse(MSG_VACANCY_OTHER_COMMITTEE, "vacancy_other_committee")
            if vacancy.role != role:
                raise _refuse(MSG_VACANCY_OTHER_ROLE, "vacancy_other_role")
            if vacancy.filled_on is not None:
                raise _refuse(MSG_VACANCY_ALREADY_FILLED, "already_filled")
            if started_on < vacancy.vacated_on:
                raise _refuse(MSG_FILLED_BEFORE_VACATED, "filled_before_vacated")
        term = (
            Term.objects.filter(committee=committee, started_on__lte=started_on).order_by("-number").first()
        )
        seat = Seat(
            federation_id=committee.federation_id,
            committee=committee,
            term=term,
            role=role,
            person=person,
            holder_name=holder_name.strip(),
            started_on=started_on,
        )
        seat.save()
        if vacancy is None:
            vacancy = (
                Vacancy.objects.filter(committee=committee, role=role, filled_on__isnull=True, vacated_on__lte=started_on)
                .order_by("vacated_on", "id")
                .first()
            )
        if vacancy is not None:
            vacancy.filled_on = started_on
            vacancy.filled_by = seat
            vacancy.save()
        return seat


def seat_vacate(*, seat: Seat, vacated_on: dt.date, acting_user: Any | None = None) -> Vacancy:
    """A holder leaves a post (离任): the seat ends on `vacated_on` and a vacancy (缺位) opens."""
    with audit.attributed_to(acting_user), transaction.atomic():
        seat = Seat.objects.select_for_update().select_related("committee").get(pk=seat.pk)
        if seat.ended_on is not None:
            raise _refuse(MSG_SEAT_ALREADY_ENDED, "seat_ended")
        if vacated_on < seat.started_on:
            raise _refuse(MSG_VACATED_BEFORE_START, "vacated_before_start")
        if seat.committee.dissolved_on is not None:
            raise _refuse(MSG_COMMITTEE_DISSOLVED, "committee_dissolved")
        seat.ended_on = vacated_on
        seat.save()
        vacancy = Vacancy(
            federation_id=seat.federation_id, committee=seat.committee, role=seat.role, seat=seat, vacated_on=vacated_on
        )
        vacancy.save()
        return vacancy


def vacancy_record(
    *,
    committee: Committee,
    role: str,
    vacated_on: dt.date,
    filled_on: dt.date | None = None,
    acting_user: Any | None = None,
) -> Vacancy:
    """Records a vacancy from history without people (e.g. a ledger import): role and dates only."""
    with audit.attributed_to(acting_user), transaction.atomic():
        committee = _locked_committee(committee)
        if vacated_on < committee.formed_on:
            raise _refuse(MSG_VACANCY_BEFORE_FORMED, "before_formed")
        if committee.dissolved_on is not None and vacated_on > committee.dissolved_on:
            raise _refuse(MSG_DATE_AFTER_DISSOLVED, "after_dissolved")
        if filled_on is not None and filled_on < vacated_on:
            raise _refuse(MSG_FILLED_BEFORE_VACATED, "filled_before_vacated")
        vacancy = Vacancy(
            federation_id=committee.federation_id,
            committee=committee,
            role=role,
            vacated_on=vacated_on,
            filled_on=filled_on,
        )
        vacancy.save()
        return vacancy


def vacancy_fill(
    *, vacancy: Vacancy, filled_on: dt.date, seat: Seat | None = None, acting_user: Any | None = None
) -> Vacancy:
    """Marks a vacancy filled (补缺) on `filled_on`, optionally by the seat that filled it."""
    with audit.attributed_to(acting_user), transaction.atomic():
        vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        if vacancy.filled_on is not None:
            raise _refuse(MSG_VACANCY_ALREADY_FILLED, "already_filled")
        if filled_on < vacancy.vacated_on:
            raise _refuse(MSG_FILLED_BEFORE_VACATED, "filled_before_vacated")
        vacancy.filled_on = filled_on
        vacancy.filled_by = seat
        vacancy.save()
        return vacancy
