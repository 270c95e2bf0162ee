"""Reads of the organisation registry, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.scoping import get_visible_or_404
from orgs.models import Community, Federation, Unit


def unit_list_for(user: Any, *, q: str | None = None, status: str | None = None, kind: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.visible_to(user).select_related("successor").order_by("name_pinyin", "name", "id")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if status == "active":
        qs = qs.filter(dissolved_on__isnull=True)
    elif status == "dissolved":
        qs = qs.filter(dissolved_on__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def unit_get_for(user: Any, unit_id: int) -> Unit:
    return get_visible_or_404(Unit, user, pk=unit_id)


def staff_federations_for(user: Any) -> QuerySet[Federation]:
    """The federations whose registry the user manages (their staff; all of them for a superuser)."""
    return Federation.objects.permitted(user, "manage")


def community_list_for(user: Any) -> QuerySet[Community]:
    return Community.objects.visible_to(user).order_by("name_pinyin", "name", "id")
