"""Hints to the query planner that do not depend on statistics.

SQLite plans without statistics until someone runs ANALYZE (and ANALYZE made other pages worse here:
docs/decisions/0015-maintained-rate-summary.md), so where two indexes could serve a query it may walk the
wrong one through a federation's whole history. SQLite's documented way to keep a term of the WHERE
clause from choosing an index is a unary `+` on the column; PostgreSQL plans by its statistics and gets
the column unchanged (a unary `+` on a date does not exist there).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Func


class Unindexed(Func):
    """The column, which the SQLite planner may not use to pick an index: `Unindexed("due_on")`."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", tuple(params)
