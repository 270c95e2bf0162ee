"""What the duty system notices every day (core.reminders): a shift tomorrow, a follow-up past its due date,
a suggestion's reply due within a week or overdue, a referral's follow-up date reached."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext

from core.reminders import Audience, Notice, ReminderProducer
from core.roles import Role
from duties.models import ContactLog, Referral, Shift, Suggestion

# A reply due within this many days is reminded (and again once it is overdue).
REPLY_DUE_SOON_DAYS = 7


def _users_of(person_ids: set[int]) -> dict[int, int]:
    """person id -> account id (an executive hears of her shifts through her account)."""
    from accounts.models import User

    rows = User.objects.filter(person_id__in=person_ids, is_active=True).values_list("person_id", "pk")
    return {person: user for person, user in rows}


def duty_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    tomorrow = today + dt.timedelta(days=1)
    shifts = Shift.objects.filter(on=tomorrow, executive__isnull=False).select_related("executive")
    logs = (
        ContactLog.objects.standing()
        .filter(follow_up_due__lt=today, follow_up_done_on__isnull=True, follow_up_due__isnull=False)
        .select_related("executive")
    )
    if federation_id is not None:
        shifts, logs = shifts.filter(federation_id=federation_id), logs.filter(federation_id=federation_id)
    shifts_l, logs_l = list(shifts), list(logs)
    users = _users_of(
        {s.executive.person_id for s in shifts_l if s.executive} | {g.executive.person_id for g in logs_l}
    )
    notices = []
    for s in shifts_l:
        user = users.get(s.executive.person_id) if s.executive else None
        if user is None:
            continue
        notices.append(
            Notice(
                key=f"shift-tomorrow:{s.pk}:{s.executive_id}",
                cause=f"shift:{s.pk}",
                kind="shift_tomorrow",
                federation_id=s.federation_id,
                title=gettext("明天 %(t)s 您在%(desk)s值班")
                % {"t": f"{s.starts_at:%H:%M}", "desk": s.get_desk_display()},
                url=reverse("duties:roster") + f"?month={s.on:%Y-%m}",
                audience=Audience(user_ids=frozenset({user})),
            )
        )
    for g in logs_l:
        user = users.get(g.executive.person_id)
        if user is None:
            continue
        notices.append(
            Notice(
                key=f"follow-up-overdue:{g.pk}",
                cause=f"contact-log:{g.pk}",
                kind="follow_up_overdue",
                federation_id=g.federation_id,
                title=gettext("联系记录的跟进已过期限（%(d)s）")
                % {"d": g.follow_up_due.isoformat() if g.follow_up_due else ""},
                url=reverse("duties:executive-detail", args=[g.executive_id]),
                audience=Audience(user_ids=frozenset({user})),
            )
        )
    notices += suggestion_notices(today, federation_id)
    notices += referral_notices(today, federation_id)
    return notices


def suggestion_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    """Suggestions assigned and not answered whose reply is due within a week, or overdue: to the lead
    department's liaisons and the federation's staff (one notice per threshold)."""
    soon = today + dt.timedelta(days=REPLY_DUE_SOON_DAYS)
    qs = Suggestion.objects.filter(status=Suggestion.Status.ASSIGNED, reply_due__lte=soon)
    if federation_id is not None:
        qs = qs.filter(federation_id=federation_id)
    notices = []
    for s in qs.order_by("reply_due", "pk"):
        assert s.reply_due is not None
        overdue = s.reply_due < today
        params = {"title": s.title[:40], "d": s.reply_due.isoformat()}
        notices.append(
            Notice(
                key=f"suggestion-{'overdue' if overdue else 'due-7'}:{s.pk}:{s.reply_due.isoformat()}",
                cause=f"suggestion:{s.pk}",
                kind="suggestion_overdue" if overdue else "suggestion_due",
                federation_id=s.federation_id,
                title=(
                    gettext("建议《%(title)s》已超过答复期限（%(d)s）")
                    if overdue
                    else gettext("建议《%(title)s》应于 %(d)s 前答复")
                )
                % params,
                url=reverse("duties:suggestion-detail", args=[s.pk]),
                audience=Audience(
                    federation_roles=frozenset({Role.FEDERATION_STAFF}),
                    unit_id=s.lead_unit_id,
                    unit_roles=frozenset({Role.UNIT_LIAISON}) if s.lead_unit_id else frozenset(),
                ),
            )
        )
    return notices


def referral_notices(today: dt.date, federation_id: int | None = None) -> list[Notice]:
    """Referrals still open (sent or accepted) whose follow-up date has come: to the case's taker and the
    hotline supervisors. The notice names the case's number only, never its contents."""
    from core import confidential

    with confidential.system_scope("提醒：转介回访"):
        qs = Referral.objects.filter(
            status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED],
            follow_up_on__isnull=False,
            follow_up_on__lte=today,
        ).exclude(case__status="closed")
        if federation_id is not None:
            qs = qs.filter(federation_id=federation_id)
        rows = list(qs.values_list("pk", "case_id", "case__taker_id", "federation_id", "follow_up_on"))
    return [
        Notice(
            key=f"referral-follow-up:{pk}:{due}",
            cause=f"referral:{pk}",
            kind="referral_follow_up",
            federation_id=fed,
            title=gettext("个案 #%(n)s 的转介已到回访日期（%(d)s）") % {"n": case_id, "d": str(due)},
            url=reverse("duties:case-detail", args=[case_id]),
            audience=Audience(
                user_ids=frozenset({taker}) if taker else frozenset(),
                federation_roles=frozenset({Role.HOTLINE_SUPERVISOR}),
            ),
        )
        for pk, case_id, taker, fed, due in rows
    ]


PRODUCER = ReminderProducer(
    produce=duty_notices,
    kinds=frozenset(
        {
            "shift_tomorrow",
            "follow_up_overdue",
            "suggestion_due",
            "suggestion_overdue",
            "referral_follow_up",
        }
    ),
    watches={
        "duties.Shift": "federation_id",
        "duties.ContactLog": "federation_id",
        "duties.Suggestion": "federation_id",
        "duties.Referral": "federation_id",
        "duties.HotlineCase": "federation_id",
    },
)
