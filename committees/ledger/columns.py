"""The ledger's format (台账格式): its sheets, their columns, and each column's limits.

One table says what every column holds; reading, checking, the blank template, its 填写说明 sheet and the
export all follow it. Text limits come from the model fields the column is written to; post and unit-kind
labels come from the models' choices. A workbook is written in the user's language (sheet and column names,
posts, unit kinds, 是/否) and read in either: the Chinese words are the msgids, and an English one is mapped
back to its Chinese word, so that a workbook exported in English imports back.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from committees.models import Seat
from orgs.models import Unit

SHEET_UNITS = gettext_noop("单位")
SHEET_TERMS = gettext_noop("届次")
SHEET_VACANCIES = gettext_noop("缺位")
SHEETS = (SHEET_UNITS, SHEET_TERMS, SHEET_VACANCIES)
# The template's explanations: read by people, skipped by the import without a word.
SHEET_GUIDE = gettext_noop("填写说明")
# A yes/no cell as a workbook in the active language writes it (an import reads 是/否 and yes/no alike).
YES = gettext_noop("是")
NO = gettext_noop("否")

COL_UNIT = gettext_noop("单位名称")
COL_ESTABLISHED = gettext_noop("成立日期")
COL_DISSOLVED = gettext_noop("撤销日期")
COL_REQUIRES = gettext_noop("是否需建妇委会")
COL_FORMED = gettext_noop("妇委会成立日期")
COL_COMMITTEE_DISSOLVED = gettext_noop("妇委会撤销日期")
COL_NUMBER = gettext_noop("届次")
COL_STARTED = gettext_noop("选举日期")
COL_DUE = gettext_noop("届满日期")
COL_ROLE = gettext_noop("职务")
COL_VACATED = gettext_noop("缺位日期")
COL_FILLED = gettext_noop("补充日期")
COL_KIND = gettext_noop("类别")
COL_FEMALE_STAFF = gettext_noop("女职工人数")
COL_ADDRESS = gettext_noop("地址")
COL_NOTES = gettext_noop("备注")
COL_SUCCESSOR = gettext_noop("并入单位")

# Dates a ledger can hold; Excel's own calendar starts in 1900.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
# Excel holds at most this many characters in a cell.
EXCEL_TEXT_LIMIT = 32_767
TERM_NUMBER_MAX = 32_767  # PositiveSmallIntegerField
COUNT_MAX = 2_147_483_647  # PositiveIntegerField


def _field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


def text_limit(model: Any, name: str) -> int:
    """How many characters the model field holds (text fields: what an Excel cell holds)."""
    return _field(model, name).max_length or EXCEL_TEXT_LIMIT


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its header, whether the header must be there, what a cell holds, the limit, its width."""

    name: str
    kind: str  # name, date, bool, term_number, role, unit_kind, count, text
    required: bool = True
    # A cell may not be blank (the header being there is `required`).
    mandatory: bool = False
    limit: int | None = None
    width: int = 14
    note: str | Promise = ""


UNIT_NAME_LIMIT = text_limit(Unit, "name")

COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    SHEET_UNITS: (
        ColumnSpec(COL_UNIT, "name", mandatory=True, limit=UNIT_NAME_LIMIT, width=26),
        ColumnSpec(COL_ESTABLISHED, "date"),
        ColumnSpec(COL_DISSOLVED, "date", note=_("撤销或并入其他单位的日期；存续的单位留空")),
        ColumnSpec(COL_REQUIRES, "bool", note=_("是 / 否；留空按“是”")),
        ColumnSpec(COL_FORMED, "date", note=_("没有妇委会则留空")),
        ColumnSpec(COL_COMMITTEE_DISSOLVED, "date", note=_("留空时随单位撤销")),
        ColumnSpec(COL_KIND, "unit_kind", required=False),
        ColumnSpec(COL_FEMALE_STAFF, "count", required=False, limit=COUNT_MAX),
        ColumnSpec(COL_ADDRESS, "text", required=False, limit=text_limit(Unit, "address"), width=26),
        ColumnSpec(COL_NOTES, "text", required=False, limit=text_limit(Unit, "notes"), width=26),
        ColumnSpec(COL_SUCCESSOR, "name", required=False, limit=UNIT_NAME_LIMIT, width=26,
                   note=_("并入的单位名称（须在本表或系统中）")),
    ),
    SHEET_TERMS: (
        ColumnSpec(COL_UNIT, "name", mandatory=True, limit=UNIT_NAME_LIMIT, width=26),
        ColumnSpec(COL_NUMBER, "term_number", mandatory=True, limit=TERM_NUMBER_MAX, note=_("如 3 或 第3届")),
        ColumnSpec(COL_STARTED, "date", mandatory=True),
        ColumnSpec(COL_DUE, "date", note=_("留空按本妇联的每届任期推算")),
    ),
    SHEET_VACANCIES: (
        ColumnSpec(COL_UNIT, "name", mandatory=True, limit=UNIT_NAME_LIMIT, width=26),
        ColumnSpec(COL_ROLE, "role", mandatory=True),
        ColumnSpec(COL_VACATED, "date", mandatory=True),
        ColumnSpec(COL_FILLED, "date", note=_("尚未补充则留空")),
    ),
}

HEADERS: dict[str, tuple[str, ...]] = {s: tuple(c.name for c in COLUMNS[s] if c.required) for s in SHEETS}
# Further columns the platform has a place for (orgs.Unit fields); any other column is ignored and reported.
OPTIONAL_HEADERS: dict[str, tuple[str, ...]] = {s: tuple(c.name for c in COLUMNS[s] if not c.required) for s in SHEETS}
SPECS: dict[str, dict[str, ColumnSpec]] = {s: {c.name: c for c in COLUMNS[s]} for s in SHEETS}
DATE_COLUMNS = {c.name for s in SHEETS for c in COLUMNS[s] if c.kind == "date"}

# The model fields of a unit row's optional columns.
UNIT_FIELDS = {COL_KIND: "kind", COL_FEMALE_STAFF: "female_staff_count", COL_ADDRESS: "address", COL_NOTES: "notes"}


def _chinese_choices(choices: Any) -> dict[str, str]:
    """{Chinese label: value} of a model's choices (the labels' source text is Chinese)."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


ROLES: dict[str, str] = _chinese_choices(Seat.Role.choices)
ROLE_LABELS: dict[str, str] = {v: k for k, v in ROLES.items()}
UNIT_KINDS: dict[str, str] = _chinese_choices(Unit.Kind.choices)
KIND_LABELS: dict[str, str] = {v: k for k, v in UNIT_KINDS.items()}


def role_labels() -> list[str]:
    """The posts as a workbook in the active language names them (the template's drop-down, the message)."""
    return [str(label) for _value, label in Seat.Role.choices]


def kind_labels() -> list[str]:
    """The unit kinds as a workbook in the active language names them."""
    return [str(label) for _value, label in Unit.Kind.choices]


def role_shown(value: str) -> str:
    """A post's label in the active language (the export's cell)."""
    return str(dict(Seat.Role.choices).get(value, value))


def kind_shown(value: str) -> str:
    """A unit kind's label in the active language (the export's cell)."""
    return str(dict(Unit.Kind.choices).get(value, value))


@functools.cache
def _english_choices(model: str) -> dict[str, str]:
    choices = Seat.Role.choices if model == "role" else Unit.Kind.choices
    with translation.override("en"):
        return {_normal(str(label)): value for value, label in choices}


def role_value(text: str) -> str | None:
    """The post a cell names, in Chinese or in English; None when it names none."""
    return ROLES.get(text.replace(" ", "")) or _english_choices("role").get(_normal(text))


def kind_value(text: str) -> str | None:
    """The unit kind a cell names, in Chinese or in English (or as its stored value); None when none."""
    if text in UNIT_KINDS:
        return UNIT_KINDS[text]
    if text in UNIT_KINDS.values():
        return text
    return _english_choices("kind").get(_normal(text))


# --- names in the user's language --------------------------------------------------------------------
# A sheet's and a column's name is its Chinese word (the msgid); an export writes it in the user's language
# and an import takes it in either, so that a workbook exported in English imports back.
NAMES: tuple[str, ...] = (*SHEETS, SHEET_GUIDE, *dict.fromkeys(spec.name for s in SHEETS for spec in COLUMNS[s]))


def shown(name: str) -> str:
    """A sheet's or a column's name as a workbook in the active language writes it."""
    return gettext(name) if name else ""


def _normal(text: str) -> str:
    return re.sub(r"[\s*＊]", "", text).casefold()


@functools.cache
def _from_english() -> dict[str, str]:
    with translation.override("en"):
        return {_normal(gettext(name)): name for name in NAMES}


def canonical(text: str) -> str:
    """The Chinese name a sheet's or a column's header stands for, written in Chinese or in English."""
    if text in NAMES:
        return text
    return _from_english().get(_normal(text), text)
