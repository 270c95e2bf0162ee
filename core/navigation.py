"""The menu: each app registers its entries with the roles that may use them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
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
        _ordered.cache_clear()


@lru_cache(maxsize=1)
def _ordered() -> tuple[NavEntry, ...]:
    return tuple(sorted(_registry, key=lambda e: e.order))


@lru_cache(maxsize=512)
def _url(url_name: str, prefix: str) -> str:
    # The menu's addresses take no arguments: the same for every request under one script prefix (about
    # 30 reverse() calls a page otherwise).
    return reverse(url_name)


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _url.cache_clear()


def menu_for(request: HttpRequest, scope: Scope) -> list[dict[str, object]]:
    """Sections with their entries the user's roles reach, in order."""
    sections: dict[str, list[dict[str, object]]] = {}
    prefix = get_script_prefix()
    roles = scope.roles
    for e in _ordered():
        if not (scope.is_superuser or roles & e.roles):
            continue
        url = _url(e.url_name, prefix)
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
