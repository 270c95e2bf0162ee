"""`make bench`: the ledger import and export at scale (issue targets: import >= 20,000 rows/s, export of
100,000 units < 30 s with peak memory < 250 MB, as a background job).

They print figures and assert only what does not depend on the machine: the import is complete and
idempotent, the export holds every row, a junk workbook's problems are capped, an oversized file is
refused before it is parsed. Run them on both engines:

    JINGUO_BENCH=1 JINGUO_TEST_DB_NAME=/tmp/bench.sqlite3 pytest -q -s benchmarks/test_ledger_bench.py
    JINGUO_BENCH=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test JINGUO_TEST_DB_NAME=test_bench \
        pytest -q -s benchmarks/test_ledger_bench.py

(On SQLite a file database is measured, not the in-memory one pytest would use by default.) The two
large ones take minutes and run only with JINGUO_BENCH=1 (`make bench` sets it), not in the suite.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from committees.ledger import columns as c
from committees.ledger.importing import import_ledger
from committees.models import Committee, Term, Vacancy
from core import audit, excel, uploads
from orgs.models import Federation, Unit

D = dt.date
IMPORT_UNITS = 10_000
EXPORT_UNITS = 100_000


def report(capsys, label: str, text: str) -> None:
    with capsys.disabled():
        print(f"\n  BENCH [{connection.vendor}] {label:52} {text}")


def ledger_workbook(units: int, seed: int = 2017) -> tuple[bytes, int]:
    """A district-like ledger: 80% of units with a committee, two or three terms each, some vacancies."""
    rng = random.Random(seed)
    unit_rows, term_rows, vacancy_rows = [], [], []
    for i in range(units):
        name = f"基准区第{i:05d}局"
        established = D(1995, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        formed = established + dt.timedelta(days=rng.randrange(2000)) if rng.random() < 0.8 else None
        unit_rows.append([name, established, None, "是", formed, None, "区直部门", rng.randrange(20, 500), "某路1号", None])
        if formed is None:
            continue
        start = formed
        for number in range(1, rng.choice([2, 2, 3]) + 1):
            due = D(start.year + 5, start.month, min(start.day, 28))
            term_rows.append([name, number, start, due])
            start = due - dt.timedelta(days=rng.randrange(60))
        if rng.random() < 0.3:
            vacated = formed + dt.timedelta(days=rng.randrange(30, 1500))
            vacancy_rows.append([name, rng.choice(list(c.ROLES)), vacated,
                                 vacated + dt.timedelta(days=rng.randrange(200)) if rng.random() < 0.8 else None])
    headers = {s: [col.name for col in c.COLUMNS[s]][: len(r[0])] for s, r in (
        (c.SHEET_UNITS, unit_rows), (c.SHEET_TERMS, term_rows), (c.SHEET_VACANCIES, vacancy_rows))}
    data = excel.workbook_bytes([
        excel.Sheet(c.SHEET_UNITS, [excel.Column(h) for h in headers[c.SHEET_UNITS]], unit_rows),
        excel.Sheet(c.SHEET_TERMS, [excel.Column(h) for h in headers[c.SHEET_TERMS]], term_rows),
        excel.Sheet(c.SHEET_VACANCIES, [excel.Column(h) for h in headers[c.SHEET_VACANCIES]], vacancy_rows),
    ])
    return data, len(unit_rows) + len(term_rows) + len(vacancy_rows)


heavy = pytest.mark.skipif(not os.environ.get("JINGUO_BENCH"), reason="a benchmark of minutes: JINGUO_BENCH=1 (make bench)")


@heavy
@pytest.mark.slow
def test_import_of_a_10000_unit_ledger(transactional_db, capsys):
    from committees.ledger.importing import check
    from committees.ledger.reading import read_workbook

    data, rows = ledger_workbook(IMPORT_UNITS)
    federation = Federation.objects.create(name="基准区妇联")
    started = time.perf_counter()
    read_workbook(data)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    check(federation, data)
    check_s = time.perf_counter() - started
    with audit.acting_as(None, source="bench"):
        started = time.perf_counter()
        dry = import_ledger(federation=federation, data=data, dry_run=True)
        dry_s = time.perf_counter() - started
        assert dry.ok, dry.problems[:3]
        started, cpu = time.perf_counter(), time.process_time()
        result = import_ledger(federation=federation, data=data)
        import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.ok and result.applied, result.problems[:3]
        started = time.perf_counter()
        again = import_ledger(federation=federation, data=data)
        again_s = time.perf_counter() - started
    assert again.ok and again.changed == 0
    assert Unit.objects.filter(federation=federation).count() == IMPORT_UNITS
    assert Term.objects.filter(federation=federation).count() == result.counts["terms"]["created"]
    records = result.changed
    report(capsys, f"import {rows:,} rows ({records:,} records), empty federation",
           f"{import_s:6.2f} s  {rows / import_s:8,.0f} rows/s  (CPU of this process {import_cpu:5.2f} s)")
    report(capsys, "  of which reading the workbook", f"{read_s:6.2f} s")
    report(capsys, "  of which reading and checking (outside any transaction)", f"{check_s:6.2f} s")
    report(capsys, "  so the write transaction", f"{import_s - check_s:6.2f} s")
    report(capsys, "dry run of the same workbook (rolled back)", f"{dry_s:6.2f} s  {rows / dry_s:8,.0f} rows/s")
    report(capsys, "the same workbook again (nothing changes)", f"{again_s:6.2f} s  {rows / again_s:8,.0f} rows/s")
    write_figures("import", {"rows": rows, "records": records, "import_s": import_s, "import_cpu_s": import_cpu,
                             "read_s": read_s, "check_s": check_s, "dry_run_s": dry_s,
                             "reimport_s": again_s, "rows_per_s": rows / import_s})


def test_a_junk_workbook_is_checked_in_bounded_memory_with_its_problems_capped(db, capsys):
    # The probe's junk file: 10,000 rows, five bad cells each (50,000 problems).
    junk = [[f"区{i}局", "昨天", "明天", "也许", "去年", "前年"] for i in range(10_000)]
    data = excel.workbook_bytes([
        excel.Sheet(c.SHEET_UNITS, [excel.Column(h) for h in c.HEADERS[c.SHEET_UNITS]], junk),
        excel.Sheet(c.SHEET_TERMS, [excel.Column(h) for h in c.HEADERS[c.SHEET_TERMS]], []),
        excel.Sheet(c.SHEET_VACANCIES, [excel.Column(h) for h in c.HEADERS[c.SHEET_VACANCIES]], []),
    ])
    federation = Federation.objects.create(name="基准区妇联")
    started = time.perf_counter()
    result = import_ledger(federation=federation, data=data)
    check_s = time.perf_counter() - started
    from committees.ledger.workbooks import error_workbook

    started = time.perf_counter()
    errors = error_workbook(result.problems, total=result.problems_total)
    errors_s = time.perf_counter() - started
    assert result.problems_total == 50_000 and len(result.problems) == 1000
    report(capsys, "junk workbook, 10,000 rows: check", f"{check_s:6.2f} s  ({result.problems_total:,} problems, 1,000 kept)")
    report(capsys, "its problem workbook", f"{errors_s * 1000:6.0f} ms  {len(errors) // 1024} KB")


@heavy
def test_a_650000_row_workbook_is_refused_before_it_is_parsed(capsys):
    rows = ([f"区{i}局", D(2001, 1, 1), None, "是", None, None] for i in range(650_000))
    buffer = io.BytesIO()
    excel.write_workbook([excel.Sheet(c.SHEET_UNITS, [excel.Column(h) for h in c.HEADERS[c.SHEET_UNITS]], rows)], buffer)
    data = buffer.getvalue()
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_xlsx(data, max_bytes=0, max_rows=100_003)
    refuse_s = time.perf_counter() - started
    assert refused.value.message.startswith("工作簿约有 650,001 行")
    report(capsys, f"650,000-row workbook ({len(data) // 1024 // 1024} MB) refused at upload", f"{refuse_s:6.2f} s")


# --- the export of 100,000 units -------------------------------------------------------------------------


def bulk_federation(units: int, seed: int = 11) -> Federation:
    """A large federation written straight to the tables (the benchmark of the export, not of the import)."""
    rng = random.Random(seed)
    federation = Federation.objects.create(name="大型基准妇联")
    batch = 5000
    for first in range(0, units, batch):
        Unit.objects.bulk_create(
            [Unit(federation=federation, name=f"基准单位{i:06d}", established_on=D(1995 + i % 20, 1 + i % 12, 1),
                  female_staff_count=rng.randrange(500), address="某路1号") for i in range(first, min(units, first + batch))],
            batch_size=batch,
        )
    unit_ids = list(Unit.objects.filter(federation=federation).values_list("id", "established_on"))
    committees = [Committee(federation=federation, unit_id=uid, formed_on=(est or D(2000, 1, 1)) + dt.timedelta(days=400))
                  for uid, est in unit_ids if rng.random() < 0.8]
    Committee.objects.bulk_create(committees, batch_size=batch)
    terms, vacancies = [], []
    for committee in Committee.objects.filter(federation=federation).only("id", "formed_on"):
        start = committee.formed_on
        for number in (1, 2):
            due = D(start.year + 5, start.month, min(start.day, 28))
            terms.append(Term(federation=federation, committee_id=committee.pk, number=number, started_on=start,
                              due_on=due, ended_on=due if number == 1 else None))
            start = due
        if rng.random() < 0.35:
            vacancies.append(Vacancy(federation=federation, committee_id=committee.pk, role="member",
                                     vacated_on=committee.formed_on + dt.timedelta(days=700)))
    Term.objects.bulk_create(terms, batch_size=batch)
    Vacancy.objects.bulk_create(vacancies, batch_size=batch)
    return federation


EXPORT_SCRIPT = """
import os, sys, time
import django

def high_water_kb():
    # VmHWM starts afresh at exec (ru_maxrss would still count the pytest process this one was forked from).
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1])

django.setup()
from accounts.models import User
from committees.ledger.exporting import write_ledger
from orgs.models import Federation
user = User.objects.get(pk=int(sys.argv[1]))
federation = Federation.objects.get(pk=int(sys.argv[2]))
baseline = high_water_kb()
started = time.perf_counter()
with open(sys.argv[3], "wb") as out:
    summary = write_ledger(user, federation, out)
elapsed = time.perf_counter() - started
peak = high_water_kb()
print(f"{elapsed} {peak} {baseline} {summary.units} {summary.terms} {summary.vacancies}")
"""


@heavy
@pytest.mark.slow
def test_export_of_100000_units(transactional_db, capsys, tmp_path):
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    started = time.perf_counter()
    with audit.acting_as(None, source="bench"):
        federation = bulk_federation(EXPORT_UNITS)
        staff = User.objects.create_user(username="bench_staff", password="x", federation=federation)
        role_grant(user=staff, role=Role.FEDERATION_STAFF, federation_id=federation.pk)
    report(capsys, f"(set-up: {EXPORT_UNITS:,} units written)", f"{time.perf_counter() - started:6.1f} s")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = settings_dict["NAME"]
        if not name or name == ":memory:" or "mode=memory" in str(name):
            pytest.skip("set JINGUO_TEST_DB_NAME to a file so that a second process can read the database")
        url = f"sqlite:///{name}"
    else:
        url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
               f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    target = tmp_path / "export.xlsx"
    # In a process of its own, so that its peak memory is the export's and not the set-up's.
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([sys.executable, "-c", EXPORT_SCRIPT, str(staff.pk), str(federation.pk), str(target)],
                         capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[1], timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    elapsed, peak_kb, baseline_kb, units, terms, vacancies = out.stdout.split()[-6:]
    assert int(units) == EXPORT_UNITS and int(terms) == Term.objects.filter(federation=federation).count()
    assert int(vacancies) == Vacancy.objects.filter(federation=federation).count()
    rows = int(units) + int(terms) + int(vacancies)
    report(capsys, f"export {EXPORT_UNITS:,} units ({rows:,} rows, {target.stat().st_size // 1024 // 1024} MB)",
           f"{float(elapsed):6.2f} s  peak RSS {int(peak_kb) // 1024} MB (Django loaded: {int(baseline_kb) // 1024} MB)")
    write_figures("export", {"units": EXPORT_UNITS, "rows": rows, "seconds": float(elapsed),
                             "peak_rss_mb": int(peak_kb) / 1024, "baseline_rss_mb": int(baseline_kb) / 1024})


def write_figures(name: str, figures: dict) -> None:
    """The raw figures as JSON beside the other benchmarks' (var/bench/ledger-<engine>.json)."""
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ledger-{connection.vendor}.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = figures
    path.write_text(json.dumps(data, indent=2))
