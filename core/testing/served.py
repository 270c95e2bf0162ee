"""A real instance for end-to-end tests: gunicorn on a free loopback port with given settings.

    env = production_env(tmp_path)                  # or server_env(tmp_path) for the base settings
    manage(tmp_path, "migrate", "--noinput", env=env)
    with serve(env, tmp_path / "server.log", https=True) as server:
        browser = Browser(server.base, headers=HTTPS_HEADERS)
        browser.log_in("staff", PASSWORD)

`serve` waits for /healthz and stops the whole process group afterwards (`kill()` SIGKILLs it
mid-stream, for crash tests). `Browser` keeps its own cookies, so that the Secure cookies of the
production settings still travel over plain loopback HTTP behind the simulated proxy header.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from core.testing.commands import ROOT

# What the reverse proxy adds in production: config.settings.production trusts it
# (SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")).
HTTPS_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(
    var_dir: Path | str, *, settings: str = "config.settings.base", database_url: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of a server process: this one's, without any Django or Jinguo setting of the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JINGUO_"))}
    env.update(DJANGO_SETTINGS_MODULE=settings, DJANGO_DEBUG="0", JINGUO_VAR_DIR=str(var_dir),
               PYTHONDONTWRITEBYTECODE="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def production_env(var_dir: Path | str, *, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """config.settings.production with what a deployment provides: a secret key, the hosts, a key ring."""
    import secrets

    from core.crypto import KeyRing

    return server_env(
        var_dir, settings="config.settings.production", database_url=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        JINGUO_KEYS=json.dumps(KeyRing.generate().to_json()), **extra,
    )


class Served:
    """A running gunicorn: `base` URL, its log, and how to end it."""

    def __init__(self, proc: subprocess.Popen[bytes], base: str, log_path: Path, log: Any) -> None:
        self.proc, self.base, self.log_path, self._log = proc, base, log_path, log

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers), as a power cut would."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    env: Mapping[str, str], log_path: Path | str, *, workers: int = 2, threads: int = 2, https: bool = False,
    wait: float = 60,
) -> Served:
    """Start gunicorn (config.wsgi) on a free loopback port and wait until /healthz answers 200.

    `https=True` sends the proxy's HTTPS header with the health check (production redirects plain HTTP).
    """
    import urllib.error
    import urllib.request

    port = free_port()
    log_path = Path(log_path)
    log = open(log_path, "wb")  # closed by Served
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "30", "--graceful-timeout", "1"],
        cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    served = Served(proc, f"http://127.0.0.1:{port}", log_path, log)
    request = urllib.request.Request(f"{served.base}/healthz", headers=HTTPS_HEADERS if https else {})
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            raise AssertionError(f"the server exited: {log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return served
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    served.kill()
    raise AssertionError(f"the server did not answer /healthz within {wait:.0f} s:\n{served.log()[-3000:]}")


@contextmanager
def serve(env: Mapping[str, str], log_path: Path | str, **options: Any) -> Iterator[Served]:
    """`start(...)` as a context manager that stops the server at the end."""
    served = start(env, log_path, **options)
    try:
        yield served
    finally:
        served.stop()


# ------------------------------------------------------------------------------------------ browsing
class FormFields(HTMLParser):
    """The named fields of each form with method=post: a list of {name: value}."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.fields = {}
            self.forms.append(self.fields)
        if self.fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea and self.fields is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.fields = None


def form_fields(html: str, having: str) -> dict[str, str]:
    """The fields of the page's POST form that has a field named `having`."""
    parser = FormFields()
    parser.feed(html)
    for fields in parser.forms:
        if having in fields:
            return fields
    raise AssertionError(f"no POST form with a field {having!r} on the page: {[sorted(f) for f in parser.forms]}")


class Browser:
    """An HTTP client for a served instance: its own cookie jar (Secure cookies included), default headers,
    and the Origin a browser sends with a POST, so that the CSRF check sees a same-origin request."""

    def __init__(self, base: str, *, headers: Mapping[str, str] | None = None) -> None:
        import requests

        self.base = base
        self.https = (headers or {}).get("X-Forwarded-Proto") == "https"
        self.session = requests.Session()
        self.session.headers.update(headers or {})
        self.cookies: dict[str, str] = {}
        self.last_set_cookies: list[str] = []

    @property
    def origin(self) -> str:
        return ("https://" if self.https else "http://") + self.base.split("://", 1)[1]

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", self.origin + path)
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        # A plain dict is sent as it is: requests' jar would hold Secure cookies back over http://.
        response = self.session.request(method, self.base + path, headers=headers, cookies=dict(self.cookies),
                                        **kwargs)
        self.session.cookies.clear()
        self.last_set_cookies = response.raw.headers.getlist("Set-Cookie")
        for header in self.last_set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:  # Django deletes a cookie with an empty value and max-age=0
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.request("POST", path, data=data, **kwargs)

    def submit(self, path: str, having: str, values: Mapping[str, str]) -> Any:
        """GET the page, fill its POST form that has the field `having` with `values`, POST it back."""
        page = self.get(path)
        assert page.status_code == 200, f"GET {path}: {page.status_code}"
        fields = form_fields(page.text, having)
        fields.update(values)
        return self.post(path, fields)

    def log_in(self, username: str, password: str, otp: str = "") -> Any:
        answer = self.submit("/accounts/login/", "username",
                             {"username": username, "password": password, "otp_token": otp})
        assert answer.status_code == 302, f"log-in of {username} failed: {answer.status_code}"
        return answer
