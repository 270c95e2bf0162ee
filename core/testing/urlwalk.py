"""Walks every URL pattern of the site and the API as every persona and reports what is unscoped or leaks.

Static check: every pattern resolves to a view that declares its scoping (core.views bases,
`scoped_function`, `authenticated`, `public`; API operations `scoped_endpoint` / `public_endpoint`), and an
object view names a scoped model and one of its declared actions.

Dynamic checks, by GET and by POST (the API: every method), as each persona:
- anonymous is sent to log in (401 in the API); a role-gated page answers 403 to the roles it does not admit;
- an object outside the persona's "view" rule answers exactly as a missing object does (404, or the same
  405/422 for any id) and writes nothing;
- a visible object the persona may not do the page's action to answers 403 and writes nothing;
- no page shows the name of a unit the persona cannot see; nothing answers 5xx.

Each POST runs inside a savepoint that is rolled back afterwards, so the walk leaves the world as it
found it whatever a permitted POST did; the writes it made are seen by a statement recorder first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from core import confidential
from core.scoping import ScopedQuerySet, scope_for

# Django's own views that carry no data of anyone's: allowed without a marker.
FRAMEWORK_VIEWS = {"set_language"}
# An id no row has: what "missing" answers.
MISSING_PK = 987654321
# Tables whose writes are bookkeeping of the request itself, not data.
BOOKKEEPING_TABLES = ("django_session", "axes_", "core_auditevent", "otp_")
WRITE_RE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


@dataclass
class Route:
    name: str  # namespaced URL name
    route: str
    callback: Any
    kwargs: tuple[str, ...]

    @property
    def view_class(self) -> Any:
        return getattr(self.callback, "view_class", None)

    def attr(self, name: str, default: Any = None) -> Any:
        vc = self.view_class
        if vc is not None and hasattr(vc, name):
            return getattr(vc, name)
        return getattr(self.callback, name, default)

    @property
    def action(self) -> str:
        return self.attr("action") or self.attr("jinguo_action") or "view"

    @property
    def accepts_post(self) -> bool | None:
        """False when a class-based view has no post handler; None when it cannot be told (functions)."""
        vc = self.view_class
        if vc is None:
            return None
        return hasattr(vc, "post") and "post" in vc.http_method_names


def iter_routes(urlconf: str | None = None) -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                yield Route(f"{ns}{p.name}" if p.name else "", route, p.callback, kwargs)

    yield from walk(get_resolver(urlconf).url_patterns, "", "")


def is_api(route: Route) -> bool:
    return route.route.startswith("api/")


def _model_of(route: Route) -> type[models.Model] | None:
    model = route.attr("model") or route.attr("jinguo_model")
    if model is not None and isinstance(model._default_manager.all(), ScopedQuerySet):
        return model
    return None


def _scoped_actions(model: type[models.Model]) -> frozenset[str]:
    qs = model._default_manager.all()
    return qs.actions if isinstance(qs, ScopedQuerySet) else frozenset()


def static_problems(urlconf: str | None = None) -> list[str]:
    """Patterns whose view does not declare how it is scoped."""
    problems = []
    for r in iter_routes(urlconf):
        if is_api(r) or r.name in FRAMEWORK_VIEWS:
            continue
        kind = r.attr("jinguo_scoping")
        if kind not in ("object", "roles", "public"):
            problems.append(f"{r.route} ({r.name or r.callback}): view declares no scoping")
            continue
        extra = set(r.kwargs) - {"pk"} - set(r.attr("jinguo_example_kwargs", {}) or {})
        if extra:
            problems.append(
                f"{r.route}: URL kwargs {sorted(extra)} unknown to the walker (use pk or jinguo_example_kwargs)"
            )
        model = _model_of(r)
        if "pk" in r.kwargs and model is None:
            problems.append(f"{r.route}: has <pk> but its view names no scoped model")
        if model is not None and r.action not in _scoped_actions(model):
            problems.append(f"{r.route}: action {r.action!r} is not one of {model.__name__}'s actions")
    return problems


def the_api() -> Any:
    return import_string(settings.JINGUO_API)


def api_operations() -> Iterator[tuple[str, str, Any]]:
    """(method, path under /api/v1, view function) for every API operation."""
    for prefix, router in the_api()._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    full = "/" + "/".join(s.strip("/") for s in (prefix, path) if s.strip("/"))
                    yield method, full, op.view_func


def api_static_problems() -> list[str]:
    problems = []
    for method, path, func in api_operations():
        kind = getattr(func, "jinguo_scoping", None)
        model = getattr(func, "jinguo_model", None)
        if kind not in ("roles", "public"):
            problems.append(f"API {method} {path}: operation declares no scoping")
        elif "{id}" in path and model is None:
            problems.append(f"API {method} {path}: has {{id}} but names no model")
        elif model is not None and getattr(func, "jinguo_action", "view") not in _scoped_actions(model):
            problems.append(f"API {method} {path}: action is not one of {model.__name__}'s actions")
    return problems


def _roles_of(route: Route) -> frozenset[str] | None:
    roles = route.attr("allowed_roles")
    if roles is None:
        roles = route.attr("jinguo_roles")
    return frozenset(roles) if roles is not None else None


def _admits(user: Any, roles: frozenset[str] | None) -> bool:
    if roles is None:
        return True
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.roles & roles)


def _fill(route: str, values: dict[str, Any]) -> str:
    def sub(m: re.Match[str]) -> str:
        return str(values[m.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


@dataclass
class WriteRecorder:
    """Records the data tables written by the statements it sees (connection.execute_wrapper)."""

    tables: list[str] = field(default_factory=list)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = WRITE_RE.match(sql)
        if match and not match.group(1).lower().startswith(BOOKKEEPING_TABLES):
            self.tables.append(match.group(1))
        return execute(sql, params, many, context)


@dataclass
class Answer:
    status: int
    location: str
    content_type: str
    body: str
    writes: list[str]


def _request(client: Client, method: str, url: str, **extra: Any) -> Answer:
    """One request; a POST (or any API write) inside a savepoint rolled back after it."""
    recorder = WriteRecorder()
    if method == "GET":
        with connection.execute_wrapper(recorder):
            resp = client.get(url, HTTP_ACCEPT="text/html", **extra)
    else:
        with transaction.atomic():
            with connection.execute_wrapper(recorder):
                resp = client.generic(
                    method,
                    url,
                    data=extra.pop("data", b""),
                    content_type=extra.pop("content_type", "application/x-www-form-urlencoded"),
                    **extra,
                )
            transaction.set_rollback(True)
    ctype = resp.get("Content-Type", "")
    body = ""
    if (
        resp.status_code == 200
        and ctype.startswith(("text/html", "application/json"))
        and not getattr(resp, "streaming", False)
    ):
        body = resp.content.decode(errors="replace")
        if ctype.startswith("application/json"):
            try:
                body = json.dumps(json.loads(body), ensure_ascii=False)
            except ValueError:
                pass
    return Answer(resp.status_code, resp.get("Location", ""), ctype, body, recorder.tables)


def _leaks(answer: Answer, persona: str, invisible_names: dict[str, list[str]]) -> list[str]:
    return [n for n in invisible_names.get(persona, []) if n in answer.body] if answer.body else []


class _Walk:
    def __init__(
        self, personas: dict[str, Any], invisible: dict[str, list[str]], login: Any, methods: tuple[str, ...]
    ):
        self.personas = personas
        self.invisible = invisible
        self.login = login
        self.methods = methods
        self.problems: list[str] = []

    def client_for(self, user: Any) -> Client:
        # Server errors come back as 500 answers (reported), not as exceptions that end the walk.
        client = Client(raise_request_exception=False)
        if user is not None:
            self.login(client, user)
        return client

    def ensure_logged_in(self, client: Client, user: Any) -> None:
        # A POST (a log-out) may have ended the session before its rollback: log in again.
        if user is not None and "_auth_user_id" not in client.session:
            self.login(client, user)

    def run(self) -> list[str]:
        routes = [r for r in iter_routes() if not is_api(r) and r.name not in FRAMEWORK_VIEWS]
        for persona, user in self.personas.items():
            client = self.client_for(user)
            for r in routes:
                for method in self.methods:
                    self.ensure_logged_in(client, user)
                    self.walk_route(r, method, persona, user, client)
        return self.problems

    def walk_route(self, r: Route, method: str, persona: str, user: Any, client: Client) -> None:
        example = dict(r.attr("jinguo_example_kwargs", {}) or {})
        model = _model_of(r)
        if "pk" in r.kwargs and model is not None:
            qs: ScopedQuerySet = model._default_manager.all()  # type: ignore[assignment]
            objects = list(qs.order_by("pk")[:50])
            if not objects:
                self.problems.append(f"{r.route}: no {model.__name__} in the test world to walk with")
                return
            missing = _request(client, method, _fill(r.route, {**example, "pk": MISSING_PK}))
            for obj in objects:
                url = _fill(r.route, {**example, "pk": obj.pk})
                self.check_object(r, method, url, persona, user, client, qs, obj, missing)
        else:
            self.check_plain(r, method, _fill(r.route, example), persona, user, client)

    def check_plain(self, r: Route, method: str, url: str, persona: str, user: Any, client: Client) -> None:
        answer = _request(client, method, url)
        where = f"{method} {url} as {persona}"
        if answer.status >= 500:
            self.problems.append(f"{where}: server error {answer.status}")
        elif user is None:
            if r.attr("jinguo_scoping") != "public" and not (
                answer.status == 302 and "/accounts/login/" in answer.location
            ):
                self.problems.append(f"{where}: anonymous not sent to log-in (got {answer.status})")
        elif not _admits(user, _roles_of(r)):
            if answer.status != 403:
                self.problems.append(f"{where}: role not admitted but got {answer.status}, expected 403")
            elif answer.writes:
                self.problems.append(f"{where}: refused but wrote to {answer.writes}")
        elif not r.attr("jinguo_names_any_object") and (leaked := _leaks(answer, persona, self.invisible)):
            self.problems.append(f"{where}: shows units outside the scope: {leaked}")

    def check_object(
        self,
        r: Route,
        method: str,
        url: str,
        persona: str,
        user: Any,
        client: Client,
        qs: ScopedQuerySet,
        obj: models.Model,
        missing: Answer,
    ) -> None:
        answer = _request(client, method, url)
        where = f"{method} {url} ({type(obj).__name__} #{obj.pk}) as {persona}"
        if answer.status >= 500:
            self.problems.append(f"{where}: server error {answer.status}")
            return
        if user is None:
            if not (answer.status == 302 and "/accounts/login/" in answer.location):
                self.problems.append(f"{where}: anonymous not sent to log-in (got {answer.status})")
            return
        refused_for_role = not _admits(user, _roles_of(r))
        visible = qs.visible_to(user).filter(pk=obj.pk).exists()
        permitted = qs.permitted(user, r.action).filter(pk=obj.pk).exists()
        if refused_for_role:
            if answer.status not in (403, 404):
                self.problems.append(f"{where}: role not admitted but got {answer.status}")
        elif not visible:
            # Out of scope answers as a missing object does: nothing to learn from the id.
            if answer.status != missing.status or answer.status not in (404, 405):
                self.problems.append(
                    f"{where}: outside the scope but got {answer.status} (a missing object gets {missing.status}), "
                    "expected 404"
                )
        elif not permitted:
            if answer.status not in (403, 405):
                self.problems.append(
                    f"{where}: visible but not permitted ({r.action}), got {answer.status}, expected 403"
                )
        else:
            if method == "GET" and answer.status not in (200, 302):
                self.problems.append(f"{where}: in scope but got {answer.status}")
            elif not r.attr("jinguo_names_any_object") and (
                leaked := _leaks(answer, persona, self.invisible)
            ):
                self.problems.append(f"{where}: shows units outside the scope: {leaked}")
            return
        if answer.writes:
            self.problems.append(
                f"{where}: refused ({answer.status}) but wrote to {sorted(set(answer.writes))}"
            )


def dynamic_problems(
    personas: dict[str, Any],
    invisible_names: dict[str, list[str]],
    login: Any,
    methods: tuple[str, ...] = ("GET",),
) -> list[str]:
    """Requests every non-API URL as every persona with each method; see the module docstring for the rules.

    `personas` maps a name to a user (None for anonymous); `invisible_names[persona]` lists names of
    units that persona may not see; `login(client, user)` logs a client in.
    """
    with confidential.system_scope("URL walker: every URL as every persona"):
        return _Walk(personas, invisible_names, login, methods).run()


def api_dynamic_problems(
    personas: dict[str, Any],
    invisible_names: dict[str, list[str]],
    methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE"),
) -> list[str]:
    """Calls every API operation as every persona with a bearer token (writes with an empty JSON body)."""
    from core.testing.world import api_headers

    with confidential.system_scope("URL walker: every API operation as every persona"):
        return _api_walk(personas, invisible_names, methods, api_headers)


def _api_walk(
    personas: dict[str, Any],
    invisible_names: dict[str, list[str]],
    methods: tuple[str, ...],
    api_headers: Any,
) -> list[str]:
    problems: list[str] = []
    for persona, user in personas.items():
        client = Client(raise_request_exception=False)
        headers: dict[str, Any] = api_headers(user) if user is not None else {}
        for method, path, func in api_operations():
            if getattr(func, "jinguo_scoping", None) == "public" or method not in methods:
                continue
            model = getattr(func, "jinguo_model", None)
            roles = getattr(func, "jinguo_roles", None)
            action = getattr(func, "jinguo_action", "view")
            targets: list[models.Model | None] = []
            if "{id}" in path and model is not None:
                targets = list(model._default_manager.order_by("pk")[:50])
            elif "{" not in path:
                targets = [None]
            extra: dict[str, Any] = (
                {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
            )
            missing = None
            if "{id}" in path:
                missing = _request(
                    client, method, f"/api/v1{path.replace('{id}', str(MISSING_PK))}", **headers, **extra
                )
            for obj in targets:
                url = f"/api/v1{path.replace('{id}', str(obj.pk))}" if obj is not None else f"/api/v1{path}"
                answer = _request(client, method, url, **headers, **dict(extra))
                where = f"API {method} {url} as {persona}"
                problems += _check_api(
                    answer, where, persona, user, roles, model, action, obj, missing, invisible_names
                )
    return problems


def _check_api(
    answer: Answer,
    where: str,
    persona: str,
    user: Any,
    roles: Any,
    model: Any,
    action: str,
    obj: models.Model | None,
    missing: Answer | None,
    invisible: dict[str, list[str]],
) -> list[str]:
    if answer.status >= 500:
        return [f"{where}: server error {answer.status}"]
    if user is None:
        return [] if answer.status == 401 else [f"{where}: anonymous got {answer.status}, expected 401"]
    if not _admits(user, frozenset(roles) if roles is not None else None):
        if answer.status != 403:
            return [f"{where}: role not admitted, got {answer.status}, expected 403"]
        return [f"{where}: refused but wrote to {answer.writes}"] if answer.writes else []
    if obj is not None and model is not None:
        qs = model._default_manager.all()
        if not qs.visible_to(user).filter(pk=obj.pk).exists():
            out = []
            if missing is not None and answer.status != missing.status:
                out.append(
                    f"{where}: outside the scope got {answer.status}, a missing object {missing.status}"
                )
            elif answer.status not in (404, 405, 422):
                out.append(f"{where}: outside the scope, got {answer.status}, expected 404")
            if answer.writes:
                out.append(f"{where}: outside the scope but wrote to {sorted(set(answer.writes))}")
            return out
        if not qs.permitted(user, action).filter(pk=obj.pk).exists():
            out = []
            if answer.status not in (403, 405, 422):
                out.append(
                    f"{where}: visible but not permitted ({action}), got {answer.status}, expected 403"
                )
            if answer.writes:
                out.append(f"{where}: not permitted but wrote to {sorted(set(answer.writes))}")
            return out
    leaked = _leaks(answer, persona, invisible)
    return [f"{where}: shows units outside the scope: {leaked}"] if leaked else []


# --- Every word of an English page is English ------------------------------------------------------

# A run of Chinese characters (and the full-width punctuation that goes with them).
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# The language picker names each language in itself.
OWN_NAMES = ("简体中文", "中文")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def data_text() -> str:
    """Every text value stored in the database, joined: Chinese that comes from the data (a unit's
    name, a reason typed by a user, a case note of a confidential record) may stand in an English page;
    Chinese from the code may not."""
    parts: list[str] = []
    for model in django_apps.get_models():
        texts = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        fields = [f.attname for f in texts if not getattr(f, "confidential", False)]
        sealed = [f.attname for f in texts if getattr(f, "confidential", False)]
        manager = model._base_manager
        if fields:
            for row in manager.values_list(*fields):
                parts.extend(
                    v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for v in row
                    if isinstance(v, (str, dict, list)) and v
                )
        if sealed:
            # values_list gives them sealed: read each through the descriptor, as a page does.
            with confidential.reading("URL walker: confidential text is data"):
                for obj in manager.only(*sealed):
                    parts.extend(v for v in (getattr(obj, name) for name in sealed) if isinstance(v, str) and v)
    return "\n".join(parts)


# Full-width punctuation joins data in a page ("区教育局；区财政局"): it separates words, it is not one.
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d]+")


def chinese_in_english(body: str, data: str) -> list[str]:
    """The words of Chinese in an English page that do not come from the data."""
    text = SCRIPT_OR_STYLE.sub("", body)
    words = {word for run in CJK_RUN.findall(text) for word in CJK_PUNCTUATION.split(run) if word}
    return sorted(word for word in words if word not in OWN_NAMES and word not in data)


def english_problems(personas: dict[str, Any], login: Any) -> list[str]:
    """GETs every page (one in-scope object of each kind) as every logged-in persona in English and reports
    Chinese that is not data: a label, message or heading that skipped gettext."""
    problems: list[str] = []
    routes = [r for r in iter_routes() if not is_api(r) and r.name not in FRAMEWORK_VIEWS]
    with confidential.system_scope("URL walker: every page in English"):
        data = data_text()
        for persona, user in personas.items():
            if user is None:
                continue
            client = Client(raise_request_exception=False)
            login(client, user)
            client.post("/i18n/setlang/", {"language": "en", "next": "/"})
            for r in routes:
                if not _admits(user, _roles_of(r)):
                    continue
                example = dict(r.attr("jinguo_example_kwargs", {}) or {})
                model = _model_of(r)
                if "pk" in r.kwargs:
                    if model is None:
                        continue
                    qs: ScopedQuerySet = model._default_manager.all()  # type: ignore[assignment]
                    obj = qs.permitted(user, r.action).order_by("pk").first()
                    if obj is None:
                        continue
                    example["pk"] = obj.pk
                url = _fill(r.route, example)
                answer = _request(client, "GET", url)
                if answer.status == 200 and answer.content_type.startswith("text/html"):
                    if chinese_in_english(answer.body, data):
                        data = data_text()  # the page itself may have written some (an audited read's reason)
                    if found := chinese_in_english(answer.body, data):
                        problems.append(f"GET {url} as {persona} in English: {found[:12]}")
    return problems
