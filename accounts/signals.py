"""Log-in, log-out and failed log-in go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import audit
from core.middleware import client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and not request.path.startswith("/api/"):
        import time

        request.session["jinguo_login_at"] = time.time()
        audit.record("login", obj=user, actor=user, ip=client_ip(request), detail="web")


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("logout", obj=user, actor=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if request is not None and request.path.startswith("/api/"):
        return  # accounts.services.api_login records these itself
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        "login_failed", object_type="accounts.user", object_repr=username, result="failure", actor=username,
        ip=client_ip(request) if request else None, detail="web",
    )
