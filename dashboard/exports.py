"""The dashboard's three lists as Excel workbooks, written by the core kit (core.excel).

The kit escapes every text cell (core.excel.safe_cell), so a unit name can never run as a formula on the
clerk's machine (CSV/formula injection).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import excel
from core.excel import XLSX_TYPE, safe_cell
from dashboard import selectors

__all__ = ["LISTS", "XLSX_TYPE", "ListSpec", "build_workbook", "safe_cell", "workbook_response"]


@dataclass(frozen=True)
class ListSpec:
    key: str
    title: str | Promise
    headers: Sequence[str | Promise]
    rows: Callable[[Any, dt.date, int | None], list[Any]]
    cells: Callable[[Any], Sequence[Any]]
    widths: Sequence[int]


LISTS: dict[str, ListSpec] = {
    "no-committee": ListSpec(
        key="no-committee",
        title=_("未组建妇委会的单位"),
        headers=[_("单位名称"), _("类别"), _("成立日期")],
        rows=selectors.units_without_committee,
        cells=lambda r: [r.unit_name, r.kind, r.established_on],
        widths=[36, 12, 14],
    ),
    "overdue": ListSpec(
        key="overdue",
        title=_("超期服役的妇委会"),
        headers=[_("单位名称"), _("届次"), _("选举日期"), _("届满日期"), _("超期天数")],
        rows=selectors.overdue_terms,
        cells=lambda r: [r.unit_name, gettext("第%(n)s届") % {"n": r.term_number}, r.started_on, r.due_on, r.days_overdue],
        widths=[36, 10, 14, 14, 12],
    ),
    "vacancies": ListSpec(
        key="vacancies",
        title=_("超过补缺期限的缺位"),
        headers=[_("单位名称"), _("职务"), _("缺位日期"), _("补缺期限"), _("已缺位天数")],
        rows=selectors.vacancies_past_deadline,
        cells=lambda r: [r.unit_name, r.post, r.vacated_on, r.deadline, r.days_open],
        widths=[36, 10, 14, 14, 12],
    ),
}


def build_workbook(spec: ListSpec, rows: Sequence[Any], *, as_of: dt.date) -> bytes:
    """Title line, a blank line, the header, then one row per list entry (dates as date cells)."""
    columns = [excel.Column(str(title), width) for title, width in zip(spec.headers, spec.widths, strict=True)]
    return excel.workbook_bytes([
        excel.Sheet(
            str(spec.title),
            columns,
            (spec.cells(row) for row in rows),
            preamble=[[excel.Cell(gettext("%(title)s（截至 %(day)s）") % {"title": spec.title, "day": as_of.isoformat()},
                                  "title")], []],
        )
    ])


def workbook_response(spec: ListSpec, rows: Sequence[Any], *, as_of: dt.date) -> HttpResponse:
    return excel.xlsx_response(build_workbook(spec, rows, as_of=as_of), filename=f"{spec.title!s}_{as_of.isoformat()}.xlsx",
                               ascii_name=f"{spec.key}_{as_of.isoformat()}.xlsx")
