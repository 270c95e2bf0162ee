"""How the JSON API knows its caller: a bearer token issued by POST /api/v1/auth/token (accounts.api)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import ApiToken
from core.api import MSG_UNAUTHORIZED


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__person")
            .filter(key_hash=ApiToken.hash(token), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


def docs_require_login(view: Callable[..., Any]) -> Callable[..., Any]:
    """The OpenAPI schema and docs are for logged-in users or token holders, like everything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not token or BearerToken().authenticate(request, token) is None:
                return JsonResponse({"message": MSG_UNAUTHORIZED}, status=401, json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)

    return wrapper
