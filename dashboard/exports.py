"""The dashboard's three lists as Excel workbooks (.xlsx, openpyxl).

Text cells go through core.excel.safe_cell, so a unit name can never run as a formula on the clerk's
machine (CSV/formula injection).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.excel import XLSX_TYPE, attachment, safe_cell
from dashboard import selectors

__all__ = ["LISTS", "XLSX_TYPE", "ListSpec", "build_workbook", "safe_cell", "workbook_response"]


@dataclass(frozen=True)
class ListSpec:
    key: str
    title: str
    headers: Sequence[str]
    rows: Callable[[Any, dt.date, int | None], list[Any]]
    cells: Callable[[Any], Sequence[Any]]
    widths: Sequence[int]


LISTS: dict[str, ListSpec] = {
    "no-committee": ListSpec(
        key="no-committee",
        title="未组建妇委会的单位",
        headers=["单位名称", "类别", "成立日期"],
        rows=selectors.units_without_committee,
        cells=lambda r: [r.unit_name, r.kind, r.established_on],
        widths=[36, 12, 14],
    ),
    "overdue": ListSpec(
        key="overdue",
        title="超期服役的妇委会",
        headers=["单位名称", "届次", "选举日期", "届满日期", "超期天数"],
        rows=selectors.overdue_terms,
        cells=lambda r: [r.unit_name, f"第{r.term_number}届", r.started_on, r.due_on, r.days_overdue],
        widths=[36, 10, 14, 14, 12],
    ),
    "vacancies": ListSpec(
        key="vacancies",
        title="超过补缺期限的缺位",
        headers=["单位名称", "职务", "缺位日期", "补缺期限", "已缺位天数"],
        rows=selectors.vacancies_past_deadline,
        cells=lambda r: [r.unit_name, r.post, r.vacated_on, r.deadline, r.days_open],
        widths=[36, 10, 14, 14, 12],
    ),
}


def build_workbook(spec: ListSpec, rows: Sequence[Any], *, as_of: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.title[:31]
    ws.append([safe_cell(f"{spec.title}（截至 {as_of.isoformat()}）")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(spec.headers))
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    for col in range(1, len(spec.headers) + 1):
        cell = ws.cell(row=3, column=col)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append([safe_cell(v) for v in spec.cells(row)])
    for r in range(4, ws.max_row + 1):
        for c in range(1, len(spec.headers) + 1):
            cell = ws.cell(row=r, column=c)
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_response(spec: ListSpec, rows: Sequence[Any], *, as_of: dt.date) -> HttpResponse:
    filename = f"{spec.title}_{as_of.isoformat()}.xlsx"
    response = HttpResponse(build_workbook(spec, rows, as_of=as_of), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(filename, f"{spec.key}_{as_of.isoformat()}.xlsx")
    response["Cache-Control"] = "no-store"
    return response
