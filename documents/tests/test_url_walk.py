"""The URL walker (core.testing.urlwalk) over the document library's pages and API operations only: a quick
check of this app's scoping while working on it (core/tests/test_url_scoping.py walks the whole site)."""

import pytest

from core.testing import urlwalk
from core.testing.world import build_world, login_client
from orgs.models import Unit


@pytest.fixture
def world(db):
    return build_world(committee_history=True, notifications=True)


@pytest.fixture
def only_documents(monkeypatch):
    routes, operations = urlwalk.iter_routes, urlwalk.api_operations
    monkeypatch.setattr(
        urlwalk,
        "iter_routes",
        lambda urlconf=None: (r for r in routes(urlconf) if r.route.startswith("documents/")),
    )
    monkeypatch.setattr(
        urlwalk,
        "api_operations",
        lambda: (op for op in operations() if op[1].startswith(("/documents", "/consultations"))),
    )


def personas(world):
    invisible = {}
    for name, user in world.users.items():
        visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
        invisible[name] = [u.name for u in Unit.objects.exclude(pk__in=visible)]
    return {"anonymous": None, **world.users}, invisible


def test_the_walker_covers_every_documents_url(only_documents):
    names = {r.name for r in urlwalk.iter_routes()}
    assert len(names) == 15 and all(n.startswith("documents:") for n in names)
    assert urlwalk.static_problems() == []
    assert len(list(urlwalk.api_operations())) == 3
    assert urlwalk.api_static_problems() == []


@pytest.mark.engine_agnostic
def test_every_documents_url_as_every_role(world, only_documents):
    people, invisible = personas(world)
    assert urlwalk.dynamic_problems(people, invisible, login_client) == []
    assert urlwalk.dynamic_problems(people, invisible, login_client, methods=("POST",)) == []


@pytest.mark.engine_agnostic
def test_every_documents_api_operation_as_every_role(world, only_documents):
    people, invisible = personas(world)
    assert urlwalk.api_dynamic_problems(people, invisible) == []


@pytest.mark.engine_agnostic
def test_every_documents_page_in_english(world, only_documents):
    people, _ = personas(world)
    assert urlwalk.english_problems(people, login_client) == []
