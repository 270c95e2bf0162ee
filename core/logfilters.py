"""Logging filters (config.settings.base.LOGGING)."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (4xx) is logged as its one line, without the traceback Django attaches to a 403.

    Refusals are normal traffic (a clerk following an old link, the URL walk of the tests): a traceback
    each would bury the errors that matter. Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
