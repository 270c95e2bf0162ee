"""A refusal (403, 404) is one line in the log, not a traceback; a server error keeps its traceback
(issue 7, item 14: the scoping walk wrote 186,000 lines of 403 tracebacks)."""

import logging

import pytest


def request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def one_line(record):
    return logging.Formatter("%(levelname)s %(message)s").format(record)


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("liaison", "/audit/", 403),  # a role-gated page
        ("staff", "/orgs/units/999999/", 404),
        ("staff", "/no-such-page/", 404),
    ],
)
def test_a_refusal_is_logged_as_one_line(client_as, world, caplog, persona, url, status):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_as(world.users[persona]).get(url).status_code == status
    records = request_records(caplog)
    assert len(records) == 1
    text = one_line(records[0])
    assert "\n" not in text and url in text and "Traceback" not in text
    assert records[0].exc_info is None


def test_an_api_refusal_is_one_line_too(client, world, caplog):
    from accounts.models import ApiToken

    raw = ApiToken.issue(world.auditor)[1]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    assert all("\n" not in one_line(r) for r in request_records(caplog))


def test_a_server_error_keeps_its_traceback():
    from core.logfilters import RefusalsOnOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), exc_info
    )
    record.status_code = 500
    assert RefusalsOnOneLine().filter(record) and record.exc_info is not None
    refused = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x", (), exc_info)
    refused.status_code = 403
    assert RefusalsOnOneLine().filter(refused) and refused.exc_info is None
