"""Fuzzes the JSON API from its own OpenAPI schema as every persona (issue 4, item 7).

For each persona (anonymous, one account per role, the account without a role, the outsider) and each
operation of /api/v1/openapi.json, schemathesis generates requests (valid ones and, for the server-error
check, invalid ones) and sends them through the WSGI application in the test database:

* no generated request gets a 5xx;
* every answer to a valid request conforms to the schema (status code, content type, body);
* no operation but POST /auth/token ignores authentication: without a token, and with a garbage one,
  it answers 401.

Tokens for the fuzz are issued with ApiToken.issue (a second factor may be required at the token
endpoint); the endpoint itself is exercised in test_token_endpoint_*.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.testing import PERSONA_ROLES
from core.testing.world import PASSWORD

API = "/api/v1"
TOKEN_OPERATION = ("POST", f"{API}/auth/token")  # as APIOperation.path spells it
MAX_EXAMPLES = 20
# (method, path, status) of every request sent by the running test, to check the fuzz reached the data.
SEEN: list[tuple[str, str, int]] = []
PERSONAS = ["anonymous", *PERSONA_ROLES]

FUZZ_SETTINGS = hsettings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _no_server_error(ctx, response, case):
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"


# What every well-formed request's response must satisfy.
VALID_CHECKS = [_no_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def same_connection():
    """Calls the WSGI app in the test's own database transaction.

    Like django.test.Client, keep Django from closing the test's connection at each request's start
    and end (schemathesis' WSGI transport sends the request signals).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(same_connection):
    # The schema is what /api/v1/openapi.json serves (behind log-in), taken from the API object itself.
    from config.api import api
    from config.wsgi import application

    raw = api.get_openapi_schema()
    assert set(raw["paths"]) >= {f"{API}/auth/token", f"{API}/units"}
    loaded = schemathesis.openapi.from_dict(dict(raw))
    loaded.app = application
    return loaded


def _operations(schema):
    ops = [result.ok() for result in schema.get_all_operations()]
    assert ops, "the OpenAPI schema lists no operation"
    return ops


def _label(op):
    return (op.method.upper(), op.path)


def _send(case, token):
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "cookie")}
    case.headers = headers
    extra = {"Authorization": f"Bearer {token}"} if token else {}
    response = case.call(headers=extra)
    SEEN.append((case.method.upper(), case.operation.path, response.status_code))
    return response


def _token_for(world, persona):
    from accounts.models import ApiToken

    if persona == "anonymous":
        return None
    return ApiToken.issue(getattr(world, persona))[1]


@pytest.mark.parametrize("persona", PERSONAS)
def test_fuzz_api_as_persona(schema, world, persona):
    from core.roles import BUSINESS_ROLES

    token = _token_for(world, persona)
    SEEN.clear()
    for op in _operations(schema):
        if _label(op) == TOKEN_OPERATION and persona != "anonymous":
            continue  # no bearer token is involved: fuzzed once, as anonymous

        @FUZZ_SETTINGS
        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def valid_requests(case):
            response = _send(case, token)
            case.validate_response(
                response,
                checks=VALID_CHECKS,
            )

        @FUZZ_SETTINGS
        @given(case=op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def invalid_requests(case):
            response = _send(case, token)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}"
            )

        valid_requests()
        if op.method.upper() != "GET" or op.path_parameters or op.query:
            invalid_requests()
        if "id" in [p.name for p in op.path_parameters]:
            # Random ids rarely exist: also ask for every unit of the world, in scope or not.
            for unit in (world.unit_a1, world.unit_a2, world.unit_b1):

                @hsettings(FUZZ_SETTINGS, max_examples=3)
                @given(
                    case=op.as_strategy(
                        generation_mode=GenerationMode.POSITIVE, path_parameters={"id": unit.pk}
                    )
                )
                def existing_object(case):
                    response = _send(case, token)
                    case.validate_response(
                        response,
                        checks=VALID_CHECKS,
                    )

                existing_object()

    statuses = {(method, path): set() for method, path, _ in SEEN}
    for method, path, status in SEEN:
        statuses[(method, path)].add(status)
    statuses.pop(TOKEN_OPERATION, None)
    if persona == "anonymous":
        assert all(seen == {401} for seen in statuses.values()), statuses
    elif PERSONA_ROLES[persona] in BUSINESS_ROLES:
        # The token works and the fuzz reached real data, not only the error paths.
        assert any(200 in seen for seen in statuses.values()), statuses


@pytest.mark.parametrize("token", [None, "garbage", "jg_" + "x" * 43, "Bearer", ""])
def test_no_operation_ignores_authentication(schema, world, token):
    """Every operation but the token endpoint answers 401 without a valid token."""
    checked = 0
    for op in _operations(schema):
        if _label(op) == TOKEN_OPERATION:
            continue

        @hsettings(
            max_examples=5,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def refuses(case):
            response = _send(case, token)
            assert response.status_code == 401, (
                f"{case.method} {case.formatted_path} with token {token!r} -> {response.status_code}"
            )

        refuses()
        checked += 1
    assert checked >= 2


def test_expired_token_is_refused(client, world):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import ApiToken

    token, raw = ApiToken.issue(world.staff)
    assert client.get(f"{API}/units", headers={"authorization": f"Bearer {raw}"}).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/units", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_token_of_inactive_user_is_refused(client, world):
    from accounts.models import ApiToken

    raw = ApiToken.issue(world.staff)[1]
    world.staff.is_active = False
    world.staff.save()
    assert client.get(f"{API}/units", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_token_endpoint_issues_a_working_token(client, world):
    """The real endpoint, for a role that needs no second factor."""
    response = client.post(
        f"{API}/auth/token", {"username": "staff", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    raw = response.json()["token"]
    units = client.get(f"{API}/units", headers={"authorization": f"Bearer {raw}"})
    assert units.status_code == 200
    assert {u["id"] for u in units.json()["items"]} == {world.unit_a1.pk, world.unit_a2.pk}


def test_token_endpoint_refuses_a_wrong_password(client, world):
    response = client.post(
        f"{API}/auth/token",
        {"username": "staff", "password": PASSWORD + "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "token" not in response.json()
