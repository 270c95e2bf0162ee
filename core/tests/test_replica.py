"""core.replica: reads on the replica alias only when one is configured; the live tests run with one.

Settings are read once per process, so the tests with a replica alias run in a pytest of their own:
- under the primary's own name (TEST MIRROR on the same server), on either engine: which alias each
  statement goes to;
- in the PostgreSQL pass, on a real streaming replica that scripts/pg-replica.sh builds from the primary
  with pg_basebackup and starts on another port for the length of the test, then removes.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from core.replica import ReplicaRouter, reads_from, replica_reads

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-replica.sh"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def test_without_a_replica_everything_reads_the_primary():
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert reads_from() == "default"
    assert ReplicaRouter().allow_migrate("replica", "orgs") is False
    assert ReplicaRouter().allow_migrate("default", "orgs") is True


def _pytest(files: list[str], replica_url: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_REPLICA_URL": replica_url}
    # A fresh process: its own files and its own test database (not this worker's).
    for name in ("JINGUO_VAR_DIR", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    if urlsplit(env.get("DATABASE_URL", "")).scheme in POSTGRES_SCHEMES:
        env["JINGUO_TEST_DB_NAME"] = f"test_replica_{os.getpid()}"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-rs", "-p", "no:cacheprovider", *files],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.mark.slow
def test_with_a_replica_alias_pages_read_it_and_writes_stay_on_the_primary():
    # The replica alias mirrors the test database (TEST MIRROR), so the live tests see one database under
    # two aliases and check which alias each statement went to.
    done = _pytest(["core/tests/test_replica_live.py"], os.environ.get("DATABASE_URL") or "sqlite:///:memory:")
    assert done.returncode == 0 and " passed" in done.stdout and "skipped" not in done.stdout, (
        done.stdout[-4000:] + done.stderr[-2000:]
    )


@pytest.mark.slow
def test_on_a_streaming_replica_reads_replay_there_and_own_writes_read_the_primary():
    url = os.environ.get("DATABASE_URL", "")
    primary = urlsplit(url)
    if primary.scheme not in POSTGRES_SCHEMES:
        pytest.skip("this pass runs on SQLite: the streaming-replica test runs in the PostgreSQL pass "
                    "(make test-postgres, or DATABASE_URL=postgres://…)")
    env = {
        **os.environ, "PGHOST": primary.hostname or "127.0.0.1", "PGPORT": str(primary.port or 5432),
        "PGUSER": primary.username or "postgres",
    }
    if primary.password:
        env["PGPASSWORD"] = primary.password
    started = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=300)
    if started.returncode == 3:  # no server binaries here (a remote primary), or no primary
        pytest.skip(f"PostgreSQL is absent here, no streaming replica could be built: {started.stderr.strip()}")
    assert started.returncode == 0, started.stderr
    printed = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    try:
        replica = urlsplit(printed["DATABASE_REPLICA_URL"])
        userinfo = primary.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{replica.hostname}:{replica.port}" if userinfo else f"{replica.hostname}:{replica.port}"
        done = _pytest(
            ["core/tests/test_replica_live.py", "core/tests/test_replica_streaming.py"],
            urlunsplit(primary._replace(netloc=netloc)),
        )
    finally:
        subprocess.run([str(SCRIPT), "stop", printed.get("JINGUO_REPLICA_DIR", "")], env=env, timeout=120)
    assert done.returncode == 0 and " passed" in done.stdout and "skipped" not in done.stdout, (
        started.stderr + done.stdout[-6000:] + done.stderr[-2000:]
    )
