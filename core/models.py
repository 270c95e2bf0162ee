"""Domain-free building blocks: tracked (audited, versioned) rows, the audit log, notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.scoping import Scope, ScopedQuerySet

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


class AppendOnlyMixin:
    """Refuses bulk updates and deletes (the database triggers refuse them too: core.auditguard)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> Any:
        raise PermissionError("The audit log is append-only.")


class AppendOnlyQuerySet(AppendOnlyMixin, models.QuerySet):
    pass


class AuditEventQuerySet(AppendOnlyMixin, ScopedQuerySet):
    """The auditor reads the events of the federations where they hold the role, and the events that belong
    to no federation (log-ins of administrators, backups, key rotations); nobody changes any (三员分立)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Events inserted together are sealed onto the chain together (core.auditchain), as one batch."""
        from core import auditchain

        events = list(objs)
        using = getattr(self, "_db", None) or router.db_for_write(self.model)
        with auditchain.in_transaction(using):
            fields = self.model._meta.concrete_fields
            sealed = auditchain.assign([{f.attname: getattr(e, f.attname) for f in fields} for e in events], using)
            for event, values in zip(events, sealed, strict=True):
                event.seq, event.mac, event.chain = values["seq"], values["mac"], values["chain"]
            return super().bulk_create(events, *args, **kwargs)

    def view_rule(self, scope: Scope) -> AuditEventQuerySet:
        from core.roles import Role

        federations = scope.federations_with(Role.AUDITOR)
        if not federations:
            return self.none()
        return self.filter(models.Q(federation_id__in=federations) | models.Q(federation_id__isnull=True))


class AuditEvent(models.Model):
    """One entry of the append-only audit log (审计日志)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    # A row-level event ("create", "update") or the name of a business action ("committees.term_reelect").
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    result = models.CharField(_("结果"), max_length=20, default="success")
    federation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    source = models.CharField(_("渠道"), max_length=20, blank=True)
    # Where a write without an address came from: "命令行：load_demo", "后台任务：ledger_import".
    origin = models.CharField(_("来源"), max_length=100, blank=True, default="", db_default="")
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    # The entry of the business action (core.audit.action) this row-level event is part of.
    part_of = models.BigIntegerField(_("所属业务操作"), null=True, blank=True, db_index=True)
    # The keyed hash chain (core.auditchain): the event's place in the log, its own seal, and the link
    # to the event before it; assigned at insert, never by the caller.
    seq = models.BigIntegerField(_("序号"), unique=True, editable=False)
    mac = models.CharField(_("校验值"), max_length=64, editable=False)
    chain = models.CharField(_("链值"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        from core import auditchain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with auditchain.in_transaction(using):
            values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
            (sealed,) = auditchain.assign([values], using)
            self.seq, self.mac, self.chain = sealed["seq"], sealed["mac"], sealed["chain"]
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("The audit log is append-only.")


class AuditAnchor(models.Model):
    """Where the chain of the audit log starts after a purge: the events up to `seq` were deleted by
    purge_audit, the last of them had the chain value `chain` (core.auditchain). Sealed with the chain's
    key, so a forged anchor cannot hide a deletion."""

    seq = models.BigIntegerField(_("已清理至序号"), unique=True)
    chain = models.CharField(_("链值"), max_length=64)
    purged_before = models.DateField(_("清理日期"))
    deleted = models.BigIntegerField(_("清理条数"), default=0)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    mac = models.CharField(_("校验值"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计日志清理记录")
        verbose_name_plural = _("审计日志清理记录")

    def __str__(self) -> str:
        return f"≤{self.seq} ({self.purged_before})"


# An open reminder (read or not), or an unread plain message.
NEEDS_ATTENTION = (~models.Q(cause="") & models.Q(resolved_at__isnull=True)) | (
    models.Q(cause="") & models.Q(read_at__isnull=True)
)


class NotificationQuerySet(ScopedQuerySet):
    # A notice is its recipient's alone, a superuser's included.
    superuser_sees_all = False

    def view_rule(self, scope: Scope) -> NotificationQuerySet:
        return self.filter(recipient_id=scope.user_id)

    def change_rule(self, scope: Scope) -> NotificationQuerySet:
        return self.filter(recipient_id=scope.user_id)

    def open_reminders(self) -> NotificationQuerySet:
        """Reminders whose cause is still there (core.reminders resolves the others)."""
        return self.exclude(cause="").filter(resolved_at__isnull=True)

    def needing_attention(self) -> NotificationQuerySet:
        """What the bell counts: open reminders (read or not) and unread plain messages."""
        return self.filter(NEEDS_ATTENTION)


class Notification(models.Model):
    """An in-app notice (站内通知) to one user; `dedup_key` makes every reminder idempotent.

    A reminder has a `cause` (what it is about, e.g. "term:12") and stays open until core.reminders finds
    the cause gone and sets `resolved_at` (已处理); a plain message (no cause) only needs reading."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The tenant key, as a plain column: core knows no app's models.
    federation_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(_("类别"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedup_key = models.CharField(max_length=200)
    cause = models.CharField(_("提醒事由"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedup_key"], name="notification_once")]
        # The bell and the resolution of reminders look up a user's open ones.
        indexes = [models.Index(fields=["recipient", "resolved_at"], name="notification_open")]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title

    @property
    def is_reminder(self) -> bool:
        return bool(self.cause)

    @property
    def needs_attention(self) -> bool:
        return self.resolved_at is None if self.cause else self.read_at is None


class BackupRecordQuerySet(ScopedQuerySet):
    """Backups and restore drills are the system administrator's (三员分立): nobody else sees them."""

    def view_rule(self, scope: Scope) -> BackupRecordQuerySet:
        from core.roles import Role

        # Backups hold every federation's data: the system administrator of any federation sees them.
        return self.all() if scope.has(Role.SYSTEM_ADMIN) else self.none()


class BackupRecord(models.Model):
    """One backup, verification or restore (恢复演练) of the whole database, with its evidence."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("备份")
        VERIFY = "verify", _("校验")
        RESTORE = "restore", _("恢复")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    file = models.CharField(_("文件"), max_length=500)
    size = models.BigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    vendor = models.CharField(_("数据库"), max_length=20, blank=True)
    result = models.CharField(_("结果"), max_length=20, default="success")
    counts = models.JSONField(_("各表行数"), default=dict, blank=True)
    detail = models.TextField(_("说明"), blank=True)
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)

    objects = BackupRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("备份与恢复记录")
        verbose_name_plural = _("备份与恢复记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file} {self.result}"


def _ensure_audit_triggers(using: str = "default", **kwargs: Any) -> None:
    from core.auditguard import ensure_triggers

    ensure_triggers(using)


models.signals.post_migrate.connect(_ensure_audit_triggers, dispatch_uid="core.ensure_audit_triggers")


class StateChangeQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> StateChangeQuerySet:
        """The steps of one record the caller already holds (fetched through its own scoping)."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("at", "id")


class StateChange(models.Model):
    """One step in a record's lifecycle (core.states): which move, from what to what, when, by whom, why.

    Read only through `for_object(obj)` of a record the reader may already see; nothing lists these rows
    on their own, so they need no scoping of their own.
    """

    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64)
    federation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    transition = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=40)
    to_state = models.CharField(_("新状态"), max_length=40)
    reason = models.TextField(_("原因"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)

    objects = StateChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="statechange_object")]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.from_state}→{self.to_state}"


# Background jobs live in their own module (core/jobs.py), with their runner and kinds.
from core.jobs import Job  # noqa: E402,F401
