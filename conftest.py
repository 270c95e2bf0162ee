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


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """LocaleMiddleware leaves a request's language active in the thread: a test that asked for a page in
    English must not make the next test's messages English (the order differs under pytest-xdist)."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (sync API); skipped when Chromium is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """new_page(width=1280, height=900) -> a page in a fresh context (own cookies); closed after the test."""
    contexts = []

    def make(width=1280, height=900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280x800) in a fresh context; overrides pytest-playwright's `page`."""
    return new_page(1280, 800)


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



@pytest.fixture(autouse=True)
def _rate_summary_stays_exact(request):
    """After every test that wrote through the platform, the maintained rate summary equals a full
    recompute (committees.rate_summary): the whole suite's writes are its test. A test that builds rows
    behind the services' back (bulk_create, queryset update) says so with @pytest.mark.summary_unchecked."""
    marker = request.node.get_closest_marker("django_db")
    if (
        (marker is None and "db" not in request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
        or request.node.get_closest_marker("summary_unchecked")
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("db")
    yield
    from committees import rate_summary
    from orgs.models import Federation

    wrong = {f: d for f in Federation.objects.values_list("pk", flat=True) if (d := rate_summary.differences(f))}
    assert not wrong, f"the rate summary differs from a full recompute after this test: {wrong}"
