"""Domain-free building blocks: tracked (audited, versioned) rows, the audit log, notifications, backups,
lifecycle steps and jobs. The tracked base, the audit log's rows and the jobs live in their own modules
(core.tracked, core.auditmodels, core.jobs), which sit below the audit writer; they are handed on here,
where Django and the apps look for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import auditguard
from core.auditmodels import AppendOnlyMixin, AppendOnlyQuerySet, AuditAnchor, AuditEvent, AuditEventQuerySet
from core.jobs import Job
from core.scoping import Scope, ScopedQuerySet
from core.tracked import CONFLICT_MESSAGE, ConcurrentEditError, TrackedModel, connection_supports_row_locks

__all__ = [
    "CONFLICT_MESSAGE", "NEEDS_ATTENTION", "AppendOnlyMixin", "AppendOnlyQuerySet", "AuditAnchor", "AuditEvent",
    "AuditEventQuerySet", "BackupRecord", "ConcurrentEditError", "Job", "Notification", "StateChange",
    "TrackedModel", "connection_supports_row_locks",
]

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
    auditguard.ensure_triggers(using)


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
