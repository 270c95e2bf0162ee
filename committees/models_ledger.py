"""One run of the ledger import (台账导入) started from the web: its progress and its outcome.

Not a TrackedModel: the job is bookkeeping written by the background task, not a record users edit;
the import itself is audited (`import` event) and so are the rows it writes.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import Scope, ScopedQuerySet


class LedgerImportJobQuerySet(ScopedQuerySet):
    """Visible to the federation staff of the job's federation."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))

    def change_rule(self, scope: Scope) -> Self:
        return self.view_rule(scope)


class LedgerImportJob(models.Model):
    """A ledger import (台账导入) run in the background, with its progress, counts and problems."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("有错误，未导入")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    errors = models.JSONField(_("问题"), default=list, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_path = models.CharField(_("文件路径"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = LedgerImportJobQuerySet.as_manager()

    class Meta:
        app_label = "committees"
        ordering = ["-created_at", "-id"]
        verbose_name = _("台账导入任务")
        verbose_name_plural = _("台账导入任务")

    def __str__(self) -> str:
        return f"台账导入 #{self.pk} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
