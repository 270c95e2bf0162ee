"""The ledger on the web: upload for import (台账导入), the blank template, and the export (台账导出).

Federation staff only. An upload is checked by its content (core.uploads: a real .xlsx, no macros, not a
zip bomb, at most the ledger's row limit) before it is stored; the import and the export run as
background jobs (committees.ledger.jobs) whose pages are core's (core.job_views).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from committees.ledger import columns
from committees.ledger.jobs import EXPORT, IMPORT
from committees.ledger.reading import max_rows
from committees.ledger.workbooks import template_workbook
from core import excel, jobs
from core.jobs import Job
from core.roles import Role
from core.uploads import UploadRefused, check_xlsx
from core.views import ScopedTemplateView, scoped_function
from orgs.models import Federation
from orgs.selectors import staff_federations_for

STAFF_ONLY = frozenset({Role.FEDERATION_STAFF})

# The ledger's sheet and column names as the page shows them, in the user's language.
LEDGER_WORDS = {
    columns.SHEET_UNITS: pgettext_lazy("ledger sheet", "单位"),
    columns.SHEET_TERMS: pgettext_lazy("ledger sheet", "届次"),
    columns.SHEET_VACANCIES: pgettext_lazy("ledger sheet", "缺位"),
    columns.COL_UNIT: pgettext_lazy("ledger column", "单位名称"),
    columns.COL_ESTABLISHED: pgettext_lazy("ledger column", "成立日期"),
    columns.COL_DISSOLVED: pgettext_lazy("ledger column", "撤销日期"),
    columns.COL_REQUIRES: pgettext_lazy("ledger column", "是否需建妇委会"),
    columns.COL_FORMED: pgettext_lazy("ledger column", "妇委会成立日期"),
    columns.COL_COMMITTEE_DISSOLVED: pgettext_lazy("ledger column", "妇委会撤销日期"),
    columns.COL_NUMBER: pgettext_lazy("ledger column", "届次"),
    columns.COL_STARTED: pgettext_lazy("ledger column", "选举日期"),
    columns.COL_DUE: pgettext_lazy("ledger column", "届满日期"),
    columns.COL_ROLE: pgettext_lazy("ledger column", "职务"),
    columns.COL_VACATED: pgettext_lazy("ledger column", "缺位日期"),
    columns.COL_FILLED: pgettext_lazy("ledger column", "补充日期"),
    columns.COL_KIND: pgettext_lazy("ledger column", "类别"),
    columns.COL_FEMALE_STAFF: pgettext_lazy("ledger column", "女职工人数"),
    columns.COL_ADDRESS: pgettext_lazy("ledger column", "地址"),
    columns.COL_NOTES: pgettext_lazy("ledger column", "备注"),
    columns.COL_SUCCESSOR: pgettext_lazy("ledger column", "并入单位"),
}


def ledger_word(name: str) -> str:
    return str(LEDGER_WORDS.get(name, name))

MSG_CHOOSE_FILE = _("请选择要导入的台账文件（.xlsx）。")
MSG_NO_FEDERATION = _("您不是任何妇联的工作人员，不能导入台账。")
RECENT_JOBS = 10


def staff_federations(user: Any) -> Any:
    return staff_federations_for(user)


class _FederationChoice(forms.Form):
    # Not core.forms.StyledForm: its __init__ validates a bound form before the federation field
    # below is narrowed to the user's federations, so the choice would be judged against none.
    federation = forms.ModelChoiceField(label=_("妇联"), queryset=Federation.objects.none(), empty_label=None,
                                        widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        feds = staff_federations(user).order_by("name")
        federation_field: Any = self.fields["federation"]
        federation_field.queryset = feds
        self.only_federation = feds.first() if feds.count() == 1 else None
        if self.only_federation is not None:
            # Staff of one federation: nothing to choose.
            federation_field.widget = forms.HiddenInput()
            federation_field.required = False

    def clean_federation(self) -> Any:
        return self.cleaned_data.get("federation") or self.only_federation


class LedgerUploadForm(_FederationChoice):
    file = forms.FileField(
        label=_("台账文件"), error_messages={"required": MSG_CHOOSE_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + excel.XLSX_TYPE, "class": "form-control"}),
        help_text=_("Excel 工作簿（.xlsx），含「单位」「届次」「缺位」三个工作表。"),
    )
    dry_run = forms.BooleanField(label=_("仅校验，不写入（先看看会改动什么）"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    field_order = ["file", "federation", "dry_run"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["federation"].label = gettext("导入到")
        self.content: bytes = b""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            # The header rows do not count against the limit.
            self.content = check_xlsx(upload, max_rows=max_rows() + len(columns.SHEETS))
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused.message), code="refused") from None
        return upload


class LedgerUploadView(ScopedTemplateView):
    """Upload form, the recent imports, and the start of a new one."""

    allowed_roles = STAFF_ONLY
    template_name = "committees/ledger_upload.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", LedgerUploadForm(user=self.request.user))
        ctx["jobs"] = (Job.objects.visible_to(self.request.user).filter(kind=IMPORT)
                       .select_related("owner")[:RECENT_JOBS])
        ctx["headers"] = {ledger_word(s): [ledger_word(c) for c in cols] for s, cols in columns.HEADERS.items()}
        ctx["optional_unit_headers"] = [ledger_word(c) for c in columns.OPTIONAL_HEADERS[columns.SHEET_UNITS]]
        ctx["max_rows"] = f"{max_rows():,}"
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LedgerUploadForm(request.POST, request.FILES, user=request.user)
        if not staff_federations(request.user).exists():
            form.add_error(None, MSG_NO_FEDERATION)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        job = jobs.start(
            kind=IMPORT, owner=request.user, federation_id=form.cleaned_data["federation"].pk,
            label=(upload.name or "")[:255], params={"dry_run": bool(form.cleaned_data["dry_run"]), "language": translation.get_language()},
            input_file=jobs.store_input(form.content),
        )
        return redirect("job", pk=job.pk)


@scoped_function(roles=STAFF_ONLY)
def ledger_template(request: HttpRequest) -> HttpResponse:
    """The blank ledger workbook: three sheets with headers, an example row, and the 填写说明 sheet."""
    return excel.xlsx_response(template_workbook(), filename=gettext("台账导入模板.xlsx"), ascii_name="ledger-template.xlsx")


@scoped_function(roles=STAFF_ONLY)
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The export page; its form starts the export of a federation's whole ledger as a background job."""
    form = _FederationChoice(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["federation"] is not None:
        federation = form.cleaned_data["federation"]
        # The workbook's sheets and headers are written in the language of the page that asked for it.
        job = jobs.start(kind=EXPORT, owner=request.user, federation_id=federation.pk,
                         params={"language": translation.get_language()},
                         label=gettext("%(federation)s台账") % {"federation": federation.short_name or federation.name})
        return redirect("job", pk=job.pk)
    recent = Job.objects.visible_to(request.user).filter(kind=EXPORT)[:RECENT_JOBS]
    return render(request, "committees/ledger_export.html", {"form": form, "jobs": recent},
                  status=400 if request.method == "POST" else 200)
