"""Checking the ledger's rows against each other and against what the platform holds, sheet by sheet.

Pure: it reads `ParsedLedger` rows and a `FederationState` and adds located problems; it writes nothing.
`check_units` runs first (it decides which committee each unit has as the ledger means it), then
`check_terms` and `check_vacancies` against those committees. Blank 届满日期 are filled in here from the
federation's term length, as the services would.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from committees.ledger import columns as c
from committees.ledger.cells import shown
from committees.ledger.problems import Problem, ProblemList
from committees.ledger.reading import ParsedLedger, TermRow, UnitRow, VacancyRow
from committees.ledger.state import FederationState, pick_committee
from committees.rules import add_years
from core import clock

MSG_DUPLICATE_UNIT = _("单位名称重复（与第{row}行相同）")
MSG_DUPLICATE_TERM = _("同一单位的届次重复（与第{row}行相同）")
MSG_DUPLICATE_VACANCY = _("重复的缺位记录（与第{row}行的单位、职务、缺位日期相同）")
MSG_UNKNOWN_UNIT = _("单位不在「单位」表中，系统中也没有该单位")
MSG_DISSOLVED_BEFORE_ESTABLISHED = _("撤销日期早于成立日期（{other}）")
MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED = _("妇委会撤销日期早于妇委会成立日期（{other}）")
MSG_COMMITTEE_DISSOLVED_WITHOUT_FORMED = _("填写了妇委会撤销日期，但没有妇委会成立日期")
MSG_COMMITTEE_BEFORE_UNIT = _("妇委会成立日期早于单位成立日期（{other}）")
MSG_COMMITTEE_AFTER_UNIT_DISSOLVED = _("妇委会成立日期不能在单位撤销日期（{other}）当天或之后")
MSG_COMMITTEE_AFTER_UNIT = _("妇委会撤销日期晚于单位撤销日期（{other}）")
MSG_SUCCESSOR_UNKNOWN = _("并入单位不在「单位」表中，系统中也没有该单位")
MSG_SUCCESSOR_SELF = _("单位不能并入自身")
MSG_SUCCESSOR_NOT_DISSOLVED = _("填写了并入单位，但没有撤销日期")
MSG_SUCCESSOR_DISSOLVED = _("并入单位在本单位撤销之日或之前已撤销（{other}），应并入存续的单位")
MSG_NO_COMMITTEE = _("该单位没有妇委会（「单位」表中妇委会成立日期为空，系统中也没有），不能登记{what}")
MSG_DUE_NOT_AFTER_START = _("届满日期必须晚于选举日期（{other}）")
MSG_TERM_BEFORE_COMMITTEE = _("选举日期早于妇委会成立日期（{other}）")
MSG_TERM_AFTER_COMMITTEE_DISSOLVED = _("选举日期晚于妇委会撤销日期（{other}）")
MSG_TERM_OVERLAP = _("与第{other}届时间重叠：第{number}届的选举日期应晚于第{other}届的选举日期（{date}）")
MSG_TERM_OVERLAP_NEXT = _("与第{other}届时间重叠：第{number}届的选举日期应早于第{other}届的选举日期（{date}）")
MSG_FILLED_BEFORE_VACATED = _("补充日期早于缺位日期（{other}）")
MSG_VACANCY_AFTER_COMMITTEE_DISSOLVED = _("缺位日期晚于妇委会撤销日期（{other}）")
MSG_VACANCY_BEFORE_COMMITTEE = _("缺位日期早于妇委会成立日期（{other}）")
MSG_IN_FUTURE = _("日期晚于今天（{today}）：尚未发生的事不能登记")

# What cannot be recorded for a unit without a committee ({what} above).
WHAT_TERMS = pgettext_lazy("ledger: what cannot be recorded", "届次")
WHAT_VACANCIES = pgettext_lazy("ledger: what cannot be recorded", "缺位")

# The columns that record an event (届满日期 is a plan, and may well lie ahead).
EVENT_COLUMNS = {
    c.SHEET_UNITS: ((c.COL_DISSOLVED, "dissolved_on"), (c.COL_FORMED, "committee_formed_on"),
                    (c.COL_COMMITTEE_DISSOLVED, "committee_dissolved_on")),
    c.SHEET_TERMS: ((c.COL_STARTED, "started_on"),),
    c.SHEET_VACANCIES: ((c.COL_VACATED, "vacated_on"), (c.COL_FILLED, "filled_on")),
}


def committee_dissolved_on(row: UnitRow) -> dt.date | None:
    """A committee ends with its unit: a blank 妇委会撤销日期 of a dissolved unit is the unit's 撤销日期."""
    if row.committee_formed_on is None:
        return row.committee_dissolved_on
    return row.committee_dissolved_on or row.dissolved_on


@dataclass
class _Committee:
    """A unit's committee as the ledger means it, with its terms: number -> (started_on, due_on)."""

    formed_on: dt.date
    dissolved_on: dt.date | None
    terms: dict[int, tuple[dt.date, dt.date]]


@dataclass
class _Check:
    ledger: ParsedLedger
    state: FederationState
    problems: ProblemList
    term_length_years: int
    sheet_units: dict[str, UnitRow] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    committees: dict[str, _Committee] = field(default_factory=dict)

    def add(self, sheet: str, row: int, column: str, value: Any, reason: str | Promise) -> None:
        self.problems.add(Problem(sheet, row, column, shown(value), str(reason)))


def validate(ledger: ParsedLedger, state: FederationState, *, term_length_years: int = 5,
             problems: ProblemList | None = None) -> ProblemList:
    """Checks the rows across sheets and against `state`; fills in blank 届满日期. Returns the problems list."""
    check = _Check(ledger, state, problems if problems is not None else ledger.problems, term_length_years)
    check_not_in_future(check, clock.today())
    check_units(check)
    check_terms(check)
    check_vacancies(check)
    return check.problems


def check_not_in_future(check: _Check, today: dt.date) -> None:
    """Events are recorded once they have happened (as the services refuse a date after today)."""
    reason = MSG_IN_FUTURE.format(today=today.isoformat())
    for sheet, rows in ((c.SHEET_UNITS, check.ledger.units), (c.SHEET_TERMS, check.ledger.terms),
                        (c.SHEET_VACANCIES, check.ledger.vacancies)):
        for row in rows:
            for column, attribute in EVENT_COLUMNS[sheet]:
                day = getattr(row, attribute)
                if day is not None and day > today:
                    check.add(sheet, row.row, column, day, reason)


# --- 单位 ------------------------------------------------------------------------------------------------


def check_units(check: _Check) -> None:
    for u in check.ledger.units:
        if u.name in check.sheet_units:
            check.add(c.SHEET_UNITS, u.row, c.COL_UNIT, u.name, MSG_DUPLICATE_UNIT.format(row=check.sheet_units[u.name].row))
            continue
        check.sheet_units[u.name] = u
    check.names = set(check.sheet_units) | set(check.state.units)
    _committees_as_meant(check)
    for u in check.sheet_units.values():
        _check_unit_dates(check, u)
        if u.successor_name:
            _check_successor(check, u)


def _committees_as_meant(check: _Check) -> None:
    """Each unit's committee: the ledger's (with the platform's terms of the same committee), else the
    platform's latest."""
    for name in check.names:
        known = check.state.units.get(name)
        row = check.sheet_units.get(name)
        known_committee = pick_committee(known.committees if known else [], row.committee_formed_on if row else None,
                                         key=lambda k: k.formed_on)
        terms = {n: (t.started_on, t.due_on) for n, t in known_committee.terms.items()} if known_committee else {}
        if row is not None and row.committee_formed_on is not None:
            check.committees[name] = _Committee(row.committee_formed_on, committee_dissolved_on(row), terms)
        elif known_committee is not None:
            check.committees[name] = _Committee(known_committee.formed_on, known_committee.dissolved_on, terms)


def _check_unit_dates(check: _Check, u: UnitRow) -> None:
    add = check.add
    if u.established_on and u.dissolved_on and u.dissolved_on < u.established_on:
        add(c.SHEET_UNITS, u.row, c.COL_DISSOLVED, u.dissolved_on, MSG_DISSOLVED_BEFORE_ESTABLISHED.format(other=u.established_on))
    if u.committee_formed_on is None:
        known = check.state.units.get(u.name)
        if u.committee_dissolved_on is not None and not (known and known.committees):
            add(c.SHEET_UNITS, u.row, c.COL_COMMITTEE_DISSOLVED, u.committee_dissolved_on,
                MSG_COMMITTEE_DISSOLVED_WITHOUT_FORMED)
        return
    formed, dissolved = u.committee_formed_on, u.committee_dissolved_on
    if dissolved and dissolved < formed:
        add(c.SHEET_UNITS, u.row, c.COL_COMMITTEE_DISSOLVED, dissolved, MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED.format(other=formed))
    if dissolved and u.dissolved_on and dissolved > u.dissolved_on:
        add(c.SHEET_UNITS, u.row, c.COL_COMMITTEE_DISSOLVED, dissolved, MSG_COMMITTEE_AFTER_UNIT.format(other=u.dissolved_on))
    if u.established_on and formed < u.established_on:
        add(c.SHEET_UNITS, u.row, c.COL_FORMED, formed, MSG_COMMITTEE_BEFORE_UNIT.format(other=u.established_on))
    if u.dissolved_on and formed >= u.dissolved_on:
        add(c.SHEET_UNITS, u.row, c.COL_FORMED, formed, MSG_COMMITTEE_AFTER_UNIT_DISSOLVED.format(other=u.dissolved_on))


def _check_successor(check: _Check, u: UnitRow) -> None:
    successor = u.successor_name
    if successor == u.name:
        check.add(c.SHEET_UNITS, u.row, c.COL_SUCCESSOR, successor, MSG_SUCCESSOR_SELF)
    elif successor not in check.names:
        check.add(c.SHEET_UNITS, u.row, c.COL_SUCCESSOR, successor, MSG_SUCCESSOR_UNKNOWN)
    else:
        row, known = check.sheet_units.get(successor or ""), check.state.units.get(successor or "")
        ended = row.dissolved_on if row is not None else (known.dissolved_on if known else None)
        if ended is not None and u.dissolved_on is not None and ended <= u.dissolved_on:
            check.add(c.SHEET_UNITS, u.row, c.COL_SUCCESSOR, successor, MSG_SUCCESSOR_DISSOLVED.format(other=ended))
    if u.dissolved_on is None:
        check.add(c.SHEET_UNITS, u.row, c.COL_SUCCESSOR, successor, MSG_SUCCESSOR_NOT_DISSOLVED)


# --- 届次 ------------------------------------------------------------------------------------------------


def check_terms(check: _Check) -> None:
    add = check.add
    seen: dict[tuple[str, int], TermRow] = {}
    by_unit: dict[str, dict[int, TermRow]] = {}
    for t in check.ledger.terms:
        if t.unit_name not in check.names:
            add(c.SHEET_TERMS, t.row, c.COL_UNIT, t.unit_name, MSG_UNKNOWN_UNIT)
            continue
        if (t.unit_name, t.number) in seen:
            add(c.SHEET_TERMS, t.row, c.COL_NUMBER, t.number, MSG_DUPLICATE_TERM.format(row=seen[(t.unit_name, t.number)].row))
            continue
        seen[(t.unit_name, t.number)] = t
        committee = check.committees.get(t.unit_name)
        if committee is None:
            add(c.SHEET_TERMS, t.row, c.COL_UNIT, t.unit_name, MSG_NO_COMMITTEE.format(what=WHAT_TERMS))
            continue
        if t.due_on is None:
            t.due_on = add_years(t.started_on, check.term_length_years)
        elif t.due_on <= t.started_on:
            add(c.SHEET_TERMS, t.row, c.COL_DUE, t.due_on, MSG_DUE_NOT_AFTER_START.format(other=t.started_on))
        if t.started_on < committee.formed_on:
            add(c.SHEET_TERMS, t.row, c.COL_STARTED, t.started_on, MSG_TERM_BEFORE_COMMITTEE.format(other=committee.formed_on))
        if committee.dissolved_on and t.started_on > committee.dissolved_on:
            add(c.SHEET_TERMS, t.row, c.COL_STARTED, t.started_on,
                MSG_TERM_AFTER_COMMITTEE_DISSOLVED.format(other=committee.dissolved_on))
        committee.terms[t.number] = (t.started_on, t.due_on)
        by_unit.setdefault(t.unit_name, {})[t.number] = t
    # Terms follow each other: 第N+1届 is elected after 第N届 (it may come before 第N届's 届满日期).
    for name, rows in by_unit.items():
        terms = sorted(check.committees[name].terms.items())
        for (prev_number, (prev_start, _prev_due)), (number, (start, _due)) in itertools.pairwise(terms):
            if start > prev_start:
                continue
            # Point at a ledger row: the later term's if it is in the ledger, else the earlier's.
            if number in rows:
                t, reason = rows[number], MSG_TERM_OVERLAP.format(number=number, other=prev_number, date=prev_start)
            elif prev_number in rows:
                t, reason = rows[prev_number], MSG_TERM_OVERLAP_NEXT.format(number=prev_number, other=number, date=start)
            else:
                continue
            add(c.SHEET_TERMS, t.row, c.COL_STARTED, t.started_on, reason)


# --- 缺位 ------------------------------------------------------------------------------------------------


def check_vacancies(check: _Check) -> None:
    add = check.add
    seen: dict[tuple[str, str, dt.date], VacancyRow] = {}
    for v in check.ledger.vacancies:
        if v.unit_name not in check.names:
            add(c.SHEET_VACANCIES, v.row, c.COL_UNIT, v.unit_name, MSG_UNKNOWN_UNIT)
            continue
        key = (v.unit_name, v.role, v.vacated_on)
        if key in seen:
            add(c.SHEET_VACANCIES, v.row, c.COL_VACATED, v.vacated_on, MSG_DUPLICATE_VACANCY.format(row=seen[key].row))
            continue
        seen[key] = v
        committee = check.committees.get(v.unit_name)
        if committee is None:
            add(c.SHEET_VACANCIES, v.row, c.COL_UNIT, v.unit_name, MSG_NO_COMMITTEE.format(what=WHAT_VACANCIES))
            continue
        if v.filled_on and v.filled_on < v.vacated_on:
            add(c.SHEET_VACANCIES, v.row, c.COL_FILLED, v.filled_on, MSG_FILLED_BEFORE_VACATED.format(other=v.vacated_on))
        if v.vacated_on < committee.formed_on:
            add(c.SHEET_VACANCIES, v.row, c.COL_VACATED, v.vacated_on, MSG_VACANCY_BEFORE_COMMITTEE.format(other=committee.formed_on))
        if committee.dissolved_on and v.vacated_on > committee.dissolved_on:
            add(c.SHEET_VACANCIES, v.row, c.COL_VACATED, v.vacated_on,
                MSG_VACANCY_AFTER_COMMITTEE_DISSOLVED.format(other=committee.dissolved_on))
