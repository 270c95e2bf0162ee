"""The committees' reminders (自动换届、自动补充人员): a producer for core.reminders, registered in committees.plugs.

On a day it reports

- current terms (届) due in 180, 90 or 30 days (the smallest threshold reached: a term first seen 50 days
  before its end gets the 90-day notice only), and terms already overdue (超期服役);
- open vacancies (缺位) past half of the federation's fill deadline, and past all of it;

each to the unit's liaisons (who must act: the urgent ones are texted to them) and the federation's staff.
The cause of a term's notices is "term:<id>", of a vacancy's "vacancy:<id>": when the committee is
re-elected or the vacancy filled (or the record corrected away), the producer stops reporting them and
core.reminders marks them resolved; a newer threshold's notice supersedes the older one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext

from committees.models import Term, Vacancy
from committees.rules import VacancyStage, judge_vacancy, term_threshold
from core.reminders import Audience, Notice, ReminderProducer
from core.roles import Role
from core.spans import active_on_q

KIND_TERM_DUE = "term_due"
KIND_TERM_OVERDUE = "term_overdue"
KIND_VACANCY_HALF = "vacancy_half"
KIND_VACANCY_OVERDUE = "vacancy_overdue"


def _audience(unit_id: int) -> Audience:
    return Audience(federation_roles=frozenset({Role.FEDERATION_STAFF}), unit_id=unit_id,
                    unit_roles=frozenset({Role.UNIT_LIAISON}))


def _unit_url(unit_id: int) -> str:
    return reverse("orgs:unit-detail", args=[unit_id]) + "#committee"


def _d(day: dt.date) -> str:
    return gettext("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _alive_on(today: dt.date) -> Q:
    """Rows whose committee and unit exist on `today` (core.spans)."""
    committee = active_on_q(today, start="committee__formed_on", end="committee__dissolved_on")
    unit = active_on_q(today, start="committee__unit__established_on", end="committee__unit__dissolved_on",
                       start_may_be_unknown=True)
    return committee & unit


def current_terms(today: dt.date, federation_id: int | None = None) -> list[Term]:
    """Terms in office on `today`: started, no successor started, committee and unit still in existence."""
    successor_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=today
    )
    terms = (
        Term.objects.filter(active_on_q(today, start="started_on", end="ended_on"), _alive_on(today))
        .exclude(Exists(successor_started))
        .select_related("committee__unit")
        .order_by("due_on", "id")
    )
    if federation_id is not None:
        terms = terms.filter(federation_id=federation_id)
    return list(terms)


def term_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    notices = []
    for term in current_terms(today, federation_id):
        unit = term.committee.unit
        days_left = (term.due_on - today).days
        names = {"unit": unit.name, "n": term.number, "due": _d(term.due_on)}
        if days_left < 0:
            notices.append(Notice(
                key=f"term-overdue:{term.pk}", cause=f"term:{term.pk}", kind=KIND_TERM_OVERDUE,
                federation_id=term.federation_id, urgent=True, audience=_audience(unit.pk), url=_unit_url(unit.pk),
                title=gettext("%(unit)s妇委会第%(n)s届已超期服役") % names,
                body=gettext("第%(n)s届任期已于%(due)s届满，至今未换届（已超期%(days)s天）。"
                             "请尽快组织换届选举，并在平台登记新一届。") % {**names, "days": -days_left},
            ))
            continue
        threshold = term_threshold(term.due_on, today)
        if threshold is None:
            continue
        notices.append(Notice(
            key=f"term-due-{threshold}:{term.pk}", cause=f"term:{term.pk}", kind=KIND_TERM_DUE,
            federation_id=term.federation_id, audience=_audience(unit.pk), url=_unit_url(unit.pk),
            title=gettext("%(unit)s妇委会第%(n)s届将于%(due)s届满") % names,
            body=gettext("第%(n)s届任期还有%(days)s天届满（%(due)s）。请提前做好换届准备，按时完成换届选举。")
            % {**names, "days": days_left},
        ))
    return notices


def vacancy_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    notices = []
    vacancies = (
        Vacancy.objects.filter(active_on_q(today, start="vacated_on", end="filled_on"), _alive_on(today))
        .select_related("committee__unit", "federation")
        .order_by("vacated_on", "id")
    )
    if federation_id is not None:
        vacancies = vacancies.filter(federation_id=federation_id)
    for vacancy in vacancies:
        unit = vacancy.committee.unit
        fill_days = vacancy.federation.vacancy_fill_days
        judged = judge_vacancy(vacated_on=vacancy.vacated_on, filled_on=None, fill_days=fill_days, today=today)
        names = {"unit": unit.name, "post": vacancy.get_role_display(), "since": _d(vacancy.vacated_on),
                 "days": judged.days_open, "limit": fill_days, "deadline": _d(judged.deadline)}
        common: dict[str, Any] = {"cause": f"vacancy:{vacancy.pk}", "federation_id": vacancy.federation_id,
                  "audience": _audience(unit.pk), "url": _unit_url(unit.pk)}
        if judged.stage == VacancyStage.PAST_DEADLINE:
            notices.append(Notice(
                key=f"vacancy-overdue:{vacancy.pk}", kind=KIND_VACANCY_OVERDUE, urgent=True, **common,
                title=gettext("%(unit)s妇委会%(post)s缺位已超过补缺期限") % names,
                body=gettext("%(post)s自%(since)s缺位，已%(days)s天，超过%(limit)s天的补缺期限（%(deadline)s）。"
                             "请尽快补齐，并在平台登记。") % names,
            ))
        elif judged.stage == VacancyStage.PAST_HALF:
            notices.append(Notice(
                key=f"vacancy-half:{vacancy.pk}", kind=KIND_VACANCY_HALF, **common,
                title=gettext("%(unit)s妇委会%(post)s缺位已%(days)s天，请在%(deadline)s前补齐") % names,
                body=gettext("%(post)s自%(since)s缺位，补缺期限%(limit)s天已过半，请在%(deadline)s前完成补缺。") % names,
            ))
    return notices


def produce(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    return term_notices(today, federation_id) + vacancy_notices(today, federation_id)


PRODUCER = ReminderProducer(
    produce=produce,
    kinds=frozenset({KIND_TERM_DUE, KIND_TERM_OVERDUE, KIND_VACANCY_HALF, KIND_VACANCY_OVERDUE}),
    # A re-election, a fill, a dissolution, a unit's end or a new fill deadline may change the answer.
    watches={
        "committees.Committee": "federation_id", "committees.Term": "federation_id",
        "committees.Vacancy": "federation_id", "orgs.Unit": "federation_id", "orgs.Federation": "pk",
    },
)
