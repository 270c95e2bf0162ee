"""What every Excel workbook the platform hands out shares: its content type, its file name header,
and the escaping of cells a spreadsheet would run as a formula.

A cell whose text begins with = + - @ (or a tab or carriage return) would be read by Excel as a formula
(CSV/formula injection): a unit name typed as `=HYPERLINK(...)` must never run on a clerk's machine.
Such text is written with a leading apostrophe; `unescape_cell` takes it off again when a workbook the
platform wrote comes back (the ledger export → import round trip).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that looks like a formula is kept as text by a leading apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The text `safe_cell` escaped, as it was (other text unchanged)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def attachment(filename: str, ascii_fallback: str) -> str:
    """A Content-Disposition header (RFC 6266): an ASCII name for old clients, the Chinese one in filename*."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"
