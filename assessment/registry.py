"""What the self-inspection asks of the apps above it (filled in their AppConfig.ready()).

`item_guidance`: functions `(user, federation_id) -> {item number: [link, ...]}` giving, for each item of
the evaluation form, the guidance a user may read elsewhere (the documents app's library); a link has
`label`, `url` and `source` (what kind of guidance it is, translated by the provider). The form and
template pages show them under each item (`assessment_guidance` tags).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.registry import Registry

item_guidance: Registry[Callable[[Any, int], dict[int, list[Any]]]] = Registry("assessment.item_guidance")


def guidance_for(user: Any, federation_id: int) -> dict[int, list[Any]]:
    """Item number -> links from every registered provider, in their order."""
    out: dict[int, list[Any]] = {}
    for provider in item_guidance.entries():
        for number, links in provider(user, federation_id).items():
            out.setdefault(number, []).extend(links)
    return out
