import os

import pytest

# Playwright runs an event loop in the test process; the live server's ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from core.testing.world import build_world

    return build_world()


@pytest.fixture
def client_as(client):
    """client_as(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
