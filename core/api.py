"""The JSON API's shared parts: scoped endpoints, JSON errors, pagination, JSON bodies, and the refusals
every operation declares in the OpenAPI schema (authentication is the accounts app's: accounts.api_auth)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from core import audit
from core.middleware import client_ip
from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES
from core.scoping import get_permitted_or_403, scope_for

MSG_NOT_FOUND = _("未找到该对象，或您无权查看。")
MSG_FORBIDDEN = _("您无权执行此操作。")
MSG_UNAUTHORIZED = _("未登录或令牌无效，请先获取令牌。")
MSG_INVALID = _("请求参数有误。")
MSG_SERVER_ERROR = _("服务器内部错误，请稍后再试。")
MSG_NUMBER_OUT_OF_RANGE = _("数值超出范围。")
MSG_CONFLICT = _("保存失败：这条记录已被其他人修改。请重新读取后再修改。")
MSG_JSON_ONLY = _("请求体须为 JSON：请使用 Content-Type: application/json，正文为 UTF-8 编码的 JSON 对象。")
MSG_BAD_JSON = _("请求体不是有效的 JSON：正文须为 UTF-8 编码的 JSON 对象。")
MSG_INVALID_AT = _("请求参数有误：{problems}。")

# Where a parameter is, and what is wrong with it, in the words of the API's Chinese messages.
PLACES = {"query": _("查询参数"), "path": _("路径参数"), "body": _("请求体字段"), "header": _("请求头"), "cookie": "Cookie"}
PROBLEMS = {
    "missing": _("为必填项"),
    "int_parsing": _("须为整数"),
    "int_type": _("须为整数"),
    "int_from_float": _("须为整数"),
    "float_parsing": _("须为数字"),
    "bool_parsing": _("须为 true 或 false"),
    "greater_than_equal": _("不能小于 {ge}"),
    "greater_than": _("须大于 {gt}"),
    "less_than_equal": _("不能大于 {le}"),
    "less_than": _("须小于 {lt}"),
    "string_type": _("须为字符串"),
    "string_too_short": _("长度不能少于 {min_length} 个字符"),
    "string_too_long": _("长度不能超过 {max_length} 个字符"),
    "string_pattern_mismatch": _("格式不正确"),
    "literal_error": _("须为以下之一：{expected}"),
    "enum": _("须为以下之一：{expected}"),
    "date_parsing": _("须为日期（YYYY-MM-DD）"),
    "date_type": _("须为日期（YYYY-MM-DD）"),
    "date_from_datetime_parsing": _("须为日期（YYYY-MM-DD）"),
    "date_from_datetime_inexact": _("须为日期（YYYY-MM-DD）"),
    "model_type": _("须为 JSON 对象"),
    "model_attributes_type": _("须为 JSON 对象"),
    "dict_type": _("须为 JSON 对象"),
    "json_invalid": _("不是有效的 JSON"),
    "extra_forbidden": _("不是本接口接受的参数"),
    "int64_range": _("数值超出范围"),
}
PROBLEM_OTHER = _("取值无效")

# Pagination bounds of every list operation: a page is at most MAX_LIMIT rows; an offset beyond
# MAX_OFFSET (no list of the platform is that long) is refused before it reaches the database, whose
# integers it could overflow.
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


class ErrorOut(Schema):
    message: str
    detail: Any = None


class BodyIn(Schema):
    """A request body: a field the operation does not read is refused (422), not silently dropped.

    The schema then says `additionalProperties: false`, so a client learns the fields from the OpenAPI.
    """

    model_config = pydantic.ConfigDict(extra="forbid")


class PageIn(Schema):
    """`limit` and `offset` of a list operation, bounded in the schema (a bad value is a Chinese 422)."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数，1–{MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数，0–{MAX_OFFSET}")


def page_of(queryset: Any, page: PageIn) -> dict[str, Any]:
    """One page of a list: its items and the total count."""
    return {"items": list(queryset[page.offset : page.offset + page.limit]), "count": queryset.count()}


# ------------------------------------------------------------------------------------------ JSON bodies
class BodyError(Exception):
    """A request body the API cannot take: `status` 415 (not JSON) or 422 (malformed or invalid).

    `data` is whatever could be read of it (the parsed JSON, else the form fields), so that a caller can
    still attribute the attempt (the token endpoint counts it toward the lock-out).
    """

    def __init__(self, status: int, message: str | Promise, *, detail: Any = None, data: Any = None) -> None:
        message = str(message)  # in the request's language
        super().__init__(message)
        self.status, self.message, self.detail, self.data = status, message, detail, data


def read_json_body[S: Schema](request: HttpRequest, schema: type[S]) -> S:
    """The request's body as `schema`; BodyError unless it is a JSON object that fits."""
    data: Any = None
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        pass
    if request.content_type != "application/json":
        raise BodyError(415, MSG_JSON_ONLY, data=data if data is not None else request.POST.dict())
    if data is None and request.body.strip() != b"null":
        raise BodyError(422, MSG_BAD_JSON)
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise BodyError(422, validation_message(errors), detail=jsonable_errors(errors), data=data) from None


def json_body(schema: type[Schema], *, description: str = "") -> dict[str, Any]:
    """The OpenAPI `requestBody` of an operation that reads its body with read_json_body (openapi_extra)."""
    body = schema.model_json_schema()
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": body}}}}


def validation_message(errors: Iterable[Any]) -> str:
    """One Chinese sentence naming each bad parameter and what is wrong with it."""
    problems = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        loc = [str(part) for part in error.get("loc", ())]
        place = PLACES.get(loc[0], "") if loc else ""
        # ninja puts the name of the schema argument between the place and the field.
        names = [part for part in loc[1:] if part not in ("payload", "filters", "page")] or loc[1:]
        name = ".".join(names)
        text = str(PROBLEMS.get(str(error.get("type")), PROBLEM_OTHER))
        ctx = dict(error.get("ctx") or {})
        if "expected" in ctx:  # pydantic lists the choices in English: "'a' or 'b'"
            ctx["expected"] = str(ctx["expected"]).replace(", ", "、").replace(" or ", "、")
        try:
            text = text.format(**ctx)
        except (KeyError, IndexError):
            text = str(PROBLEM_OTHER)
        problems.append(f"{place} {name} {text}".strip() if name else f"{place}{text}")
    return str(MSG_INVALID_AT).format(problems=str(_("；")).join(problems)) if problems else str(MSG_INVALID)


# --------------------------------------------------------------------------------- the API object
NUL_FREE = r"^[^\x00]*$"


class JinguoAPI(NinjaAPI):
    """The API object. Its OpenAPI schema declares every refusal an operation can answer (declare_refusals),
    and a caller whose roles an operation does not admit is refused with its authentication, before the
    parameters are read: a 403, whatever they send, never a 422 that would describe the operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        declare_refusals(schema)
        return _plain_strings(schema)

    def _get_urls(self) -> Any:
        urls = super()._get_urls()
        for pattern in urls:
            for operation in _operations_behind(getattr(pattern, "callback", None)):
                _gate_roles(operation)
                _refuse_unknown_query(operation)
                _refuse_nul_after_auth(operation)
        return urls


def _refuse_nul_after_auth(operation: Any) -> None:
    """A NUL character anywhere in the request (marked by core.middleware) is a 422 with its message, after
    the operation's authentication: PostgreSQL cannot store it, and an anonymous caller gets 401 first."""
    if getattr(operation, "jinguo_nul_checked", False):
        return
    checks = operation._run_checks

    def run_checks(request: HttpRequest) -> HttpResponse | None:
        error = checks(request)
        if error is None and getattr(request, "jinguo_nul", False):
            from django.http import JsonResponse

            from core.middleware import MSG_NUL_IN_REQUEST

            return JsonResponse({"message": MSG_NUL_IN_REQUEST, "detail": None}, status=422,
                                json_dumps_params={"ensure_ascii": False})
        return error

    operation._run_checks = run_checks
    operation.jinguo_nul_checked = True


def _plain_strings(node: Any) -> Any:
    """Lazily translated texts (a field's description, a choice's label) as plain strings in the request's
    language: a schema is JSON, and its validators know no Django proxy."""
    from django.utils.functional import Promise

    if isinstance(node, Promise):
        return str(node)
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _plain_strings(value)
        return node
    if isinstance(node, list):
        return [_plain_strings(item) for item in node]
    return node


def _operations_behind(view: Any) -> list[Any]:
    """The ninja operations a URL pattern's view dispatches to (by method)."""
    from ninja.operation import PathView

    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return list(cell.cell_contents.operations)
    return []


def _gate_roles(operation: Any) -> None:
    """Gives the operation its own BearerToken that also refuses callers without one of its roles."""
    import copy

    roles = getattr(operation.view_func, "jinguo_roles", None)
    if roles is None or getattr(operation, "jinguo_gated", False):
        return
    gated = []
    for callback in operation.auth_callbacks:
        if hasattr(callback, "roles"):  # accounts.api_auth.BearerToken refuses callers without them
            callback = copy.copy(callback)
            callback.roles = frozenset(roles)
        gated.append(callback)
    operation.auth_callbacks = gated
    operation.jinguo_gated = True


def _refuse_unknown_query(operation: Any) -> None:
    """A query parameter the operation does not declare is refused (422), not ignored: `?staus=active` is a
    typo whose silently unfiltered answer would mislead."""
    if getattr(operation, "jinguo_query_checked", False):
        return
    declared = frozenset(
        name for model in operation.models if model.__ninja_param_source__ == "query"
        for name in (getattr(model, "__ninja_flatten_map__", None) or model.model_fields)
    )
    source = {name: model.__ninja_param_source__ for model in operation.models for name in model.model_fields}
    view = operation.view_func

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET) - declared)
        if unknown:
            raise NinjaValidationError([{"loc": ("query", name), "type": "extra_forbidden"} for name in unknown])
        too_big = [loc for name, value in kwargs.items() for loc in _out_of_range(value, (source.get(name, "body"), name))]
        if too_big:
            raise NinjaValidationError([{"loc": loc, "type": "int64_range"} for loc in too_big])
        return view(request, *args, **kwargs)

    operation.view_func = checked
    operation.jinguo_query_checked = True


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _out_of_range(value: Any, loc: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Where a validated argument holds an integer no database column can hold (the bounds the schema declares
    for every integer): refused as a 422, as the schema promises, instead of an empty answer or a driver error."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield loc
    elif isinstance(value, pydantic.BaseModel):
        for name in type(value).model_fields:
            yield from _out_of_range(getattr(value, name), (*loc, name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _out_of_range(item, (*loc, str(index)))


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def declare_refusals(schema: dict[str, Any]) -> None:
    """Adds to every operation the answers that the shared mechanisms give, so that a client (and the fuzz
    test) finds each status code it can meet in the schema:

    * 401 and 403 where a bearer token is required (no valid token; the role does not admit the caller);
    * 404 where the path names an object (absent or out of scope, alike);
    * 413 and 415 where a body is read (core.middleware refuses a body over the upload limit;
      read_json_body anything but JSON); 422 everywhere (a bad parameter, a NUL character);
    * 414 everywhere: a request line too long for the web server is refused by it (gunicorn, or the
      proxy) before the application sees it, with the server's own HTML page.

    String parameters and body fields are declared NUL-free: core.middleware refuses a NUL anywhere; integers
    are declared within the 64-bit range every engine stores.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})

            def add(code: int, description: str, responses: dict[Any, Any] = responses) -> None:
                if code not in responses and str(code) not in responses:
                    responses[code] = _error_response(description)

            if operation.get("security"):
                add(401, gettext("未登录或令牌无效"))
                add(403, gettext("角色无权执行此操作"))
            if "{" in path:
                add(404, gettext("对象不存在或不在您的范围内"))
            if "requestBody" in operation:
                add(413, gettext("请求体过大"))
                add(415, gettext("请求体不是 JSON"))
                for media in operation["requestBody"].get("content", {}).values():
                    _nul_free(media.get("schema", {}), components)
            add(422, gettext("请求参数有误（含空字符 NUL）"))
            if 414 not in responses:
                responses[414] = {"description": gettext("请求地址过长（由 Web 服务器拒绝）"),
                                  "content": {"text/html": {"schema": {"type": "string"}}}}
            for parameter in operation.get("parameters", []):
                _nul_free(parameter.get("schema", {}), components)


def _nul_free(node: Any, components: dict[str, Any], seen: set[str] | None = None) -> None:
    """Marks every plain string in a JSON schema as NUL-free (following $refs into the components)."""
    seen = set() if seen is None else seen
    if isinstance(node, list):
        for item in node:
            _nul_free(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _nul_free(components.get(name), components, seen)
    if node.get("type") == "string" and "pattern" not in node and "format" not in node and "enum" not in node:
        node["pattern"] = NUL_FREE
    if node.get("type") == "integer":
        # What a database column holds (a larger number is refused with 422: MSG_NUMBER_OUT_OF_RANGE).
        node.setdefault("minimum", INT64_MIN)
        node.setdefault("maximum", INT64_MAX)
    for key in ("properties", "$defs"):
        for child in (node.get(key) or {}).values():
            _nul_free(child, components, seen)
    for key in ("anyOf", "oneOf", "allOf", "items"):
        if key in node:
            _nul_free(node[key], components, seen)


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

    def respond(request: HttpRequest, status: int, message: str | Promise, detail: Any = None) -> HttpResponse:
        return api.create_response(request, {"message": str(message), "detail": detail}, status=status)

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
        return respond(request, 422, validation_message(exc.errors), jsonable_errors(exc.errors))

    @api.exception_handler(BodyError)
    def bad_body(request: HttpRequest, exc: BodyError) -> HttpResponse:
        return respond(request, exc.status, exc.message, exc.detail)

    @api.exception_handler(OverflowError)
    def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number no column can hold (an id of twenty digits): the caller's value, not the server's fault.
        return respond(request, 422, MSG_NUMBER_OUT_OF_RANGE)

    @api.exception_handler(ConcurrentEditError)
    def conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
        return respond(request, 409, MSG_CONFLICT)

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, "；".join(str(m) for m in exc.messages))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            return respond(request, 422, MSG_BAD_JSON)  # ninja's own words for a body it cannot read
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
