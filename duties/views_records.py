"""Duty records (履职档案): per executive and year, derived from the records (never typed); the board's table,
its Excel workbook (core.excel) and an executive's annual duty report as PDF (core.pdf)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core import clock, excel, pdf
from core.roles import Role
from core.tenancy import chosen_federation
from core.views import ScopedObjectMixin, scoped_function
from duties import selectors
from duties.models import Executive
from duties.views import DUTY_ROLES, _year

RECORD_ROLES = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.HOTLINE_SUPERVISOR})
# (figure, column title, yearly expectation or None)
COLUMNS: list[tuple[str, str, int | None]] = [
    ("contacts", gettext_noop("联系群众"), None),
    ("contacts_reached", gettext_noop("联系上"), None),
    ("shifts_served", gettext_noop("值班"), None),
    ("no_shows", gettext_noop("未到岗"), None),
    ("cases", gettext_noop("受理个案"), None),
    ("meetings_attended", gettext_noop("参加交流"), None),
    ("meetings_absent", gettext_noop("缺席交流"), None),
    ("suggestions", gettext_noop("建言献策"), None),
    ("suggestions_adopted", gettext_noop("被采纳"), None),
]


def shortfalls(figures: dict[str, int], expected: dict[str, int]) -> list[str]:
    """What falls short of the yearly expectations of the executive's federation."""
    return [k for k, n in expected.items() if figures.get(k, 0) < n]


def board_rows(user: Any, year: int) -> list[dict[str, Any]]:
    start, end = selectors.year_bounds(year)
    in_year = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    executives = list(selectors.executives_for(user).filter(in_year).order_by("person__name", "pk"))
    records = selectors.duty_records([e.pk for e in executives], *selectors.year_bounds(year))
    expected = {f: selectors.expectations(f) for f in {e.federation_id for e in executives}}
    rows = []
    for e in executives:
        figures = records[e.pk]
        short = shortfalls(figures, expected[e.federation_id])
        rows.append(
            {
                "executive": e,
                "figures": figures,
                "total": selectors.record_total(figures),
                "short": short,
                "cells": [(figures.get(k, 0), k in short) for k, _, _ in COLUMNS],
            }
        )
    return rows


@scoped_function(roles=RECORD_ROLES)
def records(request: HttpRequest) -> HttpResponse:
    """履职档案: the executives' duty figures of a year, shortfalls highlighted."""
    year = _year(request)
    rows = board_rows(request.user, year)
    federation_id = rows[0]["executive"].federation_id if rows else chosen_federation(request, RECORD_ROLES)
    return render(
        request,
        "duties/records.html",
        {
            "year": year,
            "rows": rows,
            "columns": [(k, gettext(t)) for k, t, _ in COLUMNS],
            "expectations": selectors.expectations(federation_id) if federation_id else {},
        },
    )


@scoped_function(roles=RECORD_ROLES)
def records_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = board_rows(request.user, year)
    sheet = excel.Sheet(
        title=gettext("履职档案"),
        columns=[
            excel.Column(gettext("姓名"), 12),
            excel.Column(gettext("所在单位"), 20),
            *[excel.Column(gettext(t), 10) for _, t, _ in COLUMNS],
            excel.Column(gettext("履职记录"), 10),
            excel.Column(gettext("未达要求"), 20),
        ],
        rows=(
            [
                r["executive"].person.name,
                r["executive"].unit.name if r["executive"].unit else "",
                *[r["figures"].get(k, 0) for k, _, _ in COLUMNS],
                r["total"],
                "、".join(gettext(dict((k, t) for k, t, _ in COLUMNS)[k]) for k in r["short"]),
            ]
            for r in rows
        ),
        preamble=[
            [excel.Cell(gettext("执委履职档案 %(year)s 年") % {"year": year}, "title")],
            [gettext("均由联系记录、值班、个案、交流会和建言献策统计得出。")],
        ],
    )
    return excel.xlsx_response(
        excel.workbook_bytes([sheet]),
        filename=f"执委履职档案{year}.xlsx",
        ascii_name=f"duty-records-{year}.xlsx",
    )


class DutyReportView(ScopedObjectMixin, SingleObjectMixin, View):
    """An executive's annual duty report (年度履职报告) as PDF, Chinese fonts embedded."""

    model = Executive
    allowed_roles = DUTY_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        executive: Executive = self.get_object()  # type: ignore[assignment]
        year = _year(request)
        record = selectors.duty_record(executive, *selectors.year_bounds(year))
        expected = selectors.expectations(executive.federation_id)
        content = pdf.render_pdf(
            "duties/pdf/duty_report.html",
            {
                "executive": executive,
                "year": year,
                "record": record,
                "lines": [(gettext(t), record.figures.get(k, 0), expected.get(k)) for k, t, _ in COLUMNS],
                "short": shortfalls(record.figures, expected),
                "today": clock.today(),
                "logs": selectors.logs_of(request.user, executive, limit=200),
            },
            request=request,
        )
        return pdf.pdf_response(
            content, f"{executive.person.name}{year}年履职报告.pdf", f"duty-report-{year}.pdf"
        )
