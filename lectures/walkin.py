"""Walk-ins (现场登记) at the door: staff, the host unit's liaison or the lecturer add a person who came without
registering. She is registered and attended at once, beyond the capacity (lectures.services.registration_create
with `walk_in`), so her unit's attendance counts for the self-inspection like anyone's."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import audit
from lectures import services
from lectures.models import ENDED, Lecture, Registration
from orgs import services as orgs_services
from orgs.models import Person, Unit

MSG_NAME_REQUIRED = _("请填写现场登记人员的姓名。")
MSG_UNIT_OUTSIDE = _("所选单位不属于本讲座所在的妇联。")
MSG_ALREADY_HERE = _("%(name)s 已报名该讲座，请用签到码签到，或在名单中标记出席。")


def registration_walk_in(
    *, lecture: Lecture, name: str, unit: Unit | None = None, acting_user: Any | None = None
) -> Registration:
    """Adds a walk-in attendee. The person is the one of that name (and unit) the acting user may already see
    in the lecture's federation, if there is exactly one; otherwise a new person record is made. Refused
    before the lecture's day, for a cancelled or held lecture, or for someone already registered."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(MSG_NAME_REQUIRED, code="name_required")
    if unit is not None and unit.federation_id != lecture.federation_id:
        raise ValidationError(MSG_UNIT_OUTSIDE, code="unit_outside")
    with audit.attributed_to(acting_user), transaction.atomic():
        services.door_rule(lecture)
        known = Person.objects.filter(federation_id=lecture.federation_id, name=name, unit=unit)
        if acting_user is not None:
            known = known & Person.objects.visible_to(acting_user)
        matches = list(known[:2])
        person = matches[0] if len(matches) == 1 else None
        if person is not None:
            live = Registration.objects.filter(lecture=lecture, person=person).exclude(status__in=ENDED)
            if live.exists():
                raise ValidationError(MSG_ALREADY_HERE, code="already_registered", params={"name": name})
        else:
            person = orgs_services.person_create(
                federation_id=lecture.federation_id, name=name, unit=unit, acting_user=acting_user
            )
        return services.registration_create(
            lecture=lecture, person=person, acting_user=acting_user, walk_in=True
        )
