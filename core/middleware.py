"""Request-wide context: the audit actor and source address, and the absolute session lifetime."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

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


MSG_NUL_IN_REQUEST = "请求中不能包含空字符（NUL）。"


class RejectNulInApiMiddleware:
    """A NUL character can be neither stored nor compared on PostgreSQL: the API refuses it up front.

    The web forms refuse it field by field (Django's ProhibitNullCharactersValidator); this is the one
    place for every API endpoint, query string and JSON body alike.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._has_nul(request):
            from django.http import JsonResponse

            return JsonResponse({"message": MSG_NUL_IN_REQUEST, "detail": None}, status=422,
                                json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        from urllib.parse import unquote

        if "\x00" in unquote(request.META.get("QUERY_STRING", "")) or "\x00" in request.path:
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False
