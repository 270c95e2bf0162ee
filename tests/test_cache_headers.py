"""Pages for a logged-in user are neither stored by the browser nor by a proxy (issue 7, item 12).

The probe: people list and detail, the audit log and its events and the user list came without any
Cache-Control. Every URL of the URLconf (the same walk as tests/test_csrf.py) is requested as each
persona; every answer to a logged-in user carries `Cache-Control: no-store, private`, unless its view
opts out with core.middleware.cache_allowed.
"""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import ApiToken
from core.middleware import PrivateResponsesMiddleware, cache_allowed
from tests.test_csrf import all_urls, verified_client

pytestmark = pytest.mark.django_db

PERSONAS = ["staff", "liaison", "supervisor", "sysadmin", "secadmin", "auditor"]


def directives(response):
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.fixture
def walk_world(db):
    from core.testing.world import build_world

    return build_world(committee_history=True, notifications=True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_for_a_logged_in_user_is_no_store_private(walk_world, persona):
    client = verified_client(walk_world.users[persona])
    token = ApiToken.issue(walk_world.users[persona])[1]
    served, missing = 0, []
    for url in all_urls(walk_world):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
        response = client.get(url, **headers)
        if response.status_code >= 500:
            missing.append(f"{url}: {response.status_code}")
            continue
        served += response.status_code == 200
        if not {"no-store", "private"} <= directives(response):
            missing.append(f"{url}: {response.status_code} Cache-Control: {response.get('Cache-Control')!r}")
    assert served >= 3
    assert missing == [], "\n".join(missing)


def test_the_probed_pages_are_covered(walk_world, client_as):
    person = walk_world.staff.person
    for user, url in (
        (walk_world.staff, "/orgs/people/"),
        (walk_world.staff, f"/orgs/people/{person.pk}/"),
        (walk_world.auditor, "/audit/"),
        (walk_world.sysadmin, "/accounts/users/"),
    ):
        response = client_as(user).get(url)
        assert response.status_code == 200, url
        assert {"no-store", "private"} <= directives(response), url


def test_anonymous_pages_and_static_files_are_left_alone(client, walk_world):
    assert "no-store" not in directives(client.get("/healthz"))


def test_a_view_may_opt_out(walk_world):
    @cache_allowed
    def public_figure(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=60"
        return response

    request = RequestFactory().get("/x")
    request.user = walk_world.staff
    response = PrivateResponsesMiddleware(public_figure)(request)
    assert response["Cache-Control"] == "max-age=60"
    response = PrivateResponsesMiddleware(lambda r: HttpResponse("ok"))(request)
    assert {"no-store", "private"} <= directives(response)
