"""Navigation shown to the user: only the systems and pages their roles reach."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.navigation import menu_for
from core.scoping import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "attention_count": 0}
    # A page renders its parts (the unit panels) with the request too: count once per request.
    cached = getattr(request, "_jinguo_navigation", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from core.models import Notification

    scope = scope_for(user)
    context = {
        "nav_menu": menu_for(request, scope),
        "user_scope": scope,
        # The bell counts what still needs the user: open reminders (read or not) and unread messages.
        "attention_count": Notification.objects.visible_to(user).needing_attention().count(),
    }
    setattr(request, "_jinguo_navigation", context)  # noqa: B010 - per-request cache
    return context
