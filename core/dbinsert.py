"""INSERTs at the speed of the database, for the bulk paths (core.bulk) and the audit log's batches.

Below the audit writer and the fields: a field declares `plain_db_value = True` when its database value is
the Python value as it is (the derived columns of core.fields), so that it is passed without preparation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    prepare = _Preparer(connection, fields)
    rows = [prepare([f.pre_save(obj, True) for f in fields]) for obj in objs]
    keys = _insert(connection, model, fields, rows, returning=pk.column if returning else None)
    for obj, key in zip(objs, keys or [None] * len(objs), strict=True):
        if key is not None:
            setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = using


def insert_values(model: type[models.Model], values: Iterable[dict[str, Any]], *, using: str = "default") -> int:
    """INSERTs rows given as {field name: value} (fields left out take their defaults); no keys read back."""
    connection = connections[using]
    fields = _insert_fields(model)
    prepare = _Preparer(connection, fields)
    rows = []
    for item in values:
        rows.append(prepare([
            item[f.attname] if f.attname in item else (item[f.name] if f.name in item else f.get_default())
            for f in fields
        ]))
    _insert(connection, model, fields, rows, returning=None)
    return len(rows)


class _Preparer:
    """Each field's database value, as `Field.get_db_prep_save` makes it, with the common cases short:
    text, numbers and booleans of the plain field types pass as they are, dates go through the backend's
    adapter, and a timestamp shared by many rows is adapted once."""

    def __init__(self, connection: Any, fields: list[Any]) -> None:
        plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
        self.connection = connection
        self.fields = fields
        # Exactly these types (subclasses such as the encrypted fields prepare their values themselves).
        self.plain = [type(f) in _PLAIN_TYPES or getattr(f, "plain_db_value", False) or type(f) in plain for f in fields]
        self.dates = [type(f) is models.DateField for f in fields]
        self.moments: dict[int, Any] = {}

    def __call__(self, values: list[Any]) -> list[Any]:
        out = []
        for i, value in enumerate(values):
            kind = type(value)
            if value is None or (self.plain[i] and kind in (str, int, bool)):
                out.append(value)
            elif self.dates[i] and kind is dt.date:
                out.append(self.connection.ops.adapt_datefield_value(value))
            elif kind is dt.datetime:
                key = id(value)
                if key not in self.moments:
                    self.moments[key] = (value, self.fields[i].get_db_prep_save(value, self.connection))
                out.append(self.moments[key][1])
            else:
                out.append(self.fields[i].get_db_prep_save(value, self.connection))
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


def _insert(connection: Any, model: type[models.Model], fields: list[Any], rows: list[list[Any]], *,
            returning: str | None) -> list[Any]:
    if not rows:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(returning)}" if returning else ""
    table = quote(model._meta.db_table)
    keys: list[Any] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _unnest_types(connection, fields)
            if types is not None:
                # One statement per batch: each column as one array, the rows read back in their order
                # (the keys come back in the order the rows were given, as Django's bulk_create relies on).
                arrays = ", ".join(f"%s::{t}[]" for t in types)
                sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}){suffix}"  # noqa: S608
                for start in range(0, len(rows), UNNEST_BATCH):
                    batch = rows[start:start + UNNEST_BATCH]
                    cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                    if returning:
                        keys += [r[0] for r in cursor.fetchall()]
                return keys
            # psycopg pipelines one prepared row statement; a statement of thousands of placeholders cost
            # more in the client's query parsing (about 12 µs a placeholder) than the insert itself.
            raw = cursor.cursor
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}{suffix}", rows,  # noqa: S608
                            returning=bool(returning))
            if returning:
                while True:
                    keys.append(raw.fetchone()[0])
                    if not raw.nextset():
                        break
            return keys
        limit = connection.features.max_query_params or 65535
        per_statement = max(1, min(BATCH, limit // len(fields)))
        for start in range(0, len(rows), per_statement):
            batch = rows[start:start + per_statement]
            # Only quoted identifiers of the model are formatted in; every value is a parameter.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}{suffix}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                keys += [r[0] for r in cursor.fetchall()]
    return keys
