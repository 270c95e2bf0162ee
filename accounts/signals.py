"""Log-in, log-out, failed log-in and lock-outs go to the audit log, with the source address."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import audit
from core.middleware import client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and not request.path.startswith("/api/"):
        import time

        from core.sessions import RENEWED_AT

        now = time.time()
        request.session["jinguo_login_at"] = now
        # The log-in saves the session: it counts as its first renewal (core.sessions).
        request.session[RENEWED_AT] = now
        audit.record("login", obj=user, actor=user, ip=client_ip(request), detail="web")


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("logout", obj=user, actor=user, ip=client_ip(request) if request else None)
        # Logging out ends the account's API tokens too (SECURITY.md, "API tokens").
        from accounts.models import ApiToken
        from accounts.services import token_revoke

        token_revoke(user=user, tokens=ApiToken.objects.all(), acting_user=user, detail="web log-out")


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if request is not None and request.path.startswith("/api/"):
        return  # accounts.services.api_login records these itself
    username = str(credentials.get("username", ""))[:150]
    reason = str(credentials.get("jinguo_reason", "password"))
    locked = bool(getattr(request, "axes_locked_out", False))
    audit.record(
        "login_failed", object_type="accounts.user", object_repr=username, result="locked" if locked else "failure",
        actor=username, ip=client_ip(request) if request else None, detail=f"web: {reason}",
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None,
                  **kwargs: Any) -> None:
    # django-axes sends this when the limit is reached, and again for each attempt during the lock-out;
    # only the first carries the failure count.
    if request is not None and getattr(request, "axes_failures_since_start", None) is None:
        return
    source = "api" if request is not None and request.path.startswith("/api/") else "web"
    audit.record(
        "account_locked", object_type="accounts.user", object_repr=str(username or "")[:150], result="locked",
        actor=str(username or ""), ip=(client_ip(request) if request is not None else None) or ip_address,
        detail=f"{source}: {getattr(request, 'axes_failures_since_start', '')} failures, locked for 30 minutes",
    )
