"""A unit's committee history in memory: what makes it consistent, and how each correction changes it. Pure.

Corrections (更正) and withdrawals (撤销登记) of recorded events do not patch rows one by one: the service
loads the unit's whole history (committees, terms, seats, vacancies) into a `UnitHistory`, applies one of
the transformations below to a copy, asks `problems()` of both, and refuses when the correction brings a
problem the history did not have before (a located message: which term, which seat, which date). Only
then does it write the rows that differ (committees.services). Problems already present in the recorded
history (older imports) do not block a correction that leaves them as they were.

What "as if it never happened" means for each event is written at its transformation. Where an event
moved other rows (a re-election ends the previous term and carries the seats; a dissolution ends the
seats), they are found by their dates: a seat ended by a re-election or a dissolution is one that ended on
that day and left no vacancy behind.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from committees.rules import add_years

CHAIR = "chair"

# ---- what can be wrong, each message saying where -------------------------------------------------

MSG_COMMITTEE_BEFORE_UNIT = _("妇委会成立日期（%(day)s）早于单位成立日期（%(limit)s）。")
MSG_COMMITTEE_AFTER_UNIT_END = _("单位已于 %(limit)s 撤销，妇委会成立日期（%(day)s）须早于这一天。")
MSG_COMMITTEE_OUTLIVES_UNIT = _("单位已于 %(limit)s 撤销，%(day)s 成立的妇委会须在这一天或之前撤销。")
MSG_COMMITTEES_OVERLAP = _("%(day)s 成立的妇委会与 %(limit)s 成立的妇委会存续期间重叠。")
MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED = _("妇委会撤销日期（%(day)s）早于成立日期（%(limit)s）。")
MSG_TERM_BEFORE_FORMED = _("第%(n)s届的选举日期（%(day)s）早于妇委会成立日期（%(limit)s）。")
MSG_TERM_NOT_AFTER_PREVIOUS = _("第%(n)s届的选举日期（%(day)s）须晚于第%(p)s届的选举日期（%(limit)s）。")
MSG_TERM_DUE_NOT_AFTER_START = _("第%(n)s届的届满日期（%(day)s）须晚于选举日期（%(limit)s）。")
MSG_TERM_AFTER_DISSOLVED = _("第%(n)s届的选举日期（%(day)s）晚于妇委会撤销日期（%(limit)s）。")
MSG_SEAT_BEFORE_FORMED = _("%(who)s的任职日期（%(day)s）早于妇委会成立日期（%(limit)s）。")
MSG_SEAT_ENDS_BEFORE_START = _("%(who)s的离任日期（%(day)s）早于任职日期（%(limit)s）。")
MSG_SEAT_OUTLIVES_COMMITTEE = _("妇委会已于 %(limit)s 撤销，%(who)s的任职须在这一天或之前结束。")
MSG_TWO_CHAIRS = _("%(who)s与%(other)s担任主任的期间重叠（%(day)s）。")
MSG_SAME_POST_TWICE = _("%(who)s与%(other)s是同一人同一职务，任职期间重叠（%(day)s）。")
MSG_VACANCY_BEFORE_FORMED = _("%(what)s：缺位日期早于妇委会成立日期（%(limit)s）。")
MSG_VACANCY_AFTER_DISSOLVED = _("%(what)s：缺位日期晚于妇委会撤销日期（%(limit)s）。")
MSG_FILLED_BEFORE_VACATED = _("%(what)s：补充日期（%(day)s）早于缺位日期。")
MSG_FILLED_BY_OTHER_POST = _("%(what)s由%(who)s补上，但二者职务不同。")
MSG_IN_FUTURE = _("%(what)s（%(day)s）晚于今天（%(limit)s）：尚未发生的事不能登记。")

# Refusals of a correction before any check of the whole history.
MSG_NOTHING_CHANGED = _("没有要更正的内容：填写的与原来登记的相同。")
MSG_FIRST_TERM_IS_FORMATION = _("第1届随妇委会组建登记，不能单独撤销；如组建本身有误，请撤销组建登记。")
MSG_ONLY_LATEST_REELECTION = _("只能撤销最近一次换届（第%(n)s届）的登记；请先撤销之后的换届。")
MSG_SEAT_WAS_VACATED = _("%(who)s已登记离任（缺位），请先撤销该缺位登记。")
MSG_VACANCY_WAS_FILLED = _("该缺位已补上，请先撤销补缺登记。")
MSG_VACANCY_NOT_FILLED = _("该缺位尚未补上，没有补缺登记可更正或撤销。")
MSG_NOT_DISSOLVED = _("该妇委会尚未撤销，没有撤销登记可更正或撤销。")


# ---- the history ------------------------------------------------------------------------------------


@dataclass
class CommitteeRow:
    id: int
    formed_on: dt.date
    dissolved_on: dt.date | None


@dataclass
class TermRow:
    id: int
    committee_id: int
    number: int
    started_on: dt.date
    due_on: dt.date
    ended_on: dt.date | None


@dataclass
class SeatRow:
    id: int
    committee_id: int
    term_id: int | None
    role: str
    person_id: int | None
    holder_name: str
    started_on: dt.date
    ended_on: dt.date | None


@dataclass
class VacancyRow:
    id: int
    committee_id: int
    role: str
    seat_id: int | None
    vacated_on: dt.date
    filled_on: dt.date | None
    filled_by_id: int | None


@dataclass
class UnitHistory:
    """Every committee of one unit with its terms, seats and vacancies, and the unit's own span."""

    established_on: dt.date | None
    dissolved_on: dt.date | None
    committees: dict[int, CommitteeRow] = field(default_factory=dict)
    terms: dict[int, TermRow] = field(default_factory=dict)
    seats: dict[int, SeatRow] = field(default_factory=dict)
    vacancies: dict[int, VacancyRow] = field(default_factory=dict)

    def copy(self) -> UnitHistory:
        return copy.deepcopy(self)

    def terms_of(self, committee_id: int) -> list[TermRow]:
        return sorted((t for t in self.terms.values() if t.committee_id == committee_id), key=lambda t: t.number)

    def seats_of(self, committee_id: int) -> list[SeatRow]:
        return sorted((s for s in self.seats.values() if s.committee_id == committee_id),
                      key=lambda s: (s.started_on, s.id))

    def vacancies_of(self, committee_id: int) -> list[VacancyRow]:
        return sorted((v for v in self.vacancies.values() if v.committee_id == committee_id),
                      key=lambda v: (v.vacated_on, v.id))

    def vacancy_of_seat(self, seat_id: int) -> VacancyRow | None:
        return next((v for v in self.vacancies.values() if v.seat_id == seat_id), None)

    def previous_term(self, term: TermRow) -> TermRow | None:
        return next((t for t in self.terms_of(term.committee_id) if t.number == term.number - 1), None)


# ---- what the messages call each record -----------------------------------------------------------


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def post_label(role: str) -> str:
    from committees.models import Seat

    return str(Seat.Role(role).label) if role in Seat.Role.values else role


def seat_label(seat: SeatRow) -> str:
    return _g("%(name)s（%(post)s，%(day)s 起）") % {
        "name": seat.holder_name or "—", "post": post_label(seat.role), "day": _d(seat.started_on)}


def vacancy_label(vacancy: VacancyRow) -> str:
    return _g("%(day)s 起的%(post)s缺位") % {"day": _d(vacancy.vacated_on), "post": post_label(vacancy.role)}


@dataclass(frozen=True)
class Problem:
    """One inconsistency: `key` names it (to compare two histories), `code` where a form shows it."""

    key: tuple[Any, ...]
    code: str
    message: Any
    params: dict[str, Any]

    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code, params=self.params)


def _p(code: str, key: tuple[Any, ...], message: Any, **params: Any) -> Problem:
    return Problem((code, *key), code, message, {k: _d(v) if isinstance(v, dt.date) else v for k, v in params.items()})


def problems(h: UnitHistory, today: dt.date) -> list[Problem]:
    """Everything inconsistent in the history, as of `today` (nothing may be dated after it)."""
    return list(_problems(h, today))


def _problems(h: UnitHistory, today: dt.date) -> Iterator[Problem]:
    committees = sorted(h.committees.values(), key=lambda c: (c.formed_on, c.id))
    for c in committees:
        if h.established_on is not None and c.formed_on < h.established_on:
            yield _p("formed_before_unit", (c.id,), MSG_COMMITTEE_BEFORE_UNIT, day=c.formed_on, limit=h.established_on)
        if h.dissolved_on is not None:
            if c.formed_on >= h.dissolved_on:
                yield _p("formed_after_unit_dissolved", (c.id,), MSG_COMMITTEE_AFTER_UNIT_END, day=c.formed_on,
                         limit=h.dissolved_on)
            elif c.dissolved_on is None or c.dissolved_on > h.dissolved_on:
                yield _p("committee_outlives_unit", (c.id,), MSG_COMMITTEE_OUTLIVES_UNIT, day=c.formed_on,
                         limit=h.dissolved_on)
        if c.dissolved_on is not None and c.dissolved_on < c.formed_on:
            yield _p("dissolved_before_formed", (c.id,), MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED, day=c.dissolved_on,
                     limit=c.formed_on)
        yield from _future(("committee_formed", c.id), MSG_IN_FUTURE, _g("妇委会成立日期"), c.formed_on, today)
        yield from _future(("committee_dissolved", c.id), MSG_IN_FUTURE, _g("妇委会撤销日期"), c.dissolved_on, today)
        yield from _term_problems(h, c, today)
        yield from _seat_problems(h, c, today)
        yield from _vacancy_problems(h, c, today)
    for i, a in enumerate(committees):
        for b in committees[i + 1:]:
            if a.dissolved_on is None or b.formed_on < a.dissolved_on:
                yield _p("committee_overlap", (a.id, b.id), MSG_COMMITTEES_OVERLAP, day=b.formed_on, limit=a.formed_on)


def _future(key: tuple[Any, ...], message: Any, what: str, day: dt.date | None, today: dt.date) -> Iterator[Problem]:
    if day is not None and day > today:
        yield _p("in_future", key, message, what=what, day=day, limit=today)


def _term_problems(h: UnitHistory, c: CommitteeRow, today: dt.date) -> Iterator[Problem]:
    previous: TermRow | None = None
    for t in h.terms_of(c.id):
        if previous is None and t.started_on < c.formed_on:
            yield _p("before_formed", (t.id,), MSG_TERM_BEFORE_FORMED, n=t.number, day=t.started_on, limit=c.formed_on)
        if previous is not None and t.started_on <= previous.started_on:
            yield _p("term_before_previous", (t.id,), MSG_TERM_NOT_AFTER_PREVIOUS, n=t.number, p=previous.number,
                     day=t.started_on, limit=previous.started_on)
        if t.due_on <= t.started_on:
            yield _p("due_not_after_start", (t.id,), MSG_TERM_DUE_NOT_AFTER_START, n=t.number, day=t.due_on,
                     limit=t.started_on)
        if c.dissolved_on is not None and t.started_on > c.dissolved_on:
            yield _p("term_after_dissolved", (t.id,), MSG_TERM_AFTER_DISSOLVED, n=t.number, day=t.started_on,
                     limit=c.dissolved_on)
        yield from _future(("term_started", t.id), MSG_IN_FUTURE, _g("第%(n)s届的选举日期") % {"n": t.number},
                           t.started_on, today)
        previous = t


def _overlap(a: SeatRow, b: SeatRow) -> bool:
    return (a.ended_on is None or b.started_on < a.ended_on) and (b.ended_on is None or a.started_on < b.ended_on)


def _seat_problems(h: UnitHistory, c: CommitteeRow, today: dt.date) -> Iterator[Problem]:
    seats = h.seats_of(c.id)
    for s in seats:
        who = seat_label(s)
        if s.started_on < c.formed_on:
            yield _p("before_formed", ("seat", s.id), MSG_SEAT_BEFORE_FORMED, who=who, day=s.started_on,
                     limit=c.formed_on)
        if s.ended_on is not None and s.ended_on < s.started_on:
            yield _p("ends_before_start", (s.id,), MSG_SEAT_ENDS_BEFORE_START, who=who, day=s.ended_on,
                     limit=s.started_on)
        if c.dissolved_on is not None and (s.ended_on is None or s.ended_on > c.dissolved_on):
            yield _p("after_dissolved", ("seat", s.id), MSG_SEAT_OUTLIVES_COMMITTEE, who=who, limit=c.dissolved_on)
        yield from _future(("seat_started", s.id), MSG_IN_FUTURE, _g("%(who)s的任职日期") % {"who": who},
                           s.started_on, today)
        yield from _future(("seat_ended", s.id), MSG_IN_FUTURE, _g("%(who)s的离任日期") % {"who": who},
                           s.ended_on, today)
    for i, a in enumerate(seats):
        for b in seats[i + 1:]:
            if a.role != b.role or not _overlap(a, b):
                continue
            same_holder = (a.person_id is not None and a.person_id == b.person_id) or (
                a.person_id is None and b.person_id is None and a.holder_name == b.holder_name)
            if a.role == CHAIR:
                yield _p("chair_taken", (a.id, b.id), MSG_TWO_CHAIRS, who=seat_label(a), other=seat_label(b),
                         day=b.started_on)
            elif same_holder:
                yield _p("holds_post", (a.id, b.id), MSG_SAME_POST_TWICE, who=seat_label(a), other=seat_label(b),
                         day=b.started_on)


def _vacancy_problems(h: UnitHistory, c: CommitteeRow, today: dt.date) -> Iterator[Problem]:
    for v in h.vacancies_of(c.id):
        what = vacancy_label(v)
        if v.vacated_on < c.formed_on:
            yield _p("before_formed", ("vacancy", v.id), MSG_VACANCY_BEFORE_FORMED, what=what, limit=c.formed_on)
        if c.dissolved_on is not None and v.vacated_on > c.dissolved_on:
            yield _p("after_dissolved", ("vacancy", v.id), MSG_VACANCY_AFTER_DISSOLVED, what=what,
                     limit=c.dissolved_on)
        if v.filled_on is not None and v.filled_on < v.vacated_on:
            yield _p("filled_before_vacated", (v.id,), MSG_FILLED_BEFORE_VACATED, what=what, day=v.filled_on)
        filler = h.seats.get(v.filled_by_id) if v.filled_by_id else None
        if filler is not None and filler.role != v.role:
            yield _p("vacancy_other_role", (v.id,), MSG_FILLED_BY_OTHER_POST, what=what, who=seat_label(filler))
        yield from _future(("vacated", v.id), MSG_IN_FUTURE, _g("%(what)s的缺位日期") % {"what": what},
                           v.vacated_on, today)
        yield from _future(("filled", v.id), MSG_IN_FUTURE, _g("%(what)s的补充日期") % {"what": what},
                           v.filled_on, today)


def new_problems(before: UnitHistory, after: UnitHistory, today: dt.date) -> list[Problem]:
    """The problems `after` has that `before` had not (a correction must bring none)."""
    known = {p.key for p in problems(before, today)}
    return [p for p in problems(after, today) if p.key not in known]


def refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# ---- the transformations: one per correction or withdrawal -----------------------------------------


def _reassign_terms(h: UnitHistory, committee_id: int) -> None:
    """Each seat belongs to the term current on the day it started (as seat_assign files it)."""
    terms = h.terms_of(committee_id)
    for s in h.seats_of(committee_id):
        started = [t for t in terms if t.started_on <= s.started_on]
        s.term_id = started[-1].id if started else None


def _ended_by(h: UnitHistory, seats: list[SeatRow], day: dt.date) -> list[SeatRow]:
    """Seats that ended on `day` without leaving a vacancy: ended by the re-election or dissolution of that day."""
    return [s for s in seats if s.ended_on == day and h.vacancy_of_seat(s.id) is None]


def _move_seat_start(h: UnitHistory, seat: SeatRow, day: dt.date) -> None:
    """A seat's start and the fill it made are one event: the fill moves with it."""
    for v in h.vacancies.values():
        if v.filled_by_id == seat.id and v.filled_on == seat.started_on:
            v.filled_on = day
    seat.started_on = day


def _move_term_start(h: UnitHistory, term: TermRow, day: dt.date) -> None:
    """A term's election moves; so do the previous term's end, the seats taken up that day (carried or elected)
    and the previous term's seats ended by it."""
    old = term.started_on
    if day == old:
        return
    previous = h.previous_term(term)
    if previous is not None:
        if previous.ended_on == old:
            previous.ended_on = day
        ended = _ended_by(h, [s for s in h.seats_of(term.committee_id) if s.term_id == previous.id], old)
    else:
        ended = []
    for s in h.seats_of(term.committee_id):
        if s.term_id == term.id and s.started_on == old:
            _move_seat_start(h, s, day)
    for s in ended:
        s.ended_on = day
    term.started_on = day


def correct_formation(h: UnitHistory, committee_id: int, *, formed_on: dt.date, first_started_on: dt.date | None,
                      first_due_on: dt.date | None, term_years: int) -> None:
    """成立日期 and 第1届: the first term's election follows the formation when it was on the same day."""
    c = h.committees[committee_id]
    terms = h.terms_of(committee_id)
    first = terms[0] if terms else None
    if first is not None:
        if first_started_on is None:
            first_started_on = formed_on if first.started_on == c.formed_on else first.started_on
        _correct_term_dates(h, first, first_started_on, first_due_on, term_years)
    c.formed_on = formed_on


def _correct_term_dates(h: UnitHistory, term: TermRow, started_on: dt.date, due_on: dt.date | None,
                        term_years: int) -> None:
    moved = started_on != term.started_on
    _move_term_start(h, term, started_on)
    if due_on is not None:
        term.due_on = due_on
    elif moved:
        term.due_on = add_years(started_on, term_years)
    _reassign_terms(h, term.committee_id)


def withdraw_formation(h: UnitHistory, committee_id: int) -> None:
    """As if the committee had never been formed: it goes with every term, seat and vacancy recorded for it."""
    for rows in (h.vacancies, h.seats, h.terms):
        for pk in [pk for pk, row in rows.items() if row.committee_id == committee_id]:  # type: ignore[attr-defined]
            del rows[pk]
    del h.committees[committee_id]


def correct_term(h: UnitHistory, term_id: int, *, started_on: dt.date, due_on: dt.date | None,
                 term_years: int) -> None:
    """选举日期 and 届满日期 of a term (a re-election, or the first term)."""
    _correct_term_dates(h, h.terms[term_id], started_on, due_on, term_years)


def withdraw_term(h: UnitHistory, term_id: int) -> None:
    """As if the re-election had never happened: the previous term runs on as far as this one did, the seats
    carried into this term are the previous ones again, and those it ended without a vacancy run on with it.
    Seats appointed during this term stay (they are filed under the previous term). Only the latest one."""
    term = h.terms[term_id]
    if term.number == 1:
        raise refuse(MSG_FIRST_TERM_IS_FORMATION, "first_term")
    latest = h.terms_of(term.committee_id)[-1]
    if latest.id != term.id:
        raise refuse(MSG_ONLY_LATEST_REELECTION, "not_latest", n=latest.number)
    previous = h.previous_term(term)
    assert previous is not None
    seats = h.seats_of(term.committee_id)
    ended = _ended_by(h, [s for s in seats if s.term_id == previous.id], term.started_on)
    for s in [s for s in seats if s.term_id == term.id and s.started_on == term.started_on]:
        before = next((e for e in ended if (e.role, e.person_id, e.holder_name) == (s.role, s.person_id, s.holder_name)),
                      None)
        if before is None:
            continue
        # Carried: the earlier seat simply goes on.
        ended.remove(before)
        before.ended_on = s.ended_on
        for v in h.vacancies.values():
            if v.seat_id == s.id:
                v.seat_id = before.id
            if v.filled_by_id == s.id:
                v.filled_by_id = before.id
        del h.seats[s.id]
    for s in ended:
        s.ended_on = term.ended_on
    previous.ended_on = term.ended_on
    del h.terms[term.id]
    _reassign_terms(h, term.committee_id)


def correct_seat(h: UnitHistory, seat_id: int, *, started_on: dt.date, role: str, person_id: int | None,
                 holder_name: str) -> None:
    """任职日期, post and holder of a seat; the fill it made and the vacancy it left follow its post and start."""
    s = h.seats[seat_id]
    _move_seat_start(h, s, started_on)
    if role != s.role:
        for v in h.vacancies.values():
            if v.seat_id == s.id:
                v.role = role
    s.role, s.person_id, s.holder_name = role, person_id, holder_name
    _reassign_terms(h, s.committee_id)


def _continuations(h: UnitHistory, seat: SeatRow) -> list[SeatRow]:
    """The seat and the copies of it carried into later terms (same holder and post, from the day it ended)."""
    chain = [seat]
    while chain[-1].ended_on is not None:
        last = chain[-1]
        nxt = next((s for s in h.seats_of(seat.committee_id)
                    if s.id != last.id and s.started_on == last.ended_on and s.term_id is not None
                    and h.terms[s.term_id].started_on == s.started_on
                    and (s.role, s.person_id, s.holder_name) == (last.role, last.person_id, last.holder_name)), None)
        if nxt is None or h.vacancy_of_seat(last.id) is not None:
            break
        chain.append(nxt)
    return chain


def withdraw_seat(h: UnitHistory, seat_id: int) -> list[SeatRow]:
    """As if the appointment had never happened: the seat goes (with its copies carried into later terms), and
    a vacancy it filled is open again. A seat whose holder left (a vacancy) must have that withdrawn first.
    Returns the seats removed."""
    chain = _continuations(h, h.seats[seat_id])
    for s in chain:
        if h.vacancy_of_seat(s.id) is not None:
            raise refuse(MSG_SEAT_WAS_VACATED, "seat_vacated", who=seat_label(s))
    for s in chain:
        for v in h.vacancies.values():
            if v.filled_by_id == s.id:
                v.filled_by_id, v.filled_on = None, None
        del h.seats[s.id]
    return chain


def correct_vacancy(h: UnitHistory, vacancy_id: int, *, vacated_on: dt.date, role: str) -> None:
    """缺位日期 (the seat's 离任日期 follows); the post only of a vacancy recorded without a seat."""
    v = h.vacancies[vacancy_id]
    seat = h.seats.get(v.seat_id) if v.seat_id else None
    if seat is not None:
        if seat.ended_on == v.vacated_on:
            seat.ended_on = vacated_on
    else:
        v.role = role
    v.vacated_on = vacated_on


def withdraw_vacancy(h: UnitHistory, vacancy_id: int) -> None:
    """As if the holder had never left: the seat runs on to the end of its term (or of the committee), and the
    vacancy goes. A filled vacancy must have its fill withdrawn first."""
    v = h.vacancies[vacancy_id]
    if v.filled_on is not None:
        raise refuse(MSG_VACANCY_WAS_FILLED, "vacancy_filled")
    seat = h.seats.get(v.seat_id) if v.seat_id else None
    if seat is not None:
        term = h.terms.get(seat.term_id) if seat.term_id else None
        seat.ended_on = term.ended_on if term is not None else h.committees[seat.committee_id].dissolved_on
    del h.vacancies[vacancy_id]


def correct_fill(h: UnitHistory, vacancy_id: int, *, filled_on: dt.date) -> None:
    """补充日期; the seat that filled it starts that day too."""
    v = h.vacancies[vacancy_id]
    if v.filled_on is None:
        raise refuse(MSG_VACANCY_NOT_FILLED, "not_filled")
    seat = h.seats.get(v.filled_by_id) if v.filled_by_id else None
    if seat is not None and seat.started_on == v.filled_on:
        _move_seat_start(h, seat, filled_on)
        _reassign_terms(h, seat.committee_id)
    v.filled_on = filled_on


def withdraw_fill(h: UnitHistory, vacancy_id: int) -> list[SeatRow]:
    """As if the post had not been filled: the vacancy is open again; a seat that filled it was the fill itself
    (任命 of the newcomer) and goes with it. Returns the seats removed."""
    v = h.vacancies[vacancy_id]
    if v.filled_on is None:
        raise refuse(MSG_VACANCY_NOT_FILLED, "not_filled")
    if v.filled_by_id and v.filled_by_id in h.seats:
        return withdraw_seat(h, v.filled_by_id)
    v.filled_on, v.filled_by_id = None, None
    return []


def correct_dissolution(h: UnitHistory, committee_id: int, *, dissolved_on: dt.date | None) -> None:
    """撤销日期 of a committee, or its withdrawal (None): the last term and the seats it ended follow."""
    c = h.committees[committee_id]
    old = c.dissolved_on
    if old is None:
        raise refuse(MSG_NOT_DISSOLVED, "not_dissolved")
    terms = h.terms_of(committee_id)
    if terms and terms[-1].ended_on == old:
        terms[-1].ended_on = dissolved_on
    for s in _ended_by(h, h.seats_of(committee_id), old):
        s.ended_on = dissolved_on
    c.dissolved_on = dissolved_on
