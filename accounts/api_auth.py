"""How the JSON API knows its caller: a bearer token issued by POST /api/v1/auth/token (accounts.api)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from ninja.security import HttpBearer

from core.api import MSG_UNAUTHORIZED
from core.scoping import scope_for


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /api/v1/auth/token (its rules:
    accounts.services.token_authenticate).

    With `roles` (set per operation by core.api.JinguoAPI from its scoped_endpoint), a caller holding none
    of them is refused right after authentication (403), before the operation reads its parameters.
    """

    roles: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        if user and self.roles is not None:
            scope = scope_for(user)
            if not (scope.is_superuser or scope.roles & self.roles):
                raise PermissionDenied
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from accounts.services import token_authenticate

        user = token_authenticate(request, token)
        if user is None:
            return None
        request.user = user
        return user


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
