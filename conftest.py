import os

import pytest

# Playwright runs an event loop in the test process; the live server's ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _flush_may_clear_audit_log():
    """Transactional tests end with `flush`; the audit log's triggers refuse it outside the purge gate
    (core.auditguard), so in tests the flush opens the gate inside its own transaction."""
    from django.core.management.commands import flush

    from core.auditguard import flush_with_gate

    original = flush.sql_flush
    flush.sql_flush = flush_with_gate(original)
    yield
    flush.sql_flush = original


@pytest.fixture
def world(db):
    from core.testing.world import build_world

    return build_world()


@pytest.fixture
def client_as(client):
    """client_as(user) -> a test client logged in as that user (OTP-verified when the role needs it)."""
    from core.testing.world import login as login_verified

    def login(user):
        return login_verified(client, user)

    return login
