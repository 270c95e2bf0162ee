"""The ledger export (台账导出): a federation's units and committee history in the import's format.

The workbook is the one `committees.ledger` reads, so exporting a federation and importing the file into
an empty one gives the same three rates (committees/tests/test_ledger_export.py). The format has one row
per unit, so it carries each unit's latest committee (with its terms and vacancies); an earlier committee
of a unit that was dissolved and formed again is not in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from committees import ledger
from committees.models import Committee, Term, Vacancy
from orgs.models import Federation, Unit


@dataclass
class LedgerExport:
    units: list[ledger.UnitRow]
    terms: list[ledger.TermRow]
    vacancies: list[ledger.VacancyRow]
    # units with more than one committee over time: only the latest is in the ledger
    units_with_earlier_committees: list[str]

    def workbook(self) -> bytes:
        return ledger.export_workbook(self.units, self.terms, self.vacancies)


def ledger_export_for(user: Any, federation: Federation) -> LedgerExport:
    """The federation's ledger as the user may read it (staff: all of it). Four queries."""
    units = list(
        Unit.objects.visible_to(user).filter(federation=federation).select_related("successor").order_by("name", "id")
    )
    latest: dict[int, Committee] = {}
    several: set[int] = set()
    for c in Committee.objects.visible_to(user).filter(federation=federation).order_by("formed_on", "id"):
        if c.unit_id in latest:
            several.add(c.unit_id)
        latest[c.unit_id] = c
    names = {u.pk: u.name for u in units}
    committee_unit = {c.pk: c.unit_id for c in latest.values() if c.unit_id in names}
    unit_rows = []
    for i, u in enumerate(units, start=2):
        committee = latest.get(u.pk)
        extra = {"kind": u.kind, "female_staff_count": u.female_staff_count, "address": u.address, "notes": u.notes}
        unit_rows.append(ledger.UnitRow(
            row=i, name=u.name, established_on=u.established_on, dissolved_on=u.dissolved_on,
            requires_committee=u.requires_committee, committee_formed_on=committee.formed_on if committee else None,
            committee_dissolved_on=committee.dissolved_on if committee else None, extra=extra,
            successor_name=u.successor.name if u.successor_id and u.successor else None,
        ))
    terms = [
        ledger.TermRow(0, names[committee_unit[t.committee_id]], t.number, t.started_on, t.due_on)
        for t in Term.objects.visible_to(user).filter(committee_id__in=committee_unit).order_by("committee_id", "number")
    ]
    terms.sort(key=lambda t: (t.unit_name, t.number))
    vacancies = [
        ledger.VacancyRow(0, names[committee_unit[v.committee_id]], v.role, v.vacated_on, v.filled_on)
        for v in Vacancy.objects.visible_to(user).filter(committee_id__in=committee_unit).order_by("vacated_on", "id")
    ]
    vacancies.sort(key=lambda v: (v.unit_name, v.vacated_on))
    return LedgerExport(unit_rows, terms, vacancies, sorted(names[u] for u in several if u in names))
