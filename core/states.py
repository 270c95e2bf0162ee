"""Lifecycles declared once: a model's states, the moves between them, and one way to move.

pretalx's model: the states and transitions of a record are declared in one place; a move goes through
`machine.move(...)`, which refuses an undeclared one with a clear message, needs a reason where the
move says so, saves the row (audited, as a TrackedModel), dates and attributes the step in the
record's timeline (core.models.StateChange), and sends `state_changed` for others to react to
(reminders, notifications).

    ORDER_MACHINE = StateMachine(
        field="status",
        transitions=[
            Transition("offer", source={"new", "returned"}, target="offered", label=_("派单")),
            Transition("reject", source={"new"}, target="rejected", label=_("不予受理"), needs_reason=True),
        ],
    )
    ORDER_MACHINE.move(order, "offer", acting_user=user)

Who may move is the service's question (it fetched the row through `permitted(user, action)`); a
transition may name the queryset action it needs, for the buttons a page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from core import audit

MSG_MOVE_REFUSED = _("当前状态为“%(state)s”，不能执行“%(move)s”。")
MSG_REASON_REQUIRED = _("请填写原因。")

# sender: the model class; kwargs: instance, transition, previous (state), reason, acting_user
state_changed = Signal()


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str] | set[str] | Iterable[str]
    target: str
    label: Any
    needs_reason: bool = False
    # The queryset action (core.scoping) a user needs for this move; None: the service decides.
    action: str | None = None

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(self.source)


@dataclass
class StateMachine:
    field: str
    transitions: list[Transition]
    by_name: dict[str, Transition] = dc_field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {t.name: t for t in self.transitions}
        if len(self.by_name) != len(self.transitions):
            raise ImproperlyConfigured("Two transitions share a name")

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, obj: models.Model, state: str | None = None) -> str:
        state = state if state is not None else self.state_of(obj)
        choices = dict(obj._meta.get_field(self.field).choices or [])  # type: ignore[union-attr]
        return str(choices.get(state, state))

    def can(self, obj: models.Model, name: str) -> bool:
        t = self.by_name.get(name)
        return t is not None and self.state_of(obj) in t.sources

    def available(self, obj: models.Model) -> list[Transition]:
        state = self.state_of(obj)
        return [t for t in self.transitions if state in t.sources]

    def check(self, obj: models.Model, name: str, *, reason: str = "") -> Transition:
        """The transition if it may be made now, else a ValidationError with a message for the user."""
        t = self.by_name.get(name)
        if t is None:
            raise ImproperlyConfigured(f"{type(obj).__name__} has no transition {name!r}")
        if self.state_of(obj) not in t.sources:
            raise ValidationError(
                MSG_MOVE_REFUSED, code="move_refused", params={"state": self.state_label(obj), "move": t.label}
            )
        if t.needs_reason and not reason.strip():
            raise ValidationError(MSG_REASON_REQUIRED, code="reason_required")
        return t

    def move(
        self, obj: models.Model, name: str, *, reason: str = "", acting_user: Any | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> models.Model:
        """Moves `obj` along transition `name`: checked, saved, recorded in its timeline, announced."""
        t = self.check(obj, name, reason=reason)
        previous = self.state_of(obj)
        with audit.attributed_to(acting_user), transaction.atomic():
            setattr(obj, self.field, t.target)
            if update_fields is not None:
                obj.save(update_fields=[self.field, *update_fields])
            else:
                obj.save()
            from core.models import StateChange

            ctx = audit.current()
            StateChange.objects.create(
                object_type=obj._meta.label_lower, object_id=str(obj.pk),
                federation_id=getattr(obj, "federation_id", None), transition=t.name,
                from_state=previous, to_state=t.target, reason=reason.strip()[:1000],
                actor_id=getattr(acting_user, "pk", None) or (ctx.user_id if ctx else None),
                actor_name=(acting_user.get_username() if acting_user is not None and hasattr(acting_user, "get_username")
                            else (ctx.username if ctx else "system")),
            )
            state_changed.send(sender=type(obj), instance=obj, transition=t, previous=previous, reason=reason,
                               acting_user=acting_user)
        return obj

    def timeline(self, obj: models.Model) -> list[Any]:
        """The record's steps, oldest first."""
        from core.models import StateChange

        return list(StateChange.objects.for_object(obj))
