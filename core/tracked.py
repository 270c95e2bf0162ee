"""Tracked rows: every write audited with old and new values, edits guarded by a version (optimistic
locking). The abstract base of every model of the domain; `core.models` hands it on.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit

CONFLICT_MESSAGE = _("保存失败：这条记录已被其他人修改。请刷新页面查看最新内容后再修改。")


class ConcurrentEditError(ValidationError):
    """Raised when a row changed since the editor loaded it (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(CONFLICT_MESSAGE, code="conflict")


class TrackedModel(models.Model):
    """Every write is audited with old and new values; edits carry a version to catch lost updates.

    Saves must hold the version the editor saw: `save()` refuses (ConcurrentEditError) when the row
    in the database has moved on, so the second of two concurrent editors overwrites nothing.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            if self._state.adding or self.pk is None:
                super().save(*args, **kwargs)
                audit.record(
                    "create", obj=self, changes={k: [None, v] for k, v in audit.snapshot(self).items()}
                )
                return
            manager = type(self)._base_manager
            rows = manager.filter(pk=self.pk)
            if connection_supports_row_locks(rows.db):
                rows = rows.select_for_update()
            current = rows.first()
            if current is None:
                raise ConcurrentEditError()
            if current.version != self.version:
                raise ConcurrentEditError()
            self.version += 1
            self.updated_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
            super().save(*args, **kwargs)
            changes = audit.changes_between(current, self)
            changes.pop("version", None)
            changes.pop("updated_at", None)
            audit.record("update", obj=self, changes=changes)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            before = audit.snapshot(self)
            label, pk, text, fed = (
                self._meta.label_lower,
                self.pk,
                audit.safe_repr(self),
                getattr(self, "federation_id", None),
            )
            result = super().delete(*args, **kwargs)
            audit.record(
                "delete",
                object_type=label,
                object_id=pk,
                object_repr=text,
                federation_id=fed,
                changes={k: [v, None] for k, v in before.items()},
            )
            return result


def connection_supports_row_locks(alias: str) -> bool:
    from django.db import connections

    return bool(connections[alias].features.has_select_for_update)
