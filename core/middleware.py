"""Request-wide context: the audit actor and source address, and the absolute session lifetime."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from core import audit, confidential
from core.scoping import scope_for


def client_ip(request: HttpRequest) -> str | None:
    # Behind the production reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and getattr(settings, "USE_X_FORWARDED_FOR", False):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    """Attributes every write during the request to its user and address; ends stale sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("jinguo_login_at")
            now = time.time()
            if started is None:
                request.session["jinguo_login_at"] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                user = request.user
        source = "api" if request.path.startswith("/api/") else "web"
        # The request's scope is active for confidential models (core.confidential), resolved on first use
        # so that the API's bearer-token user, set later, is the one that counts.
        with audit.acting_as(user, ip=client_ip(request), source=source), confidential.activate(
            lambda: scope_for(request.user)
        ):
            return self.get_response(request)


def cache_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view whose answers may be cached although the user is logged in (PrivateResponsesMiddleware)."""
    from functools import wraps

    @wraps(view)
    def wrapper(*args: object, **kwargs: object) -> HttpResponse:
        response = view(*args, **kwargs)
        response.jinguo_cache_allowed = True  # type: ignore[attr-defined]
        return response

    return wrapper


class PrivateResponsesMiddleware:
    """Every answer to a logged-in user (a page, a fragment, an export, an API call) carries
    `Cache-Control: no-store, private`: personal data must not stay in the browser's cache of a shared
    office PC, nor in a proxy. A view opts out with `cache_allowed`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's bearer token sets it inside the view
        if user is not None and user.is_authenticated and not getattr(response, "jinguo_cache_allowed", False):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, no_store=True, private=True)
        return response


MSG_NUL_IN_REQUEST = _("请求中不能包含空字符（NUL）。")
MSG_BODY_TOO_LARGE = _("请求体过大（上限 {limit} MB）。")


class ApiRequestGuardMiddleware:
    """What every API request must be before any endpoint (or django-axes) reads it; the one place for all.

    * A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a JSON 413 (Django would answer an HTML 400).
    * A NUL character can be neither stored nor compared on PostgreSQL: refused in the query string,
      the path and the body alike with a JSON 422. (Web forms refuse it field by field, with Django's
      ProhibitNullCharactersValidator.)
    * The API reads JSON only, but a form body is parsed here once, so that a malformed one (a
      multipart body without a boundary) leaves request.POST empty instead of raising later in
      whatever touches it: django-axes reads it when it records a failed log-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        from django.core.exceptions import RequestDataTooBig
        from django.http import JsonResponse

        try:
            nul = self._has_nul(request)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            return JsonResponse({"message": MSG_BODY_TOO_LARGE.format(limit=limit), "detail": None}, status=413,
                                json_dumps_params={"ensure_ascii": False})
        # Refused with 422 by the operation once the caller is authenticated (core.api), so that an
        # anonymous request learns 401 first, whatever its body.
        request.jinguo_nul = nul  # type: ignore[attr-defined]
        self._parse_form_once(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        from urllib.parse import unquote

        if "\x00" in unquote(request.META.get("QUERY_STRING", "")) or "\x00" in request.path:
            return True
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False

    @staticmethod
    def _parse_form_once(request: HttpRequest) -> None:
        from django.core.exceptions import SuspiciousOperation
        from django.http.multipartparser import MultiPartParserError

        try:
            request.POST  # noqa: B018 - parses the form body, if any, once
        except (MultiPartParserError, SuspiciousOperation, ValueError):
            # Django leaves an empty QueryDict behind once parsing failed.
            from django.http import QueryDict
            from django.utils.datastructures import MultiValueDict

            request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
