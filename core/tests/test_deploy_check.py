"""`manage.py check --deploy` passes with the production settings (no warning at all)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings(tmp_path):
    import json

    from core.crypto import KeyRing

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "jinguo.example.gov.cn",
        "JINGUO_VAR_DIR": str(tmp_path),
        "JINGUO_KEYS": json.dumps(KeyRing.generate().to_json()),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright, never in deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2id_outside_tests():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    encoded = Argon2PasswordHasher().encode("Jinguo-Demo-2026!", "somesaltsomesalt")
    assert encoded.startswith("argon2$argon2id$")
