"""Reads of the duty system, scoped to the user; the duty record (履职档案) is derived here, never typed."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from core import clock
from core.roles import Role
from core.scoping import scope_for
from duties.models import (
    Attendance,
    ContactAssignment,
    ContactLog,
    DutySettings,
    Executive,
    HotlineCase,
    Shift,
    ShiftSwap,
    Suggestion,
)

# "No contact in N days" (one definition for the coverage page and its reminders); the default, each
# federation may set its own (DutySettings).
NO_CONTACT_DAYS = DutySettings.NO_CONTACT_DAYS


def executives_for(user: Any) -> QuerySet[Executive]:
    """The executives the user may see, with their person and unit (one query)."""
    return Executive.objects.visible_to(user).select_related("person", "unit")


def assignments_of(user: Any, executive: Executive) -> list[ContactAssignment]:
    """The executive's assignments with the date of the last reached contact (one query)."""
    last = Max("logs__contacted_on", filter=Q(logs__withdrawn_on__isnull=True, logs__reached=True))
    qs = ContactAssignment.objects.visible_to(user).filter(executive=executive)
    return list(
        qs.select_related("unit", "community").annotate(last_reached=last).order_by("ended_on", "assigned_on")
    )


def logs_of(user: Any, executive: Executive, limit: int = 50) -> list[ContactLog]:
    qs = ContactLog.objects.visible_to(user).filter(executive=executive)
    return list(qs.select_related("assignment__unit", "assignment__community")[:limit])


@dataclass(frozen=True)
class CoverageLine:
    assignment: ContactAssignment
    last_reached: dt.date | None
    days: int | None


def coverage(
    user: Any, federation_id: int, *, days: int | None = None, today: dt.date | None = None
) -> list[CoverageLine]:
    """Standing assignments whose last reached contact is older than `days` (default: the federation's
    "no contact in N days"), or none ever, longest first."""
    today = today or clock.today()
    if days is None:
        days = DutySettings.of(federation_id).no_contact_days
    last = Max("logs__contacted_on", filter=Q(logs__withdrawn_on__isnull=True, logs__reached=True))
    qs = (
        ContactAssignment.objects.visible_to(user)
        .filter(federation_id=federation_id, ended_on__isnull=True)
        .select_related("executive__person", "unit", "community")
        .annotate(last_reached=last)
    )
    cutoff = today - dt.timedelta(days=days)
    lines = [
        CoverageLine(a, a.last_reached, (today - a.last_reached).days if a.last_reached else None)  # type: ignore[attr-defined]
        for a in qs
        if a.last_reached is None or a.last_reached < cutoff  # type: ignore[attr-defined]
    ]
    return sorted(lines, key=lambda line: (line.last_reached or dt.date.min, line.assignment.pk))


# --------------------------------------------------------------------------------- duty records
# The figures of a duty record that count as duty done (the others are context: reached, open follow-ups).
COUNTED = ("contacts", "shifts_served", "cases", "meetings_attended", "suggestions")
FIGURES = (
    "contacts",
    "contacts_reached",
    "follow_ups_open",
    "shifts",
    "shifts_served",
    "no_shows",
    "cases",
    "meetings_attended",
    "meetings_absent",
    "suggestions",
    "suggestions_adopted",
)
# Suggestions every executive makes a year (default).
REQUIRED_SUGGESTIONS = 1
# Shifts every executive serves a year (default; 定期服务接访); each federation may set its own.
REQUIRED_SHIFTS = DutySettings.REQUIRED_SHIFTS


def expectations(federation_id: int) -> dict[str, int]:
    """The yearly expectations of one executive of the federation: {figure: at least}."""
    return {
        "shifts_served": DutySettings.of(federation_id).required_shifts,
        "suggestions": REQUIRED_SUGGESTIONS,
    }


@dataclass
class DutyRecord:
    """What one executive did in one period: every figure counted from the records, none typed."""

    executive: Executive
    start: dt.date
    end: dt.date
    figures: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        if name in FIGURES:
            return self.figures.get(name, 0)
        raise AttributeError(name)

    @property
    def total(self) -> int:
        return record_total(self.figures)


def record_total(figures: dict[str, int]) -> int:
    return sum(figures.get(k, 0) for k in COUNTED)


def duty_records(executive_ids: list[int], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """{executive id: {figure: count}} over [start, end], for many executives in a few queries.

    Not scoped: callers pass executives they fetched through the scope (a metric reports counts only).
    """
    out: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIGURES, 0) for pk in executive_ids}
    logs = (
        ContactLog.objects.standing()
        .filter(executive_id__in=executive_ids, contacted_on__range=(start, end))
        .values("executive_id")
        .annotate(
            n=Count("id"),
            reached=Count("id", filter=Q(reached=True)),
            open=Count("id", filter=Q(follow_up_due__isnull=False, follow_up_done_on__isnull=True)),
        )
    )
    for row in logs:
        out[row["executive_id"]].update(
            contacts=row["n"], contacts_reached=row["reached"], follow_ups_open=row["open"]
        )
    today = clock.today()
    shifts = (
        Shift.objects.filter(executive_id__in=executive_ids, on__range=(start, end))
        .values("executive_id")
        .annotate(
            n=Count("id", filter=Q(on__lte=today)),
            served=Count("id", filter=Q(checked_in_at__isnull=False)),
            missed=Count("id", filter=Q(checked_in_at__isnull=True, on__lt=today)),
        )
    )
    for srow in shifts:
        out[srow["executive_id"]].update(
            shifts=srow["n"], shifts_served=srow["served"], no_shows=srow["missed"]
        )
    attendance = (
        Attendance.objects.filter(executive_id__in=executive_ids, meeting__held_on__range=(start, end))
        .values("executive_id")
        .annotate(
            present=Count("id", filter=Q(status="present")), absent=Count("id", filter=Q(status="absent"))
        )
    )
    for arow in attendance:
        out[arow["executive_id"]].update(meetings_attended=arow["present"], meetings_absent=arow["absent"])
    suggestions = (
        Suggestion.objects.filter(author_id__in=executive_ids, submitted_on__range=(start, end))
        .values("author_id")
        .annotate(n=Count("id"), adopted=Count("id", filter=Q(result="adopted")))
    )
    for grow in suggestions:
        out[grow["author_id"]].update(suggestions=grow["n"], suggestions_adopted=grow["adopted"])
    for executive_id, n in case_counts(executive_ids, start, end).items():
        out[executive_id]["cases"] = n
    return out


def case_counts(executive_ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """Cases each executive took in [start, end]: a count, read under an audited system scope (no contents)."""
    from core import confidential

    if not executive_ids:
        return {}
    # Inside a request the user's scope is active (a count is no content); a job or a metric says why.
    with contextlib.ExitStack() as stack:
        if confidential.active_scope() is None:
            stack.enter_context(confidential.system_scope("履职档案：统计受理个案数"))
        rows = (
            HotlineCase.objects.filter(executive_id__in=executive_ids, received_on__range=(start, end))
            .values("executive_id")
            .annotate(n=Count("id"))
        )
        return {r["executive_id"]: r["n"] for r in rows}


def duty_record(executive: Executive, start: dt.date, end: dt.date) -> DutyRecord:
    return DutyRecord(executive, start, end, duty_records([executive.pk], start, end)[executive.pk])


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# ------------------------------------------------------------------------------------------ roster
def month_bounds(raw: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The month `raw` names ("2024-03"), else the current one: its first and last day."""
    today = today or clock.today()
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def week_bounds(raw: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The ISO week `raw` names ("2024-W10", as an <input type="week"> sends it), else the current one:
    its Monday and Sunday."""
    today = today or clock.today()
    monday = today - dt.timedelta(days=today.weekday())
    year, sep, week = raw.partition("-W")
    if sep and year.isdigit() and week.isdigit():
        try:
            monday = dt.date.fromisocalendar(int(year), int(week), 1)
        except (ValueError, OverflowError):
            pass
    return monday, monday + dt.timedelta(days=6)


def iso_week(day: dt.date) -> str:
    """The ISO week of `day` ("2024-W10"), as week_bounds reads it."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def roster(user: Any, federation_id: int, start: dt.date, end: dt.date) -> list[Shift]:
    """The federation's shifts in [start, end] with their executives (one query)."""
    qs = Shift.objects.visible_to(user).filter(federation_id=federation_id, on__range=(start, end))
    return list(qs.select_related("executive__person").order_by("on", "starts_at", "pk"))


def open_swaps(user: Any, federation_id: int) -> list[ShiftSwap]:
    """Swaps waiting for a taker or for approval, on shifts still to come (one query)."""
    qs = ShiftSwap.objects.visible_to(user).filter(
        federation_id=federation_id, status__in=("offered", "taken"), shift__on__gte=clock.today()
    )
    return list(
        qs.select_related("shift", "offered_by__person", "taken_by__person").order_by("shift__on", "pk")
    )


def my_executive(user: Any, federation_id: int) -> Executive | None:
    """The user's own executive record in that federation (in office), if any."""

    scope = scope_for(user)
    if not scope.person_id:
        return None
    return (
        Executive.objects.visible_to(user)
        .filter(person_id=scope.person_id, federation_id=federation_id, ended_on__isnull=True)
        .first()
    )


# ------------------------------------------------------------------------------ calendar feeds
def feed_for_token(token: str) -> Any:
    """The standing feed of a token (unscoped: the token is the credential), else None."""
    from duties.models import CalendarFeed
    from duties.services import feed_token_hash

    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .select_related("executive__person")
        .first()
    )


def roster_ics(executive: Executive, *, today: dt.date | None = None) -> bytes:
    """The executive's shifts from 90 days back to a year ahead as an iCalendar (RFC 5545) file, times in
    the server's zone; swaps approved show as the shift's new executive."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone
    from icalendar import Calendar, Event

    today = today or clock.today()
    zone = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Jinguo//duties roster//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{executive.person.name} 值班")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    shifts = Shift.objects.filter(
        executive=executive, on__range=(today - dt.timedelta(days=90), today + dt.timedelta(days=365))
    ).order_by("on", "starts_at", "pk")
    stamp = timezone.now()
    for s in shifts:
        event = Event()
        event.add("uid", f"shift-{s.pk}@jinguo")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(s.on, s.starts_at, tzinfo=zone))
        event.add("dtend", dt.datetime.combine(s.on, s.ends_at, tzinfo=zone))
        event.add("summary", f"{s.get_desk_display()}值班")
        cal.add_component(event)
    return cal.to_ical()


# How many cases the case list shows (newest first); older ones are found by the export.
CASE_LIST_SIZE = 200


def case_list_for(user: Any, size: int = CASE_LIST_SIZE) -> list[HotlineCase]:
    """The newest `size` cases the user may read (masked on the page). The supervisors' federations and the
    user's own intakes are two scoped queries: each walks its index newest first and stops after `size`,
    where their OR in one query sorted every case of the federation (a province's hundreds of thousands)."""
    supervised = scope_for(user).federations_with(Role.HOTLINE_SUPERVISOR)
    newest = HotlineCase.objects.visible_to(user).order_by("-received_on", "-pk")
    found = {c.pk: c for c in newest.filter(federation_id__in=supervised)[:size]} if supervised else {}
    found.update((c.pk, c) for c in newest.filter(taker_id=user.pk).exclude(federation_id__in=supervised)[:size])
    return sorted(found.values(), key=lambda c: (c.received_on, c.pk), reverse=True)[:size]
