"""Reminders of the self-inspection (core.reminders), registered in assessment.plugs.

On a day it reports, for every open cycle,

- each form not yet submitted (a draft, or returned) when the deadline is at most `DUE_SOON_DAYS` away:
  "自查截止日期临近", to the unit's liaisons;
- each form still not submitted after the deadline: "自查表逾期未提交", urgent, to the unit's liaisons;
- once per cycle after the deadline, to the federation's staff: how many units have not submitted (one
  notice, not one per unit; its title follows the count).

A notice's key carries the deadline, so a deadline moved later starts afresh; its cause is the form
("selfcheck:<id>") or the cycle ("cycle:<id>"). When the form is submitted, or the cycle closed, the
producer stops reporting it and core.reminders marks the reminder resolved; a form returned after the
deadline is reported again.

Overdue rectification items are the other producer (services.overdue_rectification_notices).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from core.reminders import Audience, Notice, ReminderProducer
from core.roles import Role

KIND_SELFCHECK_DUE = "selfcheck_due"
KIND_SELFCHECK_LATE = "selfcheck_late"
KIND_CYCLE_LATE = "cycle_late"

# A form not submitted this many days before the deadline is reminded to its unit.
DUE_SOON_DAYS = 7


def _d(day: dt.date) -> str:
    return gettext("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def selfcheck_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    """The reminders of forms not submitted in open cycles (see the module's docstring).

    Queries: the unsubmitted forms of open cycles whose deadline is at most DUE_SOON_DAYS away (one, with
    their cycles and units)."""
    from assessment.models import Cycle, SelfCheck

    forms = (
        SelfCheck.objects.filter(
            cycle__status=Cycle.Status.OPEN,
            cycle__deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .exclude(status=SelfCheck.Status.SUBMITTED)
        # A unit dissolved since the cycle opened has nobody left to submit.
        .filter(Q(unit__dissolved_on__isnull=True) | Q(unit__dissolved_on__gt=today))
        .select_related("cycle", "unit")
        .order_by("cycle_id", "unit__name", "id")
    )
    if federation_id is not None:
        forms = forms.filter(federation_id=federation_id)
    notices: list[Notice] = []
    late_by_cycle: dict[int, list[SelfCheck]] = {}
    for form in forms:
        cycle = form.cycle
        names = {"cycle": cycle.title, "unit": form.unit.name, "deadline": _d(cycle.deadline)}
        url = reverse("assessment:form-detail", args=[form.pk])
        audience = Audience(unit_id=form.unit_id, unit_roles=frozenset({Role.UNIT_LIAISON}))
        days = (cycle.deadline - today).days
        if days < 0:
            late_by_cycle.setdefault(cycle.pk, []).append(form)
            notices.append(
                Notice(
                    key=f"selfcheck-late:{form.pk}:{cycle.deadline.isoformat()}",
                    cause=f"selfcheck:{form.pk}",
                    kind=KIND_SELFCHECK_LATE,
                    federation_id=form.federation_id,
                    urgent=True,
                    audience=audience,
                    url=url,
                    title=gettext("%(unit)s的%(cycle)s自查表逾期未提交") % names,
                    body=gettext("提交截止日期为%(deadline)s，已逾期%(days)s天。请尽快完成填写并提交。")
                    % {**names, "days": -days},
                )
            )
        else:
            notices.append(
                Notice(
                    key=f"selfcheck-due:{form.pk}:{cycle.deadline.isoformat()}",
                    cause=f"selfcheck:{form.pk}",
                    kind=KIND_SELFCHECK_DUE,
                    federation_id=form.federation_id,
                    audience=audience,
                    url=url,
                    title=gettext("%(cycle)s将于%(deadline)s截止提交") % names,
                    body=gettext("%(unit)s的自查表尚未提交，还有%(days)s天截止。") % {**names, "days": days},
                )
            )
    for cycle_forms in late_by_cycle.values():
        cycle = cycle_forms[0].cycle
        counted = {"cycle": cycle.title, "n": str(len(cycle_forms)), "deadline": _d(cycle.deadline)}
        shown = "、".join(f.unit.name for f in cycle_forms[:10])
        if len(cycle_forms) > 10:
            shown = gettext("%(units)s 等") % {"units": shown}
        notices.append(
            Notice(
                key=f"cycle-late:{cycle.pk}:{cycle.deadline.isoformat()}",
                cause=f"cycle:{cycle.pk}",
                kind=KIND_CYCLE_LATE,
                federation_id=cycle.federation_id,
                audience=Audience(federation_roles=frozenset({Role.FEDERATION_STAFF})),
                url=reverse("assessment:cycle-overview", args=[cycle.pk]),
                title=gettext("%(cycle)s：%(n)s 个单位逾期未提交自查表") % counted,
                body=gettext("截止日期%(deadline)s已过，尚未提交的单位：%(units)s。")
                % {**counted, "units": shown},
            )
        )
    return notices


PRODUCER = ReminderProducer(
    produce=selfcheck_notices,
    kinds=frozenset({KIND_SELFCHECK_DUE, KIND_SELFCHECK_LATE, KIND_CYCLE_LATE}),
    # A submission, a return, a new deadline, a closed cycle or a dissolved unit may change the answer.
    watches={
        "assessment.SelfCheck": "federation_id",
        "assessment.Cycle": "federation_id",
        "orgs.Unit": "federation_id",
    },
)
