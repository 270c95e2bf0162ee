"""The ledger export (台账导出): a federation's units and committee history in the import's format.

The workbook is the one `committees.ledger.reading` reads, so exporting a federation and importing the file
into an empty one gives the same three rates (committees/tests/test_ledger_export.py). The format has one
row per unit, so it carries each unit's latest committee (with its terms and vacancies); an earlier
committee of a unit that was dissolved and formed again is not in it.

One scan finds each unit's latest committee (a dict of ids in memory, a few MB at 100,000 units); three
ordered scans then stream the sheets straight into the workbook (core.excel). No query's parameters grow
with the federation, and no correlated subquery depends on the planner's statistics. A whole federation
is exported by a background job (committees.ledger.jobs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Count
from django.utils.translation import gettext

from committees.ledger import columns as c
from committees.models import Committee, Term, Vacancy
from core import excel
from orgs.models import Federation, Unit

CHUNK = 2000
EARLIER_LISTED = 100


@dataclass
class ExportSummary:
    units: int = 0
    terms: int = 0
    vacancies: int = 0
    # Units with more than one committee over time (only the latest is in the ledger): the first names.
    units_with_earlier_committees: list[str] = field(default_factory=list)
    earlier_total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"units": self.units, "terms": self.terms, "vacancies": self.vacancies,
                "units_with_earlier_committees": self.units_with_earlier_committees,
                "units_with_earlier_committees_total": self.earlier_total}


def latest_committees(user: Any, federation: Federation) -> dict[int, tuple[int, Any, Any]]:
    """unit id -> (committee id, formed_on, dissolved_on) of each unit's latest committee: one ordered scan
    (the first row of each unit wins), no correlated subquery for the planner to get wrong."""
    latest: dict[int, tuple[int, Any, Any]] = {}
    rows = (Committee.objects.visible_to(user).filter(federation=federation).order_by("unit_id", "-formed_on", "-id")
            .values_list("unit_id", "id", "formed_on", "dissolved_on"))
    for unit_id, pk, formed, dissolved in rows.iterator(chunk_size=CHUNK):
        latest.setdefault(unit_id, (pk, formed, dissolved))
    return latest


def _units(user: Any, federation: Federation) -> Any:
    return (
        Unit.objects.visible_to(user).filter(federation=federation).order_by("name_pinyin", "name", "id")
        .values_list("id", "name", "established_on", "dissolved_on", "requires_committee", "kind",
                     "female_staff_count", "address", "notes", "successor__name")
    )


def _terms(user: Any, federation: Federation) -> Any:
    return (
        Term.objects.visible_to(user).filter(federation=federation).order_by("committee__unit__name_pinyin", "committee__unit__name", "number")
        .values_list("committee_id", "committee__unit__name", "number", "started_on", "due_on")
    )


def _vacancies(user: Any, federation: Federation) -> Any:
    return (
        Vacancy.objects.visible_to(user).filter(federation=federation)
        .order_by("committee__unit__name_pinyin", "committee__unit__name", "vacated_on", "id")
        .values_list("committee_id", "committee__unit__name", "role", "vacated_on", "filled_on")
    )


def _unit_cells(rows: Any, latest: dict[int, tuple[int, Any, Any]]) -> Iterator[list[Any]]:
    # Cells in the active language, as the import reads them in either.
    yes, no = gettext(c.YES), gettext(c.NO)
    kinds = {value: c.kind_shown(value) for value in c.KIND_LABELS}
    for pk, name, established, dissolved, requires, kind, staff, address, notes, successor in rows:
        _, formed, c_dissolved = latest.get(pk, (None, None, None))
        yield [name, established, dissolved, yes if requires else no, formed, c_dissolved,
               kinds.get(kind, kind) if kind else None, staff, address or None, notes or None, successor]


def _term_cells(rows: Any, ids: set[int]) -> Iterator[list[Any]]:
    for committee_id, name, number, started, due in rows:
        if committee_id in ids:
            yield [name, number, started, due]


def _vacancy_cells(rows: Any, ids: set[int]) -> Iterator[list[Any]]:
    roles = {value: c.role_shown(value) for value in c.ROLE_LABELS}
    for committee_id, name, role, vacated, filled in rows:
        if committee_id in ids:
            yield [name, roles.get(role, role), vacated, filled]


def write_ledger(user: Any, federation: Federation, target: IO[bytes], *,
                 progress: Callable[[int, int], None] | None = None) -> ExportSummary:
    """Writes the federation's ledger as the user may read it (staff: all of it) to `target`.

    `progress(rows written, rows in all)` is called as the rows go out (a job's progress bar).
    """
    summary = ExportSummary()
    latest = latest_committees(user, federation)
    ids = {pk for pk, _, _ in latest.values()}
    # Rows to go (for the progress bar): terms and vacancies of earlier committees are counted but left out.
    totals = [_units(user, federation).count(), _terms(user, federation).count(), _vacancies(user, federation).count()]
    grand_total = max(sum(totals), 1)

    def advance(before: int) -> Callable[[int], None]:
        def report(written: int) -> None:
            if progress is not None:
                progress(before + written, grand_total)
        return report

    sources = {
        c.SHEET_UNITS: _unit_cells(_units(user, federation).iterator(chunk_size=CHUNK), latest),
        c.SHEET_TERMS: _term_cells(_terms(user, federation).iterator(chunk_size=CHUNK), ids),
        c.SHEET_VACANCIES: _vacancy_cells(_vacancies(user, federation).iterator(chunk_size=CHUNK), ids),
    }
    sheets = []
    for i, sheet in enumerate(c.SHEETS):
        sheets.append(excel.Sheet(
            c.shown(sheet),
            [excel.Column(c.shown(s.name), s.width, style="date" if s.kind == "date" else None)
             for s in c.COLUMNS[sheet]],
            sources[sheet], progress=advance(sum(totals[:i])), progress_every=CHUNK,
        ))
    summary.units, summary.terms, summary.vacancies = excel.write_workbook(sheets, target)
    several = (
        Committee.objects.visible_to(user).filter(federation=federation).values("unit_id")
        .annotate(n=Count("id")).filter(n__gt=1)
    )
    summary.earlier_total = several.count()
    summary.units_with_earlier_committees = list(
        Unit.objects.filter(pk__in=several.values("unit_id")).order_by("name_pinyin", "name").values_list("name", flat=True)[:EARLIER_LISTED]
    )
    if progress is not None:
        progress(grand_total, grand_total)
    return summary


def ledger_workbook(user: Any, federation: Federation) -> tuple[bytes, ExportSummary]:
    """The ledger in memory (tests, and small federations from the shell)."""
    import io

    buffer = io.BytesIO()
    summary = write_ledger(user, federation, buffer)
    return buffer.getvalue(), summary


def export_filename(federation: Federation, day: Any) -> tuple[str, str]:
    """The file's name in the active language and its ASCII fallback."""
    name = gettext("{federation}台账_{day}.xlsx").format(federation=federation.short_name or federation.name,
                                                        day=day.isoformat())
    return name, f"ledger_{day.isoformat()}.xlsx"
