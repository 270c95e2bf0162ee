"""Settings for the test suite: fast hashing, in-memory mail, immediate jobs."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("JINGUO_VAR_DIR", tempfile.mkdtemp(prefix="jinguo-test-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker inherits the controller's directory: files (keys, uploads, backups) of one
    # worker's tests must not meet another's.
    _worker_dir = Path(os.environ["JINGUO_VAR_DIR"]) / os.environ["PYTEST_XDIST_WORKER"]
    _worker_dir.mkdir(parents=True, exist_ok=True)
    os.environ["JINGUO_VAR_DIR"] = str(_worker_dir)

from .base import *  # noqa: F403
from .base import HUEY, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
HUEY = {**HUEY, "immediate": True}
JINGUO_KEYS_FILE = Path(VAR_DIR) / "keys.json"
(Path(VAR_DIR) / "staticfiles").mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A stand-in for a new module, attached through the registries only (tests/test_plugin_app.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
