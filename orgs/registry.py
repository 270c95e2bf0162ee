"""What apps above orgs contribute to the organisation registry, filled in their `AppConfig.ready()`.

orgs imports none of them: a unit's page shows the registered panels, a unit's dissolution or merger
runs the registered lifecycle hooks in the same transaction, and the federation's settings page shows
each app's section. A new app attaches here without touching a file of orgs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.registry import Registry


@dataclass(frozen=True)
class UnitPanel:
    """A section of a unit's page. `context(user, unit)` returns its template context, or None to show
    nothing (the user may not read that part of the unit, or it has nothing to say)."""

    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class UnitEndCorrection:
    """A recorded end of a unit, corrected (a new day or successor) or withdrawn (`dissolved_on` None)."""

    unit: Any
    old_dissolved_on: dt.date | None
    old_successor: Any
    dissolved_on: dt.date | None
    successor: Any
    reason: str


@dataclass(frozen=True)
class UnitLifecycleHook:
    """What an app does when a unit ends (撤销) or is merged into a successor (并入), in the same transaction.

    `check(unit, dissolved_on, successor)` raises a ValidationError to refuse (before anything is
    written); `apply(...)` does the app's part (e.g. the committee ends the same day); `describe(user,
    unit)` says on the confirmation page what will happen to the app's records, or returns None.
    `correct(change)` follows a corrected or withdrawn end (UnitEndCorrection): it checks and does the
    app's part in the same transaction, and raises a ValidationError to refuse (nothing is then written).
    """

    check: Callable[[Any, dt.date, Any], None] | None = None
    apply: Callable[[Any, dt.date, Any], None] | None = None
    describe: Callable[[Any, Any], str | None] | None = None
    correct: Callable[[UnitEndCorrection], None] | None = None


@dataclass(frozen=True)
class FederationSettingsSection:
    """One app's part of a federation's settings page (rules the federation may change).

    `form(federation, data)` builds a bound or unbound form over the app's settings; its `save()` writes
    them (through the app's service). Staff of the federation edit them (Federation action "manage").
    """

    title: Any
    form: Callable[[Any, Any], Any]


unit_panels: Registry[UnitPanel] = Registry("unit_panels")
unit_lifecycle: Registry[UnitLifecycleHook] = Registry("unit_lifecycle")
federation_settings: Registry[FederationSettingsSection] = Registry("federation_settings")
