"""Walks every URL pattern of the site and the API as every persona and reports what is unscoped or leaks.

Static check: every pattern resolves to a view that declares its scoping (core.views bases,
`scoped_function`, `authenticated`, `public`; API operations `scoped_endpoint` / `public_endpoint`).
Dynamic check: each URL is requested as each persona; an object outside the persona's scope must answer
404, a visible one that the persona may not change must answer 403 to a change page, a role-gated page
403 to the roles it does not admit, and no page may show the name of a unit the persona cannot see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.scoping import ScopedQuerySet, scope_for

# Django's own views that carry no data of anyone's: allowed without a marker.
FRAMEWORK_VIEWS = {"set_language"}
PK_RE = re.compile(r"<(?:int:)?pk>")


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
            problems.append(f"{r.route}: URL kwargs {sorted(extra)} unknown to the walker (use pk or jinguo_example_kwargs)")
        if "pk" in r.kwargs and _model_of(r) is None:
            problems.append(f"{r.route}: has <pk> but its view names no scoped model")
    return problems


def api_operations() -> Iterator[tuple[str, str, Any]]:
    """(method, path under /api/v1, view function) for every API operation."""
    from config.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    full = "/" + "/".join(s.strip("/") for s in (prefix, path) if s.strip("/"))
                    yield method, full, op.view_func


def api_static_problems() -> list[str]:
    problems = []
    for method, path, func in api_operations():
        kind = getattr(func, "jinguo_scoping", None)
        if kind not in ("roles", "public"):
            problems.append(f"API {method} {path}: operation declares no scoping")
        elif "{id}" in path and getattr(func, "jinguo_model", None) is None:
            problems.append(f"API {method} {path}: has {{id}} but names no model")
    return problems


def _model_of(route: Route) -> type[models.Model] | None:
    model = route.attr("model") or route.attr("jinguo_model")
    if model is not None and isinstance(model._default_manager.all(), ScopedQuerySet):
        return model
    return None


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


def dynamic_problems(personas: dict[str, Any], invisible_names: dict[str, list[str]], login: Any) -> list[str]:
    """Requests every non-API URL as every persona; see the module docstring for the rules.

    `personas` maps a name to a user (None for anonymous); `invisible_names[persona]` lists names of
    units that persona may not see; `login(client, user)` logs a client in.
    """
    problems: list[str] = []
    routes = [r for r in iter_routes() if not is_api(r) and r.name not in FRAMEWORK_VIEWS]
    for persona, user in personas.items():
        client = Client()
        if user is not None:
            login(client, user)
        for r in routes:
            kind = r.attr("jinguo_scoping")
            example = dict(r.attr("jinguo_example_kwargs", {}) or {})
            model = _model_of(r)
            if "pk" in r.kwargs and model is not None:
                qs: ScopedQuerySet = model._default_manager.all()  # type: ignore[assignment]
                objects = list(qs.order_by("pk")[:50])
                if not objects:
                    problems.append(f"{r.route}: no {model.__name__} in the test world to walk with")
                    continue
                for obj in objects:
                    url = _fill(r.route, {**example, "pk": obj.pk})
                    problems += _check_object_url(r, url, persona, user, client, qs, obj, invisible_names)
            else:
                url = _fill(r.route, example)
                problems += _check_plain_url(r, kind, url, persona, user, client, invisible_names)
    return problems


def _get(client: Client, url: str) -> Any:
    return client.get(url, HTTP_ACCEPT="text/html")


def _leaks(response: Any, persona: str, invisible_names: dict[str, list[str]]) -> list[str]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(("text/html", "application/json")):
        return []
    body = response.content.decode(errors="replace")
    if response["Content-Type"].startswith("application/json"):
        import json

        body = json.dumps(response.json(), ensure_ascii=False)
    return [n for n in invisible_names.get(persona, []) if n in body]


def _check_plain_url(r: Route, kind: str, url: str, persona: str, user: Any, client: Client, invisible: dict[str, list[str]]) -> list[str]:
    resp = _get(client, url)
    where = f"GET {url} as {persona}"
    if resp.status_code >= 500:
        return [f"{where}: server error {resp.status_code}"]
    if user is None:
        if kind != "public" and not (resp.status_code == 302 and "/accounts/login/" in resp["Location"]):
            return [f"{where}: anonymous not sent to log-in (got {resp.status_code})"]
        return []
    if not _admits(user, _roles_of(r)):
        if resp.status_code != 403:
            return [f"{where}: role not admitted but got {resp.status_code}, expected 403"]
        return []
    leaked = [] if r.attr("jinguo_names_any_object") else _leaks(resp, persona, invisible)
    return [f"{where}: shows units outside the scope: {leaked}"] if leaked else []


def _check_object_url(r: Route, url: str, persona: str, user: Any, client: Client, qs: ScopedQuerySet, obj: models.Model, invisible: dict[str, list[str]]) -> list[str]:
    resp = _get(client, url)
    where = f"GET {url} ({type(obj).__name__} #{obj.pk}) as {persona}"
    if resp.status_code >= 500:
        return [f"{where}: server error {resp.status_code}"]
    if user is None:
        if not (resp.status_code == 302 and "/accounts/login/" in resp["Location"]):
            return [f"{where}: anonymous not sent to log-in (got {resp.status_code})"]
        return []
    if not _admits(user, _roles_of(r)):
        return [] if resp.status_code in (403, 404) else [f"{where}: role not admitted but got {resp.status_code}"]
    visible = qs.visible_to(user).filter(pk=obj.pk).exists()
    if not visible:
        return [] if resp.status_code == 404 else [f"{where}: outside the scope but got {resp.status_code}, expected 404"]
    if r.attr("scope_action") == "change" and not qs.changeable_by(user).filter(pk=obj.pk).exists():
        return [] if resp.status_code == 403 else [f"{where}: visible but not changeable, got {resp.status_code}, expected 403"]
    if resp.status_code not in (200, 302):
        return [f"{where}: in scope but got {resp.status_code}"]
    # A view may declare that naming any object is its remit (the auditor's event page); its scope still holds.
    leaked = [] if r.attr("jinguo_names_any_object") else _leaks(resp, persona, invisible)
    return [f"{where}: shows units outside the scope: {leaked}"] if leaked else []


def api_dynamic_problems(personas: dict[str, Any], invisible_names: dict[str, list[str]]) -> list[str]:
    """Calls every GET API operation as every persona with a bearer token."""
    from accounts.models import ApiToken

    problems: list[str] = []
    for persona, user in personas.items():
        client = Client()
        headers: dict[str, Any] = {}
        if user is not None:
            _, raw = ApiToken.issue(user)
            headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        for method, path, func in api_operations():
            if getattr(func, "jinguo_scoping", None) == "public" or method != "GET":
                continue
            model = getattr(func, "jinguo_model", None)
            roles = getattr(func, "jinguo_roles", None)
            urls: list[tuple[str, models.Model | None]] = []
            if "{id}" in path and model is not None:
                urls = [(f"/api/v1{path.replace('{id}', str(o.pk))}", o) for o in model._default_manager.order_by("pk")[:50]]
            elif "{" not in path:
                urls = [(f"/api/v1{path}", None)]
            for url, obj in urls:
                resp = client.get(url, **headers)
                where = f"API GET {url} as {persona}"
                if resp.status_code >= 500:
                    problems.append(f"{where}: server error")
                elif user is None:
                    if resp.status_code != 401:
                        problems.append(f"{where}: anonymous got {resp.status_code}, expected 401")
                elif not _admits(user, roles):
                    if resp.status_code != 403:
                        problems.append(f"{where}: role not admitted, got {resp.status_code}, expected 403")
                elif obj is not None and model is not None and not model._default_manager.visible_to(user).filter(pk=obj.pk).exists():
                    if resp.status_code != 404:
                        problems.append(f"{where}: outside the scope, got {resp.status_code}, expected 404")
                else:
                    leaked = _leaks(resp, persona, invisible_names)
                    if leaked:
                        problems.append(f"{where}: shows units outside the scope: {leaked}")
    return problems
