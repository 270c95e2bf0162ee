"""The units API: token auth, scoped and paginated lists, JSON errors."""

import pytest

from accounts.models import ApiToken
from core.api import MSG_NOT_FOUND, MSG_UNAUTHORIZED
from core.testing.world import PASSWORD


def bearer(user):
    _, raw = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_from_username_and_password(world, client):
    resp = client.post("/api/v1/auth/token", {"username": "staff", "password": PASSWORD}, content_type="application/json")
    assert resp.status_code == 200
    token = resp.json()["token"]
    units = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert units.status_code == 200 and units.json()["count"] == 2


def test_wrong_password_is_a_json_401(world, client):
    resp = client.post("/api/v1/auth/token", {"username": "staff", "password": "nope"}, content_type="application/json")
    assert resp.status_code == 401
    assert resp["Content-Type"].startswith("application/json") and resp.json()["message"]


def test_units_are_scoped_and_paginated(world, client):
    staff = client.get("/api/v1/units", {"limit": 1}, **bearer(world.staff)).json()
    assert staff["count"] == 2 and len(staff["items"]) == 1
    liaison = client.get("/api/v1/units", **bearer(world.liaison)).json()
    assert [u["name"] for u in liaison["items"]] == ["区教育局"] and liaison["count"] == 1


def test_unit_outside_scope_is_404_json(world, client):
    resp = client.get(f"/api/v1/units/{world.unit_b1.pk}", **bearer(world.staff))
    assert resp.status_code == 404 and resp.json()["message"] == MSG_NOT_FOUND
    assert client.get(f"/api/v1/units/{world.unit_a1.pk}", **bearer(world.staff)).json()["name"] == "区教育局"


@pytest.mark.parametrize("header", [None, "Bearer jg_not-a-token", "Basic abc"])
def test_missing_or_bad_token_is_401_json(world, client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    resp = client.get("/api/v1/units", **kwargs)
    assert resp.status_code == 401 and resp.json()["message"] == MSG_UNAUTHORIZED


def test_malformed_input_is_a_json_422_not_a_500(world, client):
    resp = client.get("/api/v1/units", {"limit": "many"}, **bearer(world.staff))
    assert resp.status_code == 422 and resp.json()["message"]
    resp = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert resp.status_code == 422 and resp.json()["message"]


def test_unknown_api_path_is_json(world, client):
    resp = client.get("/api/v1/nothing-here", **bearer(world.staff))
    assert resp.status_code == 404 and resp["Content-Type"].startswith("application/json")




def test_a_nul_character_anywhere_in_an_api_request_is_a_json_422(world, client):
    from core.middleware import MSG_NUL_IN_REQUEST

    body = '{"username": "sta\\u0000ff", "password": "x"}'
    resp = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["message"] == MSG_NUL_IN_REQUEST
    resp = client.get("/api/v1/units?q=%00", **bearer(world.staff))
    assert resp.status_code == 422 and resp.json()["message"] == MSG_NUL_IN_REQUEST


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"offset": "9223372036854775808"}, "请求参数有误：查询参数 offset 不能大于 1000000。"),
        ({"offset": "-1"}, "请求参数有误：查询参数 offset 不能小于 0。"),
        ({"limit": "0"}, "请求参数有误：查询参数 limit 不能小于 1。"),
        ({"limit": "201"}, "请求参数有误：查询参数 limit 不能大于 200。"),
        ({"limit": "many"}, "请求参数有误：查询参数 limit 须为整数。"),
        ({"status": "closed"}, "请求参数有误：查询参数 status 须为以下之一：'active'、'dissolved'。"),
    ],
)
def test_pagination_is_bounded_in_the_schema_with_a_chinese_422(world, client, params, message):
    """The probe: GET /api/v1/units?offset=9223372036854775808 answered 500 (the database's integer overflowed)."""
    resp = client.get("/api/v1/units", params, **bearer(world.staff))
    assert resp.status_code == 422, resp.content
    assert resp.json()["message"] == message


def test_the_largest_offset_and_limit_are_served(world, client):
    from core.api import MAX_LIMIT, MAX_OFFSET

    far = client.get("/api/v1/units", {"offset": MAX_OFFSET, "limit": MAX_LIMIT}, **bearer(world.staff)).json()
    assert far == {"items": [], "count": 2}
    schema = client.get("/api/v1/openapi.json", **bearer(world.staff)).json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/units"]["get"]["parameters"]}
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, MAX_OFFSET)
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, MAX_LIMIT)

