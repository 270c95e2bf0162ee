"""Sessions that only a person's own requests keep alive, renewed without a write on every request.

The idle timeout is the session's expiry (SESSION_COOKIE_AGE, 30 minutes), pushed forward when the
session is saved. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) made every page view a write:
a transaction that takes SQLite's write lock, so that during a long import even read-only pages waited
for the lock. Instead, a person's own request renews the session only when its last save is at least
SESSION_RENEW_INTERVAL seconds old (its time is kept in the session, `jinguo_renewed_at`); any request
that changes the session saves it, as before. The session therefore ends SESSION_COOKIE_AGE after its
last renewal, which is at most SESSION_RENEW_INTERVAL before the person's last own request: an idle
session ends after 29 to 30 minutes (with the 60 s interval), never later than 30. The absolute lifetime
(8 hours from the log-in, core.middleware.AuditContextMiddleware) does not depend on renewals.

A page that polls (a job's progress, every second) would keep a session open for ever on an unattended
screen. A view marks such a request `passive`; it then saves the session only if it changed it, and never
renews it, so the expiry stays where the person's last own request left it, and after the idle time the
poll is sent to log in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from core.busy import try_write

PASSIVE = "jinguo_passive_request"
# When the session was last saved (time.time()); a session without it is renewed by the next own request.
RENEWED_AT = "jinguo_renewed_at"
DEFAULT_RENEW_INTERVAL = 60


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


def renew_interval() -> float:
    return float(getattr(settings, "SESSION_RENEW_INTERVAL", DEFAULT_RENEW_INTERVAL))


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware (with SESSION_SAVE_EVERY_REQUEST off), plus the renewal above: a
    person's own request saves an unchanged session once its last save is SESSION_RENEW_INTERVAL old."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return super().process_response(request, response)
        if getattr(request, PASSIVE, False) and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        # Only a session this request read (an authenticated page does, an API call by token does not)
        # and that exists (a key, some data: no row is created for an anonymous visitor).
        if session.accessed and session.session_key is not None and not session.is_empty():
            now = time.time()
            if session.modified:
                session[RENEWED_AT] = now
            else:
                renewed = session.get(RENEWED_AT)
                if not isinstance(renewed, int | float) or not 0 <= now - renewed < renew_interval():
                    session[RENEWED_AT] = now  # modified: Django's middleware saves it
                    return self._renew(request, response)
        return super().process_response(request, response)

    def _renew(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Saves a renewal unless another writer holds the database (core.busy): the next request
        renews it then, and a page that only reads never waits for someone else's write."""
        saved: list[HttpResponse] = []
        if try_write(lambda: saved.append(super(SessionMiddleware, self).process_response(request, response))):
            return saved[0]
        patch_vary_headers(response, ("Cookie",))
        return response
