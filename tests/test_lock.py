"""Installs are reproducible: every dependency of pyproject.toml is pinned, with hashes, in requirements.lock."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def names(requirements):
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"]) | names(project["optional-dependencies"]["dev"])
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==\S+ \\\n\s+--hash=sha256:", lock, re.M)
    }
    missing = sorted(wanted - pinned)
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    # Nothing is installed unpinned: every requirement line carries its version and at least one hash.
    lines = [line for line in lock.splitlines() if line and not line.startswith((" ", "#"))]
    assert all("==" in line for line in lines), [line for line in lines if "==" not in line]
