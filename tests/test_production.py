"""The production settings serve for real: collectstatic, gunicorn on loopback behind a simulated HTTPS proxy.

`check --deploy` passing says nothing about whether a page can be rendered: a manifest storage that
cannot collect the static files, or a page that needs a manifest entry, only shows when the settings
serve. So this starts config.settings.production as a deployment would (its own temp VAR_DIR, key ring
in the environment, `migrate`, `collectstatic`, gunicorn) and asks it for the log-in page, a page
behind the log-in, the static files, the 404 and 500 pages and the API, each with the header the
reverse proxy adds (X-Forwarded-Proto: https).
"""

import re
import sqlite3
from pathlib import Path

import pytest

from core.testing.commands import manage
from core.testing.served import HTTPS_HEADERS, Browser, production_env, serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Test-Passw0rd-2026!"
SETUP = """
from core.testing.world import build_world
w = build_world()
print("UNIT", w.unit_a1.pk)
"""


def test_static_files_name_no_missing_source_map():
    """A `sourceMappingURL` to a file that is not there makes the manifest storage's collectstatic fail."""
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in (".js", ".css") or not path.is_file():
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not (path.parent / name).exists():
                missing.append(f"{path.relative_to(ROOT)} -> {name}")
    assert missing == []


def test_the_proxy_header_is_the_one_production_trusts(monkeypatch):
    import importlib
    import json

    from core.crypto import KeyRing

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("JINGUO_KEYS", json.dumps(KeyRing.generate().to_json()))
    import config.settings.production as production

    production = importlib.reload(production)
    header, value = production.SECURE_PROXY_SSL_HEADER
    ((name, sent),) = HTTPS_HEADERS.items()
    assert header == "HTTP_" + name.upper().replace("-", "_") and value == sent


def test_production_settings_serve_pages_static_files_errors_and_the_api(tmp_path):
    env = production_env(tmp_path)
    manage(tmp_path, "migrate", "--noinput", "-v", "0", env=env)
    collected = manage(tmp_path, "collectstatic", "--noinput", "-v", "1", env=env).stdout
    assert "static files copied" in collected and (tmp_path / "staticfiles" / "staticfiles.json").exists()
    unit = re.search(r"UNIT (\d+)", manage(tmp_path, "shell", env=env, stdin=SETUP).stdout).group(1)

    with serve(env, tmp_path / "server.log", https=True) as server:
        # Plain HTTP is sent to HTTPS; behind the proxy's header the page is served.
        plain = Browser(server.base).get("/accounts/login/")
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

        browser = Browser(server.base, headers=HTTPS_HEADERS)
        login = browser.get("/accounts/login/")
        assert login.status_code == 200, server.log()[-3000:]
        assert "登录" in login.text
        assert "max-age=31536000" in login.headers["Strict-Transport-Security"]
        assert "nonce-" in login.headers["Content-Security-Policy"]
        # The page names the hashed files of the manifest, and WhiteNoise serves them for a year.
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', login.text)
        assert css, "the log-in page does not link the hashed Bootstrap stylesheet"
        static = browser.get(css.group(1))
        assert static.status_code == 200 and "max-age=315360000" in static.headers["Cache-Control"]

        assert browser.get("/no-such-page/").status_code == 404
        browser.log_in("staff", PASSWORD)
        cookie_flags = [h for h in browser.last_set_cookies if h.startswith("sessionid=")]
        assert cookie_flags and all("Secure" in h and "HttpOnly" in h for h in cookie_flags)
        home = browser.get("/orgs/units/")
        assert home.status_code == 200 and "区教育局" in home.text
        missing = browser.get("/orgs/units/999999/")
        assert missing.status_code == 404 and "页面不存在" in missing.text

        token = browser.post("/api/v1/auth/token", json={"username": "staff", "password": PASSWORD})
        assert token.status_code == 200, token.text
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}
        units = browser.get("/api/v1/units", headers=bearer)
        assert units.status_code == 200 and units.headers["Content-Type"].startswith("application/json")
        assert {u["name"] for u in units.json()["items"]} == {"区教育局", "区财政局"}
        assert browser.get(f"/api/v1/units/{unit}", headers=bearer).json()["name"] == "区教育局"
        assert browser.get("/api/v1/units/999999", headers=bearer).status_code == 404
        assert browser.get("/api/v1/openapi.json", headers=bearer).status_code == 200
        docs = browser.get("/api/v1/docs")  # Swagger UI, from the hashed copies of ninja's static files
        assert docs.status_code == 200
        script = re.search(r'src="(/static/ninja/swagger-ui-bundle\.[0-9a-f]{12}\.js)"', docs.text)
        assert script and browser.get(script.group(1)).status_code == 200

        # A real server error: the unit table goes away under the running server.
        db = sqlite3.connect(tmp_path / "jinguo.sqlite3")
        db.execute("ALTER TABLE orgs_unit RENAME TO orgs_unit_away")
        db.commit()
        try:
            broken = browser.get("/orgs/units/")
            assert broken.status_code == 500 and "服务器" in broken.text, broken.text[:500]
            assert "/static/" in broken.text  # the error page itself found its static files
            api_broken = browser.get("/api/v1/units", headers=bearer)
            assert api_broken.status_code == 500 and api_broken.json()["message"]
        finally:
            db.execute("ALTER TABLE orgs_unit_away RENAME TO orgs_unit")
            db.commit()
            db.close()
        assert "Missing staticfiles manifest entry" not in server.log()
