"""Which federation a page works in, for a user whose roles span several.

Roles are held per federation, so a page that works in one federation (the dashboard, creating an
account, granting a role) asks the user which one when there is a choice, and says which one it shows:
the `federation` query parameter, else the one chosen last (kept in the session), else the first. Never
a silent guess from a set of ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from core.scoping import scope_for

SESSION_KEY = "jinguo_federation"


def federations_for(request: HttpRequest, roles: Iterable[str]) -> list[int]:
    """The federations in which the user holds any of `roles`, in a stable order."""
    return sorted(scope_for(request.user).federations_with(*roles))


def chosen_federation(request: HttpRequest, roles: Iterable[str]) -> int | None:
    """The federation the page works in: asked for, else remembered, else the first; None without any."""
    allowed = federations_for(request, roles)
    if not allowed:
        return None
    asked = request.GET.get("federation") or request.POST.get("federation")
    for candidate in (asked, request.session.get(SESSION_KEY) if hasattr(request, "session") else None):
        try:
            value = int(candidate) if candidate not in (None, "") else None
        except (TypeError, ValueError):
            value = None
        if value in allowed:
            if hasattr(request, "session") and request.session.get(SESSION_KEY) != value:
                request.session[SESSION_KEY] = value
            return value
    return allowed[0]


def federation_choices(request: HttpRequest, roles: Iterable[str], names: dict[int, str]) -> list[dict[str, Any]]:
    """[{id, name}] for a picker, when there is more than one federation to choose from."""
    allowed = federations_for(request, roles)
    return [{"id": fid, "name": names.get(fid, str(fid))} for fid in allowed] if len(allowed) > 1 else []
