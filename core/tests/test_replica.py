"""core.replica: reads on the replica alias only when one is configured; the live tests run with one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.replica import ReplicaRouter, reads_from, replica_reads


def test_without_a_replica_everything_reads_the_primary():
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert reads_from() == "default"
    assert ReplicaRouter().allow_migrate("replica", "orgs") is False
    assert ReplicaRouter().allow_migrate("default", "orgs") is True


@pytest.mark.slow
def test_with_a_replica_alias_pages_read_it_and_writes_stay_on_the_primary():
    # The replica alias mirrors the test database (TEST MIRROR), so the live tests see one database under
    # two aliases and check which alias each statement went to.
    env = {**os.environ, "DATABASE_REPLICA_URL": os.environ.get("DATABASE_URL") or "sqlite:///:memory:"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "core/tests/test_replica_live.py"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and " passed" in done.stdout and "skipped" not in done.stdout, (
        done.stdout[-4000:] + done.stderr[-2000:]
    )
