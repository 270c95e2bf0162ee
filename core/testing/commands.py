"""Running manage.py in a subprocess against a throw-away file database (JINGUO_VAR_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def manage(
    var_dir: Path | str,
    *args: str,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` with its own SQLite database and key ring under `var_dir`.

    `env` replaces the environment (the test settings by default), e.g. a served instance's
    (core.testing.served.server_env); JINGUO_VAR_DIR is `var_dir` in any case.
    """
    if env is None:
        run_env: dict[str, Any] = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "JINGUO_KEYS", "JINGUO_KEYS_FILE", "JINGUO_TEST_DB_NAME")
            # Not a pytest-xdist worker itself: config.settings.test would move it into a worker's subdirectory.
            and not k.startswith("PYTEST_XDIST_")
        }
        run_env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    else:
        run_env = dict(env)
    run_env["JINGUO_VAR_DIR"] = str(var_dir)
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=run_env, input=stdin, capture_output=True, text=True,
        timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
    return proc
