"""Problems of a ledger: each one located (sheet, Excel row, column, value, reason), at most
`MAX_STORED` kept, all of them counted.

A junk workbook of 10,000 rows has 50,000 problems; nobody reads more than the first ones, and storing
and rendering all of them made the job page and the problem workbook unusable. `ProblemList` keeps the
first `MAX_STORED` in reading order (sheet, row, column) in bounded memory and counts the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.ledger.columns import SHEETS, shown

MAX_STORED = 1000
MSG_FIRST_OF = _("前 {shown:,} 处问题，共 {total:,} 处")

_ORDER = {s: i for i, s in enumerate(SHEETS)}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the ledger, where the clerk finds it (row 0: the file or a whole sheet)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def __post_init__(self) -> None:
        # A lazy message becomes its text in the active language (the import's): the problem is stored as read.
        object.__setattr__(self, "reason", str(self.reason))

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Problem:
        return cls(str(d.get("sheet") or ""), int(d.get("row") or 0), str(d.get("column") or ""),
                   str(d.get("value") or ""), str(d.get("reason") or ""))

    def __str__(self) -> str:
        # Located in the active language: the sheet, the row and the column as the clerk's workbook names them.
        where = gettext("「{sheet}」第{row}行").format(sheet=shown(self.sheet), row=self.row)
        if self.column:
            where += gettext("「{column}」").format(column=shown(self.column))
        value = gettext("“{value}”").format(value=self.value) if self.value else gettext("（空）")
        return gettext("{where} {value}：{reason}").format(where=where, value=value, reason=self.reason)


def sort_key(p: Problem) -> tuple[int, int, str]:
    return (_ORDER.get(p.sheet, -1), p.row, p.column)


class ProblemList:
    """The first MAX_STORED problems in reading order, and how many there were in all."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or MAX_STORED
        self.total = 0
        self._items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.total += 1
        self._items.append(problem)
        # Trim now and then, not on every add: memory stays bounded, the order stays exact.
        if len(self._items) > 2 * self.limit:
            self._items.sort(key=sort_key)
            del self._items[self.limit:]

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    def first(self) -> list[Problem]:
        self._items.sort(key=sort_key)
        del self._items[self.limit:]
        return list(self._items)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    @property
    def capped(self) -> bool:
        return self.total > self.limit


def capped_note(shown: int, total: int) -> str:
    """"前 1,000 处问题，共 50,000 处" when not all are listed, else ""."""
    return MSG_FIRST_OF.format(shown=shown, total=total) if total > shown else ""
