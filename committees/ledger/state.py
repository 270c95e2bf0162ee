"""What the platform already holds about a federation's units, as plain data for checking and planning.

Four queries, each by federation (no lists of ids), as tuples: a 10,000-unit federation loads in a
fraction of a second. Units are keyed by their normalised name (orgs.names), so a ledger row names the
unit a clerk registered with stray spaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from committees.models import Committee, Term, Vacancy
from orgs.models import Federation, Unit
from orgs.names import normalize_unit_name


@dataclass
class KnownTerm:
    pk: int
    version: int
    number: int
    started_on: dt.date
    due_on: dt.date
    ended_on: dt.date | None


@dataclass
class KnownVacancy:
    pk: int
    version: int
    role: str
    vacated_on: dt.date
    filled_on: dt.date | None


@dataclass
class KnownCommittee:
    pk: int
    version: int
    unit_id: int
    formed_on: dt.date
    dissolved_on: dt.date | None
    terms: dict[int, KnownTerm] = field(default_factory=dict)
    # (post, vacated_on) -> the first vacancy recorded so
    vacancies: dict[tuple[str, dt.date], KnownVacancy] = field(default_factory=dict)


UNIT_VALUES = ("id", "version", "name", "kind", "established_on", "dissolved_on", "successor_id", "requires_committee",
               "female_staff_count", "address", "notes")


@dataclass
class KnownUnit:
    pk: int
    version: int
    name: str
    kind: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    successor_id: int | None
    requires_committee: bool
    female_staff_count: int | None
    address: str
    notes: str
    committees: list[KnownCommittee] = field(default_factory=list)

    def value(self, name: str) -> Any:
        return getattr(self, name)


@dataclass
class FederationState:
    federation: Federation
    units: dict[str, KnownUnit] = field(default_factory=dict)  # by normalised name
    by_id: dict[int, KnownUnit] = field(default_factory=dict)
    committees: dict[int, KnownCommittee] = field(default_factory=dict)


def load_state(federation: Federation, *, lock: bool = False) -> FederationState:
    """The federation's units, committees, terms and vacancies. With `lock` (inside the import's
    transaction) the rows are locked on PostgreSQL until it ends."""

    def rows(qs: Any) -> Any:
        return qs.select_for_update() if lock else qs

    state = FederationState(federation)
    for values in rows(Unit.objects.filter(federation=federation)).order_by("id").values_list(*UNIT_VALUES):
        unit = KnownUnit(*values)
        state.by_id[unit.pk] = unit
        # Two units whose names differ only in spacing (registered before one normaliser) : the first one.
        state.units.setdefault(normalize_unit_name(unit.name), unit)
    for pk, version, unit_id, formed, dissolved in rows(Committee.objects.filter(federation=federation)).order_by(
            "formed_on", "id").values_list("id", "version", "unit_id", "formed_on", "dissolved_on"):
        committee = KnownCommittee(pk, version, unit_id, formed, dissolved)
        state.committees[pk] = committee
        if unit_id in state.by_id:
            state.by_id[unit_id].committees.append(committee)
    for committee_id, *values in rows(Term.objects.filter(federation=federation)).values_list(
            "committee_id", "id", "version", "number", "started_on", "due_on", "ended_on"):
        if committee_id in state.committees:
            term = KnownTerm(*values)
            state.committees[committee_id].terms[term.number] = term
    for committee_id, *values in rows(Vacancy.objects.filter(federation=federation)).order_by("id").values_list(
            "committee_id", "id", "version", "role", "vacated_on", "filled_on"):
        if committee_id in state.committees:
            vacancy = KnownVacancy(*values)
            state.committees[committee_id].vacancies.setdefault((vacancy.role, vacancy.vacated_on), vacancy)
    return state


def pick_committee[C](committees: list[C], formed_on: dt.date | None, *, key: Any) -> C | None:
    """The committee a ledger row means: the one formed on that date, else the unit's latest."""
    if not committees:
        return None
    if formed_on is not None:
        for committee in committees:
            if key(committee) == formed_on:
                return committee
    return max(committees, key=key)
