"""Committee pages: the committee panel (妇委会) on a unit's page and the unit's history (历届情况).

The unit page (orgs.views.UnitDetailView) shows the panel this app registers (committees.apps:
`unit_committee_panel(user, unit)` rendered with committees/unit_panel.html); every read goes through the
committee rows' scoping, so a user who may see the unit but not its committee (e.g. a volunteer of that
unit) sees no committee data. The panel's action buttons lead to committees.views_actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from committees.models import Committee, Seat, Term, Vacancy
from committees.selectors import unit_history_for
from core import clock
from core.scoping import scope_for, unit_rows_changeable_q, unit_rows_q
from core.views import ScopedDetailView
from orgs.models import Unit

SEAT_ORDER: dict[str, int] = {Seat.Role.CHAIR: 0, Seat.Role.VICE_CHAIR: 1, Seat.Role.MEMBER: 2}


@dataclass(frozen=True)
class VacancyLine:
    post: str
    vacated_on: dt.date
    deadline: dt.date
    days_open: int
    late: bool
    pk: int | None = None


@dataclass
class CommitteePanel:
    """What the unit page shows about the unit's women's committee."""

    visible: bool
    today: dt.date
    # Whether the user may record the committee's history (staff of the federation, the unit's liaison).
    can_change: bool = False
    committee: Committee | None = None
    current_term: Term | None = None
    days_to_due: int | None = None
    seats: list[Seat] = field(default_factory=list)
    vacancies: list[VacancyLine] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    past_committees: list[Committee] = field(default_factory=list)

    @property
    def overdue_days(self) -> int:
        return -self.days_to_due if self.days_to_due is not None and self.days_to_due < 0 else 0

    @property
    def due_soon(self) -> bool:
        return self.days_to_due is not None and 0 <= self.days_to_due <= 180


def unit_committee_panel(user: Any, unit: Unit, today: dt.date | None = None) -> CommitteePanel:
    """The unit's current committee, its current term, seats and open vacancies (five queries at most)."""
    today = today or clock.today()
    committees = list(
        Committee.objects.visible_to(user).filter(unit_id=unit.pk).select_related("federation").order_by("-formed_on")
    )
    # Staff and liaisons read committee rows; other roles that may see the unit read none of them.
    panel = CommitteePanel(
        visible=bool(committees) or _reads_committees_of(user, unit), today=today,
        can_change=_changes_committees_of(user, unit),
    )
    current = next((c for c in committees if c.dissolved_on is None or c.dissolved_on > today), None)
    panel.past_committees = [c for c in committees if c is not current]
    if current is None:
        return panel
    panel.committee = current
    panel.terms = list(Term.objects.filter(committee=current).order_by("-number"))
    started = [t for t in panel.terms if t.started_on <= today]
    panel.current_term = started[0] if started else None
    if panel.current_term is not None:
        panel.days_to_due = (panel.current_term.due_on - today).days
    seats = Seat.objects.filter(committee=current, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    ).select_related("person")
    panel.seats = sorted(seats, key=lambda s: (SEAT_ORDER.get(s.role, 9), s.started_on))
    fill_days = current.federation.vacancy_fill_days
    for v in Vacancy.objects.filter(committee=current, vacated_on__lte=today).filter(
        Q(filled_on__isnull=True) | Q(filled_on__gt=today)
    ):
        deadline = v.vacated_on + dt.timedelta(days=fill_days)
        panel.vacancies.append(
            VacancyLine(v.get_role_display(), v.vacated_on, deadline, (today - v.vacated_on).days, today > deadline, v.pk)
        )
    return panel


def _reads_committees_of(user: Any, unit: Unit) -> bool:
    """Whether the committee rows' view rule reaches this unit (even before it has a committee)."""
    return Unit.objects.filter(unit_rows_q(scope_for(user), "id"), pk=unit.pk).exists() or scope_for(user).is_superuser


def _changes_committees_of(user: Any, unit: Unit) -> bool:
    """Whether the committee rows' change rule reaches this unit."""
    return (
        Unit.objects.filter(unit_rows_changeable_q(scope_for(user), "id"), pk=unit.pk).exists()
        or scope_for(user).is_superuser
    )


def unit_panel_context(user: Any, unit: Unit) -> dict[str, Any] | None:
    """The committee panel of a unit's page (orgs.registry.unit_panels), or nothing for who may not read it."""
    panel = unit_committee_panel(user, unit)
    return {"committee_panel": panel} if panel.visible else None


class UnitCommitteeHistoryView(ScopedDetailView):
    """历届情况: every committee of the unit with its terms, seats and vacancies over time."""

    model = Unit
    template_name = "committees/unit_history.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit: Unit = self.object
        today = clock.today()
        ctx["today"] = today
        ctx["history"] = unit_history_for(self.request.user, unit, today)
        ctx["reads_committees"] = _reads_committees_of(self.request.user, unit)
        ctx["can_change"] = _changes_committees_of(self.request.user, unit)
        return ctx
