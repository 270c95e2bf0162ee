#!/usr/bin/env python
"""`make loadtest`: the demo district under 50 concurrent users for 60 s, on this machine only.

1. Prepares a throw-away SQLite database in a temporary JINGUO_VAR_DIR: migrate, load_demo,
   collectstatic (static files served by WhiteNoise, as in production).
2. Starts gunicorn (config.wsgi, sync workers, DEBUG off) on a free port of 127.0.0.1.
3. Runs locust headless (scripts/locustfile.py): log-in, home/dashboard, unit list and search, unit
   detail, the API's unit list and detail with a bearer token.
4. Prints p50/p95/p99 per page and overall, the request count and rate, the 5xx count (from the
   server's access log) and the "database is locked" count (from the server's log); exits non-zero
   if there is any 5xx, lock error, server traceback or failed request.

Traffic goes to 127.0.0.1 only and stops by itself after --seconds (everything is killed at the end).
Options: --users 50 --spawn-rate 10 --seconds 60 --workers 3 --keep (keep the temporary directory).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this script ever sends traffic to


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str], timeout: int = 600) -> None:
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not answer /healthz in time")


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, round(p / 100 * (len(sorted_ms) - 1)))]


def summary(label: str, times: list, seconds: float) -> None:
    ms = sorted(t[2] for t in times)
    rate = len(ms) / seconds if seconds > 0 else float("nan")
    print(
        f"{label:44} n={len(ms):6}  {rate:6.1f}/s  p50 {percentile(ms, 50):6.0f}  p95 {percentile(ms, 95):6.0f}  "
        f"p99 {percentile(ms, 99):6.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    args = parser.parse_args()
    if args.seconds > 3600:
        parser.error("--seconds is at most 3600")

    var_dir = Path(tempfile.mkdtemp(prefix="jinguo-loadtest-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JINGUO_"))}
    env.update(
        # Production-like but over plain HTTP on loopback: the production settings' secure-only cookies
        # would not come back over http://, so the base settings run with DEBUG off.
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        JINGUO_VAR_DIR=str(var_dir),
        PYTHONDONTWRITEBYTECODE="1",
    )
    py = sys.executable
    server = None
    try:
        t0 = time.monotonic()
        print(f"Preparing the demo database in {var_dir} ...", flush=True)
        run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([py, "manage.py", "load_demo"], env)
        run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        print(f"  ready in {time.monotonic() - t0:.0f} s", flush=True)

        port = free_port()
        base = f"http://{HOST}:{port}"
        server_log = var_dir / "server.log"
        access_log = var_dir / "access.log"
        with open(server_log, "wb") as log:
            server = subprocess.Popen(
                [
                    py,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"{HOST}:{port}",
                    "--workers",
                    str(args.workers),
                    "--timeout",
                    "60",
                    "--access-logfile",
                    str(access_log),
                    "--access-logformat",
                    '%(s)s %(m)s "%(U)s" %(M)s',
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_healthy(base, server, server_log)
        print(
            f"gunicorn ({args.workers} workers) on {base}; locust: {args.users} users, "
            f"spawn rate {args.spawn_rate}/s, {args.seconds} s",
            flush=True,
        )

        prefix = var_dir / "locust"
        locust = subprocess.run(
            [
                py,
                "-m",
                "locust",
                "-f",
                str(REPO / "scripts" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                base,
                "--only-summary",
                "--csv",
                str(prefix),
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],
            cwd=REPO,
            env={**env, "DJANGO_SETTINGS_MODULE": "", "JINGUO_LOADTEST_TIMES": str(var_dir / "times.json")},
            capture_output=True,
            text=True,
            timeout=args.seconds + 180,
        )
        if locust.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
            print(locust.stdout[-3000:], locust.stderr[-3000:])
            return 2
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)

    rows = read_stats(prefix)
    print()
    print(f"{'page':34} {'requests':>9} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        if name == "ALL":
            print("-" * 80)
        print(
            f"{name[:34]:34} {row['Request Count']:>9} {row['Failure Count']:>5} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6} {float(row['Max Response Time']):>7.0f}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")

    times_file = var_dir / "times.json"
    if times_file.exists():
        recorded = json.loads(times_file.read_text())
        times, logged_in = recorded["times"], recorded["logged_in"]
        log_ins = ("/accounts/login/ [POST]", "/api/v1/auth/token")
        pages = [t for t in times if t[1] not in log_ins]
        print()
        summary("log-ins (form + token, Argon2id)", [t for t in times if t[1] in log_ins], args.seconds)
        summary("pages and API reads, whole run", pages, args.seconds)
        if logged_in and len(logged_in) >= args.users:
            settled = max(logged_in)
            steady = [t for t in pages if t[0] >= settled]
            end = max((t[0] for t in times), default=settled)
            summary(f"  … once all {len(logged_in)} users were logged in", steady, end - settled)

    statuses: dict[str, int] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        code = line.split(" ", 1)[0]
        statuses[code] = statuses.get(code, 0) + 1
    server_text = server_log.read_text(errors="replace")
    five_xx = sum(n for code, n in statuses.items() if code.startswith("5"))
    locked = len(re.findall(r"database is locked", server_text, flags=re.IGNORECASE))
    tracebacks = server_text.count("Traceback (most recent call last)")
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    print()
    print(
        f"requests: {requests} in {args.seconds} s = {float(total['Requests/s']):.0f} req/s "
        f"(p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms)"
    )
    print(f"server status codes: {dict(sorted(statuses.items()))}")
    print(
        f"5xx: {five_xx}   'database is locked': {locked}   tracebacks: {tracebacks}   "
        f"failed requests (locust): {failures}"
    )
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as f:
            for row in list(csv.DictReader(f))[:10]:
                print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")
    if args.keep:
        print(f"kept {var_dir}")
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
    ok = requests > 0 and five_xx == 0 and locked == 0 and tracebacks == 0 and failures == 0
    print("LOAD TEST PASSED" if ok else "LOAD TEST FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
