"""Running manage.py in a subprocess against a throw-away file database (JINGUO_VAR_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def manage(var_dir: Path | str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` with its own SQLite database and key ring under `var_dir`."""
    env: dict[str, Any] = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "JINGUO_KEYS", "JINGUO_KEYS_FILE", "JINGUO_TEST_DB_NAME")
    }
    env |= {"JINGUO_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc
