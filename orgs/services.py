"""Writes of the organisation registry: creating a unit (dissolving and merging one end its committee,
so that lives with the committee history: committees.services.unit_dissolve).

Keyword-only, one transaction, saved through `TrackedModel` (audited); refusals are `ValidationError`s
with one of the module constants below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from orgs.models import Federation, Unit

MSG_UNIT_NAME_REQUIRED = "请填写单位名称。"
MSG_UNIT_NAME_TAKEN = "本妇联已有同名单位，请换一个名称，或在单位名录中找到原单位。"


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
    name = " ".join(name.split())
    if not name:
        raise ValidationError(MSG_UNIT_NAME_REQUIRED, code="name_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        federation = Federation.objects.select_for_update().get(pk=federation.pk)
        if Unit.objects.filter(federation=federation, name=name).exists():
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

