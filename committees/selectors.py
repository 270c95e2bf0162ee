"""Scoped reads of committee history: the facts behind the three rates, and the dashboard's lists.

Everything goes through the scoping of the models (`permitted(user_or_scope, action)`): a
federation's staff read their federation, a unit liaison reads only their own unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees import rate_queries, rate_summary
from committees.history import post_label
from committees.models import Committee, Correction, Term, Vacancy
from committees.rates import (
    Facts,
    Rates,
    RateSettings,
    TermFact,
    UnitFact,
    VacancyFact,
    YearRates,
)
from committees.rules import (
    TermJudgement,
    TermVerdict,
    VacancyJudgement,
    VacancyStage,
    judge_term,
    judge_vacancy,
)
from core.roles import FEDERATION_WIDE_ROLES
from core.scoping import Scope, scope_for, unit_rows_q
from core.spans import active_on_q
from core.sqlplan import Unindexed
from orgs.models import Federation, Unit, UnitQuerySet


def _scope(user_or_scope: Any) -> Scope:
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


def _federation_id(federation: Federation | int | None) -> int | None:
    if federation is None or isinstance(federation, int):
        return federation
    return federation.pk


def rate_units_for(
    user_or_scope: Any, federation: Federation | int | None = None, unit_ids: Any = None
) -> UnitQuerySet:
    """The units whose committee figures the user may read (the committee rows' scoping rule)."""
    scope = _scope(user_or_scope)
    if scope.is_anonymous:
        return Unit.objects.none()
    units: UnitQuerySet = Unit.objects.visible_to(scope)
    if not scope.is_superuser:
        units = units.filter(unit_rows_q(scope, "id"))
    fed_id = _federation_id(federation)
    if fed_id is not None:
        units = units.filter(federation_id=fed_id)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return units


def rate_facts_for(
    user_or_scope: Any, federation: Federation | int | None = None, unit_ids: Any = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> Facts:
    """The dated facts of the units the user may read, in four queries whatever their number.

    Queries: 1 units, 2 committees, 3 terms (with the next term's start as a subquery), 4 vacancies; the
    units are named to the last three by a subquery, never by a list of ids (its parameters would grow with
    the data, and SQLite refuses more than 32,766 of them).

    With `period` (start, end): only the facts the rates of that one period read (committees.rates skips
    the others): units that require a committee and exist on `end`, committees formed by then, terms due
    and vacancies opened within the period. The same rates, without loading a province's history.
    """
    units = rate_units_for(user_or_scope, federation, unit_ids)
    ids = units.values("id")
    committees = Committee.objects.filter(unit_id__in=ids)
    terms_qs = Term.objects.filter(committee__unit_id__in=ids)
    vacancies_qs = Vacancy.objects.filter(committee__unit_id__in=ids)
    counted = units
    if period is not None:
        start, end = period
        counted = units.filter(requires_committee=True).active_on(end)
        committees = committees.filter(unit_id__in=counted.values("id"), formed_on__lte=end)
        terms_qs = terms_qs.filter(due_on__gte=start, due_on__lte=end)
        vacancies_qs = vacancies_qs.filter(vacated_on__gte=start, vacated_on__lte=end)
    unit_rows = list(counted.values_list("id", "established_on", "dissolved_on", "requires_committee"))
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for unit_id, formed_on, dissolved_on in (
        committees.order_by("formed_on").values_list("unit_id", "formed_on", "dissolved_on")
    ):
        spans.setdefault(unit_id, []).append((formed_on, dissolved_on))
    successor_start = Term.objects.filter(committee_id=OuterRef("committee_id"), number=OuterRef("number") + 1).values(
        "started_on"
    )[:1]
    terms = [
        TermFact(id=pk, committee_dissolved_on=dissolved, due_on=due, successor_started_on=succ)
        for pk, dissolved, due, succ in terms_qs
        .annotate(successor_started_on=Subquery(successor_start))
        .values_list("id", "committee__dissolved_on", "due_on", "successor_started_on")
    ]
    vacancies = [
        VacancyFact(id=pk, vacated_on=vacated, filled_on=filled)
        for pk, vacated, filled in vacancies_qs.values_list(
            "id", "vacated_on", "filled_on"
        )
    ]
    return Facts(
        units=[
            UnitFact(
                id=pk, established_on=est, dissolved_on=dis, requires_committee=req, committees=tuple(spans.get(pk, ()))
            )
            for pk, est, dis, req in unit_rows
        ],
        terms=terms,
        vacancies=vacancies,
    )


def rate_settings_for(user_or_scope: Any, federation: Federation | int | None = None) -> RateSettings:
    """The federation's grace and fill-deadline settings; defaults when the scope spans none or several."""
    fed_id = _federation_id(federation)
    if fed_id is None:
        scope = _scope(user_or_scope)
        ids = scope.federation_ids
        if len(ids) != 1:
            return RateSettings()
        fed_id = next(iter(ids))
    row = Federation.objects.filter(pk=fed_id).values_list("reelection_grace_days", "vacancy_fill_days").first()
    if row is None:
        return RateSettings()
    return RateSettings(grace_days=row[0], fill_days=row[1])


def summary_federation(
    user_or_scope: Any, federation: Federation | int | None = None, unit_ids: Any = None
) -> int | None:
    """The federation whose rate summary answers for this scope: when the user reads all of one
    federation's units (its staff, leaders, auditors), else None (a liaison's unit is counted directly)."""
    if unit_ids is not None:
        return None
    scope = _scope(user_or_scope)
    if scope.is_anonymous:
        return None
    fed_id = _federation_id(federation)
    if fed_id is None:
        if scope.is_superuser or len(scope.federation_ids) != 1:
            return None
        fed_id = next(iter(scope.federation_ids))
    if scope.is_superuser or fed_id in scope.federations_with(*FEDERATION_WIDE_ROLES):
        return fed_id
    return None


def _rates_over(
    user: Any, periods: list[tuple[dt.date, dt.date]], federation: Federation | int | None, unit_ids: Any = None
) -> list[Rates]:
    """The rates of each period: from the maintained summary for a whole federation (a few thousand rows
    whatever its size), else counted over the user's units (committees.rate_queries)."""
    settings = rate_settings_for(user, federation)
    whole = summary_federation(user, federation, unit_ids)
    if whole is not None:
        return rate_summary.rates_over(whole, periods, settings)
    return rate_queries.rates_over(rate_units_for(user, federation, unit_ids), periods, settings)


def rates_for(
    user: Any,
    start: dt.date,
    end: dt.date,
    *,
    federation: Federation | int | None = None,
    unit_ids: Any = None,
) -> Rates:
    """The three rates over [start, end] (formation as of `end`) for what the user may read.

    By the rules of committees.rates: from the rate summary (one statement) or counted by the database.
    """
    return _rates_over(user, [(start, end)], federation, unit_ids)[0]


def rate_trend_for(
    user: Any, first_year: int, last_year: int, *, federation: Federation | int | None = None
) -> list[YearRates]:
    """Per-year rates for the trend chart (formation as of Dec 31; the others over each year)."""
    years = rate_queries.trend_periods(first_year, last_year)
    found = _rates_over(user, [p for _year, p in years], federation)
    return [YearRates(year, rates) for (year, _p), rates in zip(years, found, strict=True)]


def rates_and_trend_for(
    user: Any,
    start: dt.date,
    end: dt.date,
    first_year: int,
    last_year: int,
    *,
    federation: Federation | int | None = None,
    until: dt.date | None = None,
) -> tuple[Rates, list[YearRates]]:
    """The rates over [start, end] and the yearly trend (cut at `until`), in the same statement(s)."""
    years = rate_queries.trend_periods(first_year, last_year, until=until)
    found = _rates_over(user, [(start, end), *(p for _year, p in years)], federation)
    return found[0], [YearRates(year, rates) for (year, _p), rates in zip(years, found[1:], strict=True)]


# ---- the dashboard's lists --------------------------------------------------------------------------


def _committee_active_on(as_of: dt.date, prefix: str = "") -> Q:
    return active_on_q(as_of, start=f"{prefix}formed_on", end=f"{prefix}dissolved_on")


def units_without_committee(user: Any, as_of: dt.date, federation: Federation | int | None = None) -> QuerySet[Unit]:
    """Active units that require a committee but had none on `as_of` (未组建), by name."""
    active_committee = Committee.objects.filter(_committee_active_on(as_of), unit_id=OuterRef("pk"))
    return (
        rate_units_for(user, federation)
        .active_on(as_of)
        .filter(requires_committee=True)
        .filter(~Exists(active_committee))
        .select_related("federation")
        .order_by("name_pinyin", "name", "id")
    )


@dataclass(frozen=True)
class OverdueCommittee:
    """A committee serving past its term (超期服役) on a date: derived, never stored."""

    committee: Committee
    term: Term
    days_overdue: int

    @property
    def unit(self) -> Unit:
        return self.committee.unit


def overdue_terms(user: Any, as_of: dt.date, federation: Federation | int | None = None) -> QuerySet[Term]:
    """The current terms of committees active on `as_of` that were due before it with no successor by then.

    One query, most overdue first; slice it for a page (committee and unit joined).
    """
    later_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=as_of
    )
    return (
        Term.objects.visible_to(user)
        .filter(committee__in=rate_committees_for(user, federation))
        .filter(_committee_active_on(as_of, "committee__"))
        .filter(started_on__lte=as_of, due_on__lt=as_of)
        # Implied by the next two conditions (a term ends when the next starts or the committee ends), and
        # what lets the index term_fed_open_due walk the terms still running instead of all of history.
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .filter(~Exists(later_started))
        .select_related("committee", "committee__unit")
        .order_by("due_on", "committee__unit__name", "id")
    )


def overdue_terms_first(user: Any, as_of: dt.date, federation_id: int, size: int) -> list[Term]:
    """The first `size` rows of `overdue_terms` for a whole federation the user reads (the dashboard's
    head; its length comes from the rate summary). The running terms and those ended after `as_of` are
    two queries: each walks the index term_fed_open_due in due order and stops after `size`, where the
    one query's OR would have the database sort every term of the federation's history."""
    later_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=as_of
    )
    base = (
        Term.objects.visible_to(user)
        # due_on unindexed: else SQLite walks term_fed_due through every past term of the federation.
        .alias(jg_due=Unindexed("due_on"))
        .filter(federation_id=federation_id, jg_due__lt=as_of, started_on__lte=as_of)
        .filter(_committee_active_on(as_of, "committee__"))
        .filter(~Exists(later_started))
        .select_related("committee", "committee__unit")
        .order_by("due_on", "committee__unit__name", "id")
    )
    found: list[Term] = [*base.filter(ended_on__isnull=True)[:size], *base.filter(ended_on__gt=as_of)[:size]]
    return sorted(found, key=lambda t: (t.due_on, t.committee.unit.name, t.pk))[:size]


def late_vacancies_first(user: Any, as_of: dt.date, federation_id: int, size: int) -> list[Vacancy]:
    """The first `size` rows of `late_vacancies` for a whole federation (as `overdue_terms_first`): the
    open vacancies and those filled after `as_of`, each walking vacancy_fed_open_vacated in order (four
    statements: the federation's fill deadline, each part's first ids, their rows)."""
    fill_days = Federation.objects.filter(pk=federation_id).values_list("vacancy_fill_days", flat=True).first() or 0
    # committees.rules.judge_vacancy's PAST_DEADLINE: as_of > vacated_on + fill days.
    late = (
        Vacancy.objects.visible_to(user)
        .alias(jg_vacated=Unindexed("vacated_on"))
        .filter(federation_id=federation_id, jg_vacated__lt=as_of - dt.timedelta(days=fill_days))
        .order_by("vacated_on", "id")
    )
    # Each part's first ids by the columns of vacancy_fed_open_vacated alone, vacated_on unindexed: without
    # statistics SQLite picks that index only when it covers the query and the other cannot take the range
    # (else it walked vacancy_fed_vacated through every past vacancy of the federation); the rows are then
    # read by those (at most 2 × size) ids. Subqueries would spare a statement, but SQLite answers an OR of
    # two `IN (subquery)` by walking the federation's vacancies.
    ids = [
        *late.filter(filled_on__isnull=True).values_list("pk", flat=True)[:size],
        *late.filter(filled_on__gt=as_of).values_list("pk", flat=True)[:size],
    ]
    found = list(
        Vacancy.objects.visible_to(user).filter(pk__in=ids).select_related("committee", "committee__unit", "federation")
    )
    return sorted(found, key=lambda v: (v.vacated_on, v.pk))[:size]


def overdue_committee(term: Term, as_of: dt.date) -> OverdueCommittee:
    return OverdueCommittee(committee=term.committee, term=term, days_overdue=(as_of - term.due_on).days)


def overdue_committees(
    user: Any, as_of: dt.date, federation: Federation | int | None = None
) -> list[OverdueCommittee]:
    """Committees active on `as_of` whose current term was due before `as_of` with no successor by then.

    The current term is the one started on or before `as_of` with no later term started by `as_of`; it is
    overdue when `due_on < as_of`. Most overdue first (all of them: `overdue_terms` for a page).
    """
    return [overdue_committee(t, as_of) for t in overdue_terms(user, as_of, federation)]


def rate_committees_for(user: Any, federation: Federation | int | None = None) -> QuerySet[Committee]:
    """The committees of the units the user may read (in one federation, when given)."""
    return Committee.objects.visible_to(user).filter(unit__in=rate_units_for(user, federation).order_by())


@dataclass(frozen=True)
class LateVacancy:
    """A vacancy still open on a date after its fill deadline (补缺超期)."""

    vacancy: Vacancy
    deadline: dt.date
    days_past_deadline: int

    @property
    def committee(self) -> Committee:
        return self.vacancy.committee


def late_vacancies(user: Any, as_of: dt.date, federation: Federation | int | None = None) -> QuerySet[Vacancy]:
    """Vacancies open on `as_of` whose deadline (vacated_on + the row's federation's fill days) is before it.

    One query, longest open first; slice it for a page (committee, unit and federation joined).
    """
    return (
        Vacancy.objects.visible_to(user)
        .filter(committee__in=rate_committees_for(user, federation))
        .filter(vacated_on__lte=as_of)
        .filter(Q(filled_on__isnull=True) | Q(filled_on__gt=as_of))
        # committees.rules.judge_vacancy's PAST_DEADLINE: today > deadline.
        .alias(deadline=rate_queries.AddDays(F("vacated_on"), F("federation__vacancy_fill_days")))
        .filter(deadline__lt=as_of)
        .select_related("committee", "committee__unit", "federation")
        .order_by("vacated_on", "id")
    )


def late_vacancy(vacancy: Vacancy, as_of: dt.date) -> LateVacancy:
    judged = judge_vacancy(vacated_on=vacancy.vacated_on, filled_on=vacancy.filled_on,
                           fill_days=vacancy.federation.vacancy_fill_days, today=as_of)
    return LateVacancy(vacancy=vacancy, deadline=judged.deadline, days_past_deadline=judged.days_late)


def vacancies_past_deadline(
    user: Any, as_of: dt.date, federation: Federation | int | None = None
) -> list[LateVacancy]:
    """Every vacancy open on `as_of` past its fill deadline (`late_vacancies` for a page)."""
    return [late_vacancy(v, as_of) for v in late_vacancies(user, as_of, federation)]


# ---- a unit's committee history (历届情况) ----------------------------------------------------------


@dataclass(frozen=True)
class TermLine:
    """One term as the history page shows it, judged the way the on-time rate judges it (committees.rules)."""

    term: Term
    successor_started_on: dt.date | None
    judgement: TermJudgement

    @property
    def status(self) -> str:
        return term_status_label(self.judgement)

    @property
    def kind(self) -> str:
        """"ok" on time, "late" re-elected late or overdue, "current" serving within its term, "none" not judged."""
        return self.judgement.kind


def term_status_label(judged: TermJudgement) -> str:
    v, days = judged.verdict, judged.days
    labels = {
        TermVerdict.LEFT_OUT: gettext("届满前妇委会撤销，不计入按时换届率"),
        TermVerdict.EARLY: gettext("提前换届（按时）"),
        TermVerdict.ON_TIME: gettext("按时换届"),
        TermVerdict.LATE: gettext("逾期换届，晚 %(days)s 天") % {"days": days},
        TermVerdict.ENDED_UNRENEWED: gettext("届满后未换届，妇委会撤销"),
        TermVerdict.OVERDUE: gettext("超期服役 %(days)s 天") % {"days": days},
        TermVerdict.IN_GRACE: gettext("已届满，在换届宽限期内"),
        TermVerdict.SERVING: gettext("在任，%(days)s 天后届满") % {"days": days},
    }
    return labels[v]


@dataclass(frozen=True)
class VacancyHistoryLine:
    vacancy: Vacancy
    judgement: VacancyJudgement

    @property
    def deadline(self) -> dt.date:
        return self.judgement.deadline

    @property
    def days_open(self) -> int:
        return self.judgement.days_open

    @property
    def kind(self) -> str:
        return self.judgement.kind

    @property
    def status(self) -> str:
        return vacancy_status_label(self.judgement)


def vacancy_status_label(judged: VacancyJudgement) -> str:
    stage, late = judged.stage, judged.days_late
    if stage == VacancyStage.FILLED:
        return gettext("按时补上")
    if stage == VacancyStage.FILLED_LATE:
        return gettext("补上，超过期限 %(days)s 天") % {"days": late}
    if stage == VacancyStage.PAST_DEADLINE:
        return gettext("未补，已超过期限 %(days)s 天") % {"days": late}
    return gettext("待补")


@dataclass(frozen=True)
class CorrectionLine:
    """One correction or withdrawal as the history page words it: when, who, what, old → new, why."""

    correction: Correction
    what: str
    changes: list[tuple[str, str, str]]

    @property
    def who(self) -> str:
        actor = self.correction.actor
        return (getattr(actor, "label", "") or self.correction.actor_name) if actor else self.correction.actor_name


@dataclass
class CommitteeHistory:
    committee: Committee
    terms: list[TermLine]
    seats: list[Any]
    vacancies: list[VacancyHistoryLine]
    # The latest term, the only re-election that may be withdrawn.
    latest_term_id: int | None = None


@dataclass
class UnitHistoryView:
    committees: list[CommitteeHistory]
    corrections: list[CorrectionLine]


CHANGE_LABELS: dict[str, Any] = {
    "formed_on": _("成立日期"),
    "started_on": _("选举日期"),
    "due_on": _("届满日期"),
    "seat_started_on": _("任职日期"),
    "role": _("职务"),
    "holder_name": _("姓名"),
    "vacated_on": _("缺位日期"),
    "filled_on": _("补充日期"),
    "dissolved_on": _("撤销日期"),
    "unit_dissolved_on": _("单位撤销日期"),
    "successor": _("并入单位"),
}


def _value(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if name == "role":
        return post_label(str(value))
    return str(value)


def correction_subject(c: Correction) -> str:
    """Which record a correction was about, in the reader's language."""
    t = c.target or {}
    event = c.event
    if event == Correction.Event.REELECTION or (event == Correction.Event.FORMATION and "number" in t):
        return gettext("第%(n)s届（%(day)s 选举）") % {"n": t.get("number"), "day": t.get("started_on")}
    if event in (Correction.Event.FORMATION, Correction.Event.DISSOLUTION):
        return gettext("%(day)s 成立的妇委会") % {"day": t.get("formed_on")}
    if event == Correction.Event.APPOINTMENT:
        return gettext("%(name)s任%(post)s（%(day)s 起）") % {
            "name": t.get("name") or "—", "post": post_label(str(t.get("role"))), "day": t.get("started_on")}
    if event in (Correction.Event.VACANCY, Correction.Event.FILL):
        return gettext("%(day)s 起的%(post)s缺位") % {"day": t.get("vacated_on"), "post": post_label(str(t.get("role")))}
    if event == Correction.Event.UNIT_DISSOLUTION:
        return gettext("单位于 %(day)s 撤销/合并") % {"day": t.get("dissolved_on")}
    return ""


def _correction_line(c: Correction) -> CorrectionLine:
    changes = [(str(CHANGE_LABELS.get(name, name)), _value(name, old), _value(name, new))
               for name, old, new in (c.changes or [])]
    return CorrectionLine(correction=c, what=correction_subject(c), changes=changes)


def unit_history_for(user: Any, unit: Unit, today: dt.date) -> UnitHistoryView:
    """Every committee of the unit the user may read, newest first, with its terms, seats and vacancies, and
    the corrections made to the unit's history (newest first).

    Five queries whatever the history's length: committees, terms, seats, vacancies, corrections.
    """
    from committees.models import Seat

    committees = list(
        Committee.objects.visible_to(user).filter(unit_id=unit.pk).select_related("federation").order_by("-formed_on")
    )
    ids = [c.pk for c in committees]
    terms: dict[int, list[Term]] = {}
    for t in Term.objects.filter(committee_id__in=ids).order_by("number"):
        terms.setdefault(t.committee_id, []).append(t)
    seats: dict[int, list[Seat]] = {}
    for s in Seat.objects.filter(committee_id__in=ids).select_related("term"):
        seats.setdefault(s.committee_id, []).append(s)
    # Newest term first (like the terms table); within a term chair, vice-chair, members, by start.
    posts: dict[str, int] = {Seat.Role.CHAIR: 0, Seat.Role.VICE_CHAIR: 1, Seat.Role.MEMBER: 2}
    for held in seats.values():
        held.sort(key=lambda s: (-(s.term.number if s.term else 0), posts.get(s.role, 9), s.started_on, s.pk))
    vacancies: dict[int, list[Vacancy]] = {}
    for v in Vacancy.objects.filter(committee_id__in=ids).order_by("vacated_on", "id"):
        vacancies.setdefault(v.committee_id, []).append(v)
    history = []
    for c in committees:
        fed = c.federation
        ts = terms.get(c.pk, [])
        lines = []
        for i, t in enumerate(ts):
            successor = ts[i + 1].started_on if i + 1 < len(ts) else None
            judged = judge_term(due_on=t.due_on, successor_started_on=successor, committee_dissolved_on=c.dissolved_on,
                                grace_days=fed.reelection_grace_days, today=today)
            lines.append(TermLine(t, successor, judged))
        history.append(
            CommitteeHistory(
                committee=c,
                terms=lines[::-1],
                seats=seats.get(c.pk, []),
                vacancies=[
                    VacancyHistoryLine(v, judge_vacancy(vacated_on=v.vacated_on, filled_on=v.filled_on,
                                                        fill_days=fed.vacancy_fill_days, today=today))
                    for v in vacancies.get(c.pk, [])
                ][::-1],
                latest_term_id=ts[-1].pk if ts else None,
            )
        )
    corrections = (
        Correction.objects.visible_to(user).filter(unit_id=unit.pk).select_related("actor").order_by("-created_at", "-id")
    )
    return UnitHistoryView(history, [_correction_line(c) for c in corrections])
