"""What the duty system notices every day (core.reminders): a shift tomorrow, a follow-up past its due date."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext

from core.reminders import Audience, Notice, ReminderProducer
from duties.models import ContactLog, Shift


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
    return notices


PRODUCER = ReminderProducer(
    produce=duty_notices,
    kinds=frozenset({"shift_tomorrow", "follow_up_overdue"}),
    watches={"duties.Shift": "federation_id", "duties.ContactLog": "federation_id"},
)
