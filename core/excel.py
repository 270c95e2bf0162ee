"""The one Excel kit: every workbook the platform hands out is written here, in one pass, and answered
through `xlsx_response`.

`write_workbook` streams `Sheet`s (a header row of `Column`s, optional lines above it, then the rows of
any iterable) straight into the .xlsx zip: memory stays flat however many rows there are, and a
100,000-row sheet takes about a second. (openpyxl's write-only mode built the same 330,000-row ledger
in 26 s, two thirds of it in its XML serialiser, so the kit writes SpreadsheetML itself: the same parts,
inline strings and styles that openpyxl and xlsxwriter write; tests read every workbook back with
openpyxl and calamine.)

Every cell goes through one rule set:
- Text that a spreadsheet would run as a formula (it begins with = + - @, a tab or a carriage return:
  CSV/formula injection) is written with a leading apostrophe; `unescape_cell` takes it off again when
  a workbook the platform wrote comes back (the ledger export → import round trip).
- Characters XML cannot carry (control characters, lone surrogates) are dropped and text longer than
  a cell holds (32,767 characters) is cut with "…".
- Dates and times are real date cells (yyyy-mm-dd, yyyy-mm-dd hh:mm:ss); aware datetimes are shown in
  the platform's time zone.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.http import FileResponse, HttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_767  # characters Excel holds in one cell
SHEET_TITLE_LIMIT = 31
# Control characters (other than tab, newline, carriage return), lone surrogates and the two non-characters
# XML 1.0 forbids.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BAD_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
_EPOCH = dt.datetime(1899, 12, 30)


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


def cell_text(value: str) -> str:
    """Text as a cell holds it: escaped against formulas, without characters XML refuses, at most a cell long."""
    text = _ILLEGAL.sub("", value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return text


def attachment(filename: str, ascii_fallback: str) -> str:
    """A Content-Disposition header (RFC 6266): an ASCII name for old clients, the Chinese one in filename*."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes | IO[bytes], *, filename: str, ascii_name: str) -> HttpResponse:
    """The answer that hands a workbook to the browser: bytes, or an open file streamed from disk.

    Never cached (workbooks hold a federation's data), named in Chinese with an ASCII fallback.
    """
    response: HttpResponse
    if isinstance(content, (bytes, bytearray)):
        response = HttpResponse(bytes(content), content_type=XLSX_TYPE)
    else:
        response = FileResponse(content, content_type=XLSX_TYPE)  # type: ignore[assignment]
    response["Content-Disposition"] = attachment(filename, ascii_name)
    response["Cache-Control"] = "no-store, private"
    return response


# --- what a workbook is made of -----------------------------------------------------------------

# Cell styles by name (their index in styles.xml's cellXfs, below).
STYLES = ("default", "date", "datetime", "header", "title", "warning", "bold")
_STYLE_INDEX = {name: i for i, name in enumerate(STYLES)}


@dataclass(frozen=True)
class Cell:
    """A value with a style other than its type's (a title line, a warning)."""

    value: Any
    style: str = "bold"


@dataclass(frozen=True)
class Column:
    """A column: its header text, width (in characters) and, for date columns, the format new cells get."""

    title: str
    width: float = 14
    style: str | None = None


@dataclass(frozen=True)
class ListChoice:
    """A drop-down of allowed values on one column (Excel data validation), rows `first`..`last`."""

    column: int  # 0-based
    choices: Sequence[str]
    first: int = 2
    last: int = 500
    allow_blank: bool = True


@dataclass
class Sheet:
    """One worksheet: lines above the header (titles, notes), the styled header row, then `rows`.

    `rows` may be any iterable (a generator over a queryset): it is consumed once, as it is written.
    The panes are frozen below the header.
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    preamble: Sequence[Sequence[Any]] = ()
    choices: Sequence[ListChoice] = ()
    header: bool = True
    # Called with the number of rows written so far, every `progress_every` rows (a job's progress bar).
    progress: Callable[[int], None] | None = None
    progress_every: int = 5000
    written: int = field(default=0, init=False)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(200)]


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return (_BAD_SHEET_TITLE.sub("_", title).strip("'") or "Sheet")[:SHEET_TITLE_LIMIT]


def write_workbook(sheets: Sequence[Sheet], target: IO[bytes]) -> list[int]:
    """Writes the sheets to the binary file `target` as one .xlsx; returns the data rows written per sheet."""
    titles = _unique_titles([s.title for s in sheets])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("docProps/core.xml", _core_properties())
        z.writestr("xl/workbook.xml", _workbook(titles))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        z.writestr("xl/styles.xml", _STYLES_XML)
        for i, sheet in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                _write_sheet(sheet, out, selected=i == 1)
    return [s.written for s in sheets]


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook in memory (for small ones: templates, problem lists, dashboard lists)."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


# --- cells ------------------------------------------------------------------------------------------


def _cell(ref: str, value: Any, style: str | None = None) -> str:
    """One <c> element, or '' for an empty cell."""
    if isinstance(value, Cell):
        return _cell(ref, value.value, value.style)
    if value is None or value == "":
        return f'<c r="{ref}" s="{_STYLE_INDEX[style]}"/>' if style else ""
    s = f' s="{_STYLE_INDEX[style]}"' if style else ""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value, s)
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is decimal.Decimal:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if kind is float:
        if not math.isfinite(value):
            return _text_cell(ref, str(value), s)
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if kind is dt.date:
        s = s or _DATE_STYLE
        return f'<c r="{ref}"{s}><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'
    if kind is dt.datetime:
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        s = s or _DATETIME_STYLE
        delta = value - _EPOCH
        return f'<c r="{ref}"{s}><v>{delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000!r}</v></c>'
    if isinstance(value, int):  # IntEnum and friends
        return _cell(ref, int(value), style)
    if isinstance(value, dt.datetime):  # subclasses
        return _cell(ref, dt.datetime.combine(value.date(), value.time(), value.tzinfo), style)
    if isinstance(value, dt.date):
        return _cell(ref, dt.date(value.year, value.month, value.day), style)
    return _text_cell(ref, str(value), s)


_DATE_STYLE = f' s="{_STYLE_INDEX["date"]}"'
_DATETIME_STYLE = f' s="{_STYLE_INDEX["datetime"]}"'
_EPOCH_ORDINAL = _EPOCH.toordinal()


def _text_cell(ref: str, value: str, s: str) -> str:
    text = cell_text(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, values: Sequence[Any], styles: Sequence[str | None] = ()) -> str:
    n = str(number)
    if styles:
        cells = "".join(_cell(column_letter(i) + n, v, styles[i] if i < len(styles) else None)
                        for i, v in enumerate(values))
        return f'<row r="{n}">{cells}</row>'
    # The hot loop of every export: the two commonest types inline, the rest through _cell.
    parts = [f'<row r="{n}">']
    letters = _LETTERS if len(values) <= len(_LETTERS) else [column_letter(i) for i in range(len(values))]
    for letter, value in zip(letters, values, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                parts.append(_text_cell(letter + n, value, ""))
        elif kind is dt.date:
            parts.append(f'<c r="{letter}{n}"{_DATE_STYLE}><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>')
        elif value is not None:
            parts.append(_cell(letter + n, value))
    parts.append("</row>")
    return "".join(parts)


def _write_sheet(sheet: Sheet, out: IO[bytes], *, selected: bool) -> None:
    number = 0
    head: list[str] = []
    for line in sheet.preamble:
        number += 1
        if line:
            head.append(_row(number, line))
    if sheet.header:
        number += 1
        head.append(_row(number, [c.title for c in sheet.columns], ["header"] * len(sheet.columns)))
    frozen = number
    # The rows go to a spooled file first so that the sheet can open with its <dimension> (readers that
    # size a sheet before reading it need one); then the member is the start, a copy of the rows, the end.
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as data:
        data.write("".join(head).encode())
        buffer: list[str] = []
        written = 0
        for values in sheet.rows:
            number += 1
            written += 1
            buffer.append(_row(number, values))
            if len(buffer) >= 1000:
                data.write("".join(buffer).encode())
                buffer.clear()
            if sheet.progress is not None and written % sheet.progress_every == 0:
                sheet.progress(written)
        data.write("".join(buffer).encode())
        sheet.written = written
        width = max(len(sheet.columns), max((len(line) for line in sheet.preamble), default=0), 1)
        out.write(_sheet_start(sheet, frozen, f"A1:{column_letter(width - 1)}{max(number, 1)}",
                               selected=selected).encode())
        data.seek(0)
        shutil.copyfileobj(data, out, 1024 * 1024)
    out.write(_sheet_end(sheet).encode())


def _sheet_start(sheet: Sheet, frozen: int, dimension: str, *, selected: bool) -> str:
    view = ' tabSelected="1"' if selected else ""
    pane = (f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>') if frozen else ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"'
        + (f' style="{_STYLE_INDEX[c.style]}"' if c.style else "") + "/>"
        for i, c in enumerate(sheet.columns, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView workbookViewId="0"{view}>{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _sheet_end(sheet: Sheet) -> str:
    tail = "</sheetData>"
    if sheet.choices:
        items = []
        for choice in sheet.choices:
            letter = column_letter(choice.column)
            # A list validation's formula is one quoted, comma-separated string.
            listed = ",".join(c.replace('"', "") for c in choice.choices)
            items.append(
                f'<dataValidation type="list" allowBlank="{int(choice.allow_blank)}" showErrorMessage="1" '
                f'sqref="{letter}{choice.first}:{letter}{choice.last}"><formula1>{escape(chr(34) + listed + chr(34))}'
                "</formula1></dataValidation>"
            )
        tail += f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'
    return tail + "</worksheet>"


# --- the package's other parts ------------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Jinguo</Application></Properties>"
)

# Fonts: default, bold, bold 13 (titles), bold dark red (warnings). Fills: none, gray125 (both required),
# the header's. cellXfs in the order of STYLES.
_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="4">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFC00000"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2DCDB"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(sheets: int) -> str:
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheet_types}"
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _core_properties() -> str:
    now = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>Jinguo</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f"<sheet name={quoteattr(title)} sheetId=\"{i}\" r:id=\"rId{i}\"/>" for i, title in enumerate(titles, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_REL_NS}">{items}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _unique_titles(titles: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for title in titles:
        name = sheet_title(title)
        base, n = name, 2
        while name.lower() in seen:
            suffix = f" ({n})"
            name = base[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
            n += 1
        seen.add(name.lower())
        out.append(name)
    return out
