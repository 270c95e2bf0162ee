"""讲座日历: the lectures the user may see (as the lecture list) in a month or an ISO week, server-rendered.

Follows the duties roster (duties.views_roster): `?month=2026-12` or `?week=2026-W49`; a parameter that
names no month or week falls back to the current one, with a message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from core import clock
from core.roles import BUSINESS_ROLES
from core.views import scoped_function
from lectures import selectors

MSG_BAD_MONTH = gettext_noop("月份“%(value)s”无法识别（应如 2026-12），已显示本月。")
MSG_BAD_WEEK = gettext_noop("周次“%(value)s”无法识别（应如 2026-W49），已显示本周。")
WEEKDAYS = (
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
)


@scoped_function(roles=BUSINESS_ROLES)
def schedule(request: HttpRequest) -> HttpResponse:
    """讲座日历: a month as a calendar grid (a list of the days with lectures on a phone), or with `?week=`
    a week day by day; previous and next links; each lecture links to its page."""
    today = clock.today()
    weekly = "week" in request.GET
    if weekly:
        raw = request.GET.get("week", "")
        bounds = selectors.week_bounds(raw)
        if bounds is None:
            if raw:
                messages.warning(request, gettext(MSG_BAD_WEEK) % {"value": raw[:20]})
            monday = today - dt.timedelta(days=today.weekday())
            bounds = (monday, monday + dt.timedelta(days=6))
    else:
        raw = request.GET.get("month", "")
        bounds = selectors.month_bounds(raw)
        if bounds is None:
            if raw:
                messages.warning(request, gettext(MSG_BAD_MONTH) % {"value": raw[:20]})
            bounds = selectors.month_bounds(today.strftime("%Y-%m"))
            assert bounds is not None
    start, end = bounds
    # A month's grid runs from the Monday before its first day to the Sunday after its last.
    grid_start = start - dt.timedelta(days=start.weekday())
    grid_end = end + dt.timedelta(days=6 - end.weekday())
    days = selectors.lecture_calendar_for(request.user, grid_start, grid_end)
    cells = [
        {
            "day": day,
            "weekday": gettext(WEEKDAYS[day.weekday()]),
            "lectures": lectures,
            "inside": start <= day <= end,
        }
        for day, lectures in days.items()
    ]
    context: dict[str, Any] = {
        "weekly": weekly,
        "start": start,
        "end": end,
        "today": today,
        "month": start.strftime("%Y-%m"),
        # The other view of the same time: the first week of the month (or this week, in the current month).
        "week": selectors.iso_week(today if start <= today <= end else start),
        "count": sum(len(lectures) for day, lectures in days.items() if start <= day <= end),
    }
    if weekly:
        context |= {
            "days": cells,
            "prev": selectors.iso_week(start - dt.timedelta(days=7)),
            "next": selectors.iso_week(start + dt.timedelta(days=7)),
        }
    else:
        context |= {
            "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
            "month_days": [c for c in cells if c["inside"] and c["lectures"]],
            "weekdays": [gettext(name) for name in WEEKDAYS],
            "prev": (start - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": (end + dt.timedelta(days=1)).strftime("%Y-%m"),
        }
    return render(request, "lectures/schedule.html", context)
