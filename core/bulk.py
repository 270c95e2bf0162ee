"""What the bulk paths of the services share: one refusal that names every refused item.

A service's bulk function (`unit_bulk_create`, `vacancy_bulk_record`, ...) checks every item with the
same rule functions as its row-by-row twin before it writes anything; when any item breaks a rule it
raises `BulkRefused` with each item's key (whatever the caller passed: a ledger row, an index) and the
service's own refusal, and writes nothing. Callers turn the keys back into their own locations.

`create_tracked` and `update_tracked` write TrackedModel rows in batches with what their `save()` does
(versions, derived columns, one audit event per row), for those bulk paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone

from core import audit


class BulkRefused(ValidationError):
    """Some items of a bulk write were refused; `refusals` lists (key, ValidationError) in item order."""

    def __init__(self, refusals: list[tuple[Hashable, ValidationError]]) -> None:
        super().__init__([error for _, error in refusals])
        self.refusals = refusals


class Refusals:
    """Collects the refusals of a bulk path's checks; `raise_if_any()` before the first write."""

    def __init__(self) -> None:
        self.items: list[tuple[Hashable, ValidationError]] = []

    def check(self, key: Hashable, rule: Callable[..., Any], **kwargs: Any) -> bool:
        """Runs one rule function for the item `key`; False (and recorded) when it refuses."""
        try:
            rule(**kwargs)
        except ValidationError as refused:
            self.items.append((key, refused))
            return False
        return True

    def add(self, key: Hashable, error: ValidationError) -> None:
        self.items.append((key, error))

    def raise_if_any(self) -> None:
        if self.items:
            raise BulkRefused(self.items)


BATCH = 1000


def create_tracked[M: models.Model](model: type[M], objs: Iterable[M]) -> list[M]:
    """Inserts new TrackedModel rows in batches and writes the audit event each `save()` would have."""
    rows = list(objs)
    if rows:
        # One moment for the whole write (its rows are created in one transaction).
        now = timezone.now()
        for obj in rows:
            obj.created_at = obj.updated_at = now  # type: ignore[attr-defined]
        insert(model, rows)
        audit.record_many((audit.creation(obj) for obj in rows), jsonable_changes=True)
    return rows


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
        from core.fields import DerivedCharField

        plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
        self.connection = connection
        self.fields = fields
        # Exactly these types (subclasses such as the encrypted fields prepare their values themselves).
        self.plain = [type(f) in _PLAIN_TYPES or isinstance(f, DerivedCharField) or type(f) in plain for f in fields]
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


def update_tracked[M: models.Model](
    model: type[M], versions: models.QuerySet, changes: Iterable[tuple[M, dict[str, Any]]]
) -> list[M]:
    """Applies {field: new value} to TrackedModel rows loaded earlier in this transaction, as their saves
    would: refuses the whole write (ConcurrentEditError) if any row moved on since it was loaded, bumps
    the versions, keeps derived columns, and writes one audit event per row with the old and new values.

    `versions` is a queryset that covers the rows (e.g. the federation's): it is locked (PostgreSQL) and
    read once for the version check.
    """
    from core.fields import DerivedCharField
    from core.models import ConcurrentEditError

    pending = [(obj, values) for obj, values in changes if values]
    if not pending:
        return []
    current = dict(versions.select_for_update().values_list("pk", "version"))
    derived = [f for f in model._meta.concrete_fields if isinstance(f, DerivedCharField)]
    now = timezone.now()
    fields: set[str] = {"version", "updated_at"}
    events = []
    for obj, values in pending:
        if current.get(obj.pk) != obj.version:  # type: ignore[attr-defined]
            raise ConcurrentEditError()
        before = audit.snapshot(obj)
        for name, value in values.items():
            setattr(obj, name, value)
            fields.add(model._meta.get_field(name).attname)  # type: ignore[union-attr]
        for f in derived:
            if f.source in values:  # type: ignore[attr-defined]
                f.pre_save(obj, add=False)
                fields.add(f.attname)
        obj.version += 1  # type: ignore[attr-defined]
        obj.updated_at = now  # type: ignore[attr-defined]
        diff = audit.diff(before, audit.snapshot(obj))
        diff.pop("version", None)
        diff.pop("updated_at", None)
        events.append(audit.update(obj, diff))
    rows = [obj for obj, _ in pending]
    model._default_manager.bulk_update(rows, sorted(fields), batch_size=BATCH)
    audit.record_many(events, jsonable_changes=True)
    return rows
