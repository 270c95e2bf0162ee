"""Reminders of the lecture system (core.reminders): an order waiting for a lecturer too long (staff are told),
an offer waiting for the lecturer's answer (she is told). Each resolves when the order moves on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.reminders import Audience, Notice, ReminderProducer
from core.roles import Role

# An order unmatched this many days is a reminder to the federation's staff; an offer unanswered this
# many days one to the lecturer (issue: "an order waiting for a lecturer past N days", "default 3 days").
MATCH_WAIT_DAYS = 7
ANSWER_WAIT_DAYS = 3


def order_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    from accounts.models import User
    from lectures.models import LectureRequest

    orders = LectureRequest.objects.select_related("topic", "volunteer")
    if federation_id is not None:
        orders = orders.filter(federation_id=federation_id)
    notices = []
    for order in orders.filter(status=LectureRequest.Status.NEW):
        waited = (today - timezone.localdate(order.created_at)).days
        if waited >= MATCH_WAIT_DAYS:
            notices.append(
                Notice(
                    key=f"lecture-order-unmatched:{order.pk}",
                    cause=f"lecture-order:{order.pk}",
                    kind="lecture_order_wait",
                    federation_id=order.federation_id,
                    title=gettext("点单“%(title)s”已等待匹配讲师 %(days)s 天")
                    % {"title": order.topic.title, "days": waited},
                    url=reverse("lectures:request-detail", args=[order.pk]),
                    audience=Audience(federation_roles=frozenset({Role.FEDERATION_STAFF})),
                )
            )
    offered = orders.filter(status=LectureRequest.Status.MATCHED, matched_at__isnull=False)
    users = dict(
        User.objects.filter(
            person__volunteer__in=[o.volunteer_id for o in offered], is_active=True
        ).values_list("person__volunteer", "pk")
    )
    for order in offered:
        assert order.matched_at is not None
        waited = (today - timezone.localdate(order.matched_at)).days
        user_id = users.get(order.volunteer_id)
        if waited >= ANSWER_WAIT_DAYS and user_id:
            notices.append(
                Notice(
                    key=f"lecture-offer-unanswered:{order.pk}:{order.volunteer_id}",
                    cause=f"lecture-order:{order.pk}",
                    kind="lecture_offer_wait",
                    federation_id=order.federation_id,
                    title=gettext("请答复点单邀请：“%(title)s”") % {"title": order.topic.title},
                    url=reverse("lectures:request-detail", args=[order.pk]),
                    audience=Audience(user_ids=frozenset({user_id})),
                )
            )
    return notices


PRODUCER = ReminderProducer(
    produce=order_notices,
    kinds=frozenset({"lecture_order_wait", "lecture_offer_wait"}),
    watches={"lectures.LectureRequest": "federation_id"},
)


# A qualification that lapses within this many days is a reminder to its volunteer (and the federation's staff).
QUALIFICATION_WARN_DAYS = 30


def qualification_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    from accounts.models import User
    from lectures.models import Qualification

    due = Qualification.objects.select_related("volunteer__person").filter(
        valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=QUALIFICATION_WARN_DAYS)
    )
    if federation_id is not None:
        due = due.filter(federation_id=federation_id)
    rows = list(due)
    # A qualification renewed (another of the same name valid after this one ends) is not reminded of.
    renewed = set()
    for q in rows:
        assert q.valid_until is not None
        later = Qualification.objects.filter(volunteer_id=q.volunteer_id, name=q.name).filter(
            _valid_after(q.valid_until)
        )
        if later.exists():
            renewed.add(q.pk)
    users = dict(
        User.objects.filter(person_id__in=[q.volunteer.person_id for q in rows], is_active=True).values_list(
            "person_id", "pk"
        )
    )
    notices = []
    for q in rows:
        if q.pk in renewed:
            continue
        assert q.valid_until is not None
        user_id = users.get(q.volunteer.person_id)
        notices.append(
            Notice(
                key=f"lecture-qualification-lapsing:{q.pk}:{q.valid_until.isoformat()}",
                cause=f"lecture-qualification:{q.pk}",
                kind="lecture_qualification_lapsing",
                federation_id=q.federation_id,
                title=gettext("%(name)s的资质“%(qualification)s”将于 %(date)s 到期")
                % {"name": q.volunteer.person.name, "qualification": q.name, "date": q.valid_until.isoformat()},
                url=reverse("lectures:volunteer-detail", args=[q.volunteer_id]),
                audience=Audience(
                    user_ids=frozenset({user_id}) if user_id else frozenset(),
                    federation_roles=frozenset({Role.FEDERATION_STAFF}),
                ),
            )
        )
    return notices


def _valid_after(day: dt.date) -> Any:
    from django.db.models import Q

    return Q(valid_until__isnull=True) | Q(valid_until__gt=day)


QUALIFICATION_PRODUCER = ReminderProducer(
    produce=qualification_notices,
    kinds=frozenset({"lecture_qualification_lapsing"}),
    watches={"lectures.Qualification": "federation_id"},
)
