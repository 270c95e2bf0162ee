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

from django.utils.translation import gettext, ngettext

from committees.models import Committee, Seat, Term, Vacancy
from committees.rules import (
    CommitteeStatus,
    Condition,
    VacancyJudgement,
    VacancyStage,
    committee_status,
    judge_vacancy,
)
from committees.selectors import unit_history_for
from core import clock
from core.scoping import scope_for, unit_rows_changeable_q, unit_rows_q
from core.spans import active_on, active_on_q
from core.views import ScopedDetailView
from orgs.models import Unit

SEAT_ORDER: dict[str, int] = {Seat.Role.CHAIR: 0, Seat.Role.VICE_CHAIR: 1, Seat.Role.MEMBER: 2}


@dataclass(frozen=True)
class VacancyLine:
    post: str
    vacated_on: dt.date
    judgement: VacancyJudgement
    pk: int | None = None

    @property
    def deadline(self) -> dt.date:
        return self.judgement.deadline

    @property
    def days_open(self) -> int:
        return self.judgement.days_open

    @property
    def late(self) -> bool:
        return self.judgement.stage == VacancyStage.PAST_DEADLINE


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
    # Every condition that holds today (committees.rules.committee_status); None: nothing to judge (a unit
    # that needs no committee, or no longer exists, and has none).
    status: CommitteeStatus | None = None

    @property
    def overdue_days(self) -> int:
        return -self.days_to_due if self.days_to_due is not None and self.days_to_due < 0 else 0

    @property
    def badges(self) -> list[tuple[str, str]]:
        return status_badges(self.status) if self.status is not None else []


def status_badges(status: CommitteeStatus) -> list[tuple[str, str]]:
    """(text, css class) of one badge per condition, most urgent first; "正常" when none holds."""
    if status.ok:
        return [(gettext("正常"), "badge-status-active")]
    out = []
    for item in status.items:
        n = item.number
        text = {
            Condition.NOT_FORMED: gettext("未组建"),
            Condition.OVERDUE: gettext("超期服役 %(n)s 天") % {"n": n},
            Condition.VACANCY_PAST_DEADLINE: ngettext("%(n)s 个缺位超过补缺期限", "%(n)s 个缺位超过补缺期限", n) % {"n": n},
            Condition.VACANCY_PAST_HALF: ngettext("%(n)s 个缺位补缺期限已过半", "%(n)s 个缺位补缺期限已过半", n) % {"n": n},
            Condition.DUE_SOON: gettext("%(n)s 天后届满") % {"n": n},
        }[item.condition]
        out.append((text, "text-bg-danger" if item.urgent else "text-bg-warning"))
    return out


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
    current = next((c for c in committees if active_on(c.formed_on, c.dissolved_on, today)), None)
    panel.past_committees = [c for c in committees if c is not current]
    if current is None:
        if unit.requires_committee and unit.is_active_on(today):
            panel.status = committee_status(formed=False, current_due_on=None, vacancies=(), today=today)
        return panel
    panel.committee = current
    panel.terms = list(Term.objects.filter(committee=current).order_by("-number"))
    started = [t for t in panel.terms if t.started_on <= today]
    panel.current_term = started[0] if started else None
    if panel.current_term is not None:
        panel.days_to_due = (panel.current_term.due_on - today).days
    seats = Seat.objects.filter(active_on_q(today, start="started_on", end="ended_on"), committee=current)
    panel.seats = sorted(seats.select_related("person"), key=lambda s: (SEAT_ORDER.get(s.role, 9), s.started_on))
    fill_days = current.federation.vacancy_fill_days
    for v in Vacancy.objects.filter(active_on_q(today, start="vacated_on", end="filled_on"), committee=current):
        judged = judge_vacancy(vacated_on=v.vacated_on, filled_on=None, fill_days=fill_days, today=today)
        panel.vacancies.append(VacancyLine(v.get_role_display(), v.vacated_on, judged, v.pk))
    panel.status = committee_status(
        formed=True, current_due_on=panel.current_term.due_on if panel.current_term else None,
        vacancies=[v.judgement for v in panel.vacancies], today=today,
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
        view = unit_history_for(self.request.user, unit, today)
        ctx["today"] = today
        ctx["history"] = view.committees
        ctx["corrections"] = view.corrections
        ctx["reads_committees"] = _reads_committees_of(self.request.user, unit)
        ctx["can_change"] = _changes_committees_of(self.request.user, unit)
        # The unit's own end (撤销/并入) is corrected by its federation's staff (the unit's "manage" action).
        ctx["can_correct_unit_end"] = unit.dissolved_on is not None and self.permits("manage")
        return ctx
