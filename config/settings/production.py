"""Production: secrets and hosts from the environment, HTTPS only, DEBUG off."""

import os

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403

DEBUG = False

try:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = [h.strip() for h in os.environ["DJANGO_ALLOWED_HOSTS"].split(",") if h.strip()]
except KeyError as missing:
    raise ImproperlyConfigured(f"Set the environment variable {missing.args[0]} for production.") from None

# Keys for personal information (core.crypto): never generated here, required to start.
JINGUO_KEYS_AUTOCREATE = False
if not os.environ.get("JINGUO_KEYS") and not JINGUO_KEYS_FILE.exists():  # noqa: F405
    raise ImproperlyConfigured(
        f"Set JINGUO_KEYS or provide the key file {JINGUO_KEYS_FILE} (manage.py generate_keys) for production."  # noqa: F405
    )

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Pages name only the hashed files ({% static %} through the manifest): the unhashed copies are not kept,
# and source maps (read by developer tools only) are not compressed. collectstatic takes seconds, not a minute.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Mail leaves through the intranet's SMTP relay.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
            "use_tls": os.environ.get("DJANGO_EMAIL_USE_TLS", "0") == "1",
        },
    },
}
