"""The self-check dashboard (自查工作台): the three rates, their trend, and what needs attention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.htmx import render_page_or_partial
from core.roles import Role
from core.scoping import scope_for
from core.tenancy import chosen_federation, federation_choices
from core.views import ScopedTemplateView, scoped_function
from dashboard import exports, selectors
from orgs.models import Federation

DASHBOARD_ROLES = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON})

MSG_BAD_YEAR = _("年份无效：请选择 {first} 至 {last} 年之间的年份。已显示 {shown} 年的数据。")
MSG_BAD_DATE = _("日期格式无效（应为 年-月-日，例如 2017-01-01）。已显示 {shown} 年全年的数据。")
MSG_FROM_AFTER_TO = _("开始日期不能晚于结束日期。已显示 {shown} 年全年的数据。")
MSG_FUTURE = _("所选期间尚未开始。已显示 {shown} 年的数据。")
MIN_YEAR = 1990


@dataclass
class Period:
    """The period the page reports on, and the messages about what the user asked for."""

    year: int
    start: dt.date
    end: dt.date
    custom: bool = False
    clamped: bool = False  # the period runs past today: figures are as of today
    errors: list[str] = field(default_factory=list)

    def query(self) -> str:
        if self.custom:
            return f"year={self.year}&from={self.start.isoformat()}&to={self.end.isoformat()}"
        return f"year={self.year}"


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_period(params: Any, today: dt.date, first_year: int | None) -> Period:
    """The year picker (default this year) and the optional from/to dates; bad input gives a message."""
    last = today.year
    first = min(first_year or last, last)
    errors: list[str] = []
    raw_year = (params.get("year") or "").strip()
    year = last
    if raw_year:
        if raw_year.isdigit() and MIN_YEAR <= int(raw_year) <= last:
            year = int(raw_year)
        else:
            errors.append(MSG_BAD_YEAR.format(first=first, last=last, shown=last))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    custom = False
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if raw_from or raw_to:
        d_from = _parse_date(raw_from) if raw_from else start
        d_to = _parse_date(raw_to) if raw_to else end
        if d_from is None or d_to is None or d_from.year < MIN_YEAR or d_to.year < MIN_YEAR:
            errors.append(MSG_BAD_DATE.format(shown=year))
        elif d_from > d_to:
            errors.append(MSG_FROM_AFTER_TO.format(shown=year))
        elif d_from > today:
            errors.append(MSG_FUTURE.format(shown=year))
        else:
            start, end, custom = d_from, d_to, True
            year = end.year if end <= today else today.year
    clamped = end > today
    return Period(year=year, start=start, end=min(end, today), custom=custom, clamped=clamped, errors=errors)


def _context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    # Roles are per federation: the page shows one federation (the user's part of it) and says which.
    federation = chosen_federation(request, DASHBOARD_ROLES)
    first_year = selectors.first_year_for(user, federation)
    period = parse_period(request.GET, today, first_year)
    trend_to = period.end.year
    trend_from = max(min(first_year or trend_to, trend_to), trend_to - selectors.TREND_MAX_YEARS + 1)
    data = selectors.dashboard_for(user, start=period.start, end=period.end, trend_from=trend_from, trend_to=trend_to,
                                   federation=federation)
    scope = scope_for(user)
    federation_view = scope.has_in(federation, Role.FEDERATION_STAFF)
    picker_first = min(first_year or today.year, today.year)
    names = dict(Federation.objects.visible_to(user).values_list("pk", "name"))
    return {
        "federation": federation,
        "federation_name": names.get(federation or 0, ""),
        "federation_choices": federation_choices(request, DASHBOARD_ROLES, names),
        "period": period,
        "data": data,
        "today": today,
        "years": list(range(today.year, picker_first - 1, -1)),
        "federation_view": federation_view,
        "export_lists": exports.LISTS,
    }


class DashboardView(ScopedTemplateView):
    """Federation staff see their district; a unit's liaison sees the same panel for their unit."""

    allowed_roles = DASHBOARD_ROLES
    template_name = "dashboard/index.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render_page_or_partial(request, self.template_name, "panel", _context(request))


@scoped_function(roles=DASHBOARD_ROLES)
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the three lists as an Excel workbook, for the same period as the page."""
    if kind not in exports.LISTS:
        raise Http404
    today = clock.today()
    federation = chosen_federation(request, DASHBOARD_ROLES)
    period = parse_period(request.GET, today, selectors.first_year_for(request.user, federation))
    spec = exports.LISTS[kind]
    rows = spec.rows(request.user, period.end, federation)
    response = exports.workbook_response(spec, rows, as_of=period.end)
    audit.record(
        "export",
        object_type="dashboard.list",
        object_repr=str(spec.title),
        detail=f"{spec.title}（截至 {period.end.isoformat()}，{len(rows)} 行）",
        changes={"list": kind, "as_of": period.end.isoformat(), "rows": len(rows)},
        federation_id=federation,
    )
    return response


export.jinguo_example_kwargs = {"kind": "overdue"}  # type: ignore[attr-defined]


class ProblemListView(ScopedTemplateView):
    """One of the dashboard's three lists in full, a page at a time, for the same federation and period."""

    allowed_roles = DASHBOARD_ROLES
    template_name = "dashboard/problem_list.html"
    paginate_by = 50
    jinguo_example_kwargs = {"kind": "overdue"}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        spec = selectors.PROBLEM_LISTS.get(kwargs["kind"])
        if spec is None:
            raise Http404
        user = request.user
        today = clock.today()
        federation = chosen_federation(request, DASHBOARD_ROLES)
        period = parse_period(request.GET, today, selectors.first_year_for(user, federation))
        paginator = Paginator(spec.queryset(user, period.end, federation), self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        names = dict(Federation.objects.visible_to(user).values_list("pk", "name"))
        context = {
            "spec": spec,
            "kind": spec.key,
            "rows": [spec.row(obj, period.end) for obj in page.object_list],
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "period": period,
            "federation": federation,
            "federation_name": names.get(federation or 0, ""),
        }
        return render(request, self.template_name, context)

