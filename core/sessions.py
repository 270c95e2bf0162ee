"""Sessions that only a person's own requests keep alive.

The idle timeout is the session's expiry (SESSION_COOKIE_AGE), pushed forward because every response
saves the session (SESSION_SAVE_EVERY_REQUEST). A page that polls (a job's progress, every second) would
then keep a session open for ever on an unattended screen. A view marks such a request `passive`; this
middleware (in place of Django's) then saves the session only if the request changed it, so the expiry
stays where the person's last own request left it, and after the idle time the poll is sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PASSIVE = "jinguo_passive_request"


def mark_passive(request: HttpRequest) -> None:
    """This request was made by the page, not by the person: it does not renew the session."""
    setattr(request, PASSIVE, True)


def passive(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorates a function view (or a class view's `get`) whose requests are polling."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        request = next(a for a in args if isinstance(a, HttpRequest))
        mark_passive(request)
        return view(*args, **kwargs)

    return wrapper


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a passive request saves the session only if it changed it."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if getattr(request, PASSIVE, False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
