#!/usr/bin/env python
"""`make bench`: the platform at 1,000, 10,000 and 100,000 units against the framework's own limit.

For each size, on SQLite (a file, WAL, as deployed):
1. a throw-away database (migrated once, copied), filled by `manage.py generate_scale --units N`;
2. gunicorn (config.wsgi, sync workers, DEBUG off) on a free port of 127.0.0.1, beside a bare Django
   "hello" (benchmarks/hello.py) served the same way, started once for the whole run;
3. each page hammered for --seconds by --concurrency clients (new connection per request, as sync
   workers answer): requests/s, p50, p99, status codes; hello measured again right before each size, so
   every ratio (page ÷ hello) is of the same moment of this shared machine.
Then the ledger benchmarks (benchmarks/test_ledger_bench.py: the import of a 10,000-unit workbook, the
export of 100,000 units in a process of its own with its peak memory), unless --no-ledger.

It prints one table (rates, ratios to hello, growth from the smallest to the largest size) and writes
the raw figures to var/bench/bench-sqlite.json. Traffic goes to 127.0.0.1 only; each measurement stops
by itself after --seconds (a request in flight is awaited, up to the server's timeout).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=4.0, help="per page and size (at most 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (both servers)")
    parser.add_argument("--concurrency", type=int, default=2, help="concurrent clients")
    parser.add_argument("--no-ledger", action="store_true", help="skip the import and export benchmarks")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not 0 < args.seconds <= 60:
        parser.error("--seconds is between 0 and 60")
    sizes = [int(s) for s in args.sizes.split(",")]

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
    figures: dict[str, Any] = {
        "sizes": {},
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
    }
    hello: Server | None = None
    server: Server | None = None
    try:
        template = root / "template"
        template.mkdir()
        env = {**base_env, "JINGUO_VAR_DIR": str(template)}
        t0 = time.monotonic()
        run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        print(f"migrated in {time.monotonic() - t0:.0f} s", flush=True)
        hello = Server("benchmarks.hello:application", base_env, args.workers, root / "hello.log")
        hello.wait("/")
        for size in sizes:
            var = root / f"units-{size}"
            shutil.copytree(template, var)
            env = {**base_env, "JINGUO_VAR_DIR": str(var)}
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
            info = json.loads(
                run([py, "manage.py", "shell", "-c", SETUP_SCRIPT], env).strip().splitlines()[-1]
            )
            print(f"\n{size:,} units generated in {generated:.1f} s", flush=True)
            server = Server("config.wsgi:application", env, args.workers, var / "server.log")
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
            row["worker_rss_mb"] = server.worker_rss_mb()
            row["locked"] = server.log.read_text(errors="replace").count("database is locked")
            server.stop()
            server = None
            figures["sizes"][str(size)] = row
            if not args.keep:
                shutil.rmtree(var, ignore_errors=True)
        hello.stop()
        hello = None
        if not args.no_ledger:
            figures["ledger"] = ledger(root, base_env)
    finally:
        for s in (server, hello):
            if s is not None:
                s.stop()
    out_dir = REPO / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench-sqlite.json").write_text(json.dumps(figures, indent=2))
    table(figures, sizes)
    if args.keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


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
