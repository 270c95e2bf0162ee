"""Applying the Excel ledger (台账) to the platform: all or nothing, idempotent, audited.

`import_ledger` reads and checks every row of every sheet first (committees.ledger); if anything is
wrong it writes nothing and returns the problems. Otherwise it compares each ledger row with what the
platform holds and, in one transaction, creates or updates only what differs, so importing the same
workbook again changes nothing. Units are matched by name within the federation; a unit's committee
is the one formed on the ledger's date, else its latest; terms by number; vacancies by post and date.
The command (`import_ledger`) and the web upload (a huey job, `run_ledger_import_job`) both call it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from committees import ledger, services
from committees.ledger import KnownCommittee, KnownUnit, ParsedLedger, Problem
from committees.models import Committee, Term, Vacancy
from committees.models_ledger import LedgerImportJob
from core import audit
from orgs.models import Federation, Unit

logger = logging.getLogger("jinguo.ledger")

ProgressCallback = Callable[[int, str], None]

KINDS = ("units", "committees", "terms", "vacancies")
KIND_LABELS = {"units": "单位", "committees": "妇委会", "terms": "届次", "vacancies": "缺位"}
MAX_CHANGES_LISTED = 500

MSG_READING = "正在读取工作簿……"
MSG_CHECKING = "正在校验数据……"
MSG_WRITING = "正在写入……"
MSG_DONE = "导入完成：新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条。"
MSG_DRY_RUN_DONE = "校验通过（仅校验，未写入）：将新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条。"
MSG_FAILED = "台账有 {count} 处问题，未导入任何数据。请按问题清单修改后重新导入。"
MSG_CRASHED = "导入时发生系统错误，未导入任何数据。请联系系统管理员。"


@dataclass
class ImportResult:
    """What an import found and did (or, for a dry run or a bad ledger, would do)."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {"created": 0, "updated": 0, "unchanged": 0} for k in KINDS}
    )
    changes: list[str] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())

    @property
    def changed(self) -> int:
        return self.total("created") + self.total("updated")

    def message(self) -> str:
        if self.problems:
            return MSG_FAILED.format(count=len(self.problems))
        template = MSG_DRY_RUN_DONE if self.dry_run else MSG_DONE
        return template.format(created=self.total("created"), updated=self.total("updated"),
                               unchanged=self.total("unchanged"))

    def summary(self) -> dict[str, Any]:
        """JSON for the job row, the audit event and the command's output."""
        return {
            "counts": self.counts,
            "ignored_columns": self.ignored_columns,
            "ignored_sheets": self.ignored_sheets,
            "changes": self.changes[:MAX_CHANGES_LISTED],
            "changes_total": len(self.changes),
            "dry_run": self.dry_run,
        }

    def lines(self) -> list[str]:
        """The summary as lines of text (the command prints them; the page shows the same)."""
        out = [self.message()]
        for kind in KINDS:
            c = self.counts[kind]
            out.append(f"  {KIND_LABELS[kind]}：新建 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}")
        for sheet, columns in self.ignored_columns.items():
            out.append(f"  「{sheet}」中以下列平台没有对应字段，已忽略：{'、'.join(columns)}")
        if self.ignored_sheets:
            out.append(f"  以下工作表未读取：{'、'.join(self.ignored_sheets)}")
        return out


def _noop(percent: int, message: str) -> None:
    pass


def known_units(federation: Federation) -> dict[str, KnownUnit]:
    """What the platform holds about the federation's units, as plain data for `ledger.validate`."""
    known: dict[str, KnownUnit] = {}
    by_id: dict[int, KnownUnit] = {}
    for u in Unit.objects.filter(federation=federation).only("id", "name", "established_on", "dissolved_on"):
        by_id[u.pk] = known[u.name] = KnownUnit(u.name, u.established_on, u.dissolved_on)
    committees: dict[int, KnownCommittee] = {}
    for c in Committee.objects.filter(federation=federation).only("id", "unit_id", "formed_on", "dissolved_on"):
        committees[c.pk] = KnownCommittee(c.formed_on, c.dissolved_on)
        if c.unit_id in by_id:
            by_id[c.unit_id].committees.append(committees[c.pk])
    for t in Term.objects.filter(federation=federation).only("committee_id", "number", "started_on", "due_on"):
        if t.committee_id in committees:
            committees[t.committee_id].terms[t.number] = (t.started_on, t.due_on)
    return known


def check(federation: Federation, data: bytes, *, progress: ProgressCallback = _noop) -> tuple[ParsedLedger, list[Problem]]:
    """Reads and checks the workbook; returns the rows and every problem found (sorted)."""
    progress(5, MSG_READING)
    parsed = ledger.read_workbook(data)
    progress(35, MSG_CHECKING)
    problems = list(parsed.problems)
    if not any(p.row == 0 for p in problems):  # the sheets could be read
        problems += ledger.validate(parsed, known_units(federation), term_length_years=federation.term_length_years)
    return parsed, ledger.sort_problems(problems)


def import_ledger(
    *,
    federation: Federation,
    data: bytes,
    dry_run: bool = False,
    acting_user: Any | None = None,
    filename: str = "",
    progress: ProgressCallback = _noop,
) -> ImportResult:
    """Checks the whole workbook, then (unless `dry_run` or anything is wrong) applies it in one transaction."""
    parsed, problems = check(federation, data, progress=progress)
    result = ImportResult(problems=problems, ignored_columns=parsed.ignored_columns,
                          ignored_sheets=parsed.ignored_sheets, dry_run=dry_run)
    if problems:
        return result
    progress(50, MSG_WRITING)
    try:
        with transaction.atomic():
            _apply(federation, parsed, result, dry_run=dry_run, acting_user=acting_user, filename=filename,
                   progress=progress)
    except _Refused as refused:
        # A service refused a row the checks let through: nothing is kept, the clerk gets the reason.
        return ImportResult(problems=[refused.problem], ignored_columns=parsed.ignored_columns,
                            ignored_sheets=parsed.ignored_sheets, dry_run=dry_run)
    progress(100, result.message())
    return result


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _apply(federation: Federation, parsed: ParsedLedger, result: ImportResult, *, dry_run: bool,
           acting_user: Any | None, filename: str, progress: ProgressCallback) -> None:
    _Applier(federation, parsed, result, write=not dry_run, progress=progress).run()
    if not dry_run:
        result.applied = True
        audit.record(
            "import", object_type="committees.ledger", object_repr=filename[:200] or "台账",
            federation_id=federation.pk, actor=acting_user, changes=result.summary(),
            detail=result.message(),
        )


class _Applier:
    """Compares each ledger row with the database and writes only the differences (if `write`)."""

    def __init__(self, federation: Federation, parsed: ParsedLedger, result: ImportResult, *, write: bool,
                 progress: ProgressCallback) -> None:
        self.fed, self.parsed, self.result, self.write, self.progress = federation, parsed, result, write, progress
        self.units: dict[str, Unit] = {u.name: u for u in Unit.objects.filter(federation=federation)}
        self.committees: dict[str, list[Committee]] = defaultdict(list)
        for c in Committee.objects.filter(federation=federation).select_related("unit"):
            self.committees[c.unit.name].append(c)
        self.terms: dict[int, dict[int, Term]] = defaultdict(dict)
        for t in Term.objects.filter(federation=federation):
            self.terms[t.committee_id][t.number] = t
        self.vacancies: dict[int, dict[tuple[str, dt.date], Vacancy]] = defaultdict(dict)
        for v in Vacancy.objects.filter(federation=federation).order_by("id"):
            self.vacancies[v.committee_id].setdefault((v.role, v.vacated_on), v)
        # unit name -> the committee the ledger means (new ones unsaved in a dry run)
        self.target: dict[str, Committee] = {}
        # New committees whose ledger history (第1届..第N届) is replayed through the services.
        self.via_services: set[str] = set()
        self.term_rows: dict[str, list[ledger.TermRow]] = defaultdict(list)
        for row in sorted(parsed.terms, key=lambda r: r.number):
            self.term_rows[row.unit_name].append(row)

    def call(self, service: Callable[..., Any], where: tuple[str, int, str, Any], **kwargs: Any) -> Any:
        """Runs a committees service; its refusal becomes the problem of the ledger row `where`."""
        try:
            return service(**kwargs)
        except ValidationError as refused:
            sheet, row, column, value = where
            raise _Refused(Problem(sheet, row, column, ledger.shown(value), "；".join(refused.messages))) from None

    # -- bookkeeping --

    def count(self, kind: str, what: str, text: str = "") -> None:
        self.result.counts[kind][what] += 1
        if text:
            self.result.changes.append(text)

    def save(self, obj: models.Model, kind: str, label: str, changed: dict[str, tuple[Any, Any]] | None) -> None:
        """`changed` None = a new row; {} = unchanged; else {field: (old, new)}."""
        if changed is None:
            self.count(kind, "created", f"新建{KIND_LABELS[kind]}：{label}")
            if self.write:
                obj.save()
        elif changed:
            detail = "；".join(f"{_field_label(obj, f)} {_show(a)}→{_show(b)}" for f, (a, b) in changed.items())
            self.count(kind, "updated", f"更新{KIND_LABELS[kind]}：{label}（{detail}）")
            if self.write:
                obj.save()
        else:
            self.count(kind, "unchanged")

    @staticmethod
    def assign(obj: models.Model, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        changed = {}
        for f, new in values.items():
            old = getattr(obj, f)
            if old != new:
                changed[f] = (old, new)
                setattr(obj, f, new)
        return changed

    # -- the sheets --

    def run(self) -> None:
        self.apply_units()
        self.progress(65, MSG_WRITING)
        self.apply_committees()
        self.progress(75, MSG_WRITING)
        self.apply_terms()
        self.progress(88, MSG_WRITING)
        self.apply_vacancies()

    def apply_units(self) -> None:
        rows = self.parsed.units
        for row in rows:
            values: dict[str, Any] = {
                "established_on": row.established_on,
                "dissolved_on": row.dissolved_on,
                "requires_committee": row.requires_committee,
                **row.extra,
            }
            unit = self.units.get(row.name)
            if unit is None:
                unit = Unit(federation=self.fed, name=row.name, **values)
                self.units[row.name] = unit
                self.save(unit, "units", row.name, None)
            else:
                self.save(unit, "units", row.name, self.assign(unit, values))
        # Successors second: the unit merged into may be a new row of the same sheet.
        for row in rows:
            if row.successor_name is None:
                continue
            unit, successor = self.units[row.name], self.units[row.successor_name]
            if successor.pk is None and not self.write:
                continue  # dry run: the link to a unit not yet created is reported with the unit
            if unit.successor_id != successor.pk:
                old = unit.successor.name if unit.successor is not None else None
                unit.successor = successor
                self.result.changes.append(f"更新单位：{row.name}（并入单位 {_show(old)}→{successor.name}）")
                if self.write:
                    unit.save()

    def apply_committees(self) -> None:
        for row in self.parsed.units:
            existing = ledger.pick_committee(self.committees.get(row.name, []), row.committee_formed_on,
                                             key=lambda c: c.formed_on)
            if row.committee_formed_on is None:
                if existing is not None:
                    self.target[row.name] = existing
                    if row.committee_dissolved_on and existing.dissolved_on != row.committee_dissolved_on:
                        changed = self.assign(existing, {"dissolved_on": row.committee_dissolved_on})
                        self.save(existing, "committees", str(existing), changed)
                continue
            values = {"formed_on": row.committee_formed_on, "dissolved_on": ledger.committee_dissolved_on(row)}
            unit = self.units[row.name]
            if existing is None:
                committee = Committee(federation=self.fed, unit=unit, **values)
                self.committees[row.name].append(committee)
                numbers = [t.number for t in self.term_rows.get(row.name, [])]
                if self.write and numbers and numbers == list(range(1, len(numbers) + 1)):
                    # Formed, re-elected and dissolved through the services, in apply_terms.
                    self.via_services.add(row.name)
                    self.count("committees", "created", f"新建妇委会：{row.name}妇委会")
                else:
                    self.save(committee, "committees", f"{row.name}妇委会", None)
            else:
                committee = existing
                self.save(committee, "committees", str(committee), self.assign(committee, values))
            self.target[row.name] = committee
        # Units that appear only in 届次/缺位: their latest committee in the platform.
        for name in {t.unit_name for t in self.parsed.terms} | {v.unit_name for v in self.parsed.vacancies}:
            if name not in self.target:
                latest = ledger.pick_committee(self.committees.get(name, []), None, key=lambda c: c.formed_on)
                if latest is not None:
                    self.target[name] = latest

    def apply_terms(self) -> None:
        by_unit: dict[str, list[ledger.TermRow]] = defaultdict(list)
        for t in self.parsed.terms:
            by_unit[t.unit_name].append(t)
        # Every committee the ledger touched gets its terms' 结束日期 recomputed.
        for name, committee in list(self.target.items()):
            if name in self.via_services:
                self.replay(name, committee)
                continue
            terms = dict(self.terms.get(committee.pk, {})) if committee.pk else {}
            rows = sorted(by_unit.get(name, []), key=lambda t: t.number)
            pending: list[tuple[Term, dict[str, tuple[Any, Any]] | None, str]] = []
            for row in rows:
                label = f"{name}妇委会 第{row.number}届"
                term = terms.get(row.number)
                values = {"started_on": row.started_on, "due_on": row.due_on}
                if term is None:
                    term = Term(federation=self.fed, committee=committee, number=row.number, **values)
                    terms[row.number] = term
                    pending.append((term, None, label))
                else:
                    pending.append((term, self.assign(term, values), label))
            ordered = [terms[n] for n in sorted(terms)]
            ended: dict[int, dt.date | None] = {}
            for i, term in enumerate(ordered):
                if i + 1 < len(ordered):
                    ended[term.number] = ordered[i + 1].started_on
                elif committee.dissolved_on and committee.dissolved_on >= term.started_on:
                    ended[term.number] = committee.dissolved_on
                else:
                    ended[term.number] = None
            listed = {id(t) for t, _, _ in pending}
            for term in ordered:
                if id(term) not in listed:
                    # A term the ledger does not list whose end follows from the ones it does.
                    ended_change = self.assign(term, {"ended_on": ended[term.number]})
                    if ended_change:
                        pending.append((term, ended_change, f"{name}妇委会 第{term.number}届"))
            for term, changed, label in pending:
                if changed is None:
                    term.ended_on = ended[term.number]
                else:
                    changed.update(self.assign(term, {"ended_on": ended[term.number]}))
                self.save(term, "terms", label, changed)

    def replay(self, name: str, planned: Committee) -> None:
        """A new committee with its terms 1..N: committee_form, term_reelect, committee_dissolve."""
        rows = self.term_rows[name]
        unit_row = next(u for u in self.parsed.units if u.name == name)
        first = rows[0]
        committee = self.call(
            services.committee_form, (ledger.SHEET_UNITS, unit_row.row, ledger.COL_FORMED, planned.formed_on),
            unit=self.units[name], formed_on=planned.formed_on, first_term_started_on=first.started_on,
            first_term_due_on=first.due_on,
        )
        self.count("terms", "created", f"新建届次：{name}妇委会 第1届")
        for t in rows[1:]:
            self.call(services.term_reelect, (ledger.SHEET_TERMS, t.row, ledger.COL_STARTED, t.started_on),
                      committee=committee, started_on=t.started_on, due_on=t.due_on, carry_seats=False)
            self.count("terms", "created", f"新建届次：{name}妇委会 第{t.number}届")
        if planned.dissolved_on is not None:
            where = (ledger.SHEET_UNITS, unit_row.row, ledger.COL_COMMITTEE_DISSOLVED, planned.dissolved_on)
            committee = self.call(services.committee_dissolve, where, committee=committee,
                                  dissolved_on=planned.dissolved_on)
        self.target[name] = committee

    def apply_vacancies(self) -> None:
        for row in self.parsed.vacancies:
            committee = self.target[row.unit_name]
            existing = self.vacancies[committee.pk].get((row.role, row.vacated_on)) if committee.pk else None
            label = f"{row.unit_name}妇委会 {ledger.ROLE_LABELS[row.role]} {row.vacated_on.isoformat()}缺位"
            where = (ledger.SHEET_VACANCIES, row.row, ledger.COL_VACATED, row.vacated_on)
            if existing is None:
                self.count("vacancies", "created", f"新建缺位：{label}")
                if self.write:
                    self.call(services.vacancy_record, where, committee=committee, role=row.role,
                              vacated_on=row.vacated_on, filled_on=row.filled_on)
            elif existing.filled_on is None and row.filled_on is not None:
                self.count("vacancies", "updated", f"更新缺位：{label}（补充日期 （空）→{row.filled_on.isoformat()}）")
                if self.write:
                    self.call(services.vacancy_fill, where, vacancy=existing, filled_on=row.filled_on)
            else:
                # A correction of a recorded date (or an undone fill): no service says this, a plain save does.
                self.save(existing, "vacancies", label, self.assign(existing, {"filled_on": row.filled_on}))


def _field_label(obj: models.Model, name: str) -> str:
    try:
        return str(getattr(obj._meta.get_field(name), "verbose_name", name))
    except Exception:
        return name


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- the web upload's background job -----------------------------------------------------------


def _job_progress(job_id: int) -> ProgressCallback:
    def report(percent: int, message: str) -> None:
        # A plain UPDATE outside the import's transaction would wait for it on SQLite; progress
        # inside the transaction is seen by the poller only at commit, which is fine.
        LedgerImportJob.objects.filter(pk=job_id).update(progress=percent, message=message[:300])

    return report


def run_job(job_id: int) -> None:
    """Runs one LedgerImportJob: reads its file, imports, stores the outcome on the job."""
    from django.core.files.storage import default_storage

    job = LedgerImportJob.objects.select_related("federation", "created_by").get(pk=job_id)
    if job.is_finished:
        return
    LedgerImportJob.objects.filter(pk=job.pk).update(status=LedgerImportJob.Status.RUNNING, progress=1)
    try:
        with default_storage.open(job.file_path, "rb") as fh:
            data = fh.read()
        with audit.acting_as(job.created_by, source="job"):
            result = import_ledger(federation=job.federation, data=data, dry_run=job.dry_run,
                                   acting_user=job.created_by, filename=job.original_name,
                                   progress=_job_progress(job.pk))
    except Exception:
        logger.exception("ledger import job %s crashed", job_id)
        LedgerImportJob.objects.filter(pk=job.pk).update(
            status=LedgerImportJob.Status.FAILED, progress=100, message=MSG_CRASHED, finished_at=timezone.now()
        )
        return
    LedgerImportJob.objects.filter(pk=job.pk).update(
        status=LedgerImportJob.Status.FAILED if result.problems else LedgerImportJob.Status.SUCCEEDED,
        progress=100,
        message=result.message()[:300],
        counts=result.summary(),
        errors=[p.as_dict() for p in result.problems],
        finished_at=timezone.now(),
    )


def _register_task() -> Any:
    from huey.contrib.djhuey import db_task

    @db_task(name="committees.ledger_import")
    def run_ledger_import_job(job_id: int) -> None:
        run_job(job_id)

    return run_ledger_import_job


# Registered when this module is imported (committees.apps imports it, so the huey consumer knows it).
run_ledger_import_job = _register_task()
