"""Writes of committee history: forming, re-electing, seats, vacancies, dissolving.

Each function is keyword-only, runs in one transaction and saves through `TrackedModel`, so every
change is audited. Invalid history is refused with a `ValidationError` whose message is one of the
module constants below (tests import them), or of committees.history for corrections. An event dated
after today (core.clock) is refused: it has not happened yet.

Every recorded event can be corrected (更正: new dates or values) or withdrawn (撤销登记: as if it never
happened), with a reason: `<event>_correct` / `<event>_withdraw` below. They re-check the unit's whole
history (committees.history), write only what differs, and leave a `Correction` that the history page
shows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from committees import history
from committees.history import (
    MSG_NOTHING_CHANGED,
    CommitteeRow,
    SeatRow,
    TermRow,
    UnitHistory,
    VacancyRow,
    new_problems,
)
from committees.models import Committee, Correction, Seat, Term, Vacancy
from committees.rules import add_years
from core import audit, clock
from core.bulk import Refusals, create_tracked, update_tracked
from orgs.models import Person, Unit
from orgs.registry import UnitEndCorrection

MSG_FORMED_BEFORE_UNIT = _("妇委会成立日期不能早于单位成立日期。")
MSG_FORMED_AFTER_UNIT_DISSOLVED = _("单位已撤销或并入其他单位，不能在撤销之日及以后成立妇委会。")
MSG_SECOND_ACTIVE_COMMITTEE = _("该单位已有存续的妇委会，不能重复成立。")
MSG_COMMITTEE_OVERLAP = _("妇委会成立日期与该单位此前妇委会的存续期间重叠。")
MSG_TERM_BEFORE_FORMED = _("届次的选举日期不能早于妇委会成立日期。")
MSG_TERM_BEFORE_PREVIOUS = _("换届选举日期必须晚于上一届的选举日期。")
MSG_TERM_OVERLAP = _("换届选举日期与上一届的任期重叠。")
MSG_DUE_NOT_AFTER_START = _("届满日期必须晚于选举日期。")
MSG_COMMITTEE_DISSOLVED = _("该妇委会已撤销，不能再登记换届、任职或缺位。")
MSG_DATE_AFTER_DISSOLVED = _("日期不能晚于妇委会撤销日期。")
MSG_ALREADY_DISSOLVED = _("已撤销，不能重复撤销。")
MSG_DISSOLVED_BEFORE_FORMED = _("撤销日期不能早于成立日期。")
MSG_DISSOLVED_BEFORE_TERM = _("撤销日期不能早于当前届次的选举日期。")
MSG_UNIT_HAS_LATER_COMMITTEE = _("该单位的妇委会成立于撤销日期之后，请先更正妇委会记录。")
MSG_SEAT_BEFORE_FORMED = _("任职日期不能早于妇委会成立日期。")
MSG_SEAT_NEEDS_HOLDER = _("请选择人员或填写姓名。")
MSG_PERSON_OTHER_FEDERATION = _("该人员不属于本妇联。")
MSG_PERSON_HOLDS_POST = _("该人员已在本妇委会担任此职务，不能重复任职。")
MSG_NAME_HOLDS_POST = _("同名人员已在本妇委会担任此职务，不能重复任职。")
MSG_CHAIR_TAKEN = _("本妇委会已有在任主任，请先登记原主任离任。")
MSG_SEAT_ALREADY_ENDED = _("该职务已经离任，不能重复登记缺位。")
MSG_VACATED_BEFORE_START = _("缺位日期不能早于任职日期。")
MSG_VACANCY_BEFORE_FORMED = _("缺位日期不能早于妇委会成立日期。")
MSG_VACANCY_ALREADY_FILLED = _("该缺位已补充，不能重复补充。")
MSG_FILLED_BEFORE_VACATED = _("补充日期不能早于缺位日期。")
MSG_VACANCY_OTHER_COMMITTEE = _("该缺位不属于本妇委会。")
MSG_VACANCY_OTHER_ROLE = _("补缺的职务须与缺位的职务相同。")
# Events are recorded once they have happened: a date after today is a typing error (2027 for 2026).
MSG_FORMED_IN_FUTURE = _("成立日期不能晚于今天：尚未发生的事请在发生后再登记。")
MSG_ELECTED_IN_FUTURE = _("选举日期不能晚于今天：尚未举行的换届请在选举后再登记。")
MSG_SEAT_IN_FUTURE = _("任职日期不能晚于今天：尚未发生的任职请在发生后再登记。")
MSG_VACATED_IN_FUTURE = _("离任（缺位）日期不能晚于今天：尚未发生的事请在发生后再登记。")
MSG_FILLED_IN_FUTURE = _("补缺日期不能晚于今天：尚未发生的补缺请在发生后再登记。")
MSG_DISSOLVED_IN_FUTURE = _("撤销日期不能晚于今天：尚未发生的事请在发生后再登记。")
MSG_REASON_REQUIRED = _("请填写更正或撤销的原因。")
MSG_BAD_ROLE = _("职务应为“主任”“副主任”或“委员”之一。")


def _refuse(message: Any, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _not_after_today(day: dt.date | None, message: Any, code: str) -> None:
    if day is not None and day > clock.today():
        raise _refuse(message, code)


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


# ---- rules: pure functions of dates, shared by the services and their bulk paths (end of module) ------


def committee_form_rule(
    *, unit_established_on: dt.date | None, unit_dissolved_on: dt.date | None,
    previous: Iterable[tuple[dt.date, dt.date | None]], formed_on: dt.date, started_on: dt.date | None,
    due_on: dt.date | None,
) -> None:
    """A committee is formed while its unit exists, after its earlier committees, with a first term
    (history may not know the first term: `started_on` None); nothing of it in the future."""
    _not_after_today(formed_on, MSG_FORMED_IN_FUTURE, "formed_in_future")
    _not_after_today(started_on, MSG_ELECTED_IN_FUTURE, "elected_in_future")
    if unit_established_on is not None and formed_on < unit_established_on:
        raise _refuse(MSG_FORMED_BEFORE_UNIT, "formed_before_unit")
    if unit_dissolved_on is not None and formed_on >= unit_dissolved_on:
        raise _refuse(MSG_FORMED_AFTER_UNIT_DISSOLVED, "formed_after_unit_dissolved")
    previous = list(previous)
    if any(dissolved is None for _, dissolved in previous):
        raise _refuse(MSG_SECOND_ACTIVE_COMMITTEE, "second_active_committee")
    if any(formed_on < dissolved for _, dissolved in previous if dissolved is not None):
        raise _refuse(MSG_COMMITTEE_OVERLAP, "committee_overlap")
    if started_on is None:
        return
    if started_on < formed_on:
        raise _refuse(MSG_TERM_BEFORE_FORMED, "before_formed")
    if due_on is not None and due_on <= started_on:
        raise _refuse(MSG_DUE_NOT_AFTER_START, "due_not_after_start")


def term_reelect_rule(
    *, committee_formed_on: dt.date, committee_dissolved_on: dt.date | None, previous_started_on: dt.date | None,
    previous_ended_on: dt.date | None, started_on: dt.date, due_on: dt.date,
) -> None:
    """A re-election of an open committee comes after the current term's election (and end), not later
    than today."""
    _not_after_today(started_on, MSG_ELECTED_IN_FUTURE, "elected_in_future")
    if committee_dissolved_on is not None:
        raise _refuse(MSG_COMMITTEE_DISSOLVED, "committee_dissolved")
    if started_on < committee_formed_on:
        raise _refuse(MSG_TERM_BEFORE_FORMED, "before_formed")
    if previous_started_on is not None:
        if started_on <= previous_started_on:
            raise _refuse(MSG_TERM_BEFORE_PREVIOUS, "term_before_previous")
        if previous_ended_on is not None and started_on < previous_ended_on:
            raise _refuse(MSG_TERM_OVERLAP, "term_overlap")
    if due_on <= started_on:
        raise _refuse(MSG_DUE_NOT_AFTER_START, "due_not_after_start")


def committee_dissolve_rule(
    *, formed_on: dt.date, dissolved_before: dt.date | None, current_started_on: dt.date | None, dissolved_on: dt.date,
) -> None:
    """`current_started_on`: the election date of the term still running, if one is."""
    _not_after_today(dissolved_on, MSG_DISSOLVED_IN_FUTURE, "dissolved_in_future")
    if dissolved_before is not None:
        raise _refuse(MSG_ALREADY_DISSOLVED, "already_dissolved")
    if dissolved_on < formed_on:
        raise _refuse(MSG_DISSOLVED_BEFORE_FORMED, "dissolved_before_formed")
    if current_started_on is not None and dissolved_on < current_started_on:
        raise _refuse(MSG_DISSOLVED_BEFORE_TERM, "dissolved_before_term")


def vacancy_record_rule(
    *, committee_formed_on: dt.date, committee_dissolved_on: dt.date | None, vacated_on: dt.date,
    filled_on: dt.date | None,
) -> None:
    _not_after_today(vacated_on, MSG_VACATED_IN_FUTURE, "vacated_in_future")
    _not_after_today(filled_on, MSG_FILLED_IN_FUTURE, "filled_in_future")
    if vacated_on < committee_formed_on:
        raise _refuse(MSG_VACANCY_BEFORE_FORMED, "before_formed")
    if committee_dissolved_on is not None and vacated_on > committee_dissolved_on:
        raise _refuse(MSG_DATE_AFTER_DISSOLVED, "after_dissolved")
    if filled_on is not None and filled_on < vacated_on:
        raise _refuse(MSG_FILLED_BEFORE_VACATED, "filled_before_vacated")


def vacancy_fill_rule(*, vacated_on: dt.date, filled_before: dt.date | None, filled_on: dt.date) -> None:
    _not_after_today(filled_on, MSG_FILLED_IN_FUTURE, "filled_in_future")
    if filled_before is not None:
        raise _refuse(MSG_VACANCY_ALREADY_FILLED, "already_filled")
    if filled_on < vacated_on:
        raise _refuse(MSG_FILLED_BEFORE_VACATED, "filled_before_vacated")


# ---- committees -------------------------------------------------------------------------------------


@audit.action("committees.committee_form", target="unit", label=_("成立妇委会"))
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
        due_on = first_term_due_on or add_years(started_on, unit.federation.term_length_years)
        committee_form_rule(
            unit_established_on=unit.established_on, unit_dissolved_on=unit.dissolved_on,
            previous=list(Committee.objects.filter(unit=unit).values_list("formed_on", "dissolved_on")),
            formed_on=formed_on, started_on=started_on, due_on=due_on,
        )
        committee = Committee(federation_id=unit.federation_id, unit=unit, formed_on=formed_on)
        committee.save()
        Term(federation_id=unit.federation_id, committee=committee, number=1, started_on=started_on, due_on=due_on).save()
        return committee


@audit.action("committees.committee_dissolve", target="committee", label=_("撤销妇委会"))
def committee_dissolve(*, committee: Committee, dissolved_on: dt.date, acting_user: Any | None = None) -> Committee:
    """Dissolves a committee (撤销妇委会): ends its current term and its seats on `dissolved_on`.

    Open vacancies stay as recorded: they are history, and the rates judge them by their dates.
    """
    with audit.attributed_to(acting_user), transaction.atomic():
        committee = _locked_committee(committee)
        current = _current_term(committee)
        committee_dissolve_rule(
            formed_on=committee.formed_on, dissolved_before=committee.dissolved_on,
            current_started_on=current.started_on if current is not None and current.ended_on is None else None,
            dissolved_on=dissolved_on,
        )
        if current is not None and current.ended_on is None:
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


@audit.action("committees.term_reelect", target="committee", label=_("换届"))
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
        previous = _current_term(committee)
        due_on = due_on or add_years(started_on, committee.federation.term_length_years)
        term_reelect_rule(
            committee_formed_on=committee.formed_on, committee_dissolved_on=committee.dissolved_on,
            previous_started_on=previous.started_on if previous else None,
            previous_ended_on=previous.ended_on if previous else None, started_on=started_on, due_on=due_on,
        )
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


@audit.action("committees.seat_assign", target="committee", label=_("任职"))
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
    _not_after_today(started_on, MSG_SEAT_IN_FUTURE, "seat_in_future")
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


@audit.action("committees.seat_vacate", target="seat", label=_("离任（缺位）"))
def seat_vacate(*, seat: Seat, vacated_on: dt.date, acting_user: Any | None = None) -> Vacancy:
    """A holder leaves a post (离任): the seat ends on `vacated_on` and a vacancy (缺位) opens."""
    _not_after_today(vacated_on, MSG_VACATED_IN_FUTURE, "vacated_in_future")
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


@audit.action("committees.vacancy_record", target="committee", label=_("登记缺位"))
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
        vacancy_record_rule(committee_formed_on=committee.formed_on, committee_dissolved_on=committee.dissolved_on,
                            vacated_on=vacated_on, filled_on=filled_on)
        vacancy = Vacancy(
            federation_id=committee.federation_id,
            committee=committee,
            role=role,
            vacated_on=vacated_on,
            filled_on=filled_on,
        )
        vacancy.save()
        return vacancy


@audit.action("committees.vacancy_fill", target="vacancy", label=_("补缺"))
def vacancy_fill(
    *, vacancy: Vacancy, filled_on: dt.date, seat: Seat | None = None, acting_user: Any | None = None
) -> Vacancy:
    """Marks a vacancy filled (补缺) on `filled_on`, optionally by the seat that filled it."""
    with audit.attributed_to(acting_user), transaction.atomic():
        vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        vacancy_fill_rule(vacated_on=vacancy.vacated_on, filled_before=vacancy.filled_on, filled_on=filled_on)
        vacancy.filled_on = filled_on
        vacancy.filled_by = seat
        vacancy.save()
        return vacancy


# ---- corrections (更正) and withdrawals (撤销登记) ------------------------------------------------------

REASON_MAX_LENGTH = 500
# How many problems a refused correction lists at most (the first ones, in the history's order).
PROBLEMS_SHOWN = 5

_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Committee: ("formed_on", "dissolved_on"),
    Term: ("started_on", "due_on", "ended_on"),
    Seat: ("term_id", "role", "person_id", "holder_name", "started_on", "ended_on"),
    Vacancy: ("role", "seat_id", "vacated_on", "filled_on", "filled_by_id"),
}


@dataclass
class _Loaded:
    """A unit's committee history, as rows (locked) and as the pure `UnitHistory` of committees.history."""

    unit: Unit
    history: UnitHistory
    rows: dict[type[Any], dict[int, Any]]


def _load(unit_id: int) -> _Loaded:
    """Five queries: the unit, its committees, their terms, seats and vacancies (rows locked where supported)."""
    unit = Unit.objects.select_for_update().select_related("federation").get(pk=unit_id)
    committees = {c.pk: c for c in Committee.objects.select_for_update().filter(unit_id=unit_id)}
    ids = list(committees)
    terms = {t.pk: t for t in Term.objects.select_for_update().filter(committee_id__in=ids)}
    seats = {s.pk: s for s in Seat.objects.select_for_update().filter(committee_id__in=ids)}
    vacancies = {v.pk: v for v in Vacancy.objects.select_for_update().filter(committee_id__in=ids)}
    h = UnitHistory(
        established_on=unit.established_on,
        dissolved_on=unit.dissolved_on,
        committees={pk: CommitteeRow(pk, c.formed_on, c.dissolved_on) for pk, c in committees.items()},
        terms={pk: TermRow(pk, t.committee_id, t.number, t.started_on, t.due_on, t.ended_on) for pk, t in terms.items()},
        seats={pk: SeatRow(pk, s.committee_id, s.term_id, s.role, s.person_id, s.holder_name, s.started_on, s.ended_on)
               for pk, s in seats.items()},
        vacancies={pk: VacancyRow(pk, v.committee_id, v.role, v.seat_id, v.vacated_on, v.filled_on, v.filled_by_id)
                   for pk, v in vacancies.items()},
    )
    return _Loaded(unit, h, {Committee: committees, Term: terms, Seat: seats, Vacancy: vacancies})


def _persist(loaded: _Loaded, new: UnitHistory) -> None:
    """Writes the rows that differ between the loaded history and `new` (updates first, then deletions,
    children before parents), each through TrackedModel so that every change is audited."""
    rows_of: dict[type[Any], dict[int, Any]] = {
        Committee: new.committees, Term: new.terms, Seat: new.seats, Vacancy: new.vacancies}
    for model in (Committee, Term, Seat, Vacancy):
        for pk, row in rows_of[model].items():
            obj = loaded.rows[model][pk]
            changed = [f for f in _FIELDS[model] if getattr(obj, f) != getattr(row, f)]
            for f in changed:
                setattr(obj, f, getattr(row, f))
            if changed:
                obj.save()
    for model in (Vacancy, Seat, Term, Committee):
        for pk, obj in loaded.rows[model].items():
            if pk not in rows_of[model]:
                obj.delete()


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise _refuse(MSG_REASON_REQUIRED, "reason_required")
    return reason[:REASON_MAX_LENGTH]


def _commit(
    loaded: _Loaded,
    new: UnitHistory,
    *,
    kind: str,
    event: str,
    committee_id: int | None,
    target: dict[str, Any],
    changes: list[tuple[str, Any, Any]],
    reason: str,
) -> Correction:
    """Refuses a correction that changes nothing or brings a new inconsistency; else writes it and its record."""
    changes = [(name, old, value) for name, old, value in changes if old != value]
    if kind == Correction.Kind.CORRECT and not changes:
        raise _refuse(MSG_NOTHING_CHANGED, "nothing_changed")
    found = new_problems(loaded.history, new, clock.today())
    if found:
        raise ValidationError([p.error() for p in found[:PROBLEMS_SHOWN]])
    _persist(loaded, new)
    context = audit.current()
    correction = Correction(
        federation_id=loaded.unit.federation_id,
        unit=loaded.unit,
        committee_id=committee_id if committee_id in new.committees else None,
        kind=kind,
        event=event,
        target=audit.jsonable(target),
        changes=audit.jsonable([list(c) for c in changes]),
        reason=reason,
        actor_id=context.user_id if context else None,
        actor_name=context.username if context else "system",
    )
    correction.save()
    return correction


def _unit_of_committee(committee_id: int) -> int:
    return Committee.objects.values_list("unit_id", flat=True).get(pk=committee_id)


def _term_years(loaded: _Loaded) -> int:
    return loaded.unit.federation.term_length_years


@audit.action("committees.committee_formation_correct", target="committee", label=_("更正妇委会成立"))
def committee_formation_correct(
    *,
    committee: Committee,
    formed_on: dt.date,
    first_term_started_on: dt.date | None = None,
    first_term_due_on: dt.date | None = None,
    reason: str,
    acting_user: Any | None = None,
) -> Committee:
    """更正组建: the formation date and the first term's dates (the first election follows the formation when it
    was on the same day; a blank due date follows the new election by the federation's term length)."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(committee.pk))
        before = loaded.history
        new = before.copy()
        first = before.terms_of(committee.pk)[0]
        history.correct_formation(new, committee.pk, formed_on=formed_on, first_started_on=first_term_started_on,
                                  first_due_on=first_term_due_on, term_years=_term_years(loaded))
        after = new.terms[first.id]
        _commit(loaded, new, kind=Correction.Kind.CORRECT, event=Correction.Event.FORMATION, committee_id=committee.pk,
                target={"formed_on": before.committees[committee.pk].formed_on},
                changes=[("formed_on", before.committees[committee.pk].formed_on, formed_on),
                         ("started_on", first.started_on, after.started_on), ("due_on", first.due_on, after.due_on)],
                reason=reason)
        return Committee.objects.get(pk=committee.pk)


@audit.action("committees.committee_formation_withdraw", target="committee", label=_("撤销妇委会成立登记"))
def committee_formation_withdraw(*, committee: Committee, reason: str, acting_user: Any | None = None) -> None:
    """撤销组建登记: as if the committee had never been formed (its terms, seats and vacancies go with it)."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(committee.pk))
        new = loaded.history.copy()
        history.withdraw_formation(new, committee.pk)
        _commit(loaded, new, kind=Correction.Kind.WITHDRAW, event=Correction.Event.FORMATION, committee_id=committee.pk,
                target={"formed_on": loaded.history.committees[committee.pk].formed_on}, changes=[], reason=reason)


def formation_withdrawal_consequences(committee: Committee) -> dict[str, int]:
    """What withdrawing the formation takes away with it, for the confirmation page."""
    return {
        "terms": Term.objects.filter(committee=committee).count(),
        "seats": Seat.objects.filter(committee=committee).count(),
        "vacancies": Vacancy.objects.filter(committee=committee).count(),
    }


def _term_event(number: int) -> str:
    return Correction.Event.FORMATION if number == 1 else Correction.Event.REELECTION


@audit.action("committees.term_correct", target="term", label=_("更正换届"))
def term_correct(
    *, term: Term, started_on: dt.date, due_on: dt.date | None = None, reason: str, acting_user: Any | None = None
) -> Term:
    """更正换届 (or the first term): its election and due dates. The previous term ends on the new election
    day, the seats taken up on the old day move with it; a blank due date follows the new election."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(term.committee_id))
        old = loaded.history.terms[term.pk]
        new = loaded.history.copy()
        history.correct_term(new, term.pk, started_on=started_on, due_on=due_on, term_years=_term_years(loaded))
        after = new.terms[term.pk]
        _commit(loaded, new, kind=Correction.Kind.CORRECT, event=_term_event(old.number), committee_id=old.committee_id,
                target={"number": old.number, "started_on": old.started_on},
                changes=[("started_on", old.started_on, after.started_on), ("due_on", old.due_on, after.due_on)],
                reason=reason)
        return Term.objects.get(pk=term.pk)


@audit.action("committees.term_withdraw", target="term", label=_("撤销换届登记"))
def term_withdraw(*, term: Term, reason: str, acting_user: Any | None = None) -> None:
    """撤销换届登记 (the latest re-election): the previous term goes on, its carried seats are its own again."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(term.committee_id))
        old = loaded.history.terms[term.pk]
        new = loaded.history.copy()
        history.withdraw_term(new, term.pk)
        _commit(loaded, new, kind=Correction.Kind.WITHDRAW, event=Correction.Event.REELECTION,
                committee_id=old.committee_id, target={"number": old.number, "started_on": old.started_on},
                changes=[], reason=reason)


def _seat_target(seat: SeatRow) -> dict[str, Any]:
    return {"name": seat.holder_name, "role": seat.role, "started_on": seat.started_on}


@audit.action("committees.seat_correct", target="seat", label=_("更正任职"))
def seat_correct(
    *,
    seat: Seat,
    started_on: dt.date,
    role: str | None = None,
    person: Person | None = None,
    holder_name: str | None = None,
    reason: str,
    acting_user: Any | None = None,
) -> Seat:
    """更正任职: start date, post and holder (a person of the federation, or a typed name). The vacancy the
    seat filled is filled on the new start date."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(seat.committee_id))
        old = loaded.history.seats[seat.pk]
        if person is not None and person.federation_id != loaded.unit.federation_id:
            raise _refuse(MSG_PERSON_OTHER_FEDERATION, "other_federation")
        if holder_name is None:
            person_id, name = old.person_id, old.holder_name
        else:
            person_id = person.pk if person is not None else None
            name = holder_name.strip() or (person.name if person is not None else "")
            if not name:
                raise _refuse(MSG_SEAT_NEEDS_HOLDER, "needs_holder")
        new = loaded.history.copy()
        history.correct_seat(new, seat.pk, started_on=started_on, role=role or old.role, person_id=person_id,
                             holder_name=name)
        after = new.seats[seat.pk]
        _commit(loaded, new, kind=Correction.Kind.CORRECT, event=Correction.Event.APPOINTMENT,
                committee_id=old.committee_id, target=_seat_target(old),
                changes=[("seat_started_on", old.started_on, after.started_on), ("role", old.role, after.role),
                         ("holder_name", old.holder_name, after.holder_name)],
                reason=reason)
        return Seat.objects.get(pk=seat.pk)


@audit.action("committees.seat_withdraw", target="seat", label=_("撤销任职登记"))
def seat_withdraw(*, seat: Seat, reason: str, acting_user: Any | None = None) -> None:
    """撤销任职登记: as if the holder had never taken the post (nor continued in it through later re-elections);
    a vacancy the seat filled is open again."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(seat.committee_id))
        old = loaded.history.seats[seat.pk]
        new = loaded.history.copy()
        history.withdraw_seat(new, seat.pk)
        _commit(loaded, new, kind=Correction.Kind.WITHDRAW, event=Correction.Event.APPOINTMENT,
                committee_id=old.committee_id, target=_seat_target(old), changes=[], reason=reason)


def _vacancy_target(vacancy: VacancyRow) -> dict[str, Any]:
    return {"role": vacancy.role, "vacated_on": vacancy.vacated_on}


@audit.action("committees.vacancy_correct", target="vacancy", label=_("更正缺位"))
def vacancy_correct(
    *, vacancy: Vacancy, vacated_on: dt.date, role: str | None = None, reason: str, acting_user: Any | None = None
) -> Vacancy:
    """更正缺位: the day the post fell vacant (the holder's 离任日期 follows); the post of a vacancy recorded
    without a seat."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(vacancy.committee_id))
        old = loaded.history.vacancies[vacancy.pk]
        new = loaded.history.copy()
        history.correct_vacancy(new, vacancy.pk, vacated_on=vacated_on, role=role or old.role)
        after = new.vacancies[vacancy.pk]
        _commit(loaded, new, kind=Correction.Kind.CORRECT, event=Correction.Event.VACANCY,
                committee_id=old.committee_id, target=_vacancy_target(old),
                changes=[("vacated_on", old.vacated_on, after.vacated_on), ("role", old.role, after.role)],
                reason=reason)
        return Vacancy.objects.get(pk=vacancy.pk)


@audit.action("committees.vacancy_withdraw", target="vacancy", label=_("撤销缺位登记"))
def vacancy_withdraw(*, vacancy: Vacancy, reason: str, acting_user: Any | None = None) -> None:
    """撤销缺位登记: as if the holder had never left (her seat runs on to the end of its term)."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(vacancy.committee_id))
        old = loaded.history.vacancies[vacancy.pk]
        new = loaded.history.copy()
        history.withdraw_vacancy(new, vacancy.pk)
        _commit(loaded, new, kind=Correction.Kind.WITHDRAW, event=Correction.Event.VACANCY,
                committee_id=old.committee_id, target=_vacancy_target(old), changes=[], reason=reason)


@audit.action("committees.vacancy_fill_correct", target="vacancy", label=_("更正补缺"))
def vacancy_fill_correct(
    *, vacancy: Vacancy, filled_on: dt.date, reason: str, acting_user: Any | None = None
) -> Vacancy:
    """更正补缺: the day the vacancy was filled (the newcomer's seat starts that day too)."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(vacancy.committee_id))
        old = loaded.history.vacancies[vacancy.pk]
        new = loaded.history.copy()
        history.correct_fill(new, vacancy.pk, filled_on=filled_on)
        _commit(loaded, new, kind=Correction.Kind.CORRECT, event=Correction.Event.FILL, committee_id=old.committee_id,
                target=_vacancy_target(old), changes=[("filled_on", old.filled_on, new.vacancies[vacancy.pk].filled_on)],
                reason=reason)
        return Vacancy.objects.get(pk=vacancy.pk)


@audit.action("committees.vacancy_fill_withdraw", target="vacancy", label=_("撤销补缺登记"))
def vacancy_fill_withdraw(*, vacancy: Vacancy, reason: str, acting_user: Any | None = None) -> None:
    """撤销补缺登记: the vacancy is open again; the newcomer's appointment that filled it goes with the fill."""
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(vacancy.committee_id))
        old = loaded.history.vacancies[vacancy.pk]
        new = loaded.history.copy()
        history.withdraw_fill(new, vacancy.pk)
        _commit(loaded, new, kind=Correction.Kind.WITHDRAW, event=Correction.Event.FILL, committee_id=old.committee_id,
                target={**_vacancy_target(old), "filled_on": old.filled_on}, changes=[], reason=reason)


@audit.action("committees.committee_dissolution_correct", target="committee", label=_("更正妇委会撤销"))
def committee_dissolution_correct(
    *, committee: Committee, dissolved_on: dt.date, reason: str, acting_user: Any | None = None
) -> Committee:
    """更正撤销妇委会: the dissolution date (the last term and the seats it ended follow)."""
    return _dissolution_change(committee, dissolved_on, reason, acting_user)


@audit.action("committees.committee_dissolution_withdraw", target="committee", label=_("撤销妇委会撤销登记"))
def committee_dissolution_withdraw(*, committee: Committee, reason: str, acting_user: Any | None = None) -> Committee:
    """撤销"撤销妇委会"的登记: the committee stands again, with its last term and the seats the dissolution ended."""
    return _dissolution_change(committee, None, reason, acting_user)


def _dissolution_change(committee: Committee, dissolved_on: dt.date | None, reason: str, acting_user: Any) -> Committee:
    reason = _clean_reason(reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        loaded = _load(_unit_of_committee(committee.pk))
        old = loaded.history.committees[committee.pk]
        new = loaded.history.copy()
        history.correct_dissolution(new, committee.pk, dissolved_on=dissolved_on)
        kind = Correction.Kind.CORRECT if dissolved_on is not None else Correction.Kind.WITHDRAW
        _commit(loaded, new, kind=kind, event=Correction.Event.DISSOLUTION, committee_id=committee.pk,
                target={"formed_on": old.formed_on, "dissolved_on": old.dissolved_on},
                changes=[("dissolved_on", old.dissolved_on, dissolved_on)] if dissolved_on is not None else [],
                reason=reason)
        return Committee.objects.get(pk=committee.pk)


def committees_follow_unit_correction(change: UnitEndCorrection) -> None:
    """Lifecycle hook (orgs.registry.unit_lifecycle) for a corrected or withdrawn dissolution or merger of a unit:
    the committee that ended with the unit ends on the new day (or stands again), the whole history is checked
    as for any correction, and the correction is recorded for the unit's history page."""
    loaded = _load(change.unit.pk)
    new = loaded.history.copy()
    new.dissolved_on = change.dissolved_on
    ended_with_unit = [c.id for c in new.committees.values()
                       if change.old_dissolved_on is not None and c.dissolved_on == change.old_dissolved_on]
    for committee_id in ended_with_unit:
        history.correct_dissolution(new, committee_id, dissolved_on=change.dissolved_on)
    withdrawn = change.dissolved_on is None
    _commit(loaded, new, kind=Correction.Kind.WITHDRAW if withdrawn else Correction.Kind.CORRECT,
            event=Correction.Event.UNIT_DISSOLUTION, committee_id=ended_with_unit[0] if ended_with_unit else None,
            target={"dissolved_on": change.old_dissolved_on,
                    "successor": change.old_successor.name if change.old_successor else ""},
            changes=[] if withdrawn else [
                ("unit_dissolved_on", change.old_dissolved_on, change.dissolved_on),
                ("successor", change.old_successor.name if change.old_successor else "",
                 change.successor.name if change.successor else ""),
            ],
            reason=change.reason)


# ---- bulk paths (the ledger import) -------------------------------------------------------------------
# The same rule functions as the services above, for many rows of one federation in a few statements.
# Each takes (key, ...) items, checks every item before it writes anything, and raises core.bulk.BulkRefused
# naming the refused keys. Rows passed in were loaded by the caller in the current transaction; updates
# refuse the whole write if any of them moved on since (ConcurrentEditError), as their saves would.


@dataclass(frozen=True)
class TermDates:
    """A term as history states it: its number, election date and planned end."""

    number: int
    started_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class CommitteeHistory:
    """A committee recorded from history: formed, its terms in order (possibly none known), dissolved."""

    unit: Unit
    formed_on: dt.date
    terms: Sequence[TermDates] = ()
    dissolved_on: dt.date | None = None


def _chain_ends(terms: Sequence[Term], dissolved_on: dt.date | None) -> None:
    """Each term ends when the next is elected; the last when its committee is dissolved (else runs on)."""
    for term, following in itertools.pairwise(terms):
        term.ended_on = following.started_on
    if terms:
        last = terms[-1]
        last.ended_on = dissolved_on if dissolved_on is not None and dissolved_on >= last.started_on else None


@audit.action("committees.committee_bulk_form", target="federation", label=_("批量成立妇委会"))
def committee_bulk_form(
    *, federation: Any, entries: Sequence[tuple[Hashable, CommitteeHistory]], acting_user: Any | None = None
) -> dict[Hashable, Committee]:
    """Records committees with their history at once: formed (committee_form's rules), each later term
    a re-election (term_reelect's), then the dissolution (committee_dissolve's)."""
    if not entries:
        return {}
    refusals = Refusals()
    previous: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for unit_id, formed, dissolved in Committee.objects.filter(federation=federation).values_list(
            "unit_id", "formed_on", "dissolved_on"):
        previous[unit_id].append((formed, dissolved))
    committees: dict[Hashable, Committee] = {}
    terms: list[Term] = []
    for key, entry in entries:
        first = entry.terms[0] if entry.terms else None
        ok = refusals.check(
            key, committee_form_rule, unit_established_on=entry.unit.established_on,
            unit_dissolved_on=entry.unit.dissolved_on, previous=previous[entry.unit.pk], formed_on=entry.formed_on,
            started_on=first.started_on if first else None, due_on=first.due_on if first else None,
        )
        for before, term in zip(entry.terms, entry.terms[1:], strict=False):
            ok = ok and refusals.check(
                key, term_reelect_rule, committee_formed_on=entry.formed_on, committee_dissolved_on=None,
                previous_started_on=before.started_on, previous_ended_on=None, started_on=term.started_on,
                due_on=term.due_on,
            )
        if ok and entry.dissolved_on is not None:
            ok = refusals.check(key, committee_dissolve_rule, formed_on=entry.formed_on, dissolved_before=None,
                                current_started_on=entry.terms[-1].started_on if entry.terms else None,
                                dissolved_on=entry.dissolved_on)
        if not ok:
            continue
        previous[entry.unit.pk].append((entry.formed_on, entry.dissolved_on))
        committee = Committee(federation_id=entry.unit.federation_id, unit=entry.unit, formed_on=entry.formed_on,
                              dissolved_on=entry.dissolved_on)
        committees[key] = committee
        own = [Term(federation_id=committee.federation_id, committee=committee, number=t.number,
                    started_on=t.started_on, due_on=t.due_on) for t in entry.terms]
        _chain_ends(own, entry.dissolved_on)
        terms += own
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        create_tracked(Committee, committees.values())
        for new_term in terms:
            new_term.committee = new_term.committee  # takes the committee's new key, keeps it cached
        create_tracked(Term, terms)
    return committees


@audit.action("committees.term_bulk_reelect", target="federation", label=_("批量换届"))
def term_bulk_reelect(
    *, federation: Any, entries: Sequence[tuple[Hashable, Committee, dt.date, dt.date]], carry_seats: bool = True,
    acting_user: Any | None = None,
) -> list[Term]:
    """Records re-elections at once, as term_reelect records one: (key, committee, started_on, due_on),
    in date order per committee. The current term ends that day; open seats end and, with `carry_seats`,
    continue into the new term."""
    if not entries:
        return []
    refusals = Refusals()
    # Per committee: the current term as (number, started_on, ended_on), and the open one's row.
    latest: dict[int, tuple[int, dt.date, dt.date | None]] = {}
    for committee_id, number, started, ended in Term.objects.filter(federation=federation).order_by(
            "committee_id", "number").values_list("committee_id", "number", "started_on", "ended_on"):
        latest[committee_id] = (number, started, ended)
    open_terms = {t.committee_id: t for t in Term.objects.filter(federation=federation, ended_on__isnull=True)}
    open_seats: dict[int, list[Seat]] = defaultdict(list)
    for seat in Seat.objects.filter(federation=federation, ended_on__isnull=True).order_by("id"):
        open_seats[seat.committee_id].append(seat)
    ended_terms: list[tuple[Term, dict[str, Any]]] = []
    ended_seats: list[tuple[Seat, dict[str, Any]]] = []
    new_terms: list[Term] = []
    new_seats: list[Seat] = []
    for key, committee, started_on, due_on in entries:
        number, previous_started, previous_ended = latest.get(committee.pk, (0, None, None))
        if not refusals.check(
            key, term_reelect_rule, committee_formed_on=committee.formed_on,
            committee_dissolved_on=committee.dissolved_on, previous_started_on=previous_started,
            previous_ended_on=previous_ended, started_on=started_on, due_on=due_on,
        ):
            continue
        running = open_terms.pop(committee.pk, None)
        if running is not None and running.pk is not None:
            ended_terms.append((running, {"ended_on": started_on}))
        elif running is not None:  # elected earlier in this batch
            running.ended_on = started_on
        term = Term(federation_id=committee.federation_id, committee=committee, number=number + 1,
                    started_on=started_on, due_on=due_on)
        new_terms.append(term)
        open_terms[committee.pk] = term
        latest[committee.pk] = (number + 1, started_on, None)
        carried = []
        for seat in open_seats.pop(committee.pk, []):
            ended = max(started_on, seat.started_on)
            if seat.pk is not None:
                ended_seats.append((seat, {"ended_on": ended}))
            else:
                seat.ended_on = ended
            if carry_seats:
                carried.append(Seat(federation_id=committee.federation_id, committee=committee, term=term,
                                    role=seat.role, person_id=seat.person_id, holder_name=seat.holder_name,
                                    started_on=started_on))
        open_seats[committee.pk] = carried
        new_seats += carried
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        update_tracked(Term, Term.objects.filter(federation=federation), ended_terms)
        update_tracked(Seat, Seat.objects.filter(federation=federation), ended_seats)
        create_tracked(Term, new_terms)
        for new_seat in new_seats:
            new_seat.term = new_seat.term  # takes the term's new key, keeps it cached
        create_tracked(Seat, new_seats)
    return new_terms


@audit.action("committees.committee_bulk_dissolve", target="federation", label=_("批量撤销妇委会"))
def committee_bulk_dissolve(
    *, federation: Any, entries: Sequence[tuple[Hashable, Committee, dt.date]], acting_user: Any | None = None
) -> None:
    """Dissolves committees at once, as committee_dissolve dissolves one: the current term and the open
    seats end that day."""
    if not entries:
        return
    refusals = Refusals()
    # The term still running is the committee's open one (a re-election ends the previous term).
    running_terms = {t.committee_id: t for t in Term.objects.filter(federation=federation, ended_on__isnull=True)}
    seats: dict[int, list[Seat]] = defaultdict(list)
    for seat in Seat.objects.filter(federation=federation, ended_on__isnull=True):
        seats[seat.committee_id].append(seat)
    committees, terms, ended_seats = [], [], []
    for key, committee, dissolved_on in entries:
        running = running_terms.get(committee.pk)
        if not refusals.check(key, committee_dissolve_rule, formed_on=committee.formed_on,
                              dissolved_before=committee.dissolved_on,
                              current_started_on=running.started_on if running else None, dissolved_on=dissolved_on):
            continue
        committees.append((committee, {"dissolved_on": dissolved_on}))
        if running is not None:
            terms.append((running, {"ended_on": dissolved_on}))
        ended_seats += [(seat, {"ended_on": max(dissolved_on, seat.started_on)}) for seat in seats[committee.pk]]
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        update_tracked(Term, Term.objects.filter(federation=federation), terms)
        update_tracked(Seat, Seat.objects.filter(federation=federation), ended_seats)
        update_tracked(Committee, Committee.objects.filter(federation=federation), committees)


@audit.action("committees.vacancy_bulk_record", target="federation", label=_("批量登记缺位"))
def vacancy_bulk_record(
    *, federation: Any, entries: Sequence[tuple[Hashable, Committee, str, dt.date, dt.date | None]],
    acting_user: Any | None = None,
) -> list[Vacancy]:
    """Records vacancies from history at once, as vacancy_record records one: (key, committee, role,
    vacated_on, filled_on)."""
    refusals = Refusals()
    new = []
    for key, committee, role, vacated_on, filled_on in entries:
        if role not in Seat.Role.values:
            refusals.add(key, _refuse(MSG_BAD_ROLE, "bad_role"))
            continue
        if refusals.check(key, vacancy_record_rule, committee_formed_on=committee.formed_on,
                          committee_dissolved_on=committee.dissolved_on, vacated_on=vacated_on, filled_on=filled_on):
            new.append(Vacancy(federation_id=committee.federation_id, committee=committee, role=role,
                               vacated_on=vacated_on, filled_on=filled_on))
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        return create_tracked(Vacancy, new)


@audit.action("committees.vacancy_bulk_fill", target="federation", label=_("批量补缺"))
def vacancy_bulk_fill(
    *, federation: Any, entries: Sequence[tuple[Hashable, Vacancy, dt.date]], acting_user: Any | None = None
) -> None:
    """Marks vacancies filled at once, as vacancy_fill marks one: (key, vacancy, filled_on)."""
    refusals = Refusals()
    changes = []
    for key, vacancy, filled_on in entries:
        if refusals.check(key, vacancy_fill_rule, vacated_on=vacancy.vacated_on, filled_before=vacancy.filled_on,
                          filled_on=filled_on):
            changes.append((vacancy, {"filled_on": filled_on}))
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        update_tracked(Vacancy, Vacancy.objects.filter(federation=federation), changes)


@audit.action("committees.history_bulk_correct", target="federation", label=_("批量更正历届情况"))
def history_bulk_correct(
    *,
    federation: Any,
    committees: Sequence[tuple[Hashable, Committee, dict[str, Any]]] = (),
    terms: Sequence[tuple[Hashable, Term, dict[str, Any]]] = (),
    added_terms: Sequence[tuple[Hashable, Committee, TermDates]] = (),
    vacancies: Sequence[tuple[Hashable, Vacancy, dict[str, Any]]] = (),
    acting_user: Any | None = None,
) -> None:
    """Corrects recorded dates at once (更正, as the `<event>_correct` services do one by one):
    formed_on / dissolved_on of committees, started_on / due_on of terms, filled_on of vacancies (None:
    the fill withdrawn); and adds terms a committee's recorded history lacks (an earlier one).

    Each unit concerned is loaded as a `committees.history.UnitHistory`, changed by the same
    transformations the correction services use (a moved election moves the previous term's end, a
    moved dissolution the last term's end), and refused when that brings a problem its history did not
    have before (history.new_problems: the whole-history rules, today's date included). Then only the
    rows that differ are written, with their audit events.
    """
    if not (committees or terms or added_terms or vacancies):
        return
    refusals = Refusals()
    today = clock.today()
    years = federation.term_length_years
    committee_units = dict(Committee.objects.filter(federation=federation).values_list("id", "unit_id"))
    unit_ids = ({committee_units[c.pk] for _, c, _ in committees} | {committee_units[t.committee_id] for _, t, _ in terms}
                | {committee_units[c.pk] for _, c, _ in added_terms}
                | {committee_units[v.committee_id] for _, v, _ in vacancies})
    loaded = _load_histories(federation, unit_ids, committee_units)
    before = {uid: h.copy() for uid, h in loaded.items()}
    keys: dict[int, Hashable] = {}  # unit -> the first item that concerns it (where a new problem is reported)
    added: list[tuple[Committee, TermRow]] = []

    def apply(key: Hashable, unit_id: int, change: Any) -> None:
        keys.setdefault(unit_id, key)
        try:
            change(loaded[unit_id])
        except ValidationError as refused:
            refusals.add(key, refused)

    for key, committee, values in committees:
        uid = committee_units[committee.pk]
        if "formed_on" in values:
            apply(key, uid, lambda h, c=committee, v=values: history.correct_formation(
                h, c.pk, formed_on=v["formed_on"], first_started_on=None, first_due_on=None, term_years=years))
        if "dissolved_on" in values:
            apply(key, uid, lambda h, c=committee, v=values: history.correct_dissolution(
                h, c.pk, dissolved_on=v["dissolved_on"]))
    for key, term, values in terms:
        uid = committee_units[term.committee_id]
        apply(key, uid, lambda h, t=term, v=values: history.correct_term(
            h, t.pk, started_on=v.get("started_on", h.terms[t.pk].started_on),
            due_on=v.get("due_on", h.terms[t.pk].due_on), term_years=years))
    for n, (key, committee, dates) in enumerate(added_terms, start=1):
        uid = committee_units[committee.pk]
        row = TermRow(-n, committee.pk, dates.number, dates.started_on, dates.due_on, None)

        def add(h: UnitHistory, row: TermRow = row) -> None:
            h.terms[row.id] = row
            _chain_ends_of(h, row.committee_id)

        apply(key, uid, add)
        added.append((committee, row))
    for key, vacancy, values in vacancies:
        uid = committee_units[vacancy.committee_id]
        if values.get("filled_on") is None:
            apply(key, uid, lambda h, v=vacancy: history.withdraw_fill(h, v.pk))
        else:
            apply(key, uid, lambda h, v=vacancy, f=values["filled_on"]: history.correct_fill(h, v.pk, filled_on=f))
    for uid, h in loaded.items():
        found = history.new_problems(before[uid], h, today)
        if found and uid in keys:
            refusals.add(keys[uid], ValidationError([p.error() for p in found[:PROBLEMS_SHOWN]]))
    refusals.raise_if_any()
    with audit.attributed_to(acting_user), transaction.atomic():
        _persist_histories(federation, before, loaded, added)


def _chain_ends_of(h: UnitHistory, committee_id: int) -> None:
    """After a term was added: each ends when the next is elected, the last with the committee."""
    chain = h.terms_of(committee_id)
    for term, following in itertools.pairwise(chain):
        term.ended_on = following.started_on
    if chain:
        dissolved = h.committees[committee_id].dissolved_on
        chain[-1].ended_on = dissolved if dissolved is not None and dissolved >= chain[-1].started_on else None


def _load_histories(federation: Any, unit_ids: set[int], committee_units: dict[int, int]) -> dict[int, UnitHistory]:
    """The units' histories from one query per table of the federation (no lists of ids)."""
    out: dict[int, UnitHistory] = {}
    for pk, established, dissolved in Unit.objects.filter(federation=federation).values_list(
            "id", "established_on", "dissolved_on"):
        if pk in unit_ids:
            out[pk] = UnitHistory(established_on=established, dissolved_on=dissolved)
    for pk, unit_id, formed, dissolved in Committee.objects.filter(federation=federation).values_list(
            "id", "unit_id", "formed_on", "dissolved_on"):
        if unit_id in out:
            out[unit_id].committees[pk] = CommitteeRow(pk, formed, dissolved)
    for values in Term.objects.filter(federation=federation).values_list(
            "id", "committee_id", "number", "started_on", "due_on", "ended_on"):
        uid = committee_units.get(values[1])
        if uid in out:
            out[uid].terms[values[0]] = TermRow(*values)
    for seat in Seat.objects.filter(federation=federation).values_list(
            "id", "committee_id", "term_id", "role", "person_id", "holder_name", "started_on", "ended_on"):
        uid = committee_units.get(seat[1])
        if uid in out:
            out[uid].seats[seat[0]] = SeatRow(*seat)
    for vacancy in Vacancy.objects.filter(federation=federation).values_list(
            "id", "committee_id", "role", "seat_id", "vacated_on", "filled_on", "filled_by_id"):
        uid = committee_units.get(vacancy[1])
        if uid in out:
            out[uid].vacancies[vacancy[0]] = VacancyRow(*vacancy)
    return out


def _persist_histories(federation: Any, before: dict[int, UnitHistory], after: dict[int, UnitHistory],
                       added: list[tuple[Committee, TermRow]]) -> None:
    """Writes what differs between the histories as loaded and as corrected (as `_persist` does for one)."""
    changes: dict[type[Any], dict[int, dict[str, Any]]] = {Committee: {}, Term: {}, Seat: {}, Vacancy: {}}
    removed: dict[type[Any], set[int]] = {Committee: set(), Term: set(), Seat: set(), Vacancy: set()}
    for uid, new in after.items():
        old = before[uid]
        for model, old_rows, new_rows in ((Committee, old.committees, new.committees), (Term, old.terms, new.terms),
                                          (Seat, old.seats, new.seats), (Vacancy, old.vacancies, new.vacancies)):
            for pk, row in new_rows.items():
                if pk < 0:
                    continue
                was = old_rows[pk]
                differ = {f: getattr(row, f) for f in _FIELDS[model] if getattr(row, f) != getattr(was, f)}
                if differ:
                    changes[model][pk] = differ
            removed[model] |= set(old_rows) - set(new_rows)
    for model in (Committee, Term, Seat, Vacancy):
        if changes[model]:
            rows = model.objects.filter(pk__in=list(changes[model]))  # the corrected rows only
            update_tracked(model, model.objects.filter(federation=federation),
                           [(obj, changes[model][obj.pk]) for obj in rows])
    for model in (Vacancy, Seat, Term, Committee):
        for obj in model.objects.filter(pk__in=list(removed[model])):
            obj.delete()
    create_tracked(Term, [Term(federation_id=committee.federation_id, committee=committee, number=row.number,
                               started_on=row.started_on, due_on=row.due_on, ended_on=row.ended_on)
                          for committee, row in added])
