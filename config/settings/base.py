"""Settings shared by every environment. SQLite (WAL) by default; DATABASE_URL selects PostgreSQL."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JINGUO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves Swagger UI from its own static files (no CDN).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "core",
    "orgs",
    "accounts",
    "committees",
    "lectures",
    "duties",
    "assessment",
    "documents",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, except that polling requests do not renew the idle timeout (core.sessions).
    "core.sessions.SessionMiddleware",
    # Chinese unless the user chose English in the user menu (the browser's language is not followed).
    "core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    # no-store, private on every answer to a logged-in user.
    "core.middleware.PrivateResponsesMiddleware",
    "core.middleware.ApiRequestGuardMiddleware",
    # Second factor for the roles that need it, then forced / expired password change.
    "accounts.middleware.LoginPolicyMiddleware",
    # The last use of an API token that served a request.
    "accounts.middleware.ApiTokenUseMiddleware",
    # Last, so that a locked-out login attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# The JSON API (a NinjaAPI instance), for the tools that walk every operation (core.testing.urlwalk).
JINGUO_API = "config.api.api"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "jinguo.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL keeps readers fast while one writer works; IMMEDIATE takes the write lock at BEGIN so that
    # read-then-write transactions queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Persistent connections (CONN_MAX_AGE from dj_database_url above, health-checked at each request).
    # A new SQLite connection is not free: it parses the whole schema on its first statement, runs the
    # PRAGMAs above, and closing the last connection to a WAL database checkpoints and deletes the WAL
    # file; that was about 4 ms of a 5 ms /healthz. Keeping the connection is safe here: Django runs in
    # autocommit, so no read transaction (no WAL snapshot) outlives a request and every request sees the
    # latest commit; each worker process and thread has its own connection; writers still queue on the
    # busy timeout ("timeout") with BEGIN IMMEDIATE; a schema change is noticed by SQLite's schema
    # cookie; a restore (core.backup) copies into the same file through the backup API after
    # close_all(), so no connection keeps reading a replaced file.
if os.environ.get("JINGUO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JINGUO_TEST_DB_NAME"]}
# Reads of pages and the API on a streaming replica, writes on the primary (core.replica).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**dj_database_url.config(env="DATABASE_REPLICA_URL", conn_max_age=600,
                                                     conn_health_checks=True), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("core.sessions.SessionMiddleware"), "core.replica.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, the session's user loaded with its roles (one statement per request fewer).
    "accounts.backends.ScopedModelBackend",
]

# Argon2id first (memory-hard, and about 2.5x cheaper in CPU here than PBKDF2 at Django's iteration
# count, which made a morning burst of log-ins queue); older hashes still verify and are upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12+ characters with 3 of 4 classes; not common; not one of the last 5 (accounts.validators).
    {"NAME": "accounts.validators.ComplexityValidator", "OPTIONS": {"min_length": 12, "min_classes": 3}},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    # Not mostly repeated or consecutive characters (Aaaaaaaaaaa1, Abcdefghijk1, Qwertyuiop12).
    {"NAME": "accounts.validators.PatternValidator", "OPTIONS": {"min_units": 8}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `make run` serves with DEBUG off (the branded error pages, as users see them): WhiteNoise then serves the
# static files straight from the apps' folders, no collectstatic needed. Production collects them.
WHITENOISE_USE_FINDERS = True

# Sessions: 30 minutes idle, 8 hours absolute (core.middleware). A person's own request renews the idle
# timeout, writing the session at most once a SESSION_RENEW_INTERVAL (core.sessions), not on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_INTERVAL = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# django-axes: 5 failures lock the username for 30 minutes, for the web log-in and the API alike.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The 30 minutes run from the lock: retries during it neither extend it (an attacker could otherwise keep
# a clerk locked out for good) nor count.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_ENABLE_ADMIN = False

# Scheduled jobs (reminders) run in huey with SQLite storage: no broker to install. `make run`
# starts the consumer beside the web server; production runs `manage.py run_huey` as its own worker.
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "jinguo",
    "filename": str(VAR_DIR / "huey.sqlite3"),
    "immediate": False,
    # An idle consumer looks for work every 0.1 s at first, backing off to once a second (huey's defaults
    # back off to 10 s, and a small import then sat at "排队中 0%" that long). One idle query a second on
    # the SQLite queue costs nothing.
    "consumer": {"workers": 1, "worker_type": "thread", "periodic": True, "initial_delay": 0.1, "backoff": 1.15,
                 "max_delay": 1.0},
}
# Background jobs (core.jobs): judged dead after this long without progress, or in the queue; their
# uploaded and produced files are deleted this many days after they finished.
JINGUO_JOB_STALE_SECONDS = 120
JINGUO_JOB_QUEUE_SECONDS = 600
JINGUO_JOB_FILE_RETENTION_DAYS = 7
# The ledger import reads at most this many data rows per workbook (all sheets together).
JINGUO_LEDGER_MAX_ROWS = 100_000

MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")},
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "jinguo@localhost")

# Keys for encrypted personal information live outside the database and outside SECRET_KEY.
JINGUO_KEYS_FILE = Path(os.environ.get("JINGUO_KEYS_FILE", VAR_DIR / "keys.json"))
# Development and tests generate a key file on first use; production refuses to start without keys.
JINGUO_KEYS_AUTOCREATE = True

# Uploads: small by default; the ledger import checks workbooks further (core.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
JINGUO_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "core.logfilters.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jinguo": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A 403 or 404 is one line; server errors keep their traceback.
        "django.request": {"filters": ["refusals_on_one_line"], "level": "WARNING", "propagate": True},
    },
}

# Lock-out counts per account: many clerks share one intranet NAT address, so locking by address
# would lock out whole agencies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
