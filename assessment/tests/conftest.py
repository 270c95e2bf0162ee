"""Fixtures of the self-inspection tests."""

import pytest


@pytest.fixture
def without_lectures_or_duties():
    """As in a deployment without the lecture and duty systems: nobody provides their metrics."""
    from core.metrics import metrics

    with metrics.emptied():
        yield
