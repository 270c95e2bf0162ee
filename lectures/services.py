"""Writes of the volunteer lecture system. Keyword-only, typed, one transaction each, audited (TrackedModel);
refusals are `ValidationError(MSG_..., code=...)` with the module constants below, which tests import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from lectures.models import DEFAULT_CATEGORIES, VOLUNTEER_MACHINE, ExpertiseCategory, Volunteer
from orgs.models import Federation, Person, Unit

MSG_CATEGORY_NAME_REQUIRED = _("请填写类别名称。")
MSG_CATEGORY_DUPLICATE = _("本妇联已有同名的专业类别。")
MSG_ALREADY_VOLUNTEER = _("该人员已登记为巾帼志愿者。")
MSG_OTHER_FEDERATION = _("所选内容不属于本妇联。")
MSG_CATEGORY_REQUIRED = _("请至少选择一个专业类别。")
MSG_CATEGORY_INACTIVE = _("所选专业类别已停用。")
MSG_LIMIT_RANGE = _("每年授课上限应在 1 到 200 场之间。")


def _refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _with_version(obj: Any, version: int | None) -> None:
    """The editor's version goes on the row, so that TrackedModel refuses a stale save."""
    if version is not None:
        obj.version = version


# ------------------------------------------------------------------------------------------ categories
def category_defaults_ensure(
    *, federation: Federation, acting_user: Any | None = None
) -> list[ExpertiseCategory]:
    """The federation's categories; the default list (domain.md) the first time it is asked."""
    with audit.attributed_to(acting_user), transaction.atomic():
        existing = list(ExpertiseCategory.objects.filter(federation=federation))
        if existing:
            return existing
        made = []
        for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
            category = ExpertiseCategory(federation=federation, name=name, order=order * 10)
            category.save()
            made.append(category)
        return made


def _category_rule(*, federation_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise _refuse(MSG_CATEGORY_NAME_REQUIRED, "name_required")
    clash = ExpertiseCategory.objects.filter(federation_id=federation_id, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise _refuse(MSG_CATEGORY_DUPLICATE, "duplicate")
    return name


def category_create(
    *, federation: Federation, name: str, order: int = 100, acting_user: Any | None = None
) -> ExpertiseCategory:
    with audit.attributed_to(acting_user), transaction.atomic():
        category = ExpertiseCategory(
            federation=federation, name=_category_rule(federation_id=federation.pk, name=name), order=order
        )
        category.save()
        return category


def category_update(
    *,
    category: ExpertiseCategory,
    name: str,
    order: int,
    active: bool,
    version: int | None = None,
    acting_user: Any | None = None,
) -> ExpertiseCategory:
    with audit.attributed_to(acting_user), transaction.atomic():
        category.name = _category_rule(
            federation_id=category.federation_id, name=name, exclude_pk=category.pk
        )
        category.order, category.active = order, active
        _with_version(category, version)
        category.save()
        return category


# ------------------------------------------------------------------------------------------ volunteers
def _categories_rule(federation_id: int, categories: Iterable[ExpertiseCategory]) -> list[ExpertiseCategory]:
    chosen = list(categories)
    if not chosen:
        raise _refuse(MSG_CATEGORY_REQUIRED, "category_required")
    if any(c.federation_id != federation_id for c in chosen):
        raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
    if any(not c.active for c in chosen):
        raise _refuse(MSG_CATEGORY_INACTIVE, "category_inactive")
    return chosen


def _limit_rule(yearly_limit: int) -> None:
    if not 1 <= yearly_limit <= 200:
        raise _refuse(MSG_LIMIT_RANGE, "limit_range")


def volunteer_register(
    *,
    person: Person,
    categories: Iterable[ExpertiseCategory],
    unit: Unit | None = None,
    bio: str = "",
    availability: str = "",
    yearly_limit: int = 12,
    approved: bool = True,
    acting_user: Any | None = None,
) -> Volunteer:
    """Staff register a volunteer (approved at once), or a person applies (approved=False: 待审核)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        if Volunteer.objects.filter(person=person).exists():
            raise _refuse(MSG_ALREADY_VOLUNTEER, "already_volunteer")
        unit = unit if unit is not None else person.unit
        if unit is not None and unit.federation_id != person.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        chosen = _categories_rule(person.federation_id, categories)
        _limit_rule(yearly_limit)
        volunteer = Volunteer(
            federation_id=person.federation_id,
            person=person,
            unit=unit,
            bio=bio.strip(),
            availability=availability.strip(),
            yearly_limit=yearly_limit,
            status=Volunteer.Status.ACTIVE if approved else Volunteer.Status.APPLIED,
            joined_on=clock.today() if approved else None,
        )
        volunteer.save()
        volunteer.categories.set(chosen)
        return volunteer


def volunteer_update(
    *,
    volunteer: Volunteer,
    categories: Iterable[ExpertiseCategory],
    bio: str,
    availability: str,
    yearly_limit: int,
    version: int | None = None,
    acting_user: Any | None = None,
) -> Volunteer:
    """The profile a volunteer (or staff) keeps: categories, bio, availability, yearly load limit."""
    with audit.attributed_to(acting_user), transaction.atomic():
        chosen = _categories_rule(volunteer.federation_id, categories)
        _limit_rule(yearly_limit)
        volunteer.bio, volunteer.availability, volunteer.yearly_limit = (
            bio.strip(),
            availability.strip(),
            yearly_limit,
        )
        _with_version(volunteer, version)
        volunteer.save()
        before = set(volunteer.categories.values_list("pk", flat=True))
        after = {c.pk for c in chosen}
        if before != after:
            volunteer.categories.set(chosen)
            audit.record(
                "lectures.volunteer_categories",
                obj=volunteer,
                changes={"categories": [sorted(before), sorted(after)]},
            )
        return volunteer


def volunteer_set_unit(
    *, volunteer: Volunteer, unit: Unit | None, version: int | None = None, acting_user: Any | None = None
) -> Volunteer:
    with audit.attributed_to(acting_user), transaction.atomic():
        if unit is not None and unit.federation_id != volunteer.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        volunteer.unit = unit
        _with_version(volunteer, version)
        volunteer.save()
        return volunteer


def volunteer_move(
    *,
    volunteer: Volunteer,
    transition: str,
    reason: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> Volunteer:
    """审核通过 / 暂停 / 恢复 (core.states)."""
    with transaction.atomic():
        _with_version(volunteer, version)
        if transition == "approve" and volunteer.joined_on is None:
            volunteer.joined_on = clock.today()
        VOLUNTEER_MACHINE.move(volunteer, transition, reason=reason, acting_user=acting_user)
        return volunteer
