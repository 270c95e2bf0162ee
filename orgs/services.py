"""Writes of the organisation registry: creating, editing, dissolving and merging units.

Every write to a unit goes through here (the web forms, the API and the ledger import alike). What other
apps keep about a unit follows its end through the lifecycle hooks they register (orgs.registry): the
committee ends with its unit, in the same transaction.

Keyword-only, one transaction, saved through `TrackedModel` (audited); refusals are `ValidationError`s
with one of the module constants below. A recorded end (撤销/并入) can be corrected or withdrawn with a
reason (`unit_dissolution_correct` / `unit_dissolution_withdraw`); the apps follow through the hooks' `correct`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.bulk import Refusals, create_tracked, update_tracked
from orgs.models import Federation, Person, Unit
from orgs.names import normalize_unit_name
from orgs.registry import UnitEndCorrection, unit_lifecycle

MSG_UNIT_NAME_REQUIRED = _("请填写单位名称。")
MSG_UNIT_NAME_TAKEN = _("本妇联已有同名单位，请换一个名称，或在单位名录中找到原单位。")
MSG_ALREADY_DISSOLVED = _("该单位已撤销，不能重复撤销。")
MSG_UNIT_DISSOLVED_BEFORE_ESTABLISHED = _("单位撤销日期不能早于单位成立日期。")
MSG_BAD_SUCCESSOR = _("并入单位须为同一妇联下存续的其他单位。")
MSG_DISSOLVED_IN_FUTURE = _("撤销日期不能晚于今天。")
MSG_UNIT_TEXT_TOO_LONG = _("{field}不能超过 {limit} 个字（现有 {length} 个）。")
MSG_BAD_KIND = _("单位类别不在可选范围内。")
MSG_NOT_DISSOLVED = _("该单位尚未撤销或合并，没有可更正或撤销的登记。")
MSG_NOTHING_CHANGED = _("没有要更正的内容：填写的与原来登记的相同。")
MSG_REASON_REQUIRED = _("请填写更正或撤销的原因。")

# Fields of a unit a liaison may keep up to date; the rest are the federation staff's (action "manage").
LIAISON_FIELDS = frozenset({"female_staff_count", "address", "notes"})
UNIT_FIELDS = frozenset({"name", "kind", "requires_committee", "female_staff_count", "address", "notes"})


@audit.action("orgs.unit_create", label=_("新增单位"))
def unit_create(
    *,
    federation: Federation,
    name: str,
    kind: str = Unit.Kind.DEPARTMENT,
    established_on: dt.date | None = None,
    requires_committee: bool = True,
    female_staff_count: int | None = None,
    address: str = "",
    notes: str = "",
    acting_user: Any | None = None,
) -> Unit:
    """Registers a unit (新增单位) in the federation; names are unique within a federation."""
    name = unit_name_rule(name)
    with audit.attributed_to(acting_user), transaction.atomic():
        federation = Federation.objects.select_for_update().get(pk=federation.pk)
        if unit_name_taken(federation=federation, name=name):
            raise ValidationError(MSG_UNIT_NAME_TAKEN, code="name_taken")
        unit = Unit(
            federation=federation,
            name=name,
            kind=kind,
            established_on=established_on,
            requires_committee=requires_committee,
            female_staff_count=female_staff_count,
            address=address.strip(),
            notes=notes.strip(),
        )
        unit.save()
        return unit


def person_create(
    *, federation_id: int, name: str, unit: Unit | None = None, acting_user: Any | None = None
) -> Person:
    """A person of the directory, added where another app meets her first (a walk-in at a lecture); her
    name with its spaces collapsed. The caller has checked that the unit is of the federation."""
    with audit.attributed_to(acting_user):
        person = Person(federation_id=federation_id, unit=unit, name=" ".join(name.split()))
        person.save()
    return person


@audit.action("orgs.unit_update", target="unit", label=_("修改单位信息"))
def unit_update(*, unit: Unit, changes: dict[str, Any], version: int | None, acting_user: Any | None = None) -> Unit:
    """Edits a unit's details. `version` is the row version the editor saw: a stale or missing one is a
    conflict (core.models.ConcurrentEditError), so a second editor overwrites nothing."""
    unknown = set(changes) - UNIT_FIELDS
    if unknown:
        raise ValueError(f"unit_update: not editable here: {sorted(unknown)}")
    with audit.attributed_to(acting_user), transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        unit.version = version if version is not None else -1
        if "name" in changes:
            name = unit_name_rule(str(changes["name"]))
            if unit_name_taken(federation=unit.federation, name=name, exclude_pk=unit.pk):
                raise ValidationError(MSG_UNIT_NAME_TAKEN, code="name_taken")
            changes = {**changes, "name": name}
        unit_fields_rule(values=changes)
        for field, value in changes.items():
            setattr(unit, field, value.strip() if isinstance(value, str) else value)
        unit.save()
        return unit


@audit.action("orgs.unit_dissolve", target="unit", label=_("撤销（并入）单位"))
def unit_dissolve(
    *, unit: Unit, dissolved_on: dt.date, successor: Unit | None = None, acting_user: Any | None = None
) -> Unit:
    """Dissolves a unit, or merges it into `successor` (机构改革). Every app's lifecycle hook checks first
    (any may refuse, before anything is written), then does its part in the same transaction."""
    with audit.attributed_to(acting_user), transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.dissolved_on is not None:
            raise ValidationError(MSG_ALREADY_DISSOLVED, code="already_dissolved")
        _check_end(unit, dissolved_on, successor)
        hooks = unit_lifecycle.entries()
        for hook in hooks:
            if hook.check is not None:
                hook.check(unit, dissolved_on, successor)
        for hook in hooks:
            if hook.apply is not None:
                hook.apply(unit, dissolved_on, successor)
        unit.dissolved_on = dissolved_on
        unit.successor = successor
        unit.save()
        return unit


def _check_end(unit: Unit, dissolved_on: dt.date, successor: Unit | None) -> None:
    unit_dates_rule(established_on=unit.established_on, dissolved_on=dissolved_on)
    successor_rule(unit=unit, successor=successor, dissolved_on=dissolved_on)


@audit.action("orgs.unit_dissolution_correct", target="unit", label=_("更正单位撤销"))
def unit_dissolution_correct(
    *, unit: Unit, dissolved_on: dt.date, successor: Unit | None = None, reason: str, acting_user: Any | None = None
) -> Unit:
    """更正单位撤销/合并: a new day or successor (None: dissolved outright). What other apps keep follows through
    their lifecycle hooks (the committee that ended with the unit ends on the new day), in one transaction."""
    return _end_change(unit, dissolved_on, successor, reason, acting_user)


@audit.action("orgs.unit_dissolution_withdraw", target="unit", label=_("撤销单位撤销登记"))
def unit_dissolution_withdraw(*, unit: Unit, reason: str, acting_user: Any | None = None) -> Unit:
    """撤销单位撤销/合并的登记: as if the unit had never ended (the committee that ended with it stands again)."""
    return _end_change(unit, None, None, reason, acting_user)


def _end_change(
    unit: Unit, dissolved_on: dt.date | None, successor: Unit | None, reason: str, acting_user: Any
) -> Unit:
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise ValidationError(MSG_REASON_REQUIRED, code="reason_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        # Lock the unit's row only (its successor is joined, possibly empty).
        unit = Unit.objects.select_for_update(of=("self",)).select_related("successor").get(pk=unit.pk)
        if unit.dissolved_on is None:
            raise ValidationError(MSG_NOT_DISSOLVED, code="not_dissolved")
        if dissolved_on is not None:
            _check_end(unit, dissolved_on, successor)
            if (dissolved_on, successor.pk if successor else None) == (unit.dissolved_on, unit.successor_id):
                raise ValidationError(MSG_NOTHING_CHANGED, code="nothing_changed")
        change = UnitEndCorrection(
            unit=unit, old_dissolved_on=unit.dissolved_on, old_successor=unit.successor,
            dissolved_on=dissolved_on, successor=successor, reason=reason,
        )
        for hook in unit_lifecycle.entries():
            if hook.correct is not None:
                hook.correct(change)
        unit.dissolved_on = dissolved_on
        unit.successor = successor
        unit.save()
        audit.record(
            "withdraw" if dissolved_on is None else "correct", obj=unit, detail=reason,
            changes={"dissolved_on": [change.old_dissolved_on, dissolved_on],
                     "successor_id": [change.old_successor.pk if change.old_successor else None,
                                      successor.pk if successor else None]},
        )
        return unit


def unit_dissolve_consequences(user: Any, unit: Unit) -> list[str]:
    """What dissolving `unit` will do to other apps' records, for the confirmation page."""
    lines = []
    for hook in unit_lifecycle.entries():
        if hook.describe is not None:
            line = hook.describe(user, unit)
            if line:
                lines.append(line)
    return lines


# The federation's rules behind the three rates (domain.md: "default" values it may change).
FEDERATION_RULE_FIELDS = ("term_length_years", "reelection_grace_days", "vacancy_fill_days")


@audit.action("orgs.federation_rules_update", target="federation", label=_("修改妇联规则"))
def federation_rules_update(
    *, federation: Federation, changes: dict[str, int], version: int | None, acting_user: Any | None = None
) -> Federation:
    """Changes the federation's committee rules; a stale or missing `version` is a conflict."""
    unknown = set(changes) - set(FEDERATION_RULE_FIELDS)
    if unknown:
        raise ValueError(f"federation_rules_update: not a rule: {sorted(unknown)}")
    with audit.attributed_to(acting_user), transaction.atomic():
        federation = Federation.objects.select_for_update().get(pk=federation.pk)
        federation.version = version if version is not None else -1
        for field, value in changes.items():
            setattr(federation, field, value)
        federation.save()
        return federation


# ---- rules (shared by the services above and the bulk paths below) ------------------------------------


def unit_name_rule(name: str) -> str:
    """The name as stored (orgs.names), or the refusal of a blank or too long one."""
    name = normalize_unit_name(name)
    if not name:
        raise ValidationError(MSG_UNIT_NAME_REQUIRED, code="name_required")
    unit_text_rule(field="name", value=name)
    return name


def unit_name_taken(*, federation: Federation, name: str, exclude_pk: int | None = None) -> bool:
    """Whether another unit of the federation has this (normalised) name; names stored before the one
    normaliser existed may still hold spaces, so those few are compared normalised too."""
    others = Unit.objects.filter(federation=federation)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(name=name).exists():
        return True
    spaced = others.filter(Q(name__contains=" ") | Q(name__contains="\u3000")).values_list("name", flat=True)
    return any(normalize_unit_name(n) == name for n in spaced)


def unit_text_rule(*, field: str, value: str | None) -> None:
    """A text field of a unit fits its column (the database refuses longer text; say so first)."""
    model_field: Any = Unit._meta.get_field(field)
    limit = model_field.max_length
    if value and limit and len(value) > limit:
        label = model_field.verbose_name
        raise ValidationError(str(MSG_UNIT_TEXT_TOO_LONG).format(field=label, limit=limit, length=len(value)),
                              code="too_long")


def unit_dates_rule(*, established_on: dt.date | None, dissolved_on: dt.date | None) -> None:
    """A unit ends after it began, and not in the future."""
    if dissolved_on is not None and dissolved_on > clock.today():
        raise ValidationError(MSG_DISSOLVED_IN_FUTURE, code="in_future")
    if established_on is not None and dissolved_on is not None and dissolved_on < established_on:
        raise ValidationError(MSG_UNIT_DISSOLVED_BEFORE_ESTABLISHED, code="dissolved_before_established")


def successor_rule(*, unit: Unit, successor: Unit | None, dissolved_on: dt.date | None) -> None:
    """A merged unit points to another living unit of the same federation."""
    if successor is None:
        return
    if (
        (unit.pk is not None and successor.pk == unit.pk)
        or successor.federation_id != unit.federation_id
        or (successor.dissolved_on is not None and dissolved_on is not None and successor.dissolved_on <= dissolved_on)
    ):
        raise ValidationError(MSG_BAD_SUCCESSOR, code="bad_successor")


def unit_fields_rule(*, values: dict[str, Any]) -> None:
    """Every field value a bulk path writes to a unit, checked as the single writes check it."""
    for field in ("address",):
        if field in values:
            unit_text_rule(field=field, value=values[field])
    if "kind" in values and values["kind"] not in Unit.Kind.values:
        raise ValidationError(MSG_BAD_KIND, code="bad_kind")


# ---- bulk paths (the ledger import): the same rules for many units, few statements ---------------------


@audit.action("orgs.unit_bulk_create", target="federation", label=_("批量新增单位"))
def unit_bulk_create(
    *, federation: Federation, units: Sequence[tuple[Hashable, dict[str, Any]]], acting_user: Any | None = None
) -> dict[Hashable, Unit]:
    """Registers many units at once, as `unit_create` registers one: (key, field values) pairs in;
    the new units by key out. Nothing is written when any is refused (core.bulk.BulkRefused, by key)."""
    refusals = Refusals()
    new: dict[Hashable, Unit] = {}
    with audit.attributed_to(acting_user), transaction.atomic():
        federation = Federation.objects.select_for_update().get(pk=federation.pk)
        taken = {normalize_unit_name(n) for n in Unit.objects.filter(federation=federation).values_list("name", flat=True)}
        for key, given in units:
            values = dict(given)
            try:
                values["name"] = unit_name_rule(values.get("name") or "")
                unit_fields_rule(values=values)
                unit_dates_rule(established_on=values.get("established_on"), dissolved_on=values.get("dissolved_on"))
                if values["name"] in taken:
                    raise ValidationError(MSG_UNIT_NAME_TAKEN, code="name_taken")
            except ValidationError as refused:
                refusals.add(key, refused)
                continue
            taken.add(values["name"])
            for text in ("address", "notes"):
                values[text] = (values.get(text) or "").strip()
            new[key] = Unit(federation=federation, **values)
        refusals.raise_if_any()
        create_tracked(Unit, new.values())
    return new


@audit.action("orgs.unit_bulk_update", target="federation", label=_("批量修改单位"))
def unit_bulk_update(
    *, federation: Federation, changes: Sequence[tuple[Hashable, Unit, dict[str, Any]]], acting_user: Any | None = None
) -> None:
    """Changes fields of many units at once: (key, unit as loaded in this transaction, {field: new value});
    `successor` takes a Unit. A unit changed since it was loaded refuses the whole write
    (ConcurrentEditError), as its save would."""
    refusals = Refusals()
    checked: list[tuple[Unit, dict[str, Any]]] = []
    with audit.attributed_to(acting_user), transaction.atomic():
        names = None
        for key, unit, given in changes:
            values = dict(given)
            try:
                if "name" in values:
                    values["name"] = unit_name_rule(values["name"] or "")
                    if names is None:
                        names = dict(Unit.objects.filter(federation=federation).values_list("name", "id"))
                        names = {normalize_unit_name(n): pk for n, pk in names.items()}
                    if names.get(values["name"], unit.pk) != unit.pk:
                        raise ValidationError(MSG_UNIT_NAME_TAKEN, code="name_taken")
                unit_fields_rule(values=values)
                dissolved_on = values.get("dissolved_on", unit.dissolved_on)
                unit_dates_rule(established_on=values.get("established_on", unit.established_on), dissolved_on=dissolved_on)
                if "successor" in values:
                    successor_rule(unit=unit, successor=values["successor"], dissolved_on=dissolved_on)
            except ValidationError as refused:
                refusals.add(key, refused)
                continue
            checked.append((unit, values))
        refusals.raise_if_any()
        update_tracked(Unit, Unit.objects.filter(federation=federation), checked)
