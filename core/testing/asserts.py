"""Assertions the apps' tests share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's apps (the audit log included: a tracked update writes one)."""
    return {m._meta.label: m._base_manager.count() for m in apps.get_models() if not m._meta.proxy}


@contextlib.contextmanager
def refused(message: Any, *, code: str | None = None) -> Iterator[Any]:
    """The block raises a ValidationError carrying `message` (a lazy string is fine) and writes nothing.

        with refused(services.MSG_TERM_BEFORE_PREVIOUS):
            services.term_reelect(...)
    """
    import pytest

    before = row_counts()
    with pytest.raises(ValidationError) as info:
        yield info
    texts = [str(m) for m in info.value.messages]
    assert str(message) in texts, f"refused with {texts}, not {message!s}"
    if code is not None:
        assert code in [e.code for e in info.value.error_list], [e.code for e in info.value.error_list]
    after = row_counts()
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, f"a refused operation wrote rows: {changed}"
