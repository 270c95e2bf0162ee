from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from core import confidential
from core.testing.world import World
from tests.plugin_app.models import CareNote

MSG_LOCKED = gettext_lazy("该单位有锁定的关爱记录，不能撤销。")


def refuse_if_locked(unit: Any, dissolved_on: dt.date, successor: Any) -> None:
    with confidential.system_scope("单位撤销前检查关爱记录"):
        if CareNote.objects.filter(unit=unit, locked=True).exists():
            raise ValidationError(MSG_LOCKED, code="locked")


def close_notes(unit: Any, dissolved_on: dt.date, successor: Any) -> None:
    with confidential.system_scope("单位撤销，关闭关爱记录"):
        for note in CareNote.objects.filter(unit=unit, closed_on__isnull=True):
            note.closed_on = dissolved_on
            note.save()


def describe(user: Any, unit: Any) -> str | None:
    return gettext("本单位的关爱记录将同日关闭。")


def add_to_world(world: World) -> None:
    for unit, author in ((world.unit_a1, world.staff), (world.unit_b1, world.outsider)):
        with confidential.system_scope("测试数据"):
            CareNote(
                federation_id=unit.federation_id,
                unit=unit,
                author=author,
                body=f"{unit.name}的困难家庭：张某",
            ).save()


def locked_note_notices(today: dt.date, federation_id: int | None = None) -> list[Any]:
    """Reminder producer (core.reminders): a locked note waits for its author's review, until it is unlocked."""
    from core.reminders import Audience, Notice

    with confidential.system_scope("提醒：锁定的关爱记录"):
        notes = CareNote.objects.filter(locked=True, closed_on__isnull=True)
        if federation_id is not None:
            notes = notes.filter(federation_id=federation_id)
        return [
            Notice(
                key=f"care-locked:{n.pk}",
                cause=f"care:{n.pk}",
                kind="care_locked",
                federation_id=n.federation_id,
                title=f"关爱记录 #{n.pk} 已锁定，请复核",
                audience=Audience(user_ids=frozenset({n.author_id})),
            )
            for n in notes.only("id", "federation_id", "author_id")
        ]
