"""The pages of a background job (core.jobs): progress, the polled status, the result file, a retry.

Every job is fetched through `Job.objects.visible_to(user)` (its owner, or the roles its kind shares it
with in the job's federation); anyone else gets 404. Reading a job judges it dead when it has not moved
for too long (core.jobs.fail_if_stale), so a page never polls a job whose worker is gone.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import excel, jobs
from core.jobs import Job
from core.roles import Role
from core.sessions import mark_passive
from core.views import ScopedDetailView

EVERY_ROLE = frozenset(Role.values)
MSG_NO_FILE = _("这个任务没有可下载的文件（文件只保留 {days} 天）。")
POLL_SECONDS = 1


def job_context(job: Job) -> dict[str, Any]:
    """What the job page and its status partial show (the kind adds its own result context)."""
    kind = job.kind_spec
    context: dict[str, Any] = {
        "job": job,
        "kind": kind,
        "title": kind.title if kind else job.kind,
        "status_url": reverse("job-status", args=[job.pk]),
        "poll_seconds": POLL_SECONDS,
        "back_url": reverse(kind.back_url) if kind else reverse("home"),
        "result_template": kind.result_template if kind and job.is_finished else "",
    }
    if kind is not None and kind.context is not None and job.is_finished:
        context.update(kind.context(job))
    return context


class JobView(ScopedDetailView):
    """One job: its progress while it runs, then how it ended, its result and what to do next."""

    model = Job
    allowed_roles = EVERY_ROLE
    template_name = "core/job.html"
    context_object_name = "job"

    def get_object(self, queryset: Any = None) -> Any:
        return jobs.fail_if_stale(super().get_object(queryset))  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(job_context(self.object))
        return context


class JobStatusView(ScopedDetailView):
    """The status partial the job page polls; polling does not keep the session alive (core.sessions)."""

    model = Job
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_passive(request)
        job = jobs.fail_if_stale(self.get_object())  # type: ignore[arg-type]
        return render(request, "core/job.html#status", job_context(job))


class JobDownloadView(ScopedDetailView):
    """The job's result file, to whoever may see the job."""

    model = Job
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job: Job = self.get_object()  # type: ignore[assignment]
        if not job.result_file or not default_storage.exists(job.result_file):
            # Not (or no longer: files are kept a week) there: the job's page says what there is.
            messages.info(request, str(MSG_NO_FILE).format(days=jobs.retention_days()))
            return redirect("job", pk=job.pk)
        handle = default_storage.open(job.result_file, "rb")
        name = job.result_name or f"job-{job.pk}"
        if name.endswith(".xlsx"):
            return excel.xlsx_response(handle, filename=name, ascii_name=f"job-{job.pk}.xlsx")
        response: HttpResponse = FileResponse(  # type: ignore[assignment]
            handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        response["Content-Disposition"] = excel.attachment(name, f"job-{job.pk}")
        response["Cache-Control"] = "no-store, private"
        return response


class JobRetryView(ScopedDetailView):
    """Queues a failed job again (POST); a GET just shows the job."""

    model = Job
    allowed_roles = EVERY_ROLE
    action = "change"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("job", pk=self.get_object().pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job: Job = self.get_object()  # type: ignore[assignment]
        if jobs.retry(job):
            messages.success(request, str(jobs.MSG_RETRIED))
        else:
            messages.error(request, str(jobs.MSG_NOT_RETRIABLE))
        return redirect("job", pk=job.pk)

