"""Background jobs (后台任务): work too long for a request, with a progress bar, a result to download,
and an honest end even when the worker dies.

An app declares a kind of job once (`register(JobKind(...))`, filling the `job_kinds` registry, in its
AppConfig.ready or a module it imports there) and starts one with `start(...)`; the huey worker runs it (`run`), the kind's function
reports progress through the `JobRun` it is given and returns an `Outcome`. The pages are core's
(core.job_views): the job page polls its status partial every second with HTMX until the job ends (the
polling does not renew the session: core.sessions), offers the result file for download, and a retry
after a failure. Nothing here knows any domain: the ledger import and export (committees.ledger.jobs)
and later certificates, duty reports or assessment PDFs are kinds.

A job that has not reported progress for `stale_after()` seconds (its worker was killed, the server
restarted) is marked failed with a message the next time anyone looks at it, and by a sweep every
minute; it can then be retried. Only the attempt that claimed a job may report on it.

Who sees a job: its owner while they hold the kind's roles in the job's federation; for shared kinds,
every holder of those roles there (all federation staff see the recent ledger imports). The tenant key is a plain
`federation_id`, as on the audit log: core knows no federation model.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Self

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import auditcontext
from core.registry import Registry
from core.scoping import Scope, ScopedQuerySet

logger = logging.getLogger("jinguo.jobs")

MSG_QUEUED = _("排队中……")
MSG_STARTED = _("正在开始……")
MSG_CRASHED = _("任务执行时发生系统错误，已停止。可以重试；若再次失败，请联系系统管理员。")
MSG_STALE = _("任务已有 {minutes} 分钟没有进展（后台服务可能已中断），已停止。可以重试。")
MSG_NEVER_STARTED = _("任务排队超过 {minutes} 分钟仍未开始（后台服务可能没有运行），已停止。可以重试。")
MSG_RETRIED = _("已重新排队。")
MSG_NOT_RETRIABLE = _("这个任务不能重试。")

DEFAULT_STALE_SECONDS = 120
DEFAULT_QUEUE_SECONDS = 600
DEFAULT_RETENTION_DAYS = 7


def stale_after() -> int:
    """Seconds without progress after which a running job is judged dead."""
    return int(getattr(settings, "JINGUO_JOB_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def queue_limit() -> int:
    """Seconds a job may wait for a worker before it is judged never to start."""
    return int(getattr(settings, "JINGUO_JOB_QUEUE_SECONDS", DEFAULT_QUEUE_SECONDS))


def retention_days() -> int:
    """Days the input and result files of finished jobs are kept."""
    return int(getattr(settings, "JINGUO_JOB_FILE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# --- kinds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How a run ended: SUCCEEDED, or REFUSED (it ran, and the input was refused: not worth a retry)."""

    status: str
    message: str
    result: dict[str, Any] = field(default_factory=dict)
    # Set when the run wrote its output (JobRun.output()); the download's file name.
    result_name: str = ""


@dataclass(frozen=True)
class JobKind:
    """A kind of background job, declared once by the app that owns it."""

    name: str
    title: Any
    run: Callable[[JobRun], Outcome]
    # The owner sees the job while holding one of these roles in its federation (none: always);
    # with `shared`, every holder of them there sees it (and may retry it).
    roles: frozenset[str] = frozenset()
    shared: bool = False
    # Shown below the progress bar once the job has ended; gets `job` and `context(job)`.
    result_template: str = ""
    context: Callable[[Job], dict[str, Any]] | None = None
    # URL name of the page the job was started from (the breadcrumb, "back").
    back_url: str = "home"
    retriable: bool = True


# The kinds the apps declare (AppConfig.ready), by name.
job_kinds: Registry[JobKind] = Registry("job_kinds")


def register(kind: JobKind, *, order: int = 100) -> JobKind:
    return job_kinds.register(kind.name, kind, order=order)


def kind_of(name: str) -> JobKind | None:
    return next((k for k in job_kinds.entries() if k.name == name), None)


# --- the model ----------------------------------------------------------------------------------------


class JobQuerySet(ScopedQuerySet):
    """Per kind: the owner's jobs in the federations where they (still) hold the kind's roles, or all of
    a shared kind's jobs there; a kind without roles, its owner's. Jobs of unknown kinds: nobody's."""

    def view_rule(self, scope: Scope) -> Self:
        q = Q(pk__in=[])
        for kind in job_kinds.entries():
            if not kind.roles:
                q |= Q(kind=kind.name, owner_id=scope.user_id)
                continue
            federations = scope.federations_with(*kind.roles)
            if federations:
                here = Q(kind=kind.name, federation_id__in=federations)
                q |= here if kind.shared else here & Q(owner_id=scope.user_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.view_rule(scope)

    def finished(self) -> Self:
        return self.filter(status__in=Job.FINISHED)


class Job(models.Model):
    """A background job (后台任务): its kind, progress, message, result, and the files it read and wrote."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        REFUSED = "refused", _("未通过")
        FAILED = "failed", _("失败")

    FINISHED = (Status.SUCCEEDED, Status.REFUSED, Status.FAILED)

    kind = models.CharField(_("类型"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    federation_id = models.BigIntegerField(null=True, blank=True)
    label = models.CharField(_("名称"), max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    input_file = models.CharField(max_length=500, blank=True)
    result_file = models.CharField(max_length=500, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        app_label = "core"
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [
            models.Index(fields=["federation_id", "kind", "-created_at"], name="job_fed_kind_created"),
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]

    def __str__(self) -> str:
        kind = kind_of(self.kind)
        return f"{kind.title if kind else self.kind} #{self.pk} {self.label}".strip()

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def kind_spec(self) -> JobKind | None:
        return kind_of(self.kind)

    @property
    def can_retry(self) -> bool:
        kind = kind_of(self.kind)
        return self.status == self.Status.FAILED and kind is not None and kind.retriable

    def stale_reason(self, now: dt.datetime | None = None) -> str:
        """Why this job is judged dead, or "" while it may still be alive."""
        now = now or timezone.now()
        if self.status == self.Status.RUNNING:
            last = self.heartbeat_at or self.started_at or self.created_at
            if (now - last).total_seconds() > stale_after():
                return str(MSG_STALE).format(minutes=max(1, round((now - last).total_seconds() / 60)))
        elif self.status == self.Status.PENDING and (now - self.queued_at).total_seconds() > queue_limit():
            return str(MSG_NEVER_STARTED).format(minutes=max(1, round(queue_limit() / 60)))
        return ""


# --- starting, running, finishing ------------------------------------------------------------------------


def start(
    *,
    kind: str,
    owner: Any | None,
    federation_id: int | None,
    label: str = "",
    params: dict[str, Any] | None = None,
    input_file: str = "",
) -> Job:
    """Creates the job and queues it once the current transaction commits (the worker must see the row)."""
    if kind_of(kind) is None:
        raise LookupError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        owner=owner if getattr(owner, "pk", None) else None,
        federation_id=federation_id,
        label=label[:255],
        params=params or {},
        input_file=input_file,
        message=str(MSG_QUEUED),
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def store_input(content: bytes, *, suffix: str = ".xlsx") -> str:
    """Stores a job's input (an upload) where the worker can read it; returns its storage name."""
    from django.core.files.base import ContentFile

    return default_storage.save(
        f"jobs/{timezone.now():%Y%m}/{uuid.uuid4().hex}-in{suffix}", ContentFile(content)
    )


def _enqueue(job_id: int) -> None:
    run_job_task(job_id)


class JobRun:
    """What a kind's function is handed: the job, its input, its output file, and the progress reporter."""

    # Progress reaches the database at most this often (a 100,000-row export reports every 2,000 rows).
    REPORT_EVERY = 0.5

    def __init__(self, job: Job) -> None:
        self.job = job
        self.attempt = job.attempts
        self._output: IO[bytes] | None = None
        self._reported = 0.0
        self._percent = -1

    def read_input(self) -> bytes:
        with default_storage.open(self.job.input_file, "rb") as fh:
            return fh.read()

    def output(self) -> IO[bytes]:
        """A binary file for the job's result; stored when the run succeeds."""
        if self._output is None:
            self._output = tempfile.TemporaryFile()
        return self._output

    def progress(self, percent: int, message: str = "") -> None:
        """Reports progress (0..99) and that the job is alive; cheap to call often."""
        percent = max(1, min(99, int(percent)))
        now = time.monotonic()
        if not message and (percent == self._percent or now - self._reported < self.REPORT_EVERY):
            return
        self._reported, self._percent = now, percent
        values: dict[str, Any] = {"progress": percent, "heartbeat_at": timezone.now()}
        if message:
            values["message"] = str(message)[:300]
        _mine(self.job, self.attempt).update(**values)


def _mine(job: Job, attempt: int) -> models.QuerySet[Job]:
    """The job row, if it is still this attempt's to report on (not judged dead and retried since)."""
    return Job.objects.filter(pk=job.pk, attempts=attempt, status=Job.Status.RUNNING)


def run(job_id: int) -> None:
    """Runs one job in the worker: claims it, runs its kind, stores the outcome (never raises)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=1,
        message=str(MSG_STARTED),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return  # already taken by another worker, finished, or judged dead meanwhile
    job = Job.objects.select_related("owner").get(pk=job_id)
    kind = kind_of(job.kind)
    job_run = JobRun(job)
    try:
        if kind is None:
            raise LookupError(f"unknown job kind {job.kind!r}")
        with auditcontext.acting_as(job.owner, source="job", origin=f"{auditcontext.JOB_ORIGIN}：{job.kind}"):
            outcome = kind.run(job_run)
        result_file = ""
        if job_run._output is not None and outcome.result_name:
            job_run._output.seek(0)
            result_file = default_storage.save(
                f"jobs/{timezone.now():%Y%m}/{uuid.uuid4().hex}-out.xlsx", File(job_run._output)
            )
    except Exception:
        logger.exception("job %s (%s) crashed", job_id, job.kind)
        _finish(job, job_run.attempt, status=Job.Status.FAILED, message=str(MSG_CRASHED))
        return
    finally:
        if job_run._output is not None:
            job_run._output.close()
    _finish(
        job,
        job_run.attempt,
        status=outcome.status,
        message=outcome.message,
        result=outcome.result,
        result_file=result_file,
        result_name=outcome.result_name if result_file else "",
    )


def _finish(job: Job, attempt: int, **values: Any) -> None:
    values["message"] = str(values.get("message", ""))[:300]
    # A run judged dead while it was in fact still working may still tell how it ended, unless it was
    # retried since (the attempt number moved on).
    Job.objects.filter(
        pk=job.pk, attempts=attempt, status__in=(Job.Status.RUNNING, Job.Status.FAILED)
    ).update(progress=100, finished_at=timezone.now(), heartbeat_at=timezone.now(), **values)


def fail_if_stale(job: Job) -> Job:
    """Marks the job failed when it is judged dead (see the module docstring); returns it as it now is."""
    reason = job.stale_reason()
    if reason:
        Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            status=Job.Status.FAILED, message=reason[:300], finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def retry(job: Job) -> bool:
    """Queues a failed job again (a new attempt); False when it cannot be retried."""
    if not job.can_retry:
        return False
    queued = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED, attempts=job.attempts).update(
        status=Job.Status.PENDING,
        progress=0,
        message=str(MSG_QUEUED),
        queued_at=timezone.now(),
        finished_at=None,
        heartbeat_at=None,
        result={},
        result_file="",
        result_name="",
    )
    if queued:
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return bool(queued)


def sweep(now: dt.datetime | None = None) -> int:
    """Marks every dead job failed and drops the files of jobs finished long ago; returns how many failed."""
    now = now or timezone.now()
    failed = 0
    stale = Job.objects.filter(
        Q(status=Job.Status.RUNNING, heartbeat_at__lt=now - dt.timedelta(seconds=stale_after()))
        | Q(status=Job.Status.PENDING, queued_at__lt=now - dt.timedelta(seconds=queue_limit()))
    )
    for job in stale.only(
        "id", "status", "attempts", "created_at", "queued_at", "started_at", "heartbeat_at"
    ):
        before = job.status
        if fail_if_stale(job).status != before:
            failed += 1
    old = (
        Job.objects.finished()
        .filter(finished_at__lt=now - dt.timedelta(days=retention_days()))
        .exclude(input_file="", result_file="")
    )
    for job in old.only("id", "input_file", "result_file"):
        for name in (job.input_file, job.result_file):
            if name:
                default_storage.delete(name)
        Job.objects.filter(pk=job.pk).update(input_file="", result_file="")
    return failed


def _register_tasks() -> Any:
    from huey import crontab
    from huey.contrib.djhuey import db_periodic_task, db_task

    @db_task(name="core.run_job")
    def run_job_task(job_id: int) -> None:
        run(job_id)

    @db_periodic_task(crontab(minute="*"), name="core.sweep_jobs")
    def sweep_jobs() -> int:
        return sweep()

    return run_job_task


# Registered on import (core.apps imports this module), so the huey consumer knows the tasks.
run_job_task = _register_tasks()
