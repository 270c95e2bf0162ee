"""Home cards (core.registry.home_cards): what is due for an executive, and for a hotline supervisor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import clock
from core.roles import Role
from duties.models import ContactLog, ExchangeMeeting, HotlineCase, Referral, Shift, ShiftSwap, Suggestion


def executive_card(request: Any, scope: Any) -> dict[str, Any] | None:
    """Shifts in the next two weeks, swaps to take, open follow-ups, meetings ahead, replies to rate."""
    if not scope.person_id:
        return None
    today = clock.today()
    user = request.user
    shifts = list(
        Shift.objects.visible_to(user)
        .filter(executive__person_id=scope.person_id, on__gte=today, on__lte=today + dt.timedelta(days=14))
        .order_by("on")[:5]
    )
    swaps = (
        ShiftSwap.objects.permitted(user, "take")
        .filter(status="offered", shift__on__gte=today)
        .exclude(offered_by__person_id=scope.person_id)
        .count()
    )
    follow_ups = (
        ContactLog.objects.visible_to(user)
        .standing()
        .filter(
            executive__person_id=scope.person_id, follow_up_due__isnull=False, follow_up_done_on__isnull=True
        )
        .order_by("follow_up_due")[:5]
    )
    meetings = list(
        ExchangeMeeting.objects.visible_to(user).filter(held_on__gte=today).order_by("held_on")[:3]
    )
    to_rate = Suggestion.objects.permitted(user, "rate").filter(status="answered").count()
    return {
        "shifts": shifts,
        "swaps": swaps,
        "follow_ups": list(follow_ups),
        "meetings": meetings,
        "to_rate": to_rate,
        "today": today,
    }


def supervisor_card(request: Any, scope: Any) -> dict[str, Any] | None:
    """Open cases (urgent first) and referrals whose follow-up date has come; counts, nothing decrypted."""
    if not scope.federations_with(Role.HOTLINE_SUPERVISOR):
        return None
    today = clock.today()
    cases = HotlineCase.objects.visible_to(request.user).exclude(status="closed")
    referrals = Referral.objects.visible_to(request.user).filter(
        status__in=("sent", "accepted"), follow_up_on__lte=today
    )
    return {
        "open_cases": cases.count(),
        "urgent_cases": list(cases.filter(urgent=True).order_by("-received_on")[:5]),
        "referrals_due": referrals.count(),
    }
