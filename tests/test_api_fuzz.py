"""Fuzzes the JSON API from its own OpenAPI schema as every persona (issue 4, item 7; issue 7).

In process: for each persona (anonymous, one account per role, the account without a role, the outsider)
and each operation of /api/v1/openapi.json, schemathesis generates requests (20 per operation and mode)
and sends them through the WSGI application in the test database:

* no request gets a 5xx;
* every answer's status code, content type, headers and body are what the schema declares (the schema
  declares every refusal: core.api.declare_refusals);
* a schema-valid request is accepted and a schema-violating one refused (positive and negative data);
* no operation but POST /auth/token ignores authentication: without a token, and with a garbage one,
  it answers 401.

Against a served instance (gunicorn on loopback, as the outside probe ran it): `schemathesis run` with
every check, every phase (examples, coverage — boundary values, undeclared content types and methods —,
fuzzing, stateful) and 50 examples per operation, as staff and as a liaison, must report nothing.

What the checks accept is in tests/api_fuzz.toml. Tokens for the fuzz are issued with ApiToken.issue
(a second factor may be required at the token endpoint); the endpoint itself is exercised in
test_token_endpoint_* and accounts/tests/test_api_token.py.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.testing import PERSONA_ROLES
from core.middleware import MSG_NUL_IN_REQUEST
from core.testing.world import PASSWORD

API = "/api/v1"
TOKEN_OPERATION = ("POST", f"{API}/auth/token")  # as APIOperation.path spells it
# Revokes the token it is called with: each of its requests gets a token of its own.
REVOKE_OPERATION = ("DELETE", f"{API}/auth/token")
CONFIG = Path(__file__).with_name("api_fuzz.toml")
# The outside probe's depth, for the personas it used (the run against a served instance).
DEEP_PERSONAS = {"staff", "liaison"}
DEEP_EXAMPLES = 50
MAX_EXAMPLES = 20
# (method, path, status) of every request sent by the running test, to check the fuzz reached the data.
SEEN: list[tuple[str, str, int, str]] = []
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


# What every response must satisfy, and in addition for well-formed / malformed requests.
COMMON_CHECKS = [
    _no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
VALID_CHECKS = [*COMMON_CHECKS, response_schema_conformance, positive_data_acceptance]
INVALID_CHECKS = [*COMMON_CHECKS, negative_data_rejection]


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
    loaded = schemathesis.openapi.from_dict(dict(raw), config=schemathesis.Config.from_path(CONFIG))
    loaded.app = application
    return loaded


def _operations(schema):
    ops = [result.ok() for result in schema.get_all_operations()]
    assert ops, "the OpenAPI schema lists no operation"
    return ops


def _label(op):
    return (op.method.upper(), op.path)


def _headers_negated(case):
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return component is not None and component.mode.is_negative


def _send(case, token):
    """Sends the case with the persona's token, unless the case is about a malformed header: then with
    the header it was generated with (the server must refuse it)."""
    if _headers_negated(case):
        extra = {}
    else:
        case.headers = {
            k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "cookie")
        }
        extra = {"Authorization": f"Bearer {token}"} if token else {}
    response = case.call(headers=extra)
    message = response.json().get("message", "") if response.status_code == 422 else ""
    SEEN.append((case.method.upper(), case.operation.path, response.status_code, message))
    return response


def _token_for(world, persona):
    from accounts.models import ApiToken

    if persona == "anonymous":
        return None
    return ApiToken.issue(getattr(world, persona))[1]


@pytest.mark.fuzz
@pytest.mark.parametrize("persona", PERSONAS)
def test_fuzz_api_as_persona(schema, world, persona):
    from core.roles import BUSINESS_ROLES

    token = _token_for(world, persona)
    SEEN.clear()
    for op in _operations(schema):
        if _label(op) == TOKEN_OPERATION and persona != "anonymous":
            continue  # no bearer token is involved: fuzzed once, as anonymous

        def token_for_case(op=op):
            return _token_for(world, persona) if _label(op) == REVOKE_OPERATION else token

        @FUZZ_SETTINGS
        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def valid_requests(case):
            case.validate_response(_send(case, token_for_case()), checks=VALID_CHECKS)

        @FUZZ_SETTINGS
        @given(case=op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def invalid_requests(case):
            case.validate_response(_send(case, token_for_case()), checks=INVALID_CHECKS)

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
                    case.validate_response(_send(case, token), checks=VALID_CHECKS)

                existing_object()

    statuses = {(method, path): set() for method, path, _, _ in SEEN}
    for method, path, status, _ in SEEN:
        statuses[(method, path)].add(status)
    statuses.pop(TOKEN_OPERATION, None)
    if persona == "anonymous":
        # Without a token, every operation answers 401; only a request the API refuses before anything
        # else reads it (a NUL character, core.middleware) gets its 422.
        assert all(seen <= {401, 422} and 401 in seen for seen in statuses.values()), statuses
        early = {
            message
            for method, path, status, message in SEEN
            if status == 422 and (method, path) != TOKEN_OPERATION
        }
        assert early <= {MSG_NUL_IN_REQUEST}, early
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


# ------------------------------------------------------------------- against a served instance
SERVED_SETUP = """
from accounts.models import ApiToken
from core.testing.world import build_world
w = build_world(committee_history=True)
for name in ("staff", "liaison"):
    print("TOKEN", name, ApiToken.issue(w.users[name], hours=2)[1])
"""
# Fixed, so that a failure can be replayed; JINGUO_FUZZ_SEED explores others.
FUZZ_SEED = os.environ.get("JINGUO_FUZZ_SEED", "20261127")


@pytest.fixture(scope="module")
def served_api(tmp_path_factory):
    from core.testing.commands import manage
    from core.testing.served import server_env, start

    var = tmp_path_factory.mktemp("fuzz")
    env = server_env(var)
    manage(var, "migrate", "--noinput", "-v", "0", env=env)
    tokens = dict(re.findall(r"TOKEN (\w+) (\S+)", manage(var, "shell", env=env, stdin=SERVED_SETUP).stdout))
    server = start(env, var / "server.log")
    yield server, tokens
    server.stop()


@pytest.mark.fuzz
@pytest.mark.slow
@pytest.mark.parametrize("persona", sorted(DEEP_PERSONAS))
def test_the_outside_fuzzer_finds_nothing(served_api, persona):
    """`schemathesis run` over loopback, every check and phase, as the outside probe ran it."""
    server, tokens = served_api
    cli = Path(sys.executable).with_name("schemathesis")
    run = subprocess.run(
        [
            str(cli),
            "--config-file",
            str(CONFIG),
            "run",
            f"{server.base}{API}/openapi.json",
            "--header",
            f"Authorization: Bearer {tokens[persona]}",
            "--checks",
            "all",
            "--max-examples",
            str(DEEP_EXAMPLES),
            "--seed",
            FUZZ_SEED,
            "--workers",
            "1",
            "--continue-on-failure",
            "--no-color",
            "--suppress-health-check",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-8000:]
    # Every selected operation was tested (however many the installed apps add).
    selected = re.search(r"Selected: (\d+)/", report)
    assert selected and f"Tested: {selected.group(1)}" in report, report[-3000:]
    assert "Server error" not in server.log()
