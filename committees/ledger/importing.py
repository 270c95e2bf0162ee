"""Applying the Excel ledger (台账导入): all or nothing, idempotent, through the services' bulk paths.

1. Read every sheet (committees.ledger.reading) and check every row (committees.ledger.validation) against
   what the platform holds, in memory, outside any transaction. Any problem: nothing is written, every
   problem is listed (the first 1,000, with the total).
2. Then one short transaction: the federation's rows are loaded again (locked on PostgreSQL), compared
   with the ledger, and only what differs is written, through the bulk paths of orgs.services and
   committees.services, which apply the same rule functions as the row-by-row services and write the
   same audit events. A refusal there becomes a located problem and the transaction is rolled back.
3. A dry run is the same transaction, rolled back at the end: it refuses exactly what the import would,
   on every database engine.

Units are matched by their normalised name within the federation (orgs.names); a unit's committee is the
one formed on the ledger's date, else its latest; terms by number; vacancies by post and date. Importing
the same workbook again changes nothing.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from committees import rate_summary, services
from committees.ledger import columns as c
from committees.ledger.cells import shown
from committees.ledger.problems import Problem, ProblemList, capped_note
from committees.ledger.reading import ParsedLedger, TermRow, read_workbook
from committees.ledger.state import FederationState, KnownCommittee, KnownUnit, load_state, pick_committee
from committees.ledger.validation import committee_dissolved_on, validate
from committees.models import Committee, Term, Vacancy
from core import audit, clock
from core.bulk import BulkRefused, gc_paused
from core.models import ConcurrentEditError
from orgs import services as orgs_services
from orgs.models import Federation, Unit

logger = logging.getLogger("jinguo.ledger")

ProgressCallback = Callable[[int, str], None]

KINDS = ("units", "committees", "terms", "vacancies")
KIND_LABELS = {
    "units": pgettext_lazy("ledger counts", "单位"),
    "committees": pgettext_lazy("ledger counts", "妇委会"),
    "terms": pgettext_lazy("ledger counts", "届次"),
    "vacancies": pgettext_lazy("ledger counts", "缺位"),
}
MAX_CHANGES_LISTED = 500

MSG_READING = _("正在读取工作簿……")
MSG_CHECKING = _("正在校验数据……")
MSG_WRITING = _("正在写入……")
MSG_DONE = _("导入完成：新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条。")
MSG_DRY_RUN_DONE = _("校验通过（仅校验，未写入）：将新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条。")
MSG_FAILED = _("台账有 {count} 处问题，未导入任何数据。请按问题清单修改后重新导入。")
MSG_CHANGED_MEANWHILE = _("导入期间有人修改了本妇联的数据，为免覆盖他人的修改，未导入任何数据。请重新导入。")
MSG_DATABASE_REFUSED = _("数据库拒绝写入（{error}），未导入任何数据。请联系系统管理员。")

# The summary's lines (the command prints them; the job's page shows the same in its table).
MSG_KIND_COUNTS = _("{label}：新建 {created}，更新 {updated}，未变 {unchanged}")
# The list of changes, as the job's page and the command show them.
MSG_UNIT_CREATED = _("新建单位：{name}")
MSG_UNIT_UPDATED = _("更新单位：{name}（{detail}）")
MSG_UNIT_MERGED = _("更新单位：{name}（并入单位 {old}→{new}）")
MSG_COMMITTEE_CREATED = _("新建妇委会：{unit}妇委会")
MSG_COMMITTEE_UPDATED = _("更新妇委会：{unit}妇委会（{detail}）")
MSG_COMMITTEE_DISSOLVED = _("更新妇委会：{unit}妇委会（撤销日期 {old}→{new}）")
MSG_TERM_LABEL = _("{unit}妇委会 第{number}届")
MSG_TERM_CREATED = _("新建届次：{label}")
MSG_TERM_UPDATED = _("更新届次：{label}（{detail}）")
MSG_VACANCY_LABEL = _("{unit}妇委会 {role} {date}缺位")
MSG_VACANCY_CREATED = _("新建缺位：{label}")
MSG_VACANCY_UPDATED = _("更新缺位：{label}（补充日期 {old}→{new}）")
# One changed field in a change's details: "成立日期 2001-03-01→2001-03-02".
MSG_FIELD_CHANGE = _("{field} {old}→{new}")

@dataclass
class ImportResult:
    """What an import found and did (or, for a dry run or a bad ledger, would do)."""

    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {"created": 0, "updated": 0, "unchanged": 0} for k in KINDS}
    )
    changes: list[str] = field(default_factory=list)
    changes_total: int = 0
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems_total

    def total(self, what: str) -> int:
        return sum(counts[what] for counts in self.counts.values())

    @property
    def changed(self) -> int:
        return self.total("created") + self.total("updated")

    def message(self) -> str:
        if self.problems_total:
            return MSG_FAILED.format(count=f"{self.problems_total:,}")
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
            "changes_total": self.changes_total,
            "problems_total": self.problems_total,
            "rows": self.rows,
            "dry_run": self.dry_run,
        }

    def lines(self) -> list[str]:
        """The summary as lines of text (the command prints them; the page shows the same)."""
        out = [self.message()]
        for kind in KINDS:
            counts = self.counts[kind]
            out.append("  " + MSG_KIND_COUNTS.format(label=KIND_LABELS[kind], **counts))
        separator = pgettext("list separator", "、")
        # The same words as the job's page (templates/committees/ledger_import_result.html).
        for sheet, columns in self.ignored_columns.items():
            out.append("  " + gettext("「%(sheet)s」中以下列平台没有对应字段，已忽略：%(cols)s")
                       % {"sheet": c.shown(sheet), "cols": separator.join(columns)})
        if self.ignored_sheets:
            out.append("  " + gettext("以下工作表未读取：%(names)s") % {"names": separator.join(self.ignored_sheets)})
        return out

    def problems_note(self) -> str:
        return capped_note(len(self.problems), self.problems_total)


def _noop(percent: int, message: str) -> None:
    pass


def check(federation: Federation, data: bytes, *, progress: ProgressCallback = _noop) -> tuple[ParsedLedger, ProblemList]:
    """Reads and checks the workbook; returns the rows and the problems found."""
    progress(5, str(MSG_READING))
    parsed = read_workbook(data)
    progress(35, str(MSG_CHECKING))
    if not parsed.unreadable:
        validate(parsed, load_state(federation), term_length_years=federation.term_length_years)
    return parsed, parsed.problems


class _DryRun(Exception):
    """Rolls back a dry run's transaction once every write has been tried."""


def import_ledger(
    *,
    federation: Federation,
    data: bytes,
    dry_run: bool = False,
    acting_user: Any | None = None,
    filename: str = "",
    progress: ProgressCallback = _noop,
) -> ImportResult:
    """Checks the whole workbook, then (unless anything is wrong) writes it in one transaction; a dry run
    rolls that transaction back."""
    with gc_paused(), clock.one_day():
        return _import_ledger(federation=federation, data=data, dry_run=dry_run, acting_user=acting_user,
                              filename=filename, progress=progress)


def _import_ledger(*, federation: Federation, data: bytes, dry_run: bool, acting_user: Any | None, filename: str,
                   progress: ProgressCallback) -> ImportResult:
    parsed, problems = check(federation, data, progress=progress)
    result = ImportResult(ignored_columns=parsed.ignored_columns, ignored_sheets=parsed.ignored_sheets,
                          rows=parsed.row_count, dry_run=dry_run)
    if problems:
        return _refused(result, problems)
    progress(50, str(MSG_WRITING))
    try:
        with transaction.atomic():
            # One import of a federation at a time; and its rows as they are now, locked (PostgreSQL).
            Federation.objects.select_for_update().get(pk=federation.pk)
            state = load_state(federation, lock=True)
            # Each bulk write would recompute the federation's rate summary: once, at the end, is enough.
            with rate_summary.deferred():
                _Writer(federation, parsed, state, result, acting_user).run()
            if dry_run:
                raise _DryRun
            result.applied = True
            # The audit log keeps its records in the platform's language, whatever the page's.
            with translation.override(settings.LANGUAGE_CODE):
                detail = result.message()
            audit.record("import", object_type="committees.ledger", object_repr=filename[:200] or "台账",
                         federation_id=federation.pk, actor=acting_user, changes=result.summary(),
                         detail=detail)
    except _DryRun:
        pass
    except BulkRefused as refused:
        # A service refused rows the checks let through (or that changed meanwhile): nothing is kept.
        found = ProblemList()
        for key, error in refused.refusals:
            sheet, row, column, value = key if isinstance(key, tuple) else ("", 0, "", "")
            found.add(Problem(sheet, row, column, shown(value), "；".join(error.messages)))
        return _refused(_reset(result), found)
    except ConcurrentEditError:
        return _refused(_reset(result), _one(MSG_CHANGED_MEANWHILE))
    except DatabaseError as e:
        logger.exception("ledger import of federation %s refused by the database", federation.pk)
        return _refused(_reset(result), _one(MSG_DATABASE_REFUSED.format(error=e.__class__.__name__)))
    progress(100, result.message())
    return result


def _one(reason: str | Promise) -> ProblemList:
    problems = ProblemList()
    problems.add(Problem("", 0, "", "", str(reason)))
    return problems


def _reset(result: ImportResult) -> ImportResult:
    return ImportResult(ignored_columns=result.ignored_columns, ignored_sheets=result.ignored_sheets,
                        rows=result.rows, dry_run=result.dry_run)


def _refused(result: ImportResult, problems: ProblemList) -> ImportResult:
    result.problems = problems.first()
    result.problems_total = problems.total
    result.applied = False
    return result


Key = tuple[str, int, str, Any]


class _Writer:
    """Compares the ledger with the federation's rows and hands only the differences to the bulk paths."""

    def __init__(self, federation: Federation, parsed: ParsedLedger, state: FederationState, result: ImportResult,
                 acting_user: Any | None) -> None:
        self.fed, self.parsed, self.state, self.result, self.user = federation, parsed, state, result, acting_user
        self.units: dict[str, Unit] = {}  # by normalised name: new units and stand-ins of loaded ones
        self.committees: dict[int, Committee] = {}  # stand-ins of loaded committees by id
        self.term_rows: dict[str, list[TermRow]] = defaultdict(list)
        for row in sorted(parsed.terms, key=lambda r: r.number):
            self.term_rows[row.unit_name].append(row)

    # -- bookkeeping --

    def count(self, kind: str, what: str, message: Any = None, /, **fields: Any) -> None:
        self.result.counts[kind][what] += 1
        if message is not None:
            self.change(message, **fields)

    def change(self, message: Any, /, **fields: Any) -> None:
        """Counts a change; its text is made (translated, formatted) only for the ones listed."""
        self.result.changes_total += 1
        if len(self.result.changes) < MAX_CHANGES_LISTED:
            self.result.changes.append(message.format(**fields))

    # -- stand-ins: model instances of loaded rows, for the services (one per row, so versions stay in step) --

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            k = self.state.units[name]
            unit = Unit(id=k.pk, federation=self.fed, version=k.version, name=k.name, kind=k.kind,
                        established_on=k.established_on, dissolved_on=k.dissolved_on, successor_id=k.successor_id,
                        requires_committee=k.requires_committee, female_staff_count=k.female_staff_count,
                        address=k.address, notes=k.notes)
            unit._state.adding = False
            self.units[name] = unit
        return self.units[name]

    def committee(self, name: str, k: KnownCommittee) -> Committee:
        if k.pk not in self.committees:
            committee = Committee(id=k.pk, federation=self.fed, unit=self.unit(name), version=k.version,
                                  formed_on=k.formed_on, dissolved_on=k.dissolved_on)
            committee._state.adding = False
            self.committees[k.pk] = committee
        return self.committees[k.pk]

    def term(self, committee: Committee, k: Any) -> Term:
        term = Term(id=k.pk, federation=self.fed, committee=committee, version=k.version, number=k.number,
                    started_on=k.started_on, due_on=k.due_on, ended_on=k.ended_on)
        term._state.adding = False
        return term

    def vacancy(self, committee: Committee, k: Any) -> Vacancy:
        vacancy = Vacancy(id=k.pk, federation=self.fed, committee=committee, version=k.version, role=k.role,
                          vacated_on=k.vacated_on, filled_on=k.filled_on)
        vacancy._state.adding = False
        return vacancy

    # -- the sheets --

    def run(self) -> None:
        self.write_units()
        self.write_history()

    def write_units(self) -> None:
        create: list[tuple[Hashable, dict[str, Any]]] = []
        update: dict[str, tuple[Key, dict[str, Any]]] = {}
        for row in self.parsed.units:
            values: dict[str, Any] = {"established_on": row.established_on, "dissolved_on": row.dissolved_on,
                                      "requires_committee": row.requires_committee, **row.extra}
            known = self.state.units.get(row.name)
            key: Key = (c.SHEET_UNITS, row.row, c.COL_UNIT, row.name)
            if known is None:
                create.append((key, {"name": row.name, **values}))
                self.count("units", "created", MSG_UNIT_CREATED, name=row.name)
                continue
            changed = {f: v for f, v in values.items() if known.value(f) != v}
            if changed:
                update[row.name] = (key, changed)
                self.count("units", "updated", MSG_UNIT_UPDATED, name=known.name,
                           detail=_Lazy(_details_of, Unit, known.value, changed))
            else:
                self.count("units", "unchanged")
        created = orgs_services.unit_bulk_create(federation=self.fed, units=create, acting_user=self.user)
        for created_key, unit in created.items():
            self.units[created_key[3]] = unit  # type: ignore[index]
        # Successors second: the unit merged into may be a new row of the same sheet.
        for row in self.parsed.units:
            if row.successor_name is None:
                continue
            unit, successor = self.unit(row.name), self.unit(row.successor_name)
            if unit.successor_id != successor.pk:
                key, changed = update.get(row.name, ((c.SHEET_UNITS, row.row, c.COL_SUCCESSOR, row.successor_name), {}))
                update[row.name] = ((c.SHEET_UNITS, row.row, c.COL_SUCCESSOR, row.successor_name), {**changed, "successor": successor})
                old = self.state.by_id[unit.successor_id].name if unit.successor_id in self.state.by_id else None
                self.change(MSG_UNIT_MERGED, name=row.name, old=_Lazy(_show, old), new=successor.name)
        orgs_services.unit_bulk_update(
            federation=self.fed, acting_user=self.user,
            changes=[(key, self.unit(name), values) for name, (key, values) in update.items()],
        )

    def write_history(self) -> None:
        corrected_committees: list[tuple[Hashable, Committee, dict[str, Any]]] = []
        corrected_terms: list[tuple[Hashable, Term, dict[str, Any]]] = []
        added_terms: list[tuple[Hashable, Committee, services.TermDates]] = []
        corrected_vacancies: list[tuple[Hashable, Vacancy, dict[str, Any]]] = []
        forms: list[tuple[Hashable, services.CommitteeHistory]] = []
        reelections: list[tuple[Hashable, Committee, Any, Any]] = []
        dissolutions: list[tuple[Hashable, Committee, Any]] = []
        # unit name -> the loaded committee the ledger means (None: formed by this import)
        target: dict[str, KnownCommittee | None] = {}

        for row in self.parsed.units:
            known_unit: KnownUnit | None = self.state.units.get(row.name)
            existing = pick_committee(known_unit.committees if known_unit else [], row.committee_formed_on,
                                      key=lambda k: k.formed_on)
            if row.committee_formed_on is None:
                if existing is not None:
                    target[row.name] = existing
                    wanted = row.committee_dissolved_on
                    if wanted and existing.dissolved_on != wanted:
                        where: Key = (c.SHEET_UNITS, row.row, c.COL_COMMITTEE_DISSOLVED, wanted)
                        committee = self.committee(row.name, existing)
                        if existing.dissolved_on is None:
                            dissolutions.append((where, committee, wanted))
                        else:
                            corrected_committees.append((where, committee, {"dissolved_on": wanted}))
                        self.count("committees", "updated", MSG_COMMITTEE_DISSOLVED, unit=row.name,
                                   old=_Lazy(_show, existing.dissolved_on), new=_Lazy(_show, wanted))
                continue
            dissolved = committee_dissolved_on(row)
            if existing is None:
                target[row.name] = None
                history = [services.TermDates(r.number, r.started_on, _due(r)) for r in self.term_rows.get(row.name, [])]
                forms.append(((c.SHEET_UNITS, row.row, c.COL_FORMED, row.committee_formed_on),
                              services.CommitteeHistory(self.unit(row.name), row.committee_formed_on, history, dissolved)))
                self.count("committees", "created", MSG_COMMITTEE_CREATED, unit=row.name)
                for dates in history:
                    self.count("terms", "created", MSG_TERM_CREATED,
                               label=_Lazy(MSG_TERM_LABEL.format, unit=row.name, number=dates.number))
                continue
            target[row.name] = existing
            committee = self.committee(row.name, existing)
            changed: dict[str, Any] = {}
            if existing.formed_on != row.committee_formed_on:
                changed["formed_on"] = row.committee_formed_on
            formed_key: Key = (c.SHEET_UNITS, row.row, c.COL_FORMED, row.committee_formed_on)
            if existing.dissolved_on != dissolved:
                if existing.dissolved_on is None:
                    dissolutions.append(((c.SHEET_UNITS, row.row, c.COL_COMMITTEE_DISSOLVED, dissolved), committee, dissolved))
                else:
                    changed["dissolved_on"] = dissolved
            if changed:
                corrected_committees.append((formed_key, committee, changed))
            if changed or existing.dissolved_on != dissolved:
                both = {**changed, **({"dissolved_on": dissolved} if existing.dissolved_on != dissolved else {})}
                self.count("committees", "updated", MSG_COMMITTEE_UPDATED, unit=row.name,
                           detail=_Lazy(_details_of, Committee, functools.partial(getattr, existing), both))
            else:
                self.count("committees", "unchanged")
        # Units that appear only in 届次/缺位: their latest committee in the platform.
        for name in {t.unit_name for t in self.parsed.terms} | {v.unit_name for v in self.parsed.vacancies}:
            if name not in target and name in self.state.units:
                target[name] = pick_committee(self.state.units[name].committees, None, key=lambda k: k.formed_on)

        for name, known in target.items():
            if known is None:
                continue
            committee = self.committee(name, known)
            numbers = sorted(known.terms)
            last = known.terms[numbers[-1]] if numbers else None
            last_number, last_started = (last.number, last.started_on) if last else (0, None)
            for term_row in self.term_rows.get(name, []):
                label = _Lazy(MSG_TERM_LABEL.format, unit=name, number=term_row.number)
                term_key: Key = (c.SHEET_TERMS, term_row.row, c.COL_STARTED, term_row.started_on)
                loaded_term = known.terms.get(term_row.number)
                due = _due(term_row)
                if loaded_term is not None:
                    values = {f: v for f, v in (("started_on", term_row.started_on), ("due_on", due))
                              if getattr(loaded_term, f) != v}
                    if values:
                        corrected_terms.append((term_key, self.term(committee, loaded_term), values))
                        self.count("terms", "updated", MSG_TERM_UPDATED, label=label,
                                   detail=_Lazy(_details_of, Term, functools.partial(getattr, loaded_term), values))
                    else:
                        self.count("terms", "unchanged")
                    continue
                self.count("terms", "created", MSG_TERM_CREATED, label=label)
                # The next term after the platform's last one is a re-election (换届), as the services
                # record it; a term the history lacks (an earlier one, or of a dissolved committee) is added.
                if (known.dissolved_on is None and term_row.number == last_number + 1
                        and (last_started is None or term_row.started_on > last_started)):
                    reelections.append((term_key, committee, term_row.started_on, due))
                    last_number, last_started = term_row.number, term_row.started_on
                else:
                    added_terms.append((term_key, committee, services.TermDates(term_row.number, term_row.started_on, due)))

        services.history_bulk_correct(
            federation=self.fed, committees=corrected_committees, terms=corrected_terms, added_terms=added_terms,
            vacancies=[], acting_user=self.user,
        )
        formed = services.committee_bulk_form(federation=self.fed, entries=forms, acting_user=self.user)
        new_committees = {entry.unit.name: formed[key] for key, entry in forms}
        services.term_bulk_reelect(federation=self.fed, entries=reelections, acting_user=self.user)
        services.committee_bulk_dissolve(federation=self.fed, entries=dissolutions, acting_user=self.user)

        records: list[tuple[Hashable, Committee, str, Any, Any]] = []
        fills: list[tuple[Hashable, Vacancy, Any]] = []
        for v in self.parsed.vacancies:
            known = target.get(v.unit_name)
            vacancy_label = _Lazy(_vacancy_label, v)
            key = (c.SHEET_VACANCIES, v.row, c.COL_VACATED, v.vacated_on)
            if known is None:
                committee = new_committees[v.unit_name]
                records.append((key, committee, v.role, v.vacated_on, v.filled_on))
                self.count("vacancies", "created", MSG_VACANCY_CREATED, label=vacancy_label)
                continue
            committee = self.committee(v.unit_name, known)
            loaded = known.vacancies.get((v.role, v.vacated_on))
            if loaded is None:
                records.append((key, committee, v.role, v.vacated_on, v.filled_on))
                self.count("vacancies", "created", MSG_VACANCY_CREATED, label=vacancy_label)
            elif loaded.filled_on is None and v.filled_on is not None:
                fills.append(((c.SHEET_VACANCIES, v.row, c.COL_FILLED, v.filled_on), self.vacancy(committee, loaded),
                              v.filled_on))
                self.count("vacancies", "updated", MSG_VACANCY_UPDATED, label=vacancy_label,
                           old=_Lazy(_show, None), new=_Lazy(_show, v.filled_on))
            elif loaded.filled_on != v.filled_on:
                # A correction of a recorded fill (or an undone one).
                corrected_vacancies.append(((c.SHEET_VACANCIES, v.row, c.COL_FILLED, v.filled_on),
                                            self.vacancy(committee, loaded), {"filled_on": v.filled_on}))
                self.count("vacancies", "updated", MSG_VACANCY_UPDATED, label=vacancy_label,
                           old=_Lazy(_show, loaded.filled_on), new=_Lazy(_show, v.filled_on))
            else:
                self.count("vacancies", "unchanged")
        services.vacancy_bulk_record(federation=self.fed, entries=records, acting_user=self.user)
        services.vacancy_bulk_fill(federation=self.fed, entries=fills, acting_user=self.user)
        services.history_bulk_correct(federation=self.fed, vacancies=corrected_vacancies, acting_user=self.user)


def _due(row: TermRow) -> Any:
    """The 届满日期, filled in by the checks when the ledger left it blank."""
    assert row.due_on is not None
    return row.due_on


class _Lazy:
    """A value of a change's text computed only if the text is made (the first MAX_CHANGES_LISTED are):
    `str.format` calls its `__format__`."""

    __slots__ = ("args", "func", "kwargs")

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func, self.args, self.kwargs = func, args, kwargs

    def __format__(self, spec: str) -> str:
        return format(str(self.func(*self.args, **self.kwargs)), spec)


def _details_of(model: Any, old: Callable[[str], Any], values: dict[str, Any]) -> str:
    return _details((_label(model, f), old(f), v) for f, v in values.items())


def _vacancy_label(v: Any) -> str:
    return MSG_VACANCY_LABEL.format(unit=v.unit_name, role=c.role_shown(v.role), date=v.vacated_on.isoformat())


def _label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _details(changes: Iterable[tuple[str, Any, Any]]) -> str:
    """The changed fields of a row: "成立日期 2001-03-01→2001-03-02；地址 （空）→龙岗大道"."""
    return pgettext("ledger change details", "；").join(
        MSG_FIELD_CHANGE.format(field=name, old=_show(old), new=_show(new)) for name, old, new in changes)


def _show(value: Any) -> str:
    if value is None or value == "":
        return gettext("（空）")
    if isinstance(value, bool):
        return gettext(c.YES) if value else gettext(c.NO)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Unit):
        return value.name
    return str(value)

