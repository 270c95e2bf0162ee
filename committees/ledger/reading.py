"""Reading the ledger workbook into typed rows, every bad cell a located problem.

The workbook is read with calamine (python-calamine): about ten times faster than openpyxl's read-only
mode, which spent 2.9 s on a 28,000-row ledger before any checking. At most `max_rows()` data rows are read
(all sheets together); a longer workbook is refused with one problem, before its rows are built (the
upload refuses it earlier still: core.uploads.check_xlsx(max_rows=...)).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from committees.ledger import cells
from committees.ledger import columns as c
from committees.ledger.cells import CellError, is_blank
from committees.ledger.problems import Problem, ProblemList

# A ledger of 10,000 units is about 33,000 rows; a larger one is split by units and imported in parts.
DEFAULT_MAX_ROWS = 100_000

MSG_NOT_XLSX = _("无法读取工作簿：{error}")
MSG_SHEET_MISSING = _("缺少工作表「{sheet}」")
MSG_HEADER_MISSING = _("表头缺少列「{column}」（表头应在第1行）")
MSG_HEADER_DUPLICATE = _("表头中列「{column}」出现了不止一次")
MSG_TOO_MANY_ROWS = _("工作簿的数据超过每次最多 {limit:,} 行的限制（读到第 {row:,} 行时已超过）。请按单位拆分成几个文件分别导入。")


def max_rows() -> int:
    return int(getattr(settings, "JINGUO_LEDGER_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class UnitRow:
    row: int
    name: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    requires_committee: bool
    committee_formed_on: dt.date | None
    committee_dissolved_on: dt.date | None
    # Optional columns present in the sheet: Unit field name -> value (None = blank, leave as is).
    extra: dict[str, Any] = field(default_factory=dict)
    successor_name: str | None = None


@dataclass
class TermRow:
    row: int
    unit_name: str
    number: int
    started_on: dt.date
    due_on: dt.date | None


@dataclass
class VacancyRow:
    row: int
    unit_name: str
    role: str
    vacated_on: dt.date
    filled_on: dt.date | None


@dataclass
class ParsedLedger:
    units: list[UnitRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)
    vacancies: list[VacancyRow] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)
    # sheet -> column headers the platform has no place for; and whole sheets it does not read.
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    optional_columns: dict[str, list[str]] = field(default_factory=dict)
    rows_read: int = 0
    # The sheets could not all be read (a broken file, a sheet or header missing, too many rows).
    unreadable: bool = False

    @property
    def row_count(self) -> int:
        return len(self.units) + len(self.terms) + len(self.vacancies)


class _RowReader:
    """Reads the cells of one row by column name and records the problems."""

    __slots__ = ("cells", "ledger", "ok", "row", "sheet")

    def __init__(self, ledger: ParsedLedger, sheet: str, row: int, values: dict[str, Any]) -> None:
        self.ledger, self.sheet, self.row, self.cells = ledger, sheet, row, values
        self.ok = True

    def problem(self, column: str, reason: str | Promise) -> None:
        self.ok = False
        self.ledger.problems.add(Problem(self.sheet, self.row, column, _shown_cut(self.cells.get(column)), str(reason)))

    def get(self, column: str, parse: Callable[..., Any], *, required: bool = False, **kwargs: Any) -> Any:
        value = self.cells.get(column)
        if required and is_blank(value):
            self.problem(column, cells.MSG_REQUIRED)
            return None
        try:
            return parse(value, **kwargs)
        except CellError as e:
            self.problem(column, str(e))
            return None


def _shown_cut(value: Any) -> str:
    # A 32,000-character cell is named by its start: the problem list stays readable.
    text = cells.shown(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _header(value: Any) -> str:
    return re.sub(r"[\s*＊]", "", cells.shown(value))


def read_workbook(source: bytes) -> ParsedLedger:
    """Reads the three sheets into typed rows; every bad cell becomes a Problem."""
    from python_calamine import CalamineWorkbook

    ledger = ParsedLedger()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(source))
    except Exception as e:  # calamine raises its own kinds on a broken file
        ledger.problems.add(Problem("", 0, "", "", MSG_NOT_XLSX.format(error=e.__class__.__name__)))
        ledger.unreadable = True
        return ledger
    with book:
        names = [c.canonical(n.strip()) for n in book.sheet_names]
        ledger.ignored_sheets = [
            n for n in book.sheet_names if c.canonical(n.strip()) not in (*c.SHEETS, c.SHEET_GUIDE)
        ]
        for sheet in c.SHEETS:
            if sheet not in names:
                ledger.problems.add(Problem(sheet, 0, "", "", MSG_SHEET_MISSING.format(sheet=c.shown(sheet))))
                ledger.unreadable = True
                continue
            try:
                worksheet = book.get_sheet_by_name(book.sheet_names[names.index(sheet)])
            except Exception as e:
                ledger.problems.add(Problem(sheet, 0, "", "", MSG_NOT_XLSX.format(error=e.__class__.__name__)))
                ledger.unreadable = True
                continue
            if not _read_sheet(ledger, sheet, worksheet):
                return ledger
    return ledger


def _read_sheet(ledger: ParsedLedger, sheet: str, worksheet: Any) -> bool:
    """Reads one sheet; False when the row limit stopped the reading."""
    # calamine yields rows from the sheet's first row, but columns only from its first used one.
    offset = worksheet.start[1] if worksheet.start else 0
    rows = worksheet.iter_rows()
    first = next(rows, None)
    headers = [""] * offset + [c.canonical(_header(h)) for h in (first or [])]
    positions: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        if h in positions:
            ledger.problems.add(Problem(sheet, 1, h, h, MSG_HEADER_DUPLICATE.format(column=c.shown(h))))
            continue
        positions[h] = i
    missing = [col for col in c.HEADERS[sheet] if col not in positions]
    for column in missing:
        ledger.problems.add(Problem(sheet, 1, column, "", MSG_HEADER_MISSING.format(column=c.shown(column))))
    if missing:
        ledger.unreadable = True
        return True
    known = set(c.HEADERS[sheet]) | set(c.OPTIONAL_HEADERS[sheet])
    ignored = [h for h in positions if h not in known]
    if ignored:
        ledger.ignored_columns[sheet] = ignored
    ledger.optional_columns[sheet] = [h for h in c.OPTIONAL_HEADERS[sheet] if h in positions]
    wanted = [(h, i - offset) for h, i in positions.items() if h in known]
    read_row = {c.SHEET_UNITS: _unit_row, c.SHEET_TERMS: _term_row, c.SHEET_VACANCIES: _vacancy_row}[sheet]
    limit = max_rows()
    for row_number, values in enumerate(rows, start=2):
        width = len(values)
        row = {h: values[i] for h, i in wanted if 0 <= i < width}
        if all(is_blank(v) for v in row.values()):
            continue
        ledger.rows_read += 1
        if ledger.rows_read > limit:
            ledger.problems.add(Problem(sheet, row_number, "", "", MSG_TOO_MANY_ROWS.format(limit=limit, row=row_number)))
            ledger.unreadable = True
            return False
        read_row(ledger, _RowReader(ledger, sheet, row_number, row))
    return True


def _name(r: _RowReader, column: str, *, required: bool) -> str:
    value = r.cells.get(column)
    if is_blank(value):
        if required:
            r.problem(column, cells.MSG_REQUIRED)
        return ""
    try:
        return cells.parse_name(value, limit=c.SPECS[r.sheet][column].limit)
    except CellError as e:
        r.problem(column, str(e))
        return ""


def _unit_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = _name(r, c.COL_UNIT, required=True)
    established = r.get(c.COL_ESTABLISHED, cells.parse_date)
    dissolved = r.get(c.COL_DISSOLVED, cells.parse_date)
    requires = r.get(c.COL_REQUIRES, cells.parse_bool)
    formed = r.get(c.COL_FORMED, cells.parse_date)
    committee_dissolved = r.get(c.COL_COMMITTEE_DISSOLVED, cells.parse_date)
    extra: dict[str, Any] = {}
    present = ledger.optional_columns.get(c.SHEET_UNITS, [])
    if c.COL_KIND in present:
        extra["kind"] = r.get(c.COL_KIND, cells.parse_kind)
    if c.COL_FEMALE_STAFF in present:
        extra["female_staff_count"] = r.get(c.COL_FEMALE_STAFF, cells.parse_count)
    for column in (c.COL_ADDRESS, c.COL_NOTES):
        if column in present:
            extra[c.UNIT_FIELDS[column]] = r.get(column, cells.parse_text, limit=c.SPECS[c.SHEET_UNITS][column].limit)
    successor = _name(r, c.COL_SUCCESSOR, required=False) if c.COL_SUCCESSOR in present else ""
    if r.ok:
        ledger.units.append(
            UnitRow(r.row, name, established, dissolved, requires, formed, committee_dissolved,
                    {k: v for k, v in extra.items() if v is not None}, successor or None)
        )


def _term_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = _name(r, c.COL_UNIT, required=True)
    number = r.get(c.COL_NUMBER, cells.parse_term_number, required=True)
    started = r.get(c.COL_STARTED, cells.parse_date, required=True)
    due = r.get(c.COL_DUE, cells.parse_date)
    if r.ok:
        ledger.terms.append(TermRow(r.row, name, number, started, due))


def _vacancy_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = _name(r, c.COL_UNIT, required=True)
    role = r.get(c.COL_ROLE, cells.parse_role, required=True)
    vacated = r.get(c.COL_VACATED, cells.parse_date, required=True)
    filled = r.get(c.COL_FILLED, cells.parse_date)
    if r.ok:
        ledger.vacancies.append(VacancyRow(r.row, name, role, vacated, filled))
