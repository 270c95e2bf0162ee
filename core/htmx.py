"""HTMX: a view renders the whole page or, for an HTMX swap, one `{% partialdef %}` of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_partial(request: HttpRequest, template: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)
