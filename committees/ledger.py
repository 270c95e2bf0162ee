"""The federation's Excel ledger (台账): reading, checking, and the workbooks handed back to clerks.

No ORM here. `read_workbook` turns the three sheets into typed rows and collects every cell that is
not what its column needs; `validate` checks the rows against each other and against what the
platform already holds (passed in as plain `KnownUnit`s). Every problem names the sheet, the Excel
row (1-based, the header is row 1), the column, the value and the reason, so a clerk can fix the
ledger in one pass. `committees.ledger_import` applies a clean ledger.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.excel import safe_cell, unescape_cell

SHEET_UNITS = "单位"
SHEET_TERMS = "届次"
SHEET_VACANCIES = "缺位"
SHEETS = (SHEET_UNITS, SHEET_TERMS, SHEET_VACANCIES)

COL_UNIT = "单位名称"
COL_ESTABLISHED = "成立日期"
COL_DISSOLVED = "撤销日期"
COL_REQUIRES = "是否需建妇委会"
COL_FORMED = "妇委会成立日期"
COL_COMMITTEE_DISSOLVED = "妇委会撤销日期"
COL_NUMBER = "届次"
COL_STARTED = "选举日期"
COL_DUE = "届满日期"
COL_ROLE = "职务"
COL_VACATED = "缺位日期"
COL_FILLED = "补充日期"

HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_UNITS: (COL_UNIT, COL_ESTABLISHED, COL_DISSOLVED, COL_REQUIRES, COL_FORMED, COL_COMMITTEE_DISSOLVED),
    SHEET_TERMS: (COL_UNIT, COL_NUMBER, COL_STARTED, COL_DUE),
    SHEET_VACANCIES: (COL_UNIT, COL_ROLE, COL_VACATED, COL_FILLED),
}
# Further columns the platform has a place for (orgs.Unit fields); any other column is ignored and reported.
COL_KIND = "类别"
COL_FEMALE_STAFF = "女职工人数"
COL_ADDRESS = "地址"
COL_NOTES = "备注"
COL_SUCCESSOR = "并入单位"
OPTIONAL_HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_UNITS: (COL_KIND, COL_FEMALE_STAFF, COL_ADDRESS, COL_NOTES, COL_SUCCESSOR),
    SHEET_TERMS: (),
    SHEET_VACANCIES: (),
}
DATE_COLUMNS = {COL_ESTABLISHED, COL_DISSOLVED, COL_FORMED, COL_COMMITTEE_DISSOLVED, COL_STARTED, COL_DUE,
                COL_VACATED, COL_FILLED}

# Unit kinds by their Chinese label (orgs.Unit.Kind); kept here so this module needs no models.
UNIT_KINDS = {"区直部门": "department", "事业单位": "institution", "驻区单位": "stationed", "街道": "street"}
ROLES = {"主任": "chair", "副主任": "vice_chair", "委员": "member"}
ROLE_LABELS = {v: k for k, v in ROLES.items()}

# Problems users see (module constants that tests import).
MSG_NOT_XLSX = "无法读取工作簿：{error}"
MSG_SHEET_MISSING = "缺少工作表「{sheet}」"
MSG_HEADER_MISSING = "表头缺少列「{column}」（表头应在第1行）"
MSG_HEADER_DUPLICATE = "表头中列「{column}」出现了不止一次"
MSG_REQUIRED = "不能为空"
MSG_BAD_DATE = "不是有效日期：请填写日期格式的单元格，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日 之一"
MSG_BAD_BOOL = "应填“是”或“否”"
MSG_BAD_NUMBER = "届次应为正整数（如 3 或 第3届）"
MSG_BAD_COUNT = "应为不小于0的整数"
MSG_BAD_ROLE = "职务应为“主任”“副主任”或“委员”之一"
MSG_BAD_KIND = "类别应为 " + "、".join(UNIT_KINDS) + " 之一"
MSG_DUPLICATE_UNIT = "单位名称重复（与第{row}行相同）"
MSG_DUPLICATE_TERM = "同一单位的届次重复（与第{row}行相同）"
MSG_DUPLICATE_VACANCY = "重复的缺位记录（与第{row}行的单位、职务、缺位日期相同）"
MSG_UNKNOWN_UNIT = "单位不在「单位」表中，系统中也没有该单位"
MSG_DISSOLVED_BEFORE_ESTABLISHED = "撤销日期早于成立日期（{other}）"
MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED = "妇委会撤销日期早于妇委会成立日期（{other}）"
MSG_COMMITTEE_DISSOLVED_WITHOUT_FORMED = "填写了妇委会撤销日期，但没有妇委会成立日期"
MSG_COMMITTEE_BEFORE_UNIT = "妇委会成立日期早于单位成立日期（{other}）"
MSG_COMMITTEE_AFTER_UNIT_DISSOLVED = "妇委会成立日期不能在单位撤销日期（{other}）当天或之后"
MSG_COMMITTEE_AFTER_UNIT = "妇委会撤销日期晚于单位撤销日期（{other}）"
MSG_SUCCESSOR_UNKNOWN = "并入单位不在「单位」表中，系统中也没有该单位"
MSG_SUCCESSOR_SELF = "单位不能并入自身"
MSG_SUCCESSOR_NOT_DISSOLVED = "填写了并入单位，但没有撤销日期"
MSG_NO_COMMITTEE = "该单位没有妇委会（「单位」表中妇委会成立日期为空，系统中也没有），不能登记{what}"
MSG_DUE_NOT_AFTER_START = "届满日期必须晚于选举日期（{other}）"
MSG_TERM_BEFORE_COMMITTEE = "选举日期早于妇委会成立日期（{other}）"
MSG_TERM_AFTER_COMMITTEE_DISSOLVED = "选举日期晚于妇委会撤销日期（{other}）"
MSG_TERM_OVERLAP = "与第{other}届时间重叠：第{number}届的选举日期应晚于第{other}届的选举日期（{date}）"
MSG_TERM_OVERLAP_NEXT = "与第{other}届时间重叠：第{number}届的选举日期应早于第{other}届的选举日期（{date}）"
MSG_FILLED_BEFORE_VACATED = "补充日期早于缺位日期（{other}）"
MSG_VACANCY_AFTER_COMMITTEE_DISSOLVED = "缺位日期晚于妇委会撤销日期（{other}）"
MSG_VACANCY_BEFORE_COMMITTEE = "缺位日期早于妇委会成立日期（{other}）"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the ledger, where the clerk finds it."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"「{self.sheet}」第{self.row}行" + (f"「{self.column}」" if self.column else "")
        shown = f"“{self.value}”" if self.value else "（空）"
        return f"{where} {shown}：{self.reason}"


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
    problems: list[Problem] = field(default_factory=list)
    # sheet -> column headers the platform has no place for; and whole sheets it does not read.
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    optional_columns: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class KnownCommittee:
    formed_on: dt.date
    dissolved_on: dt.date | None
    # number -> (started_on, due_on)
    terms: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)


@dataclass
class KnownUnit:
    """What the platform already holds about one unit (built from the database by the importer)."""

    name: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    committees: list[KnownCommittee] = field(default_factory=list)


# --- cells ------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "需要", "需建"}
_FALSE = {"否", "n", "no", "false", "0", "×", "不需要", "不需建"}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


class CellError(ValueError):
    """A cell that does not hold what its column needs; the message is the reason."""


def shown(value: Any) -> str:
    """A cell value as the clerk sees it, for problem lists."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> dt.date | None:
    """A date cell or a date typed as text in one of the forms clerks use; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("／", "/").replace("－", "-").replace("．", ".")
        m = _DATE_TEXT.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    raise CellError(MSG_BAD_DATE)


def parse_bool(value: Any, *, default: bool = True) -> bool:
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    text = shown(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(MSG_BAD_BOOL)


def parse_term_number(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(MSG_BAD_NUMBER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"第?\s*(\d+|[一二三四五六七八九十]{1,3})\s*届?", text)
        if not m:
            raise CellError(MSG_BAD_NUMBER)
        number = int(m[1]) if m[1].isdigit() else _cn_number(m[1])
    else:
        raise CellError(MSG_BAD_NUMBER)
    if number <= 0 or number > 32767:
        raise CellError(MSG_BAD_NUMBER)
    return number


def _cn_number(text: str) -> int:
    # 一..九, 十, 十一..十九, 二十..九十九
    if "十" not in text:
        if len(text) != 1:
            raise CellError(MSG_BAD_NUMBER)
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        raise CellError(MSG_BAD_NUMBER)
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def parse_role(value: Any) -> str:
    text = shown(value).replace(" ", "")
    if text in ROLES:
        return ROLES[text]
    raise CellError(MSG_BAD_ROLE)


def parse_count(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(MSG_BAD_COUNT)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise CellError(MSG_BAD_COUNT)


def parse_kind(value: Any) -> str | None:
    if is_blank(value):
        return None
    text = shown(value)
    if text in UNIT_KINDS:
        return UNIT_KINDS[text]
    if text in UNIT_KINDS.values():
        return text
    raise CellError(MSG_BAD_KIND)


def clean_name(value: Any) -> str:
    # Clerks paste names with full-width and trailing spaces; they name the same unit. A name the export
    # escaped against formulas (core.excel.safe_cell) comes back as it was.
    return re.sub(r"\s+", "", unescape_cell(shown(value)).replace("\u3000", " "))


def clean_text(value: Any) -> str:
    return unescape_cell(shown(value))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- reading ----------------------------------------------------------------------------------


class _RowReader:
    """Reads the cells of one row by column name and records the problems."""

    def __init__(self, ledger: ParsedLedger, sheet: str, row: int, cells: dict[str, Any]) -> None:
        self.ledger, self.sheet, self.row, self.cells = ledger, sheet, row, cells
        self.ok = True

    def problem(self, column: str, reason: str, value: Any = None) -> None:
        self.ok = False
        self.ledger.problems.append(
            Problem(self.sheet, self.row, column, shown(self.cells.get(column) if value is None else value), reason)
        )

    def get(self, column: str, parse: Any, *, required: bool = False, **kwargs: Any) -> Any:
        value = self.cells.get(column)
        if required and is_blank(value):
            self.problem(column, MSG_REQUIRED)
            return None
        try:
            return parse(value, **kwargs)
        except CellError as e:
            self.problem(column, str(e))
            return None


def _headers(ws: Any) -> list[str]:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return [re.sub(r"[\s*＊]", "", shown(h)) for h in first]


def read_workbook(source: bytes | Any) -> ParsedLedger:
    """Reads the three sheets into typed rows; every bad cell becomes a Problem."""
    from openpyxl import load_workbook

    ledger = ParsedLedger()
    data = source if isinstance(source, (bytes, bytearray)) else None
    try:
        wb = load_workbook(io.BytesIO(data) if data is not None else source, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a broken file
        ledger.problems.append(Problem("", 0, "", "", MSG_NOT_XLSX.format(error=e.__class__.__name__)))
        return ledger
    try:
        names = [n.strip() for n in wb.sheetnames]
        ledger.ignored_sheets = [n for n in wb.sheetnames if n.strip() not in SHEETS]
        for sheet in SHEETS:
            if sheet not in names:
                ledger.problems.append(Problem(sheet, 0, "", "", MSG_SHEET_MISSING.format(sheet=sheet)))
                continue
            ws = wb[wb.sheetnames[names.index(sheet)]]
            _read_sheet(ledger, sheet, ws)
    finally:
        wb.close()
    return ledger


def _read_sheet(ledger: ParsedLedger, sheet: str, ws: Any) -> None:
    headers = _headers(ws)
    positions: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        if h in positions:
            ledger.problems.append(Problem(sheet, 1, h, h, MSG_HEADER_DUPLICATE.format(column=h)))
            continue
        positions[h] = i
    missing = [c for c in HEADERS[sheet] if c not in positions]
    for column in missing:
        ledger.problems.append(Problem(sheet, 1, column, "", MSG_HEADER_MISSING.format(column=column)))
    if missing:
        return
    known = set(HEADERS[sheet]) | set(OPTIONAL_HEADERS[sheet])
    ignored = [h for h in positions if h not in known]
    if ignored:
        ledger.ignored_columns[sheet] = ignored
    ledger.optional_columns[sheet] = [h for h in OPTIONAL_HEADERS[sheet] if h in positions]
    read_row = {SHEET_UNITS: _unit_row, SHEET_TERMS: _term_row, SHEET_VACANCIES: _vacancy_row}[sheet]
    for row_number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = {h: (values[i] if i < len(values) else None) for h, i in positions.items()}
        if all(is_blank(cells.get(h)) for h in known if h in cells):
            continue
        read_row(ledger, _RowReader(ledger, sheet, row_number, cells))


def _unit_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = clean_name(r.cells.get(COL_UNIT))
    if not name:
        r.problem(COL_UNIT, MSG_REQUIRED)
    established = r.get(COL_ESTABLISHED, parse_date)
    dissolved = r.get(COL_DISSOLVED, parse_date)
    requires = r.get(COL_REQUIRES, parse_bool)
    formed = r.get(COL_FORMED, parse_date)
    committee_dissolved = r.get(COL_COMMITTEE_DISSOLVED, parse_date)
    extra: dict[str, Any] = {}
    present = ledger.optional_columns.get(SHEET_UNITS, [])
    if COL_KIND in present:
        extra["kind"] = r.get(COL_KIND, parse_kind)
    if COL_FEMALE_STAFF in present:
        extra["female_staff_count"] = r.get(COL_FEMALE_STAFF, parse_count)
    if COL_ADDRESS in present:
        extra["address"] = clean_text(r.cells.get(COL_ADDRESS)) or None
    if COL_NOTES in present:
        extra["notes"] = clean_text(r.cells.get(COL_NOTES)) or None
    successor = clean_name(r.cells.get(COL_SUCCESSOR)) if COL_SUCCESSOR in present else ""
    if r.ok:
        ledger.units.append(
            UnitRow(r.row, name, established, dissolved, requires, formed, committee_dissolved,
                    {k: v for k, v in extra.items() if v is not None}, successor or None)
        )


def _term_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = clean_name(r.cells.get(COL_UNIT))
    if not name:
        r.problem(COL_UNIT, MSG_REQUIRED)
    number = r.get(COL_NUMBER, parse_term_number, required=True)
    started = r.get(COL_STARTED, parse_date, required=True)
    due = r.get(COL_DUE, parse_date)
    if r.ok:
        ledger.terms.append(TermRow(r.row, name, number, started, due))


def _vacancy_row(ledger: ParsedLedger, r: _RowReader) -> None:
    name = clean_name(r.cells.get(COL_UNIT))
    if not name:
        r.problem(COL_UNIT, MSG_REQUIRED)
    role = r.get(COL_ROLE, parse_role, required=True)
    vacated = r.get(COL_VACATED, parse_date, required=True)
    filled = r.get(COL_FILLED, parse_date)
    if r.ok:
        ledger.vacancies.append(VacancyRow(r.row, name, role, vacated, filled))


# --- checking rows against each other and the platform ----------------------------------------


def pick_committee[C](committees: list[C], formed_on: dt.date | None, *, key: Any) -> C | None:
    """The committee a ledger row means: the one formed on that date, else the unit's latest."""
    if not committees:
        return None
    if formed_on is not None:
        for c in committees:
            if key(c) == formed_on:
                return c
    return max(committees, key=key)


def committee_dissolved_on(row: UnitRow) -> dt.date | None:
    """A committee ends with its unit: a blank 妇委会撤销日期 of a dissolved unit is the unit's 撤销日期."""
    if row.committee_formed_on is None:
        return row.committee_dissolved_on
    return row.committee_dissolved_on or row.dissolved_on


@dataclass
class _Committee:
    formed_on: dt.date | None
    dissolved_on: dt.date | None
    terms: dict[int, tuple[dt.date, dt.date]]


def validate(ledger: ParsedLedger, known: dict[str, KnownUnit], *, term_length_years: int = 5) -> list[Problem]:
    """Checks the rows across sheets and against `known`; fills in blank 届满日期. Returns new problems."""
    found: list[Problem] = []

    def add(sheet: str, row: int, column: str, value: Any, reason: str) -> None:
        found.append(Problem(sheet, row, column, shown(value), reason))

    sheet_units: dict[str, UnitRow] = {}
    for u in ledger.units:
        if u.name in sheet_units:
            add(SHEET_UNITS, u.row, COL_UNIT, u.name, MSG_DUPLICATE_UNIT.format(row=sheet_units[u.name].row))
            continue
        sheet_units[u.name] = u
    all_names = set(sheet_units) | set(known)

    committees: dict[str, _Committee] = {}
    for name in all_names:
        k = known.get(name)
        row = sheet_units.get(name)
        k_committee = pick_committee(k.committees if k else [], row.committee_formed_on if row else None,
                                     key=lambda c: c.formed_on)
        if row is not None and row.committee_formed_on is not None:
            committees[name] = _Committee(row.committee_formed_on, committee_dissolved_on(row),
                                          dict(k_committee.terms) if k_committee else {})
        elif k_committee is not None:
            committees[name] = _Committee(k_committee.formed_on, k_committee.dissolved_on, dict(k_committee.terms))

    for u in sheet_units.values():
        if u.established_on and u.dissolved_on and u.dissolved_on < u.established_on:
            add(SHEET_UNITS, u.row, COL_DISSOLVED, u.dissolved_on,
                MSG_DISSOLVED_BEFORE_ESTABLISHED.format(other=u.established_on))
        if u.committee_formed_on is None:
            k = known.get(u.name)
            if u.committee_dissolved_on is not None and not (k and k.committees):
                add(SHEET_UNITS, u.row, COL_COMMITTEE_DISSOLVED, u.committee_dissolved_on,
                    MSG_COMMITTEE_DISSOLVED_WITHOUT_FORMED)
        else:
            if u.committee_dissolved_on and u.committee_dissolved_on < u.committee_formed_on:
                add(SHEET_UNITS, u.row, COL_COMMITTEE_DISSOLVED, u.committee_dissolved_on,
                    MSG_COMMITTEE_DISSOLVED_BEFORE_FORMED.format(other=u.committee_formed_on))
            if u.committee_dissolved_on and u.dissolved_on and u.committee_dissolved_on > u.dissolved_on:
                add(SHEET_UNITS, u.row, COL_COMMITTEE_DISSOLVED, u.committee_dissolved_on,
                    MSG_COMMITTEE_AFTER_UNIT.format(other=u.dissolved_on))
            if u.established_on and u.committee_formed_on < u.established_on:
                add(SHEET_UNITS, u.row, COL_FORMED, u.committee_formed_on,
                    MSG_COMMITTEE_BEFORE_UNIT.format(other=u.established_on))
            if u.dissolved_on and u.committee_formed_on >= u.dissolved_on:
                add(SHEET_UNITS, u.row, COL_FORMED, u.committee_formed_on,
                    MSG_COMMITTEE_AFTER_UNIT_DISSOLVED.format(other=u.dissolved_on))
        if u.successor_name:
            if u.successor_name == u.name:
                add(SHEET_UNITS, u.row, COL_SUCCESSOR, u.successor_name, MSG_SUCCESSOR_SELF)
            elif u.successor_name not in all_names:
                add(SHEET_UNITS, u.row, COL_SUCCESSOR, u.successor_name, MSG_SUCCESSOR_UNKNOWN)
            if u.dissolved_on is None:
                add(SHEET_UNITS, u.row, COL_SUCCESSOR, u.successor_name, MSG_SUCCESSOR_NOT_DISSOLVED)

    # 届次
    seen_terms: dict[tuple[str, int], TermRow] = {}
    term_rows_by_unit: dict[str, dict[int, TermRow]] = {}
    for t in ledger.terms:
        if t.unit_name not in all_names:
            add(SHEET_TERMS, t.row, COL_UNIT, t.unit_name, MSG_UNKNOWN_UNIT)
            continue
        if (t.unit_name, t.number) in seen_terms:
            add(SHEET_TERMS, t.row, COL_NUMBER, t.number,
                MSG_DUPLICATE_TERM.format(row=seen_terms[(t.unit_name, t.number)].row))
            continue
        seen_terms[(t.unit_name, t.number)] = t
        committee = committees.get(t.unit_name)
        if committee is None or committee.formed_on is None:
            add(SHEET_TERMS, t.row, COL_UNIT, t.unit_name, MSG_NO_COMMITTEE.format(what="届次"))
            continue
        if t.due_on is None:
            t.due_on = add_years(t.started_on, term_length_years)
        elif t.due_on <= t.started_on:
            add(SHEET_TERMS, t.row, COL_DUE, t.due_on, MSG_DUE_NOT_AFTER_START.format(other=t.started_on))
        if t.started_on < committee.formed_on:
            add(SHEET_TERMS, t.row, COL_STARTED, t.started_on,
                MSG_TERM_BEFORE_COMMITTEE.format(other=committee.formed_on))
        if committee.dissolved_on and t.started_on > committee.dissolved_on:
            add(SHEET_TERMS, t.row, COL_STARTED, t.started_on,
                MSG_TERM_AFTER_COMMITTEE_DISSOLVED.format(other=committee.dissolved_on))
        committee.terms[t.number] = (t.started_on, t.due_on)
        term_rows_by_unit.setdefault(t.unit_name, {})[t.number] = t

    # Terms follow each other: 第N+1届 is elected after 第N届 (it may come before 第N届's 届满日期).
    for name, rows in term_rows_by_unit.items():
        terms = sorted(committees[name].terms.items())
        for (prev_number, (prev_start, _prev_due)), (number, (start, _due)) in itertools.pairwise(terms):
            if start > prev_start:
                continue
            # Point at a ledger row: the later term's if it is in the ledger, else the earlier's.
            if number in rows:
                t = rows[number]
                reason = MSG_TERM_OVERLAP.format(number=number, other=prev_number, date=prev_start)
            elif prev_number in rows:
                t = rows[prev_number]
                reason = MSG_TERM_OVERLAP_NEXT.format(number=prev_number, other=number, date=start)
            else:
                continue
            add(SHEET_TERMS, t.row, COL_STARTED, t.started_on, reason)

    # 缺位
    seen_vacancies: dict[tuple[str, str, dt.date], VacancyRow] = {}
    for v in ledger.vacancies:
        if v.unit_name not in all_names:
            add(SHEET_VACANCIES, v.row, COL_UNIT, v.unit_name, MSG_UNKNOWN_UNIT)
            continue
        key = (v.unit_name, v.role, v.vacated_on)
        if key in seen_vacancies:
            add(SHEET_VACANCIES, v.row, COL_VACATED, v.vacated_on,
                MSG_DUPLICATE_VACANCY.format(row=seen_vacancies[key].row))
            continue
        seen_vacancies[key] = v
        committee = committees.get(v.unit_name)
        if committee is None or committee.formed_on is None:
            add(SHEET_VACANCIES, v.row, COL_UNIT, v.unit_name, MSG_NO_COMMITTEE.format(what="缺位"))
            continue
        if v.filled_on and v.filled_on < v.vacated_on:
            add(SHEET_VACANCIES, v.row, COL_FILLED, v.filled_on, MSG_FILLED_BEFORE_VACATED.format(other=v.vacated_on))
        if v.vacated_on < committee.formed_on:
            add(SHEET_VACANCIES, v.row, COL_VACATED, v.vacated_on,
                MSG_VACANCY_BEFORE_COMMITTEE.format(other=committee.formed_on))
        if committee.dissolved_on and v.vacated_on > committee.dissolved_on:
            add(SHEET_VACANCIES, v.row, COL_VACATED, v.vacated_on,
                MSG_VACANCY_AFTER_COMMITTEE_DISSOLVED.format(other=committee.dissolved_on))
    return found


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    order = {s: i for i, s in enumerate(SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row, p.column))


# --- workbooks handed back --------------------------------------------------------------------

def safe_text(value: Any) -> str:
    """A value as shown text, escaped so that Excel never runs it as a formula (core.excel.safe_cell)."""
    return str(safe_cell(shown(value)))


def _style_header(ws: Any, widths: Iterable[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="FCE4EC")
    for i, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


ERROR_HEADERS = ("工作表", "行号", "列", "单元格内容", "问题")


def error_workbook(problems: Iterable[dict[str, Any] | Problem]) -> bytes:
    """An .xlsx listing every problem: sheet, row, column, value, reason."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(ERROR_HEADERS)
    for p in problems:
        d = p.as_dict() if isinstance(p, Problem) else p
        ws.append([safe_text(d.get("sheet")), int(d.get("row") or 0), safe_text(d.get("column")),
                   safe_text(d.get("value")), safe_text(d.get("reason"))])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    _style_header(ws, (10, 8, 16, 24, 70))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TEMPLATE_EXAMPLES: dict[str, tuple[Any, ...]] = {
    SHEET_UNITS: ("区教育局", dt.date(2001, 3, 1), None, "是", dt.date(2005, 6, 18), None),
    SHEET_TERMS: ("区教育局", 3, dt.date(2015, 6, 18), dt.date(2020, 6, 17)),
    SHEET_VACANCIES: ("区教育局", "副主任", dt.date(2017, 3, 1), dt.date(2017, 5, 20)),
}


def template_workbook() -> bytes:
    """The blank ledger: three sheets, header rows, one example row, widths and date formats."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        headers = HEADERS[sheet]
        ws.append(headers)
        ws.append(TEMPLATE_EXAMPLES[sheet])
        _style_header(ws, [26 if h == COL_UNIT else 16 for h in headers])
        for i, h in enumerate(headers, start=1):
            letter = get_column_letter(i)
            if h in DATE_COLUMNS:
                ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
                for r in range(2, 502):
                    ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
                ws.cell(row=1, column=i).comment = Comment(
                    "日期：可填日期格式，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日；没有则留空", "巾帼")
            if h == COL_REQUIRES:
                dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}500")
            if h == COL_ROLE:
                dv = DataValidation(type="list", formula1='"主任,副主任,委员"', allow_blank=False)
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}500")
        ws.cell(row=1, column=1).comment = Comment("第2行是示例，导入前请删除或改成真实数据。", "巾帼")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the export: the same three sheets, filled from the platform ----------------------------------

KIND_LABELS = {v: k for k, v in UNIT_KINDS.items()}
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {s: HEADERS[s] + OPTIONAL_HEADERS[s] for s in SHEETS}


def _unit_cells(u: UnitRow) -> list[Any]:
    kind = u.extra.get("kind")
    return [u.name, u.established_on, u.dissolved_on, "是" if u.requires_committee else "否", u.committee_formed_on,
            u.committee_dissolved_on, KIND_LABELS.get(kind, kind) if kind else None, u.extra.get("female_staff_count"),
            u.extra.get("address") or None, u.extra.get("notes") or None, u.successor_name]


def export_workbook(units: Iterable[UnitRow], terms: Iterable[TermRow], vacancies: Iterable[VacancyRow]) -> bytes:
    """The ledger as the import reads it: the three sheets with the import's header rows (required
    columns first, then the optional ones), dates as date cells, text escaped against formulas."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows: dict[str, Iterable[list[Any]]] = {
        SHEET_UNITS: (_unit_cells(u) for u in units),
        SHEET_TERMS: ([t.unit_name, t.number, t.started_on, t.due_on] for t in terms),
        SHEET_VACANCIES: ([v.unit_name, ROLE_LABELS[v.role], v.vacated_on, v.filled_on] for v in vacancies),
    }
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        headers = EXPORT_COLUMNS[sheet]
        ws.append(headers)
        for cells in rows[sheet]:
            ws.append([safe_cell(c) for c in cells])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"
        _style_header(ws, [26 if h in (COL_UNIT, COL_SUCCESSOR, COL_ADDRESS, COL_NOTES) else 14 for h in headers])
        for i, h in enumerate(headers, start=1):
            if h in DATE_COLUMNS:
                ws.column_dimensions[get_column_letter(i)].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
