"""POST /api/v1/auth/token takes JSON only, and a body it cannot take is still a failed log-in (issue 7, item 1).

The probe: a JSON body sent as `multipart/form-data` (or `multipart/form-data; boundary=` with nothing
after it) answered 500 to a wrong password and 200 to the right one, and the failures were neither
counted toward the lock-out nor audited — an unlimited password oracle.
"""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client

from accounts.services import MSG_LOCKED
from core.api import MSG_BAD_JSON, MSG_JSON_ONLY
from core.models import AuditEvent
from core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


def as_json(password):
    return json.dumps({"username": "staff", "password": password})


# (content type, body for a password) of requests the endpoint must refuse: status, message
REFUSED = {
    "json sent as multipart": ("multipart/form-data; boundary=xyz", as_json, 415, MSG_JSON_ONLY),
    "multipart without boundary": ("multipart/form-data; boundary=", as_json, 415, MSG_JSON_ONLY),
    "json sent as text": ("text/plain", as_json, 415, MSG_JSON_ONLY),
    "form fields": (
        "application/x-www-form-urlencoded",
        lambda pw: f"username=staff&password={pw}",
        415,
        MSG_JSON_ONLY,
    ),
    "real multipart fields": (
        "multipart/form-data; boundary=BoUnDaRy",
        lambda pw: (
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="username"\r\n\r\nstaff\r\n'
            f'--BoUnDaRy\r\nContent-Disposition: form-data; name="password"\r\n\r\n{pw}\r\n--BoUnDaRy--\r\n'
        ),
        415,
        MSG_JSON_ONLY,
    ),
    "password not a string": (
        "application/json",
        lambda pw: json.dumps({"username": "staff", "password": [pw]}),
        422,
        None,
    ),
    "no password": ("application/json", lambda pw: json.dumps({"username": "staff", "pass": pw}), 422, None),
}


def post(client, content_type, body):
    return client.generic(
        "POST",
        TOKEN,
        body.encode() if isinstance(body, str) else body,
        content_type=content_type,
        REMOTE_ADDR="10.9.9.9",
    )


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_body_the_endpoint_cannot_take_is_refused_alike_for_right_and_wrong_passwords(world, case):
    content_type, body, status, message = REFUSED[case]
    answers = []
    for password in ("wrong-password", PASSWORD):
        response = post(Client(), content_type, body(password))
        assert response.status_code == status, (password, response.content)
        assert "token" not in response.json()
        if message:
            assert response.json()["message"] == message
        answers.append(response.json())
    assert answers[0] == answers[1]  # nothing tells the right password from a wrong one
    # Both attempts are failed log-ins of staff: audited and counted toward the lock-out.
    failures = AuditEvent.objects.filter(action="login_failed", actor_name="staff")
    assert failures.count() == 2 and set(failures.values_list("ip", flat=True)) == {"10.9.9.9"}
    assert all(d.startswith("api: body refused") for d in failures.values_list("detail", flat=True))
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 2


def test_five_malformed_requests_lock_the_account_for_json_too(world):
    for _ in range(4):
        assert post(Client(), "multipart/form-data; boundary=", as_json("guess")).status_code == 415
    fifth = post(Client(), "multipart/form-data; boundary=", as_json("guess"))
    assert fifth.status_code == 403 and fifth.json()["message"] == MSG_LOCKED
    locked = Client().post(TOKEN, as_json(PASSWORD), content_type="application/json")
    assert locked.status_code == 403 and locked.json()["message"] == MSG_LOCKED
    assert AuditEvent.objects.filter(action="account_locked", actor_name="staff").exists()


def test_a_body_that_is_not_json_at_all_is_a_chinese_422_and_audited(world):
    for body in (b"{not json", b"\xff\xfeSe", b"[]", b"null"):
        response = post(Client(), "application/json", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["message"] in (MSG_BAD_JSON,) or response.json()["message"].startswith(
            "请求参数有误"
        )
    assert (
        AuditEvent.objects.filter(action="login_failed", detail__startswith="api: body refused").count() == 4
    )


def test_a_missing_field_is_named_in_chinese(world):
    response = Client().post(TOKEN, json.dumps({"username": "staff"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "请求参数有误：请求体字段 password 为必填项。"


def test_json_with_a_charset_is_json(world):
    response = Client().post(TOKEN, as_json(PASSWORD), content_type="application/json; charset=utf-8")
    assert response.status_code == 200 and response.json()["token"].startswith("jg_")


def test_the_schema_says_the_endpoint_takes_json_only():
    from config.api import api

    operation = api.get_openapi_schema()["paths"][TOKEN]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert set(operation["requestBody"]["content"]["application/json"]["schema"]["required"]) == {
        "username",
        "password",
    }
    assert {"200", "401", "403", "413", "414", "415", "422"} <= {str(code) for code in operation["responses"]}
