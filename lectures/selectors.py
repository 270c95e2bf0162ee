"""Scoped reads of the volunteer lecture system."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from lectures.models import ExpertiseCategory, Volunteer


def categories_for(
    user: Any, federation_id: int | None = None, *, active_only: bool = False
) -> QuerySet[ExpertiseCategory]:
    qs = ExpertiseCategory.objects.visible_to(user)
    if federation_id is not None:
        qs = qs.filter(federation_id=federation_id)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("federation_id", "order", "id")


def volunteer_list_for(
    user: Any, *, category_id: int | None = None, q: str = "", status: str = ""
) -> QuerySet[Volunteer]:
    """The volunteers the user may see, with their person, unit and categories (three queries in all)."""
    qs = (
        Volunteer.objects.visible_to(user)
        .select_related("person", "unit")
        .prefetch_related(Prefetch("categories", queryset=ExpertiseCategory.objects.order_by("order", "id")))
    )
    if category_id:
        qs = qs.filter(categories__id=category_id)
    if q.strip():
        qs = qs.filter(Q(person__name__icontains=q.strip()) | Q(bio__icontains=q.strip()))
    if status:
        qs = qs.filter(status=status)
    return qs.distinct().order_by("person__name", "id")


def own_volunteer(user: Any) -> Volunteer | None:
    """The user's own volunteer record, if she is one."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return Volunteer.objects.visible_to(user).filter(person_id=person_id).first()
