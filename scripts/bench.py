#!/usr/bin/env python
"""`make bench`: the platform at 1,000, 10,000 and 100,000 units against the framework's own limit.

For each engine (--engines sqlite,postgresql; by default both when the PostgreSQL server of BENCH_PG_URL,
default postgres://postgres@127.0.0.1:5432/postgres-server, answers, else SQLite alone with a notice)
and each size:
1. a throw-away database filled by `manage.py generate_scale --units N`: on SQLite a file (WAL, as
   deployed) copied from one migrated once; on PostgreSQL a database jinguo_bench_<N> created from one
   migrated once (CREATE DATABASE ... TEMPLATE jinguo_bench_template), dropped afterwards unless --keep.
   Only the scheme, user, password, host and port of BENCH_PG_URL are used: the databases are created
   and dropped from the maintenance database `postgres`, whose contents are never touched, and only
   databases named jinguo_bench_* are ever created or dropped;
2. gunicorn (config.wsgi, sync workers, DEBUG off) on a free port of 127.0.0.1, beside a bare Django
   "hello" (benchmarks/hello.py) served the same way, started once for the whole run;
3. each page hammered for --seconds by --concurrency clients (new connection per request, as sync
   workers answer): requests/s, p50, p99, status codes; hello measured again right before each size, so
   every ratio (page ÷ hello) is of the same moment of this shared machine;
4. concurrency, each phase for --seconds: 2 readers (dashboard and unit list in turn) alone; then the
   same 2 readers beside 4 writers editing units through the edit form (its CSRF token and row version
   each time, so an edit fails only when another writer saved the same unit in between: a conflict,
   counted apart); once, on SQLite at 10,000 units (or the largest size below), the same readers and
   writers while `manage.py import_ledger` imports the import benchmark's workbook of as many new units
   (the phase lasts as long as the import, at most 10 minutes). Counted: saves, conflicts, other
   refusals, 5xx, "database is locked" in the server's (and the import's) log, read p50/p99.
Then the ledger benchmarks (benchmarks/test_ledger_bench.py: the import of a 10,000-unit workbook, the
export of 100,000 units in a process of its own with its peak memory), on SQLite, unless --no-ledger.

It prints one table per engine (rates, ratios to hello, growth from the smallest to the largest size,
the workers' memory after every phase), then the concurrency table, and writes the raw figures to
var/bench/bench-<engine>.json. Traffic goes to 127.0.0.1 only; each measurement stops by itself after
--seconds (a request in flight is awaited, up to the server's timeout).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this script ever sends traffic to
PASSWORD = "Bench-Only-Pass-" + secrets.token_hex(4)

# Targets of the issue (page rate ÷ hello rate), where it gives one.
TARGETS = {
    "dashboard": 0.25,
    "rates API": 0.25,
    "unit detail": 0.35,
    "unit list": 0.15,
    "API unit list": 0.3,
    "API unit (auth no-op)": 0.5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str], timeout: int = 1800) -> str:
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


class Server:
    """gunicorn on a free loopback port, in its own process group (killed at the end)."""

    def __init__(self, app: str, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    app,
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, path: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"the server exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                status, _ = request(self.port, path, {}, timeout=5)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        sys.exit(f"the server did not answer {path} in time")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the children of the gunicorn master)."""
        out = []
        for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            line = next(x for x in status.splitlines() if x.startswith("VmRSS"))
            out.append(int(line.split()[1]) / 1024)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres-server"
PG_TEMPLATE = "jinguo_bench_template"
PG_MAINTENANCE_DB = "postgres"  # connected to for CREATE/DROP DATABASE only; its contents are never touched


class PgServer:
    """The PostgreSQL server of BENCH_PG_URL: its scheme, user, password, host and port (the database
    named in the URL is not used). It creates and drops only databases named jinguo_bench_*."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.display = f"{parts.hostname}:{parts.port or 5432}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.url(PG_MAINTENANCE_DB), autocommit=True, connect_timeout=5)

    def unreachable(self) -> str | None:
        """None when the server answers, else why not."""
        try:
            with self._admin() as conn:
                conn.execute("SELECT 1")
        except Exception as exc:  # any failure means: skip PostgreSQL
            return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None

    @staticmethod
    def _checked(name: str) -> str:
        if not name.startswith("jinguo_bench_") or not name.replace("_", "").isalnum():
            raise ValueError(f"not a benchmark database: {name!r}")
        return name

    def create(self, name: str, template: str | None = None) -> None:
        """(Re)creates the throw-away database `name`, empty or as a copy of `template`."""
        self.drop(name)
        sql = f'CREATE DATABASE "{self._checked(name)}"'
        if template:
            sql += f' TEMPLATE "{self._checked(template)}"'
        with self._admin() as conn:
            conn.execute(sql)

    def drop(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self._checked(name)}" WITH (FORCE)')


def request(port: int, path: str, headers: dict[str, str], timeout: float = 120) -> tuple[int, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def hammer(port: int, path: str, headers: dict[str, str], seconds: float, concurrency: int) -> dict[str, Any]:
    """Requests/s, p50/p99 (ms), status counts and mean size of `path` for `seconds` (at least one request)."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    lock = threading.Lock()
    request(port, path, headers)  # warm-up (imports, caches)
    started = time.perf_counter()
    deadline = started + seconds

    def client() -> None:
        while True:
            t = time.perf_counter()
            if t >= deadline and times:
                return
            status, size = request(port, path, headers)
            elapsed = time.perf_counter() - t
            with lock:
                times.append(elapsed * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                sizes.append(size)
            if time.perf_counter() >= deadline:
                return

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    times.sort()
    return {
        "path": path,
        "requests": len(times),
        "seconds": wall,
        "rate": len(times) / wall,
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "bytes": sum(sizes) // len(sizes),
    }


SETUP_SCRIPT = """
import json
from django.test import Client
from accounts.models import ApiToken, User
from committees.models import Committee
from orgs.models import Unit
user = User.objects.get(username="bench")
client = Client()
from accounts.testing import login  # force_login, the session OTP-verified (the hotline supervisor role)
login(client, user)
units = Unit.objects.filter(federation_id=user.federation_id)
committee = Committee.objects.filter(federation_id=user.federation_id).order_by("id")[
    Committee.objects.filter(federation_id=user.federation_id).count() // 2]
from assessment.models import SelfCheck
form = SelfCheck.objects.filter(federation_id=user.federation_id).order_by("id").first()
print(json.dumps({"cookie": client.cookies["sessionid"].value, "token": ApiToken.issue(user)[1],
                  "unit": committee.unit_id, "units": units.count(), "form": form.pk if form else 0}))
"""


def pages(info: dict[str, Any], today_year: int) -> list[tuple[str, str, dict[str, str]]]:
    session = {"Cookie": f"sessionid={info['cookie']}"}
    bearer = {"Authorization": f"Bearer {info['token']}"}
    return [
        ("healthz", "/healthz", {}),
        ("API unit (auth no-op)", f"/api/v1/units/{info['unit']}", bearer),
        ("unit list", "/orgs/units/", session),
        ("unit detail", f"/orgs/units/{info['unit']}/", session),
        ("API unit list", "/api/v1/units?limit=50", bearer),
        ("rates API", f"/api/v1/stats/rates?from={today_year}-01-01&to={today_year}-12-31", bearer),
        ("dashboard", "/dashboard/", session),
        ("lecture list", "/lectures/", session),
        ("roster", "/duties/roster/", session),
        ("hotline case list", "/duties/cases/", session),
        ("self-check form", f"/assessment/forms/{info.get('form', 0)}/", session),
    ]


# --- concurrent writers and readers -------------------------------------------------------------------

IMPORT_PHASE_UNITS = (
    10_000  # the import runs during the phase once, on SQLite, at this size or the largest below
)
IMPORT_PHASE_CAP_S = 600  # the import phase ends by then even if the import is still running
WRITERS = 4
READERS = 2
READ_PATHS = ("/dashboard/", "/orgs/units/")
CONFLICT_TEXT = "已被其他人修改".encode()  # core.tracked.CONFLICT_MESSAGE, as the edit form shows it
EDITED_UNITS = 20  # the writers edit these units at random, so that two of them sometimes meet

CONCURRENCY_SETUP = """
import json
from accounts.models import User
from orgs.models import Unit
user = User.objects.get(username="bench")
units = Unit.objects.filter(federation_id=user.federation_id, dissolved_on__isnull=True).order_by("id")
print(json.dumps({"federation": user.federation.name, "units": list(units.values_list("id", flat=True)[:EDITED])}))
""".replace("EDITED", str(EDITED_UNITS))


def workbook_script(path: Path, units: int) -> str:
    """Writes the import benchmark's workbook (benchmarks/test_ledger_bench.py) of `units` new units."""
    return (
        "from pathlib import Path\n"
        "from benchmarks.test_ledger_bench import ledger_workbook\n"
        f"data, rows = ledger_workbook({units})\n"
        f"Path({str(path)!r}).write_bytes(data)\n"
        "print(rows)\n"
    )


def http_call(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
    timeout: float = 120,
) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


class FormFields(HTMLParser):
    """The fields of each form of a page, as a browser would post them (name -> value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
            self._in_form = True
            return
        if not self._in_form:
            return
        form, name = self.forms[-1], a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in form:
                form[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self._in_form:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def classify_write(status: int, body: bytes) -> str:
    """ok (the form's redirect), conflict (409, or the form again with the stale-version message),
    5xx, or refused (anything else: a 403, a form error)."""
    if status in (301, 302, 303):
        return "ok"
    if status == 409 or (status in (200, 400) and CONFLICT_TEXT in body):
        return "conflict"
    if status >= 500:
        return "5xx"
    return "refused"


def edit_unit(port: int, cookies: dict[str, str], unit_id: int, staff_count: int) -> tuple[str, int, float]:
    """One edit through the unit's edit form (GET it: CSRF token and the row version it shows; POST it
    back with a new female staff count). Returns (outcome, status, ms of the POST)."""
    path = f"/orgs/units/{unit_id}/edit/"

    def cookie_header() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    def take(headers: list[tuple[str, str]]) -> None:
        for key, value in headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                if name in ("csrftoken", "sessionid"):
                    cookies[name] = rest.split(";", 1)[0]

    t = time.perf_counter()
    status, headers, body = http_call(port, "GET", path, cookie_header())
    take(headers)
    if status != 200:
        return classify_write(status, body), status, (time.perf_counter() - t) * 1000
    parser = FormFields()
    parser.feed(body.decode("utf-8", errors="replace"))
    form = next((f for f in parser.forms if "version" in f and "csrfmiddlewaretoken" in f), None)
    if form is None:
        return "refused", status, (time.perf_counter() - t) * 1000
    form["female_staff_count"] = str(staff_count)
    t = time.perf_counter()
    status, headers, body = http_call(
        port,
        "POST",
        path,
        {**cookie_header(), "Content-Type": "application/x-www-form-urlencoded"},
        urlencode(form).encode(),
    )
    take(headers)
    return classify_write(status, body), status, (time.perf_counter() - t) * 1000


def percentile(times: list[float], q: float) -> float | None:
    """The same rank as hammer's p50/p99, of unsorted times (None when there are none)."""
    if not times:
        return None
    ordered = sorted(times)
    return (
        ordered[len(ordered) // 2]
        if q == 0.5
        else ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
    )


def summarise_phase(
    reads: list[tuple[int, float]], writes: list[tuple[str, int, float]], seconds: float, locked: int = 0
) -> dict[str, Any]:
    """Statuses in, summary out: reads are (status, ms), writes (outcome of classify_write, status, ms);
    status 0 is a request that got no answer (connection refused or timed out)."""
    read_ms = [ms for _, ms in reads]
    write_ms = [ms for _, _, ms in writes]
    outcomes: dict[str, int] = {}
    for outcome, _, _ in writes:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    read_statuses: dict[str, int] = {}
    for status, _ in reads:
        read_statuses[str(status)] = read_statuses.get(str(status), 0) + 1
    write_statuses: dict[str, int] = {}
    for _, status, _ in writes:
        write_statuses[str(status)] = write_statuses.get(str(status), 0) + 1
    return {
        "seconds": seconds,
        "reads": len(reads),
        "read_p50_ms": percentile(read_ms, 0.5),
        "read_p99_ms": percentile(read_ms, 0.99),
        "read_statuses": dict(sorted(read_statuses.items())),
        "writes": len(writes),
        "writes_ok": outcomes.get("ok", 0),
        "conflicts": outcomes.get("conflict", 0),
        "refused": outcomes.get("refused", 0),
        "write_p50_ms": percentile(write_ms, 0.5),
        "write_p99_ms": percentile(write_ms, 0.99),
        "write_statuses": dict(sorted(write_statuses.items())),
        "5xx": sum(1 for s, _ in reads if s >= 500) + outcomes.get("5xx", 0),
        "no_answer": sum(1 for s, _ in reads if s == 0) + sum(1 for _, s, _ in writes if s == 0),
        "locked": locked,
    }


def run_phase(
    port: int,
    session: str,
    unit_ids: list[int],
    seconds: float,
    writers: int,
    readers: int,
    busy: Any = None,
) -> tuple[list[tuple[int, float]], list[tuple[str, int, float]], float]:
    """`readers` clients GET the dashboard and the unit list in turn, `writers` clients edit units, for
    `seconds` (and, if `busy` is given, as long as busy() is true, at most IMPORT_PHASE_CAP_S)."""
    reads: list[tuple[int, float]] = []
    writes: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop = threading.Event()
    started = time.perf_counter()

    def reader(n: int) -> None:
        i = n
        while not stop.is_set():
            t = time.perf_counter()
            try:
                status, _ = request(port, READ_PATHS[i % len(READ_PATHS)], {"Cookie": f"sessionid={session}"})
            except OSError:
                status = 0
            with lock:
                reads.append((status, (time.perf_counter() - t) * 1000))
            i += 1

    def writer(n: int) -> None:
        rng = random.Random(n)
        cookies = {"sessionid": session}
        while not stop.is_set():
            t = time.perf_counter()
            try:
                result = edit_unit(port, cookies, rng.choice(unit_ids), rng.randrange(1, 600))
            except OSError:
                result = ("5xx", 0, (time.perf_counter() - t) * 1000)
            with lock:
                writes.append(result)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for th in threads:
        th.start()
    deadline, cap = started + seconds, started + IMPORT_PHASE_CAP_S
    while True:
        now = time.perf_counter()
        if now >= cap or (now >= deadline and (busy is None or not busy())):
            break
        time.sleep(0.05)
    stop.set()
    for th in threads:
        th.join()
    return reads, writes, time.perf_counter() - started


def concurrency(
    engine: str,
    size: int,
    env: dict[str, str],
    server: Server,
    info: dict[str, Any],
    seconds: float,
    *,
    with_import: bool,
) -> dict[str, Any]:
    """Reads alone, then reads during writes, then (with_import) reads and writes during a ledger import."""
    py = sys.executable
    setup = json.loads(run([py, "manage.py", "shell", "-c", CONCURRENCY_SETUP], env).strip().splitlines()[-1])
    units, session = setup["units"], info["cookie"]

    def locked_now() -> int:
        return server.log.read_text(errors="replace").count("database is locked")

    def phase(label: str, writers: int, busy: Any = None, extra_locked: Any = None) -> dict[str, Any]:
        before = locked_now()
        reads, writes, wall = run_phase(server.port, session, units, seconds, writers, READERS, busy)
        locked = locked_now() - before + (extra_locked() if extra_locked else 0)
        summary = summarise_phase(reads, writes, wall, locked)
        print(f"  {label:24} {phase_line(summary)}", flush=True)
        return summary

    # Warm-up (each worker's first edit form and save import and compile what the phases then reuse).
    for _ in range(2):
        edit_unit(server.port, {"sessionid": session}, units[0], 1)
        for path in READ_PATHS:
            request(server.port, path, {"Cookie": f"sessionid={session}"})
    out: dict[str, Any] = {"units": len(units)}
    out["alone"] = phase("reads alone", 0)
    out["writes"] = phase(f"{READERS} readers + {WRITERS} writers", WRITERS)
    if with_import:
        var = Path(env["JINGUO_VAR_DIR"])
        workbook = var / "bench-ledger.xlsx"
        rows = int(run([py, "manage.py", "shell", "-c", workbook_script(workbook, size)], env).split()[-1])
        log = var / "import.log"
        with open(log, "wb") as sink:
            t0 = time.monotonic()
            proc = subprocess.Popen(
                [py, "manage.py", "import_ledger", str(workbook), "--federation", setup["federation"]],
                cwd=REPO,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                out["import"] = phase(
                    f"... during an import ({rows:,} rows)",
                    WRITERS,
                    busy=lambda: proc.poll() is None,
                    extra_locked=lambda: log.read_text(errors="replace").count("database is locked"),
                )
                rc = proc.wait(timeout=IMPORT_PHASE_CAP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait(5)
        said = log.read_text(errors="replace").strip().splitlines()
        tail = said[:1] if rc == 0 else said[-3:]  # its summary, or its error
        out["import"].update(import_rows=rows, import_s=time.monotonic() - t0, import_rc=rc, import_tail=tail)
        print(f"  import: rc {rc}, {out['import']['import_s']:.1f} s; {' / '.join(tail)[:300]}", flush=True)
    return out


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def phase_line(s: dict[str, Any]) -> str:
    line = (
        f"reads {s['reads']:5} p50 {fmt_ms(s['read_p50_ms']):>6} ms p99 {fmt_ms(s['read_p99_ms']):>6} ms "
        f"{s['read_statuses']}"
    )
    if s["writes"]:
        line += (
            f"  writes ok {s['writes_ok']}, conflicts {s['conflicts']}, refused {s['refused']}, "
            f"p50 {fmt_ms(s['write_p50_ms'])} ms p99 {fmt_ms(s['write_p99_ms'])} ms {s['write_statuses']}"
        )
    return line + f"  5xx {s['5xx']}  locked {s['locked']}"


def concurrency_table(all_figures: dict[str, dict[str, Any]]) -> str:
    """One line per engine, size and phase with writers (during writes; during the import)."""
    head = (
        f"{'concurrency':12}{'units':>9}  {'phase':8}{'writes ok':>10}{'conflicts':>10}{'refused':>8}{'5xx':>5}"
        f"{'locked':>7}   reads p50/p99 ms: {'alone':>11} {'now':>11}"
    )
    lines = [head]
    for engine, figures in all_figures.items():
        for size, row in figures["sizes"].items():
            c = row.get("concurrency") or {}
            alone = c.get("alone")
            for key, label in (("writes", "writes"), ("import", "import")):
                s = c.get(key)
                if not s:
                    continue
                a = f"{fmt_ms(alone['read_p50_ms'])}/{fmt_ms(alone['read_p99_ms'])}" if alone else "-"
                now = f"{fmt_ms(s['read_p50_ms'])}/{fmt_ms(s['read_p99_ms'])}"
                extra = ""
                if key == "import":
                    extra = f"   (import of {s.get('import_rows', 0):,} rows: {s.get('import_s', 0):.1f} s, rc {s.get('import_rc')})"
                lines.append(
                    f"{engine:12}{int(size):>9,}  {label:8}{s['writes_ok']:>10}{s['conflicts']:>10}{s['refused']:>8}"
                    f"{s['5xx']:>5}{s['locked']:>7}   {'':18}{a:>11} {now:>11}{extra}"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--engines",
        default=None,
        help="sqlite,postgresql (default: both when the PostgreSQL at BENCH_PG_URL answers, else sqlite)",
    )
    parser.add_argument("--seconds", type=float, default=4.0, help="per page and size (at most 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (both servers)")
    parser.add_argument("--concurrency", type=int, default=2, help="concurrent clients")
    parser.add_argument("--no-ledger", action="store_true", help="skip the import and export benchmarks")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and the PostgreSQL databases"
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 60:
        parser.error("--seconds is between 0 and 60")
    sizes = [int(s) for s in args.sizes.split(",")]
    pg = PgServer(os.environ.get("BENCH_PG_URL", PG_DEFAULT_URL))
    if args.engines is None:
        engines = ["sqlite"]
        why = pg.unreachable()
        if why is None:
            engines.append("postgresql")
        else:
            print(
                f"PostgreSQL at {pg.display} does not answer ({why}): the PostgreSQL part is SKIPPED",
                flush=True,
            )
    else:
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        unknown = set(engines) - {"sqlite", "postgresql"}
        if unknown:
            parser.error(f"unknown engines: {sorted(unknown)}")
        if "postgresql" in engines and (why := pg.unreachable()) is not None:
            parser.error(f"PostgreSQL at {pg.display} does not answer: {why}")
    # The import during the concurrency phase: once, on SQLite, at 10,000 units or the largest size below.
    import_size = max((s for s in sizes if s <= IMPORT_PHASE_UNITS), default=None)

    root = Path(tempfile.mkdtemp(prefix="jinguo-bench-"))
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JINGUO_"))
    }
    base_env.update(
        # Production-like over plain HTTP on loopback (as scripts/loadtest.py): DEBUG off, base settings.
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    py = sys.executable
    all_figures: dict[str, dict[str, Any]] = {
        engine: {
            "engine": engine,
            "sizes": {},
            "workers": args.workers,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
        }
        for engine in engines
    }
    hello: Server | None = None
    server: Server | None = None
    pg_databases: list[str] = []
    try:
        template = root / "template"
        template.mkdir()
        env = {**base_env, "JINGUO_VAR_DIR": str(template)}
        t0 = time.monotonic()
        run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        print(f"migrated (SQLite) in {time.monotonic() - t0:.0f} s", flush=True)
        if "postgresql" in engines:
            # One migrated database, copied per size by CREATE DATABASE ... TEMPLATE (faster than migrate).
            pg.create(PG_TEMPLATE)
            pg_databases.append(PG_TEMPLATE)
            t0 = time.monotonic()
            run(
                [py, "manage.py", "migrate", "--noinput", "-v", "0"],
                {**env, "DATABASE_URL": pg.url(PG_TEMPLATE)},
            )
            print(f"migrated (PostgreSQL, {PG_TEMPLATE}) in {time.monotonic() - t0:.0f} s", flush=True)
        hello = Server("benchmarks.hello:application", base_env, args.workers, root / "hello.log")
        hello.wait("/")
        for engine in engines:
            figures = all_figures[engine]
            for size in sizes:
                var = root / f"{engine}-units-{size}"
                shutil.copytree(template, var)  # collected static files (and, for SQLite, the database)
                env = {**base_env, "JINGUO_VAR_DIR": str(var)}
                if engine == "postgresql":
                    name = f"jinguo_bench_{size}"
                    pg.create(name, template=PG_TEMPLATE)
                    pg_databases.append(name)
                    env["DATABASE_URL"] = pg.url(name)
                print(f"\n[{engine}] {size:,} units", flush=True)
                server = Server("config.wsgi:application", env, args.workers, var / "server.log")
                row = measure_size(
                    engine,
                    size,
                    env,
                    server,
                    hello,
                    args,
                    with_import=engine == "sqlite" and size == import_size,
                )
                server.stop()
                server = None
                figures["sizes"][str(size)] = row
                if engine == "postgresql" and not args.keep:
                    pg.drop(f"jinguo_bench_{size}")
                if not args.keep:
                    shutil.rmtree(var, ignore_errors=True)
        hello.stop()
        hello = None
        if not args.no_ledger and "sqlite" in engines:
            all_figures["sqlite"]["ledger"] = ledger(root, base_env)
    finally:
        for s in (server, hello):
            if s is not None:
                s.stop()
        if not args.keep:
            for name in pg_databases:
                pg.drop(name)
    out_dir = REPO / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    for engine, figures in all_figures.items():
        (out_dir / f"bench-{engine}.json").write_text(json.dumps(figures, indent=2))
        print(f"\n=== {engine} ===")
        table(figures, sizes)
    print()
    print(concurrency_table(all_figures))
    if args.keep:
        print(f"kept {root}" + (f" and the databases {', '.join(pg_databases)}" if pg_databases else ""))
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def measure_size(
    engine: str,
    size: int,
    env: dict[str, str],
    server: Server,
    hello: Server,
    args: Any,
    *,
    with_import: bool,
) -> dict[str, Any]:
    """One size on one engine: generate the data, measure the pages, then the concurrency phases."""
    py = sys.executable
    t0 = time.monotonic()
    run(
        [
            py,
            "manage.py",
            "generate_scale",
            "--units",
            str(size),
            "--staff",
            "bench",
            "--password",
            PASSWORD,
            "-v",
            "0",
        ],
        env,
    )
    generated = time.monotonic() - t0
    info = json.loads(run([py, "manage.py", "shell", "-c", SETUP_SCRIPT], env).strip().splitlines()[-1])
    print(f"  {size:,} units generated in {generated:.1f} s", flush=True)
    server.wait("/healthz")
    row: dict[str, Any] = {"generate_s": generated}
    row["hello"] = hammer(hello.port, "/", {}, args.seconds, args.concurrency)
    print(f"  {'hello':24} {row['hello']['rate']:8.1f} req/s", flush=True)
    for label, path, headers in pages(info, time.gmtime().tm_year):
        row[label] = hammer(server.port, path, headers, args.seconds, args.concurrency)
        r = row[label]
        print(
            f"  {label:24} {r['rate']:8.1f} req/s  p50 {r['p50_ms']:8.1f} ms  p99 {r['p99_ms']:8.1f} ms  "
            f"{r['statuses']}  {r['bytes'] // 1024} KB",
            flush=True,
        )
    row["concurrency"] = concurrency(engine, size, env, server, info, args.seconds, with_import=with_import)
    # After every phase of this size, so that it is the largest the workers grew to.
    row["worker_rss_mb"] = server.worker_rss_mb()
    row["locked"] = server.log.read_text(errors="replace").count("database is locked")
    return row


def ledger(root: Path, base_env: dict[str, str]) -> dict[str, Any]:
    """The import and export benchmarks (pytest, a file database, their figures as JSON in a var dir)."""
    var = root / "ledger"
    var.mkdir()
    env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "JINGUO_BENCH": "1",
        "JINGUO_VAR_DIR": str(var),
        "JINGUO_TEST_DB_NAME": str(var / "bench.sqlite3"),
    }
    print("\nledger import (10,000 units), export (100,000 units) and load_demo ...", flush=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "benchmarks/test_ledger_bench.py",
            "benchmarks/test_bench.py",
            "-k",
            "import_of or export_of or load_demo",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in done.stdout.splitlines():
        if "BENCH" in line:
            print(line, flush=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:])
    path = var / "bench" / "ledger-sqlite.json"
    return json.loads(path.read_text()) if path.exists() else {}


def table(figures: dict[str, Any], sizes: list[int]) -> None:
    labels = [label for label, _, _ in pages({"cookie": "", "token": "", "unit": 0}, 2000)]
    head = "".join(f"{f'{s:,} units':>26}" for s in sizes)
    print(f"\n{'page ÷ hello (req/s, p50)':26}{head}  {'growth':>7}  {'target':>6}")
    rows = figures["sizes"]
    hello_line = "".join(f"{rows[str(s)]['hello']['rate']:>17.0f} req/s   " for s in sizes)
    print(f"{'hello':26}{hello_line}")
    for label in labels:
        cells = []
        for s in sizes:
            r, h = rows[str(s)][label], rows[str(s)]["hello"]
            cells.append(f"{r['rate'] / h['rate']:>8.4f} ({r['rate']:6.1f}, {r['p50_ms']:6.0f} ms)")
        first, last = rows[str(sizes[0])][label], rows[str(sizes[-1])][label]
        growth = last["p50_ms"] / first["p50_ms"] if first["p50_ms"] else float("nan")
        target = TARGETS.get(label)
        missed = [
            s
            for s in sizes
            if target and rows[str(s)][label]["rate"] / rows[str(s)]["hello"]["rate"] < target
        ]
        print(
            f"{label:26}{''.join(f'{c:>26}' for c in cells)}  {growth:6.1f}×  "
            f"{(f'{target:.2f}' + (' MISSED' if missed else ' met')) if target else '':>6}"
        )
    rss = "".join(f"{max(rows[str(s)]['worker_rss_mb'] or [0]):>22.0f} MB   " for s in sizes)
    print(f"{'largest worker RSS':26}{rss}")
    ledger = figures.get("ledger") or {}
    if "import" in ledger:
        i = ledger["import"]
        print(
            f"\nledger import: {i['rows']:,} rows in {i['import_s']:.2f} s = {i['rows_per_s']:,.0f} rows/s "
            f"({i['rows_per_s'] / 20000:.2f} of the 20,000 rows/s target); dry run {i['rows'] / i['dry_run_s']:,.0f} rows/s; "
            f"reading the workbook {i['read_s']:.2f} s, checks {i['check_s']:.2f} s"
        )
    if "export" in ledger:
        e = ledger["export"]
        print(
            f"ledger export: {e['units']:,} units ({e['rows']:,} rows) in {e['seconds']:.1f} s = "
            f"{e['rows'] / e['seconds']:,.0f} rows/s (target < 30 s), peak RSS {e['peak_rss_mb']:.0f} MB (target < 250)"
        )


if __name__ == "__main__":
    sys.exit(main())
