"""The audit log's rows: events (append-only, sealed onto the hash chain at insert) and the anchors a
purge leaves. Below the audit writer (core.audit), which creates them; `core.models` hands them on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import auditchain
from core.roles import Role
from core.scoping import Scope, ScopedQuerySet


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
        events = list(objs)
        using = getattr(self, "_db", None) or router.db_for_write(self.model)
        with auditchain.in_transaction(using):
            fields = self.model._meta.concrete_fields
            sealed = auditchain.assign([{f.attname: getattr(e, f.attname) for f in fields} for e in events], using)
            for event, values in zip(events, sealed, strict=True):
                event.seq, event.mac, event.chain = values["seq"], values["mac"], values["chain"]
            return super().bulk_create(events, *args, **kwargs)

    def view_rule(self, scope: Scope) -> AuditEventQuerySet:
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
