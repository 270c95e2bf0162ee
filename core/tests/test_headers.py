"""Security headers: the nonce CSP on every HTML page, CSRF enforced, HSTS and secure cookies in production."""

import importlib
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("anonymous", "accounts:login"),
    ("staff", "home"),
    ("staff", "orgs:unit-list"),
    ("staff", "accounts:profile"),
    ("staff", "notifications"),
    ("auditor", "audit-log"),
    ("sysadmin", "accounts:user-list"),
    ("secadmin", "accounts:role-list"),
    ("secadmin", "accounts:password-policy"),
]


def directives(header):
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize(("persona", "url_name"), PAGES)
def test_html_pages_carry_a_nonce_csp(client_as, world, persona, url_name):
    client = Client() if persona == "anonymous" else client_as(world.users[persona])
    res = client.get(reverse(url_name), follow=True)
    assert res.status_code == 200
    assert res["Content-Type"].startswith("text/html")
    csp = directives(res["Content-Security-Policy"])
    nonce = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert nonce, csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert res["X-Frame-Options"] == "DENY"
    assert res["X-Content-Type-Options"] == "nosniff"
    # every executable <script> of the page loads from our origin or carries the nonce (JSON data blocks
    # of json_script are not executed)
    html = res.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce[0][7:-1]}"' in tag or 'type="application/json"' in tag, tag


def test_login_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    res = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert res.status_code == 403


def test_login_with_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    res = client.post(
        reverse("accounts:login"),
        {"username": "staff", "password": "Test-Passw0rd-2026!", "csrfmiddlewaretoken": token},
    )
    assert res.status_code == 302


def test_session_and_password_settings_hold():
    """What `check --deploy` does not look at."""
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    # Renewed by the person's own requests, at most once a minute (core.sessions), not saved on each.
    assert not settings.SESSION_SAVE_EVERY_REQUEST and 0 < settings.SESSION_RENEW_INTERVAL <= 60
    assert settings.SESSION_ABSOLUTE_LIFETIME <= 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 4
    names = {v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "accounts.validators.ComplexityValidator",
        "accounts.validators.CommonPasswordValidator",
        "accounts.validators.PasswordHistoryValidator",
    } <= names
    assert settings.AXES_FAILURE_LIMIT == 5 and float(settings.AXES_COOLOFF_TIME) == 0.5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.SECURE_CSP  # Django sends no CSP when it is empty


def production_keys():
    import json

    from core.crypto import KeyRing

    return json.dumps(KeyRing.generate().to_json())


def test_production_settings_are_https_only(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "jinguo.example.gov.cn")
    monkeypatch.setenv("JINGUO_KEYS", production_keys())
    import config.settings.production as production

    production = importlib.reload(production)
    assert production.DEBUG is False
    assert production.SECURE_HSTS_SECONDS >= 31536000 and production.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_SSL_REDIRECT
    assert production.ALLOWED_HOSTS == ["jinguo.example.gov.cn"]
    assert production.SESSION_COOKIE_AGE <= 1800 and production.AUTH_PASSWORD_VALIDATORS


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "jinguo.example.gov.cn")
    monkeypatch.setenv("JINGUO_KEYS", production_keys())
    import config.settings.production as production

    with pytest.raises(ImproperlyConfigured):
        importlib.reload(production)


def test_sqlite_keeps_its_connections():
    """A new SQLite connection parses the schema, runs its PRAGMAs and checkpoints the WAL when it closes:
    about 4 ms of a 5 ms request. The settings keep it (config.settings.base) with WAL and a busy timeout."""
    from config.settings import base

    db = base.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the settings under test use PostgreSQL")
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"]
    assert db["OPTIONS"]["timeout"] >= 5 and "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
