"""The JSON API's shared parts: scoped endpoints, JSON errors, pagination (authentication is the
accounts app's: accounts.api_auth)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from core import audit
from core.middleware import client_ip
from core.roles import BUSINESS_ROLES
from core.scoping import get_permitted_or_403, scope_for

MSG_NOT_FOUND = "未找到该对象，或您无权查看。"
MSG_FORBIDDEN = "您无权执行此操作。"
MSG_UNAUTHORIZED = "未登录或令牌无效，请先获取令牌。"
MSG_INVALID = "请求参数有误。"
MSG_SERVER_ERROR = "服务器内部错误，请稍后再试。"


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


class ErrorOut(Schema):
    message: str
    detail: Any = None


def scoped_endpoint(
    *, roles: Iterable[str] = BUSINESS_ROLES, model: type[models.Model] | None = None, action: str = "view"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks and guards an API operation: callers without one of `roles` get 403.

    The operation fetches its objects through `model.objects.permitted(user, action)` (see
    `get_object`); `model` and `action` tell the URL-walking test which model a `{id}` path parameter
    names and what the operation does to it.
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
        wrapper.jinguo_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def get_object[M: models.Model](request: HttpRequest, model: type[M], pk: Any, action: str = "view") -> M:
    """The object `pk` if the caller may do `action` to it: 404 when it is not even visible, else 403."""
    return get_permitted_or_403(model, request.user, action, pk=pk)


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
