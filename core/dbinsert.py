"""INSERTs at the speed of the database, for the bulk paths (core.bulk) and the audit log's batches.

Below the audit writer and the fields: a field declares `plain_db_value = True` when its database value is
the Python value as it is (the derived columns of core.fields), so that it is passed without preparation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import chain
from typing import Any

from django.db import connections, models

BATCH = 1000


def insert[M: models.Model](model: type[M], objs: list[M], *, using: str = "default") -> None:
    """INSERTs new rows as `bulk_create` does (each field's pre_save and database preparation, the keys
    read back with RETURNING) but without the ORM's per-value placeholder machinery, which cost more
    than the database itself on a 40,000-row ledger. No signals, like bulk_create."""
    connection = connections[using]
    fields = _insert_fields(model)
    returning = connection.features.can_return_rows_from_bulk_insert
    pk = model._meta.pk
    assert pk is not None
    columns = [_prepare(connection, f, _pre_save(f, objs)) for f in fields]
    keys = _insert(connection, model, fields, columns, returning=pk.column if returning else None)
    for obj, key in zip(objs, keys or [None] * len(objs), strict=True):
        if key is not None:
            setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = using


def insert_values(model: type[models.Model], values: Iterable[dict[str, Any]], *, using: str = "default") -> int:
    """INSERTs rows given as {field name: value} (fields left out take their defaults); no keys read back."""
    connection = connections[using]
    fields = _insert_fields(model)
    items = list(values)
    columns = []
    for f in fields:
        a, n, default = f.attname, f.name, f.get_default
        columns.append(_prepare(connection, f, [
            item[a] if a in item else (item[n] if n in item else default()) for item in items
        ]))
    _insert(connection, model, fields, columns, returning=None)
    return len(items)


def _pre_save(f: Any, objs: list[Any]) -> list[Any]:
    """The field's values of the rows as its `pre_save(obj, add=True)` gives them; read directly when the
    field's pre_save only reads the attribute."""
    kind = type(f)
    if kind.pre_save is models.Field.pre_save or (
        isinstance(f, models.DateField) and not f.auto_now and not f.auto_now_add
        and kind.pre_save is models.DateField.pre_save
    ):
        attname = f.attname
        return [getattr(obj, attname) for obj in objs]
    return [f.pre_save(obj, True) for obj in objs]


_PASS = frozenset({str, int, bool, type(None)})


def _prepare(connection: Any, f: Any, values: list[Any]) -> list[Any]:
    """One column's database values, as `Field.get_db_prep_save` makes them, with the common cases short:
    text, numbers and booleans of the plain field types pass as they are, dates go through the backend's
    adapter, and a timestamp shared by many rows is adapted once. None is always passed as it is."""
    kind = type(f)
    prep = f.get_db_prep_save
    if kind in _PLAIN_TYPES or getattr(f, "plain_db_value", False):
        # Exactly these types (subclasses such as the encrypted fields prepare their values themselves).
        return [v if type(v) in _PASS else prep(v, connection) for v in values]
    if kind is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        return [adapt(v) if type(v) is dt.date else (None if v is None else prep(v, connection)) for v in values]
    out: list[Any] = []
    moments: dict[int, tuple[Any, Any]] = {}
    for v in values:
        if v is None:
            out.append(None)
        elif type(v) is dt.datetime:
            key = id(v)
            if key not in moments:
                moments[key] = (v, prep(v, connection))  # the value kept, so that its id stays its own
            out.append(moments[key][1])
        else:
            out.append(prep(v, connection))
    return out


_PLAIN_TYPES = {models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
                models.PositiveSmallIntegerField, models.BigIntegerField, models.SmallIntegerField,
                models.BooleanField, models.ForeignKey}


def _insert_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(f, "db_returning", False))]


# PostgreSQL: rows per INSERT ... SELECT FROM UNNEST statement (one array parameter per column, so the
# number of parameters is that of the columns whatever the batch).
UNNEST_BATCH = 5000


def _unnest_types(connection: Any, fields: list[Any]) -> list[str] | None:
    """The array type of each column for UNNEST (varchar[] rather than varchar(50)[]: no truncation), or
    None when a field's values cannot go through an array (a type of its own, a per-value placeholder),
    as Django's own bulk insert decides."""
    types = []
    for f in fields:
        target = f.target_field if f.is_relation else f
        if hasattr(f, "get_placeholder_sql") or target.get_internal_type() not in connection.data_types:
            return None
        db_type = f.db_type(connection)
        if not db_type:
            return None
        types.append(db_type.split("(")[0])
    return types


def _sqlite_execute(cursor: Any) -> Any:
    """Runs a statement with "?" placeholders on Django's SQLite cursor, bypassing its "%s" rewriting."""
    import sqlite3

    raw = cursor.cursor
    return lambda sql, params: sqlite3.Cursor.execute(raw, sql, params)


def _one_type(column: list[Any]) -> bool:
    """Whether a column's values (None aside) are of one Python type, as an array parameter needs."""
    kinds = set(map(type, column))
    kinds.discard(type(None))
    return len(kinds) <= 1


def _insert(connection: Any, model: type[models.Model], fields: list[Any], columns: list[list[Any]], *,
            returning: str | None) -> list[Any]:
    """INSERTs the rows given column by column (each list one field's database values, all as long)."""
    count = len(columns[0]) if columns else 0
    if not count:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(returning)}" if returning else ""
    table = quote(model._meta.db_table)
    keys: list[Any] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _unnest_types(connection, fields)
            if types is not None and all(_one_type(column) for column in columns):
                # One statement per batch: each column as one array parameter, sent in the binary format
                # (server-side binding: no quoting or parsing of text); the keys come back in the order
                # the rows were given, as Django's bulk_create relies on.
                import psycopg

                arrays = ", ".join(f"%b::{t}[]" for t in types)
                sql = f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays}){suffix}"  # noqa: S608
                with psycopg.Cursor(cursor.cursor.connection) as raw_cursor:
                    for start in range(0, count, UNNEST_BATCH):
                        raw_cursor.execute(sql, [column[start:start + UNNEST_BATCH] for column in columns])
                        if returning:
                            keys += [r[0] for r in raw_cursor.fetchall()]
                return keys
            # psycopg pipelines one prepared row statement; a statement of thousands of placeholders cost
            # more in the client's query parsing (about 12 µs a placeholder) than the insert itself.
            raw = cursor.cursor
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES {one}{suffix}", list(zip(*columns, strict=True)),  # noqa: S608
                            returning=bool(returning))
            if returning:
                while True:
                    keys.append(raw.fetchone()[0])
                    if not raw.nextset():
                        break
            return keys
        limit = connection.features.max_query_params or 65535
        per_statement = max(1, min(BATCH, limit // len(fields)))
        execute = cursor.execute
        if connection.vendor == "sqlite":
            # SQLite's own placeholders, straight to the driver: Django's wrapper rewrites every "%s" of
            # a statement of thousands with a regular expression before it runs it.
            one = one.replace("%s", "?")
            execute = _sqlite_execute(cursor)
        full = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * per_statement)}{suffix}"  # noqa: S608
        for start in range(0, count, per_statement):
            size = min(per_statement, count - start)
            params = list(chain.from_iterable(zip(*(column[start:start + size] for column in columns), strict=True)))
            # Only quoted identifiers of the model are formatted in; every value is a parameter.
            sql = full if size == per_statement else (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * size)}{suffix}")  # noqa: S608
            execute(sql, params)
            if returning:
                keys += [r[0] for r in cursor.fetchall()]
    return keys
