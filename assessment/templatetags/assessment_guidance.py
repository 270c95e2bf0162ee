"""`{% item_guidance item as links %}`: the guidance documents of an evaluation item (assessment.registry).

Asked once per page and federation (cached in the render context), so a form of ten items costs one
query per provider, not ten."""

from __future__ import annotations

from typing import Any

from django import template

from assessment.registry import guidance_for

register = template.Library()


@register.simple_tag(takes_context=True)
def item_guidance(context: template.Context, item: Any) -> list[Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    federation_id = getattr(item, "federation_id", None)
    if user is None or federation_id is None:
        return []
    render_context: Any = context.render_context
    cache: dict[int, dict[int, list[Any]]] = render_context.setdefault("assessment_guidance", {})
    if federation_id not in cache:
        cache[federation_id] = guidance_for(user, federation_id)
    return list(cache[federation_id].get(int(getattr(item, "number", 0) or 0), []))
