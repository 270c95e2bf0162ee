"""No POST without a CSRF token ever gets through, on any URL (issue 4, item 8).

Walks the whole URLconf, so new URLs are covered without touching this file:

* every HTML URL, POSTed by every persona (and anonymously) through `Client(enforce_csrf_checks=True)`
  without a CSRF token, is refused by the CSRF check (403) — or, for a CSRF-exempt view, refused
  anyway (405 and the like); never 2xx or 3xx;
* every /api/ URL ignores the session cookie: a logged-in browser's POST without a bearer token gets
  401 (or 405 where the path has no POST), and the API's operations, called with their own methods
  and the session cookie only, answer 401.

Personas that need a second factor get a verified TOTP device in their session, so that the log-in
policy's redirect (to the OTP page) does not stand in front of the CSRF check.
"""

import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import FieldError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.testing import PERSONA_ROLES
from core import confidential

CSRF_MARKER = "X-Test-Csrf-Failure"
_original_failure_view = django_settings.CSRF_FAILURE_VIEW


def csrf_failure_marker(request, reason=""):
    """The project's CSRF failure view, with a header telling the test who refused the request."""
    from django.urls import get_callable

    response = get_callable(_original_failure_view)(request, reason=reason)
    response[CSRF_MARKER] = reason or "1"
    return response


@pytest.fixture(autouse=True)
def marked_csrf_failures(settings):
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_failure_marker"


def walk(patterns=None, prefix=""):
    """(route, URLPattern) for every pattern, its route as the concatenated path pieces."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        piece = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + piece)
        elif isinstance(p, URLPattern):
            yield prefix + piece, p


CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>[^>]+)>[^)]*\)")


def value_for(name, conv, view, world):
    """A real object's pk where the view names its model, else a plain value of the converter's type."""
    if conv == "uuid":
        return str(uuid.UUID(int=1))
    if conv in ("str", "slug", "path") or (conv is None and name not in ("pk", "id")):
        return "x"
    model = getattr(getattr(view, "view_class", view), "model", None) or getattr(view, "jinguo_model", None)
    if model is not None and name in ("pk", "id"):
        obj = None
        for field in ("federation", "unit__federation"):
            try:
                obj = model._default_manager.filter(**{field: world.fed_a}).order_by("pk").first()
                break
            except FieldError:
                continue
        obj = obj or model._default_manager.order_by("pk").first()
        if obj is not None:
            return str(obj.pk)
    return "1"


def build_url(route, pattern, world):
    view = pattern.callback

    def sub(match):
        return value_for(match["name"], match["conv"], view, world)

    url = CONVERTER.sub(sub, route)
    url = REGEX_GROUP.sub(lambda m: value_for(m["name"], None, view, world), url)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url.lstrip("/")


def all_urls(world):
    urls = []
    for route, pattern in walk():
        # Building an object URL lists rows of confidential models too: as the system, with a reason.
        with confidential.system_scope("CSRF test: an example object for each URL"):
            url = build_url(route, pattern, world)
        try:
            match = resolve(url)
        except Exception:
            pytest.fail(f"test_csrf could not build a URL for the pattern {route!r} (got {url!r})")
        # The URL built for a pattern reaches that pattern, not an earlier one that happens to match it.
        assert match.route == route, (route, url, match.route)
        urls.append(url)
    assert len(urls) >= 5, urls
    return urls


def verified_client(user):
    """A CSRF-enforcing client logged in as `user`, past the second factor when the role needs one."""
    client = Client(enforce_csrf_checks=True)
    if user is None:
        return client
    client.force_login(user)
    try:
        from accounts.policy import requires_otp
    except ImportError:
        return client
    if requires_otp(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="csrf-test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.mark.parametrize("persona", ["anonymous", *PERSONA_ROLES])
def test_no_html_post_without_csrf_token_succeeds(world, persona):
    client = verified_client(None if persona == "anonymous" else getattr(world, persona))
    failures = []
    for url in all_urls(world):
        if url.startswith("/api/"):
            continue
        response = client.post(url, {"name": "csrf-probe", "version": 1})
        if response.status_code == 403 and response.has_header(CSRF_MARKER):
            continue
        if response.status_code in (403, 405):
            continue  # a CSRF-exempt view that refuses the request anyway
        failures.append(f"{url}: {response.status_code} {response.get('Location', '')}")
    assert not failures, f"POST without a CSRF token was not refused ({persona}):\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", ["staff", "liaison", "sysadmin"])
def test_api_ignores_the_session_cookie(world, persona):
    client = verified_client(getattr(world, persona))
    api_urls = [u for u in all_urls(world) if u.startswith("/api/")]
    assert api_urls
    failures = []
    for url in api_urls:
        response = client.post(url, {}, content_type="application/json")
        if url.rstrip("/").endswith("/auth/token"):
            # The log-in endpoint needs no token, but a session gives no token either.
            ok = response.status_code in (400, 401, 403, 422)
        else:
            # Operations answer 401 (or 405 without a POST); ninja's own pages (schema, docs, root)
            # are not CSRF-exempt and are refused by the CSRF check.
            ok = response.status_code in (401, 405) or (
                response.status_code == 403 and response.has_header(CSRF_MARKER)
            )
        if not ok:
            failures.append(f"POST {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_api_operations_refuse_session_only_callers(world, persona):
    from config.api import api

    client = verified_client(getattr(world, persona))
    checked = 0
    for path, methods in api.get_openapi_schema()["paths"].items():
        url = re.sub(r"\{[^}]+\}", str(world.unit_a1.pk), path)
        for method in methods:
            if method == "post" and path.endswith("/auth/token"):
                continue
            response = client.generic(method.upper(), url, b"{}", content_type="application/json")
            assert response.status_code == 401, (
                f"{method.upper()} {url} with a session only: {response.status_code}"
            )
            checked += 1
    assert checked >= 2


def test_post_with_a_csrf_token_works(world):
    """Control: the same client and form succeed with the token, so the 403s above are the CSRF check's."""
    client = verified_client(world.staff)
    url = f"/orgs/units/{world.unit_a1.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["csrf_token"]
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "name": "区教育局（改）",
            "kind": world.unit_a1.kind,
            "version": world.unit_a1.version,
            "csrfmiddlewaretoken": str(token),
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.name == "区教育局（改）"
    # And without the token the same POST is refused by the CSRF check.
    data.pop("csrfmiddlewaretoken")
    refused = client.post(url, {**data, "version": world.unit_a1.version})
    assert refused.status_code == 403 and refused.has_header(CSRF_MARKER)
