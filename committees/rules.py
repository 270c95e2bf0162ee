"""The rules of committee history, each in one place. Pure: no ORM, no requests.

The rates (committees.rates), the history page and the unit panel (committees.selectors, .views), the
reminders (committees.reminders) and the services all ask here: when a term is due, whether it was
re-elected on time, when a vacancy's fill deadline falls and how far past it a vacancy is, and what a
committee's status is on a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Days before a term's end at which the unit is reminded, largest first; the largest is "due soon".
TERM_THRESHOLDS: tuple[int, ...] = (180, 90, 30)
DUE_SOON_DAYS = TERM_THRESHOLDS[0]


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ---- terms (届) -------------------------------------------------------------------------------------


def reelection_limit(due_on: dt.date, grace_days: int) -> dt.date:
    """The last day a re-election still counts as on time (the federation's grace after `due_on`)."""
    return due_on + dt.timedelta(days=grace_days)


def left_out_of_reelection_rate(due_on: dt.date, committee_dissolved_on: dt.date | None) -> bool:
    """A term whose committee was dissolved strictly before its end is judged neither way."""
    return committee_dissolved_on is not None and committee_dissolved_on < due_on


def reelected_on_time(due_on: dt.date, successor_started_on: dt.date | None, grace_days: int) -> bool:
    """Re-elected by `due_on + grace_days` (an early re-election is on time)."""
    return successor_started_on is not None and successor_started_on <= reelection_limit(due_on, grace_days)


class TermVerdict(StrEnum):
    """How one term stands, the way the on-time rate judges it."""

    LEFT_OUT = "left_out"  # committee dissolved before the term was due: not counted
    EARLY = "early"  # re-elected before due_on: on time
    ON_TIME = "on_time"  # re-elected on due_on or within the grace days
    LATE = "late"  # re-elected after the grace days
    ENDED_UNRENEWED = "ended_unrenewed"  # committee dissolved on or after due_on, never re-elected: late
    OVERDUE = "overdue"  # no successor, past due_on and the grace days (超期服役)
    IN_GRACE = "in_grace"  # no successor, past due_on but within the grace days
    SERVING = "serving"  # no successor, not yet due


@dataclass(frozen=True)
class TermJudgement:
    verdict: TermVerdict
    # Days late (re-elected late, or overdue on `today`) or days left before due_on (serving).
    days: int = 0

    @property
    def kind(self) -> str:
        """For badges: "ok" on time, "late", "current" (still serving), "none" (not judged)."""
        return {
            TermVerdict.LEFT_OUT: "none", TermVerdict.EARLY: "ok", TermVerdict.ON_TIME: "ok",
            TermVerdict.IN_GRACE: "current", TermVerdict.SERVING: "current",
        }.get(self.verdict, "late")


def judge_term(
    *,
    due_on: dt.date,
    successor_started_on: dt.date | None,
    committee_dissolved_on: dt.date | None,
    grace_days: int,
    today: dt.date,
) -> TermJudgement:
    """The verdict on one term as of `today` (history page, panel, rates alike)."""
    if left_out_of_reelection_rate(due_on, committee_dissolved_on):
        return TermJudgement(TermVerdict.LEFT_OUT)
    if successor_started_on is not None:
        if successor_started_on < due_on:
            return TermJudgement(TermVerdict.EARLY)
        if reelected_on_time(due_on, successor_started_on, grace_days):
            return TermJudgement(TermVerdict.ON_TIME)
        return TermJudgement(TermVerdict.LATE, (successor_started_on - due_on).days)
    if committee_dissolved_on is not None:
        return TermJudgement(TermVerdict.ENDED_UNRENEWED)
    if today > reelection_limit(due_on, grace_days):
        return TermJudgement(TermVerdict.OVERDUE, (today - due_on).days)
    if today > due_on:
        return TermJudgement(TermVerdict.IN_GRACE, (today - due_on).days)
    return TermJudgement(TermVerdict.SERVING, (due_on - today).days)


def term_threshold(due_on: dt.date, today: dt.date) -> int | None:
    """The smallest reminder threshold (180/90/30 days) reached on `today` by a term not yet due, else None."""
    days_left = (due_on - today).days
    reached = [t for t in TERM_THRESHOLDS if 0 <= days_left <= t]
    return min(reached) if reached else None


# ---- vacancies (缺位) --------------------------------------------------------------------------------


def vacancy_deadline(vacated_on: dt.date, fill_days: int) -> dt.date:
    """The last day to fill a post left empty on `vacated_on` (filling on the deadline is on time)."""
    return vacated_on + dt.timedelta(days=fill_days)


def filled_in_time(vacated_on: dt.date, filled_on: dt.date, fill_days: int) -> bool:
    return filled_on <= vacancy_deadline(vacated_on, fill_days)


class VacancyStage(StrEnum):
    """Where a vacancy stands on a day."""

    FILLED = "filled"  # filled within the deadline
    FILLED_LATE = "filled_late"
    OPEN = "open"  # open, less than half of the deadline gone
    PAST_HALF = "past_half"  # open, half of the deadline or more gone
    PAST_DEADLINE = "past_deadline"  # open after its deadline


@dataclass(frozen=True)
class VacancyJudgement:
    stage: VacancyStage
    deadline: dt.date
    # Days the post has been (or was) empty: to the fill, or to `today` while open.
    days_open: int
    # Days past the deadline (filled late, or open past it); 0 otherwise.
    days_late: int = 0

    @property
    def kind(self) -> str:
        """For badges: "ok", "late", "current" (open, in time)."""
        if self.stage == VacancyStage.FILLED:
            return "ok"
        if self.stage in (VacancyStage.FILLED_LATE, VacancyStage.PAST_DEADLINE):
            return "late"
        return "current"


def judge_vacancy(*, vacated_on: dt.date, filled_on: dt.date | None, fill_days: int, today: dt.date) -> VacancyJudgement:
    deadline = vacancy_deadline(vacated_on, fill_days)
    if filled_on is not None and filled_on <= today:
        days = max((filled_on - vacated_on).days, 0)
        if filled_on <= deadline:
            return VacancyJudgement(VacancyStage.FILLED, deadline, days)
        return VacancyJudgement(VacancyStage.FILLED_LATE, deadline, days, (filled_on - deadline).days)
    days = max((today - vacated_on).days, 0)
    if today > deadline:
        return VacancyJudgement(VacancyStage.PAST_DEADLINE, deadline, days, (today - deadline).days)
    if days * 2 >= fill_days:
        return VacancyJudgement(VacancyStage.PAST_HALF, deadline, days)
    return VacancyJudgement(VacancyStage.OPEN, deadline, days)


# ---- a committee's status on a day (the unit panel's badges) -------------------------------------


class Condition(StrEnum):
    """Something about a unit's committee that someone must act on, most urgent first."""

    NOT_FORMED = "not_formed"
    OVERDUE = "overdue"
    VACANCY_PAST_DEADLINE = "vacancy_past_deadline"
    VACANCY_PAST_HALF = "vacancy_past_half"
    DUE_SOON = "due_soon"


URGENT_CONDITIONS = frozenset({Condition.NOT_FORMED, Condition.OVERDUE, Condition.VACANCY_PAST_DEADLINE})


@dataclass(frozen=True)
class StatusItem:
    condition: Condition
    # Overdue: days past due_on; due soon: days left; vacancies: how many.
    number: int = 0

    @property
    def urgent(self) -> bool:
        return self.condition in URGENT_CONDITIONS


@dataclass(frozen=True)
class CommitteeStatus:
    """Every condition that holds on the day, most urgent first; none means all is well (正常)."""

    items: tuple[StatusItem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.items

    @property
    def urgent(self) -> bool:
        return any(i.urgent for i in self.items)

    def has(self, condition: Condition) -> bool:
        return any(i.condition == condition for i in self.items)


def committee_status(
    *,
    formed: bool,
    current_due_on: dt.date | None,
    vacancies: Iterable[VacancyJudgement],
    today: dt.date,
) -> CommitteeStatus:
    """The status of a unit's committee on `today`, from its current term's end and its open vacancies.

    Overdue is the domain's 超期服役: the current term's due_on has passed (the grace days matter only for
    whether a later re-election still counts as on time).
    """
    if not formed:
        return CommitteeStatus((StatusItem(Condition.NOT_FORMED),))
    items: list[StatusItem] = []
    if current_due_on is not None:
        days_left = (current_due_on - today).days
        if days_left < 0:
            items.append(StatusItem(Condition.OVERDUE, -days_left))
    stages = [v.stage for v in vacancies]
    if late := stages.count(VacancyStage.PAST_DEADLINE):
        items.append(StatusItem(Condition.VACANCY_PAST_DEADLINE, late))
    if half := stages.count(VacancyStage.PAST_HALF):
        items.append(StatusItem(Condition.VACANCY_PAST_HALF, half))
    if current_due_on is not None and 0 <= (current_due_on - today).days <= DUE_SOON_DAYS:
        items.append(StatusItem(Condition.DUE_SOON, (current_due_on - today).days))
    return CommitteeStatus(tuple(items))
