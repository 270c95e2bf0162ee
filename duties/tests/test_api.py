"""The duty system's API paths: the hotline case log under /api/v1/hotline/, suggestions under
/api/v1/duties/suggestions, scoped like the pages."""

import json

import pytest

from core.testing.world import api_headers, build_world
from duties.models import Suggestion


@pytest.fixture
def world(db):
    return build_world()


def post(client, path, body, user):
    return client.post(path, json.dumps(body), content_type="application/json", **api_headers(user))


def test_hotline_cases_moved_not_duplicated(world, client):
    assert client.get("/api/v1/hotline/cases", **api_headers(world.executive)).status_code == 200
    assert client.get("/api/v1/duties/hotline/cases", **api_headers(world.executive)).status_code == 404
    schema = client.get("/api/v1/openapi.json", **api_headers(world.staff))
    if schema.status_code == 200:
        paths = schema.json()["paths"]
        assert "/api/v1/hotline/cases/{id}" in paths
        assert not any(p.startswith("/api/v1/duties/hotline") for p in paths)


def test_suggestion_list_is_scoped(world, client):
    mine = client.get("/api/v1/duties/suggestions", **api_headers(world.executive)).json()
    assert [s["id"] for s in mine["items"]] == [world.suggestion_a.pk]
    staff = client.get("/api/v1/duties/suggestions?status=assigned", **api_headers(world.staff)).json()
    assert world.suggestion_a.pk in [s["id"] for s in staff["items"]]
    assert world.suggestion_b.pk not in [s["id"] for s in staff["items"]]
    none = client.get("/api/v1/duties/suggestions?status=closed", **api_headers(world.staff)).json()
    assert none["count"] == 0


def test_suggestion_detail_404_outside_scope(world, client):
    ok = client.get(f"/api/v1/duties/suggestions/{world.suggestion_a.pk}", **api_headers(world.executive))
    assert ok.status_code == 200 and ok.json()["title"] == "关于增设母婴室的建议"
    other = client.get(f"/api/v1/duties/suggestions/{world.suggestion_b.pk}", **api_headers(world.executive))
    assert other.status_code == 404


def test_executive_submits_a_suggestion(world, client):
    res = post(
        client,
        "/api/v1/duties/suggestions",
        {"title": "关于延长托育服务时间的建议", "proposal": "建议社区托育点延长至晚七点。"},
        world.executive,
    )
    assert res.status_code == 201, res.content
    s = Suggestion.objects.get(pk=res.json()["id"])
    assert s.author_id == world.exec_a.pk and s.status == "submitted" and s.federation_id == world.fed_a.pk


def test_suggestion_create_refusals(world, client):
    blank = post(client, "/api/v1/duties/suggestions", {"title": "标题", "proposal": " "}, world.executive)
    assert blank.status_code == 422 and "建议内容" in blank.json()["message"]
    other = post(
        client,
        "/api/v1/duties/suggestions",
        {"title": "标题", "proposal": "内容", "federation_id": world.fed_b.pk},
        world.executive,
    )
    assert other.status_code == 404
    staff = post(client, "/api/v1/duties/suggestions", {"title": "标题", "proposal": "内容"}, world.staff)
    assert staff.status_code == 403
