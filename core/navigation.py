"""The menu: each app registers its entries with the roles that may use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from core.scoping import Scope


@dataclass(frozen=True)
class NavEntry:
    # Chinese source strings, translated when the menu is drawn: mark them with gettext_noop in nav.py
    # so that makemessages finds them.
    section: str  # the system it belongs to (自查, 志愿讲课, 执委履职, 系统)
    label: str
    url_name: str
    roles: frozenset[str]
    icon: str = ""
    order: int = 100


_registry: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if entry not in _registry:
        _registry.append(entry)


def menu_for(request: HttpRequest, scope: Scope) -> list[dict[str, object]]:
    """Sections with their entries the user's roles reach, in order."""
    sections: dict[str, list[dict[str, object]]] = {}
    for e in sorted(_registry, key=lambda e: e.order):
        if not (scope.is_superuser or scope.roles & e.roles):
            continue
        url = reverse(e.url_name)
        sections.setdefault(gettext(e.section), []).append(
            {"label": gettext(e.label), "url": url, "icon": e.icon, "active": request.path.startswith(url) and url != "/"}
        )
    # One entry is the current page: the one whose address matches the longest part of the path
    # (/assessment/highlights/ is 亮点工作信息, not also 量化自查 at /assessment/).
    entries_all = [entry for entries in sections.values() for entry in entries]
    longest = max((len(str(e["url"])) for e in entries_all if e["active"]), default=0)
    for entry in entries_all:
        entry["active"] = bool(entry["active"]) and len(str(entry["url"])) == longest
    return [{"section": s, "entries": entries} for s, entries in sections.items()]
