"""The ledger import (台账导入) on the web: upload, progress, summary, problem list, workbooks to download;
and the export (台账导出) of a federation's ledger in the same format.

Federation staff only. The upload is checked by its content (core.uploads) before it is stored; the
import runs as a huey job (committees.ledger_import.run_ledger_import_job) whose progress the job page
polls through an HTMX partial.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from committees import ledger
from committees.ledger_import import KIND_LABELS, KINDS, run_ledger_import_job
from committees.models_ledger import LedgerImportJob
from core import clock
from core.excel import XLSX_TYPE, attachment
from core.roles import Role
from core.uploads import UploadRefused, check_xlsx
from core.views import ScopedDetailView, ScopedTemplateView, scoped_function
from orgs.models import Federation
from orgs.selectors import staff_federations_for

STAFF_ONLY = frozenset({Role.FEDERATION_STAFF})

MSG_CHOOSE_FILE = "请选择要导入的台账文件（.xlsx）。"
MSG_NO_FEDERATION = "您不是任何妇联的工作人员，不能导入台账。"


def staff_federations(user: Any) -> Any:
    return staff_federations_for(user)


class LedgerUploadForm(forms.Form):
    # Not core.forms.StyledForm: its __init__ validates a bound form before the federation field
    # below is narrowed to the user's federations, so the choice would be judged against none.
    file = forms.FileField(
        label="台账文件", error_messages={"required": MSG_CHOOSE_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_TYPE, "class": "form-control"}),
        help_text="Excel 工作簿（.xlsx），含「单位」「届次」「缺位」三个工作表。",
    )
    federation = forms.ModelChoiceField(label="导入到", queryset=Federation.objects.none(), empty_label=None,
                                        widget=forms.Select(attrs={"class": "form-select"}))
    dry_run = forms.BooleanField(label="仅校验，不写入（先看看会改动什么）", required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        feds = staff_federations(user)
        federation_field: Any = self.fields["federation"]
        federation_field.queryset = feds
        self.only_federation = feds.first() if feds.count() == 1 else None
        if self.only_federation is not None:
            # Staff of one federation: nothing to choose.
            federation_field.widget = forms.HiddenInput()
            federation_field.required = False
        self.content: bytes = b""

    def clean_federation(self) -> Any:
        return self.cleaned_data.get("federation") or self.only_federation

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.content = check_xlsx(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.message, code="refused") from None
        return upload


class LedgerUploadView(ScopedTemplateView):
    """Upload form, the recent imports, and the start of a new one."""

    allowed_roles = STAFF_ONLY
    template_name = "committees/ledger_upload.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", LedgerUploadForm(user=self.request.user))
        ctx["jobs"] = LedgerImportJob.objects.visible_to(self.request.user).select_related("created_by")[:10]
        ctx["headers"] = ledger.HEADERS
        ctx["optional_headers"] = ledger.OPTIONAL_HEADERS
        ctx["export_federations"] = list(staff_federations(self.request.user).order_by("name")[:10])
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LedgerUploadForm(request.POST, request.FILES, user=request.user)
        if not staff_federations(request.user).exists():
            form.add_error(None, MSG_NO_FEDERATION)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        federation = form.cleaned_data["federation"]
        stored = default_storage.save(
            f"ledger_imports/{timezone.now():%Y%m}/{uuid.uuid4().hex}.xlsx", ContentFile(form.content)
        )
        job = LedgerImportJob.objects.create(
            federation=federation, created_by=request.user, dry_run=form.cleaned_data["dry_run"],  # type: ignore[misc]
            original_name=(upload.name or "")[:255], file_path=stored, message="排队中……",
        )
        # The job row is committed (autocommit) before the worker looks for it.
        run_ledger_import_job(job.pk)
        return redirect("committees:ledger-job", pk=job.pk)


def _job_context(job: LedgerImportJob) -> dict[str, Any]:
    summary = job.counts or {}
    counts = summary.get("counts", {})
    return {
        "job": job,
        "rows": [{"label": KIND_LABELS[k], **counts[k]} for k in KINDS if k in counts],
        "ignored_columns": summary.get("ignored_columns", {}),
        "ignored_sheets": summary.get("ignored_sheets", []),
        "changes": summary.get("changes", []),
        "changes_total": summary.get("changes_total", 0),
        "status_url": reverse("committees:ledger-job-status", args=[job.pk]),
    }


class LedgerJobView(ScopedDetailView):
    """One import: progress while it runs, then the summary or every problem."""

    model = LedgerImportJob
    allowed_roles = STAFF_ONLY
    template_name = "committees/ledger_job.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(_job_context(self.object))
        return ctx


class LedgerJobStatusView(ScopedDetailView):
    """The progress partial the job page polls every second while the import runs."""

    model = LedgerImportJob
    allowed_roles = STAFF_ONLY

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self.get_object()
        return render(request, "committees/ledger_job.html#status", _job_context(job))  # type: ignore[arg-type]


class LedgerJobErrorsView(ScopedDetailView):
    """The problem list of a failed import as a workbook (sheet, row, column, value, reason)."""

    model = LedgerImportJob
    allowed_roles = STAFF_ONLY

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job: LedgerImportJob = self.get_object()  # type: ignore[assignment]
        response = HttpResponse(ledger.error_workbook(job.errors or []), content_type=XLSX_TYPE)
        response["Content-Disposition"] = _attachment(f"台账问题清单-{job.pk}.xlsx")
        return response


@scoped_function(roles=STAFF_ONLY)
def ledger_template(request: HttpRequest) -> HttpResponse:
    """The blank ledger workbook: three sheets with headers, an example row, widths and date formats."""
    response = HttpResponse(ledger.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment("台账导入模板.xlsx")
    return response


def _attachment(filename: str) -> str:
    return attachment(filename, "ledger.xlsx")


@scoped_function(roles=STAFF_ONLY)
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The federation's ledger in the import's format (?federation=<id> for staff of several federations)."""
    from django.core.exceptions import PermissionDenied

    from committees.ledger_export import ledger_export_for
    from core import audit

    feds = staff_federations(request.user)
    wanted = request.GET.get("federation", "")
    federation = feds.filter(pk=int(wanted)).first() if wanted.isdigit() else feds.order_by("name").first()
    if federation is None:
        raise PermissionDenied
    export = ledger_export_for(request.user, federation)
    today = clock.today()
    response = HttpResponse(export.workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(
        f"{federation.short_name or federation.name}台账_{today.isoformat()}.xlsx", f"ledger_{today.isoformat()}.xlsx"
    )
    response["Cache-Control"] = "no-store"
    counts = {"units": len(export.units), "terms": len(export.terms), "vacancies": len(export.vacancies)}
    audit.record(
        "export", object_type="committees.ledger", object_repr=f"{federation.name}台账", federation_id=federation.pk,
        changes={**counts, "units_with_earlier_committees": export.units_with_earlier_committees},
        detail=f"台账导出：单位 {counts['units']} 行，届次 {counts['terms']} 行，缺位 {counts['vacancies']} 行",
    )
    return response
