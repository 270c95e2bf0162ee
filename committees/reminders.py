"""The platform notices what is due (自动换届、自动补充人员) and tells the people who must act.

`run_reminders(today)` is the one entry point: the daily huey job (committees.tasks) and the command
`manage.py send_reminders` both call it. It looks at

- current terms (届) due in 180, 90 or 30 days, and terms already overdue (超期服役);
- open vacancies (缺位) past half of the federation's fill deadline, and past all of it;

and notifies the unit's liaisons and the federation's staff: an in-app notice always, an e-mail to
those with an address, an SMS to the unit's liaisons for the overdue cases. Every notice has a
dedup key (`term-due-90:<term id>`, `vacancy-overdue:<vacancy id>`, ...), so each threshold is
announced once, however often the job runs. A term first seen 50 days before its end gets the
90-day notice only, not the 180-day one as well.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from accounts.models import RoleAssignment, User
from committees.models import Term, Vacancy
from core.notify import notify
from core.roles import Role

logger = logging.getLogger("jinguo.reminders")

# Days before a term's end at which the unit is reminded, largest first.
TERM_THRESHOLDS: tuple[int, ...] = (180, 90, 30)

KIND_TERM_DUE = "term_due"
KIND_TERM_OVERDUE = "term_overdue"
KIND_VACANCY_HALF = "vacancy_half"
KIND_VACANCY_OVERDUE = "vacancy_overdue"


@dataclass(frozen=True)
class Notice:
    """One thing to tell a unit's liaisons and its federation's staff."""

    key: str
    kind: str
    federation_id: int
    unit_id: int
    title: str
    body: str
    url: str
    urgent: bool = False


@dataclass
class ReminderReport:
    """What one run noticed and sent."""

    today: dt.date
    notices: list[Notice] = field(default_factory=list)
    notifications_created: int = 0
    emails_sent: int = 0
    sms_sent: int = 0

    def __str__(self) -> str:
        return (
            f"{self.today:%Y-%m-%d}: {len(self.notices)} 项提醒，新建站内通知 {self.notifications_created} 条，"
            f"发送邮件 {self.emails_sent} 封，短信 {self.sms_sent} 条"
        )


def _unit_url(unit_id: int) -> str:
    return reverse("orgs:unit-detail", args=[unit_id])


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def current_terms(today: dt.date) -> list[Term]:
    """Terms in office on `today`: no successor started, committee and unit still in existence."""
    successor_started = Term.objects.filter(
        committee_id=OuterRef("committee_id"), number__gt=OuterRef("number"), started_on__lte=today
    )
    return list(
        Term.objects.filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .filter(Q(committee__dissolved_on__isnull=True) | Q(committee__dissolved_on__gt=today))
        .filter(Q(committee__unit__dissolved_on__isnull=True) | Q(committee__unit__dissolved_on__gt=today))
        .exclude(Exists(successor_started))
        .select_related("committee__unit")
        .order_by("due_on", "id")
    )


def term_notices(today: dt.date) -> list[Notice]:
    notices = []
    for term in current_terms(today):
        unit = term.committee.unit
        days_left = (term.due_on - today).days
        if days_left < 0:
            notices.append(Notice(
                key=f"term-overdue:{term.pk}", kind=KIND_TERM_OVERDUE, federation_id=term.federation_id,
                unit_id=unit.pk, urgent=True,
                title=f"{unit.name}妇委会第{term.number}届已超期服役",
                body=(f"第{term.number}届任期已于{_d(term.due_on)}届满，至今未换届（已超期{-days_left}天）。"
                      "请尽快组织换届选举，并在平台登记新一届。"),
                url=_unit_url(unit.pk),
            ))
            continue
        reached = [t for t in TERM_THRESHOLDS if days_left <= t]
        if not reached:
            continue
        threshold = min(reached)
        notices.append(Notice(
            key=f"term-due-{threshold}:{term.pk}", kind=KIND_TERM_DUE, federation_id=term.federation_id,
            unit_id=unit.pk,
            title=f"{unit.name}妇委会第{term.number}届将于{_d(term.due_on)}届满",
            body=(f"第{term.number}届任期还有{days_left}天届满（{_d(term.due_on)}）。"
                  "请提前做好换届准备，按时完成换届选举。"),
            url=_unit_url(unit.pk),
        ))
    return notices


def vacancy_notices(today: dt.date) -> list[Notice]:
    notices = []
    vacancies = (
        Vacancy.objects.filter(filled_on__isnull=True, vacated_on__lte=today)
        .filter(Q(committee__dissolved_on__isnull=True) | Q(committee__dissolved_on__gt=today))
        .filter(Q(committee__unit__dissolved_on__isnull=True) | Q(committee__unit__dissolved_on__gt=today))
        .select_related("committee__unit", "federation")
        .order_by("vacated_on", "id")
    )
    for vacancy in vacancies:
        unit = vacancy.committee.unit
        fill_days = vacancy.federation.vacancy_fill_days
        deadline = vacancy.vacated_on + dt.timedelta(days=fill_days)
        days_open = (today - vacancy.vacated_on).days
        post = vacancy.get_role_display()
        if today > deadline:
            notices.append(Notice(
                key=f"vacancy-overdue:{vacancy.pk}", kind=KIND_VACANCY_OVERDUE, federation_id=vacancy.federation_id,
                unit_id=unit.pk, urgent=True,
                title=f"{unit.name}妇委会{post}缺位已超过补缺期限",
                body=(f"{post}自{_d(vacancy.vacated_on)}缺位，已{days_open}天，超过{fill_days}天的补缺期限"
                      f"（{_d(deadline)}）。请尽快补齐，并在平台登记。"),
                url=_unit_url(unit.pk),
            ))
        elif days_open * 2 >= fill_days:
            notices.append(Notice(
                key=f"vacancy-half:{vacancy.pk}", kind=KIND_VACANCY_HALF, federation_id=vacancy.federation_id,
                unit_id=unit.pk,
                title=f"{unit.name}妇委会{post}缺位已{days_open}天，请在{_d(deadline)}前补齐",
                body=(f"{post}自{_d(vacancy.vacated_on)}缺位，补缺期限{fill_days}天已过半，"
                      f"请在{_d(deadline)}前完成补缺。"),
                url=_unit_url(unit.pk),
            ))
    return notices


@dataclass
class _Recipients:
    staff_by_federation: dict[int, dict[int, User]] = field(default_factory=dict)
    liaisons_by_unit: dict[int, dict[int, User]] = field(default_factory=dict)

    def for_notice(self, notice: Notice) -> list[tuple[User, bool]]:
        """(user, is the unit's liaison) for everyone who should hear of `notice`, each once."""
        people: dict[int, tuple[User, bool]] = {
            pk: (u, False) for pk, u in self.staff_by_federation.get(notice.federation_id, {}).items()
        }
        for pk, u in self.liaisons_by_unit.get(notice.unit_id, {}).items():
            people[pk] = (u, True)
        return list(people.values())


def _recipients(federation_ids: set[int]) -> _Recipients:
    result = _Recipients()
    assignments = RoleAssignment.objects.filter(
        federation_id__in=federation_ids, role__in=[Role.FEDERATION_STAFF, Role.UNIT_LIAISON], user__is_active=True
    ).select_related("user__person")
    for a in assignments:
        if a.role == Role.FEDERATION_STAFF:
            result.staff_by_federation.setdefault(a.federation_id, {})[a.user_id] = a.user
        elif a.unit_id:
            result.liaisons_by_unit.setdefault(a.unit_id, {})[a.user_id] = a.user
    return result


def run_reminders(
    today: dt.date, *, federation_id: int | None = None, email: bool = True, sms: bool = True
) -> ReminderReport:
    """Notice everything due on `today` and notify each person once per notice.

    `federation_id` limits the run to one federation; `email=False` / `sms=False` leave only the in-app
    notices (the demo loader uses both: its addresses and phone numbers are made up). A notice not
    e-mailed now is e-mailed by a later run with `email=True`, as after a failed send.
    """
    notices = term_notices(today) + vacancy_notices(today)
    if federation_id is not None:
        notices = [n for n in notices if n.federation_id == federation_id]
    report = ReminderReport(today=today, notices=notices)
    recipients = _recipients({n.federation_id for n in report.notices})
    for notice in report.notices:
        for user, is_liaison in recipients.for_notice(notice):
            delivery = notify(
                recipient=user, federation_id=notice.federation_id, kind=notice.kind, title=notice.title,
                body=notice.body, url=notice.url, dedup_key=notice.key, email=email,
                sms=sms and notice.urgent and is_liaison,
            )
            report.notifications_created += delivery.created
            report.emails_sent += delivery.emailed
            report.sms_sent += delivery.texted
    logger.info("Reminders %s", report)
    return report
