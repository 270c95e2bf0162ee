"""The ledger import and export as background jobs (core.jobs): kinds, their runs, their result pages.

Federation staff of the job's federation see every import of it (the upload page lists the recent ones);
an export is its owner's, while they are staff there. The import's problem list and the export's
workbook are the jobs' result files.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from committees.ledger.columns import shown
from committees.ledger.exporting import export_filename, write_ledger
from committees.ledger.importing import KIND_LABELS, KINDS, import_ledger
from committees.ledger.problems import capped_note
from committees.ledger.workbooks import error_workbook
from core import audit, clock, jobs
from core.jobs import Job, JobKind, JobRun, Outcome
from core.roles import Role
from orgs.models import Federation

IMPORT = "committees.ledger_import"
EXPORT = "committees.ledger_export"

MSG_EXPORTING = _("正在导出：{done:,} / {total:,} 行……")
MSG_EXPORT_DONE = _("导出完成：单位 {units:,} 行，届次 {terms:,} 行，缺位 {vacancies:,} 行。")
MSG_PROBLEMS_FILE = _("台账问题清单-{number}.xlsx")


def _language(job: Job) -> str:
    """The language of the page the job was started from: its progress, messages and files are in it."""
    return (job.params or {}).get("language") or settings.LANGUAGE_CODE


def run_import(run: JobRun) -> Outcome:
    job = run.job
    federation = Federation.objects.get(pk=int(job.federation_id or 0))
    # The progress, the problems, the changes and the problem list are written in the language of the page
    # the file was sent from.
    with translation.override(_language(job)):
        result = import_ledger(federation=federation, data=run.read_input(), dry_run=bool(job.params.get("dry_run")),
                               acting_user=job.owner, filename=job.label, progress=run.progress)
        summary = {**result.summary(), "problems": [p.as_dict() for p in result.problems]}
        if result.problems_total:
            run.output().write(error_workbook(result.problems, total=result.problems_total))
            return Outcome(Job.Status.REFUSED, result.message(), summary,
                           result_name=MSG_PROBLEMS_FILE.format(number=job.pk))
        return Outcome(Job.Status.SUCCEEDED, result.message(), summary)


def import_context(job: Job) -> dict[str, Any]:
    summary = job.result or {}
    counts = summary.get("counts", {})
    problems = summary.get("problems", [])
    return {
        "rows": [{"label": KIND_LABELS[k], **counts[k]} for k in KINDS if k in counts],
        # Sheets and columns are stored as their Chinese names: the page names them in its own language.
        "ignored_columns": {shown(sheet): names for sheet, names in summary.get("ignored_columns", {}).items()},
        "ignored_sheets": summary.get("ignored_sheets", []),
        "changes": summary.get("changes", []),
        "changes_total": summary.get("changes_total", 0),
        "problems": [{**p, "sheet": shown(p.get("sheet") or ""), "column": shown(p.get("column") or "")}
                     for p in problems],
        "problems_total": summary.get("problems_total", len(problems)),
        "problems_note": capped_note(len(problems), summary.get("problems_total", len(problems))),
    }


def run_export(run: JobRun) -> Outcome:
    job = run.job
    federation = Federation.objects.get(pk=int(job.federation_id or 0))

    def progress(done: int, total: int) -> None:
        run.progress(2 + 96 * done // max(total, 1), MSG_EXPORTING.format(done=done, total=total))

    with translation.override(_language(job)):
        summary = write_ledger(job.owner, federation, run.output(), progress=progress)
        name, _ascii = export_filename(federation, clock.today())
        message = MSG_EXPORT_DONE.format(units=summary.units, terms=summary.terms, vacancies=summary.vacancies)
    counts = summary.as_dict()
    audit.record(
        "export", object_type="committees.ledger", object_repr=f"{federation.name}台账", federation_id=federation.pk,
        actor=job.owner, changes=counts,
        detail=f"台账导出：单位 {summary.units} 行，届次 {summary.terms} 行，缺位 {summary.vacancies} 行",
    )
    return Outcome(Job.Status.SUCCEEDED, message, counts, result_name=name)


def export_context(job: Job) -> dict[str, Any]:
    return {"export": job.result or {}}


STAFF = frozenset({Role.FEDERATION_STAFF})

jobs.register(JobKind(
    name=IMPORT, title=_("台账导入"), run=run_import, roles=STAFF, shared=True,
    result_template="committees/ledger_import_result.html", context=import_context,
    back_url="committees:ledger-upload",
))
jobs.register(JobKind(
    name=EXPORT, title=_("台账导出"), run=run_export, roles=STAFF,
    result_template="committees/ledger_export_result.html", context=export_context,
    back_url="committees:ledger-upload",
))
