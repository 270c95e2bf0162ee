"""The JSON API's shared parts: bearer-token auth, scoped endpoints, JSON errors, pagination."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from core import audit
from core.middleware import client_ip
from core.roles import BUSINESS_ROLES
from core.scoping import scope_for

MSG_NOT_FOUND = "未找到该对象，或您无权查看。"
MSG_FORBIDDEN = "您无权执行此操作。"
MSG_UNAUTHORIZED = "未登录或令牌无效，请先获取令牌。"
MSG_INVALID = "请求参数有误。"
MSG_SERVER_ERROR = "服务器内部错误，请稍后再试。"


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


def docs_require_login(view: Callable[..., Any]) -> Callable[..., Any]:
    """The OpenAPI schema and docs are for logged-in users or token holders, like everything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        from django.http import JsonResponse

        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not token or BearerToken().authenticate(request, token) is None:
                return JsonResponse({"message": MSG_UNAUTHORIZED}, status=401, json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)

    return wrapper


class ErrorOut(Schema):
    message: str
    detail: Any = None


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user", "user__person")
            .filter(key_hash=ApiToken.hash(token), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


def scoped_endpoint(
    *, roles: Iterable[str] = BUSINESS_ROLES, model: type[models.Model] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks and guards an API operation: callers without one of `roles` get 403.

    The operation itself fetches its objects through `visible_to` / `changeable_by`; `model` tells the
    URL-walking test which model a `{id}` path parameter names.
    """
    allowed = frozenset(roles)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            scope = scope_for(request.user)
            if not (scope.is_superuser or scope.roles & allowed):
                raise PermissionDenied
            with audit.acting_as(request.user, ip=client_ip(request), source="api"):
                return func(request, *args, **kwargs)

        wrapper.jinguo_scoping = "roles"  # type: ignore[attr-defined]
        wrapper.jinguo_model = model  # type: ignore[attr-defined]
        wrapper.jinguo_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public_endpoint(func: Callable[..., Any]) -> Callable[..., Any]:
    func.jinguo_scoping = "public"  # type: ignore[attr-defined]
    return func


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error is JSON with a Chinese message; never an HTML page or a bare 500."""

    def respond(request: HttpRequest, status: int, message: str, detail: Any = None) -> HttpResponse:
        return api.create_response(request, {"message": message, "detail": detail}, status=status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, MSG_NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403, MSG_FORBIDDEN)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 401, MSG_UNAUTHORIZED)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, MSG_INVALID, jsonable_errors(exc.errors))

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, "；".join(str(m) for m in exc.messages))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, str(exc.message))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        import logging

        logging.getLogger("jinguo").exception("API error", exc_info=exc)
        return respond(request, 500, MSG_SERVER_ERROR)


def jsonable_errors(errors: Any) -> Any:
    return audit.jsonable(
        [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} if isinstance(e, dict) else e for e in errors]
    )
