"""Committing inside a test: the test's own transaction never commits, so on-commit work never runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.test import TestCase


@contextlib.contextmanager
def committed(*, run: bool = True) -> Iterator[list[Any]]:
    """Runs the block as if it were a request's own transaction that then commits: the on-commit callbacks
    the test registered before are set aside (they belong to an earlier "transaction"), and the block's own
    run when it ends (`run=False`: are only collected). Yields the list of the block's callbacks.

        with committed() as callbacks:
            services.term_reelect(...)
        assert len(callbacks) == 1
    """
    connection = transaction.get_connection()
    earlier = connection.run_on_commit
    connection.run_on_commit = []
    try:
        with TestCase.captureOnCommitCallbacks(execute=run) as callbacks:
            yield callbacks
    finally:
        connection.run_on_commit = earlier
