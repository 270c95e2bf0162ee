"""The maintained rate summary: the three rates of a whole federation read from a few thousand rows.

committees.rates is the definition, committees.rate_queries counts it over any set of units; both read
every unit, term and vacancy of the scope, which at a province's 100,000 units costs seconds. This module
keeps, per federation and day, what changes on that day in the counts the rates add up (the model
committees.RateDay):

* 组建率 as of D: Σ `units` and Σ `formed` over the days up to D. A unit that must have a committee adds
  +1 on the day it is established (the earliest day if unknown) and -1 on the day it is dissolved; the
  union of its committees' spans, cut to the unit's own span, adds +1/-1 to `formed` the same way.
* 按时换届率 over [A, B]: Σ `terms_due` and Σ `terms_on_time` over the days A..B (a term counts on its
  `due_on`, left out as committees.rules says, on time by the federation's grace days).
* 及时补缺率 over [A, B]: numerator Σ `vacancies_on_time` over A..B; denominator Σ `vacancies_filled` over
  A..B plus Σ `vacancies_open` over the days A..(B - fill days - 1) (open and past the deadline by B).

Every change is applied as an increment (`x = x + Δ`), never as an overwrite, so concurrent writers add
up on PostgreSQL and a recompute is itself a difference computed in one statement (what it read and what
it found in one snapshot): a write committed meanwhile is neither lost nor counted twice.

Who keeps it (connected in CommitteesConfig.ready, so no write path can forget it):
* a saved or deleted Unit, Committee, Term or Vacancy: the unit's own rows before and after the write,
  the difference applied in the same transaction (`_before` / `_after`);
* a bulk write (core.bulk.rows_written) and a change of the federation's grace or fill days: the
  federation recomputed (`refresh_federation`);
* inside `deferred()` (the ledger import, the scale generator) only the federations are noted, and each
  is recomputed once when the block ends, still inside its transaction.

`manage.py rebuild_rate_summary [--check]` recomputes (or only compares) every federation;
committees/tests/test_rate_summary.py checks every write path against a full recompute and the rates read
here against committees.rate_queries'.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.db import connections, transaction

from committees.models import Committee, RateDay, RateYear, Term, Vacancy
from committees.rates import RateResult, Rates, RateSettings
from orgs.models import Federation, Unit

Period = tuple[dt.date, dt.date]
Row = tuple[int, ...]

COUNTS = (
    "units",
    "formed",
    "terms_due",
    "terms_on_time",
    "vacancies_filled",
    "vacancies_on_time",
    "vacancies_open",
    "overdue",
    "vacancies_late",
)
# The days before any record and after every one (an unknown establishment, an open end).
EARLIEST = dt.date(1, 1, 1)
LATEST = dt.date(9999, 12, 31)


# ---- what the data says: one statement -------------------------------------------------------------


def _add_days(vendor: str, day: str, param: str) -> str:
    """`day + %(param)s days` on the engine (SQLite keeps dates as ISO text: date() adds to it)."""
    if vendor == "postgresql":
        return f"({day} + CAST(%({param})s AS integer))"
    return f"date({day}, %({param})s)"


def _days_param(vendor: str, days: int) -> Any:
    return days if vendor == "postgresql" else f"{int(days):+d} days"


def _date_param(vendor: str, day: dt.date) -> Any:
    return day if vendor == "postgresql" else day.isoformat()


def _facts_sql(vendor: str, *, one_unit: bool) -> str:
    """Per day, the counts the federation's data gives (one unit's only with `one_unit`), with named
    parameters (`_facts_params`). The unit scope is a condition, never a list of ids."""
    greatest, least = ("GREATEST", "LEAST") if vendor == "postgresql" else ("MAX", "MIN")
    unit_table, committee_table = Unit._meta.db_table, Committee._meta.db_table
    term_table, vacancy_table = Term._meta.db_table, Vacancy._meta.db_table
    unit_cond = " AND id = %(unit)s" if one_unit else ""
    latest = f"'{LATEST.isoformat()}'"

    def cols(**given: str) -> str:
        return ", ".join(given.get(n, "0") + f" AS {n}" for n in COUNTS)

    def span(name: str, column: str) -> str:
        # A span [starts, ends) adds +1 on its first day and -1 on the day after its last.
        return (
            f"UNION ALL SELECT starts, {cols(**{column: '1'})} FROM {name} WHERE starts < ends "  # noqa: S608
            f"UNION ALL SELECT ends, {cols(**{column: '-1'})} FROM {name} WHERE starts < ends AND ends <> {latest}"
        )

    return f"""
        WITH u AS (
            SELECT id, COALESCE(established_on, %(earliest)s) AS starts, COALESCE(dissolved_on, %(latest)s) AS ends
            FROM {unit_table} WHERE federation_id = %(federation)s AND requires_committee{unit_cond}
        ),
        c AS (
            SELECT c.unit_id, c.formed_on, COALESCE(c.dissolved_on, {latest}) AS ends,
                   MAX(COALESCE(c.dissolved_on, {latest})) OVER (
                       PARTITION BY c.unit_id ORDER BY c.formed_on, c.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                   ) AS covered_until
            FROM {committee_table} c WHERE c.unit_id IN (SELECT id FROM u)
        ),
        s AS (
            -- The union of a unit's committee spans: each span from where the earlier ones stop.
            -- Joined to the unit table by its key, not to u: a CTE has no index to look a unit up by.
            SELECT {greatest}(
                       {greatest}(c.formed_on, COALESCE(c.covered_until, %(earliest)s)),
                       COALESCE(uu.established_on, %(earliest)s)
                   ) AS starts,
                   {least}(c.ends, COALESCE(uu.dissolved_on, %(latest)s)) AS ends
            FROM c JOIN {unit_table} uu ON uu.id = c.unit_id
        ),
        scope AS (SELECT id FROM {unit_table} WHERE federation_id = %(federation)s{unit_cond}),
        tc AS (
            SELECT t.committee_id, t.number, t.due_on, c.dissolved_on AS committee_dissolved_on
            FROM {term_table} t JOIN {committee_table} c ON c.id = t.committee_id
            WHERE c.unit_id IN (SELECT id FROM scope)
        ),
        t AS (
            SELECT t.due_on AS day,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM {term_table} n
                       WHERE n.committee_id = t.committee_id AND n.number = t.number + 1
                         AND n.started_on <= {_add_days(vendor, "t.due_on", "grace")}
                   ) THEN 1 ELSE 0 END AS on_time
            FROM tc t
            WHERE t.committee_dissolved_on IS NULL OR t.committee_dissolved_on >= t.due_on
        ),
        o AS (
            -- Overdue: from the day after a term was due until a later term starts or the committee ends.
            SELECT {_add_days(vendor, "t.due_on", "one")} AS starts,
                   {least}(
                       COALESCE((SELECT MIN(n.started_on) FROM {term_table} n
                                 WHERE n.committee_id = t.committee_id AND n.number > t.number), {latest}),
                       COALESCE(t.committee_dissolved_on, {latest})
                   ) AS ends
            FROM tc t
        ),
        vc AS (
            SELECT v.vacated_on, v.filled_on
            FROM {vacancy_table} v JOIN {committee_table} c ON c.id = v.committee_id
            WHERE c.unit_id IN (SELECT id FROM scope)
        ),
        v AS (
            SELECT v.vacated_on AS day,
                   CASE WHEN v.filled_on IS NOT NULL THEN 1 ELSE 0 END AS filled,
                   CASE WHEN v.filled_on IS NOT NULL AND v.filled_on <= {_add_days(vendor, "v.vacated_on", "fill")}
                        THEN 1 ELSE 0 END AS on_time
            FROM vc v
        ),
        lv AS (
            -- Past the deadline: from the day after it until the post is filled.
            SELECT {_add_days(vendor, "v.vacated_on", "fill_after")} AS starts, COALESCE(v.filled_on, {latest}) AS ends
            FROM vc v
        ),
        r AS (
            SELECT starts AS day, {cols(units="1")} FROM u
            UNION ALL SELECT ends, {cols(units="-1")} FROM u WHERE ends <> {latest}
            {span("s", "formed")}
            UNION ALL SELECT day, {cols(terms_due="1", terms_on_time="on_time")} FROM t
            UNION ALL SELECT day, {cols(vacancies_filled="filled", vacancies_on_time="on_time",
                                         vacancies_open="1 - filled")} FROM v
            {span("o", "overdue")}
            {span("lv", "vacancies_late")}
        )
        SELECT day, {", ".join(f"SUM({n}) AS {n}" for n in COUNTS)} FROM r GROUP BY day
    """  # noqa: S608 (every name is a model's table or a constant of this module; values are parameters)


def _settings(federation_id: int) -> RateSettings:
    row = Federation.objects.filter(pk=federation_id).values_list("reelection_grace_days", "vacancy_fill_days")
    found = row.first()
    return RateSettings() if found is None else RateSettings(grace_days=found[0], fill_days=found[1])


def _facts_params(vendor: str, federation_id: int, unit_id: int | None, settings: RateSettings) -> dict[str, Any]:
    return {
        "earliest": _date_param(vendor, EARLIEST),
        "latest": _date_param(vendor, LATEST),
        "federation": federation_id,
        "unit": unit_id,
        "grace": _days_param(vendor, settings.grace_days),
        "fill": _days_param(vendor, settings.fill_days),
        "fill_after": _days_param(vendor, settings.fill_days + 1),
        "one": _days_param(vendor, 1),
    }


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def computed(federation_id: int, *, unit_id: int | None = None, using: str = "default") -> dict[dt.date, Row]:
    """What the data gives now, per day (days whose counts are all zero left out)."""
    connection = connections[using]
    vendor = connection.vendor
    settings = _settings(federation_id)
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_sql(vendor, one_unit=unit_id is not None),
            _facts_params(vendor, federation_id, unit_id, settings),
        )
        found = {_as_date(day): tuple(int(x or 0) for x in counts) for day, *counts in cursor.fetchall()}
    return {day: counts for day, counts in found.items() if any(counts)}


def stored(federation_id: int, *, using: str = "default") -> dict[dt.date, Row]:
    """The summary as kept (days whose counts are all zero left out)."""
    rows = RateDay.objects.using(using).filter(federation_id=federation_id).values_list("day", *COUNTS)
    return {day: tuple(counts) for day, *counts in rows if any(counts)}


def stored_years(federation_id: int, *, using: str = "default") -> dict[int, Row]:
    """The summary's years as kept (years whose counts are all zero left out)."""
    rows = RateYear.objects.using(using).filter(federation_id=federation_id).values_list("year", *COUNTS)
    return {year: tuple(counts) for year, *counts in rows if any(counts)}


def _years_of(days: dict[dt.date, Row]) -> dict[int, Row]:
    years: dict[int, list[int]] = {}
    for day, counts in days.items():
        acc = years.setdefault(day.year, [0] * len(COUNTS))
        for i, c in enumerate(counts):
            acc[i] += c
    return {y: tuple(c) for y, c in years.items() if any(c)}


# ---- applying differences --------------------------------------------------------------------------


def _upsert_sql(table: str, key: str) -> str:
    names = ", ".join(COUNTS)
    marks = ", ".join(["%s"] * (2 + len(COUNTS)))
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in COUNTS)
    return (
        f"INSERT INTO {table} (federation_id, {key}, {names}) VALUES ({marks}) "  # noqa: S608 (names only)
        f"ON CONFLICT (federation_id, {key}) DO UPDATE SET {updates}"
    )


def _apply(federation_id: int, deltas: dict[dt.date, Row], using: str) -> None:
    connection = connections[using]
    vendor = connection.vendor
    rows = [
        (federation_id, _date_param(vendor, day), *counts) for day, counts in sorted(deltas.items()) if any(counts)
    ]
    if rows:
        years = [(federation_id, year, *counts) for year, counts in sorted(_years_of(deltas).items())]
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(RateDay._meta.db_table, "day"), rows)
            if years:
                cursor.executemany(_upsert_sql(RateYear._meta.db_table, "year"), years)


def _difference(after: dict[dt.date, Row], before: dict[dt.date, Row]) -> dict[dt.date, Row]:
    zero = (0,) * len(COUNTS)
    return {
        day: tuple(a - b for a, b in zip(after.get(day, zero), before.get(day, zero), strict=True))
        for day in after.keys() | before.keys()
    }


def refresh_federation(federation_id: int, *, using: str = "default") -> None:
    """Brings the federation's summary to what its data gives, in one statement: the difference between
    what the data gives and what is stored, read in one snapshot, added to the stored rows."""
    connection = connections[using]
    vendor = connection.vendor
    table = RateDay._meta.db_table
    settings = _settings(federation_id)
    names = ", ".join(COUNTS)
    negated = ", ".join(f"-{n}" for n in COUNTS)
    summed = ", ".join(f"SUM({n})" for n in COUNTS)
    nonzero = " OR ".join(f"SUM({n}) <> 0" for n in COUNTS)
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in COUNTS)
    facts = _facts_sql(vendor, one_unit=False)
    sql = f"""
        INSERT INTO {table} (federation_id, day, {names})
        SELECT %(federation)s, day, {summed} FROM (
            SELECT day, {names} FROM ({facts}) AS f
            UNION ALL
            SELECT day, {negated} FROM {table} WHERE federation_id = %(federation)s
        ) AS d WHERE 1 = 1 GROUP BY day HAVING {nonzero}
        ON CONFLICT (federation_id, day) DO UPDATE SET {updates}
    """  # noqa: S608 (names, no values)
    params = _facts_params(vendor, federation_id, None, settings)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Days that came back to nothing are dropped (a later increment inserts them again).
        all_zero = " AND ".join(f"{n} = 0" for n in COUNTS)
        cursor.execute(f"DELETE FROM {table} WHERE federation_id = %s AND {all_zero}", [federation_id])  # noqa: S608
        # The years from the days just made right, by the same difference (so a concurrent write's own
        # increments of its year are neither lost nor counted twice).
        years = RateYear._meta.db_table
        year_of = "CAST(EXTRACT(YEAR FROM day) AS integer)" if vendor == "postgresql" else "CAST(substr(day, 1, 4) AS integer)"
        cursor.execute(
            f"""
            INSERT INTO {years} (federation_id, year, {names})
            SELECT %(federation)s, year, {summed} FROM (
                SELECT {year_of} AS year, {names} FROM {table} WHERE federation_id = %(federation)s
                UNION ALL
                SELECT year, {negated} FROM {years} WHERE federation_id = %(federation)s
            ) AS d WHERE 1 = 1 GROUP BY year HAVING {nonzero}
            ON CONFLICT (federation_id, year) DO UPDATE SET {updates.replace(table, years)}
            """,  # noqa: S608 (names, no values)
            {"federation": federation_id},
        )
        cursor.execute(f"DELETE FROM {years} WHERE federation_id = %s AND {all_zero}", [federation_id])  # noqa: S608


def differences(federation_id: int, *, using: str = "default") -> dict[dt.date | int, tuple[Row, Row]]:
    """Days (and years, keyed by the year) where the summary and the data disagree: {key: (stored,
    computed)}; empty when exact."""
    kept, fresh = stored(federation_id, using=using), computed(federation_id, using=using)
    kept_years, fresh_years = stored_years(federation_id, using=using), _years_of(fresh)
    zero = (0,) * len(COUNTS)
    found: dict[dt.date | int, tuple[Row, Row]] = {
        day: (kept.get(day, zero), fresh.get(day, zero))
        for day in sorted(kept.keys() | fresh.keys())
        if kept.get(day, zero) != fresh.get(day, zero)
    }
    for year in sorted(kept_years.keys() | fresh_years.keys()):
        if kept_years.get(year, zero) != fresh_years.get(year, zero):
            found[year] = (kept_years.get(year, zero), fresh_years.get(year, zero))
    return found


# ---- who keeps it -----------------------------------------------------------------------------------

_deferred: ContextVar[set[tuple[str, int]] | None] = ContextVar("jinguo_rate_summary_deferred", default=None)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Inside: writes only note their federations; at the end each is recomputed once (for bulk work
    such as the ledger import, where a recompute per row would cost more than the import)."""
    if _deferred.get() is not None:
        yield
        return
    noted: set[tuple[str, int]] = set()
    token = _deferred.set(noted)
    try:
        yield
    finally:
        _deferred.reset(token)
    for using, federation_id in sorted(noted):
        refresh_federation(federation_id, using=using)


def _unit_of(instance: Any) -> tuple[int, int] | None:
    """(federation id, unit id) of the unit a Unit, Committee, Term or Vacancy row belongs to."""
    if isinstance(instance, Unit):
        return (instance.federation_id, instance.pk) if instance.pk is not None else None
    if isinstance(instance, Committee):
        return (instance.federation_id, instance.unit_id) if instance.unit_id is not None else None
    committee_id = getattr(instance, "committee_id", None)
    if committee_id is None:
        return None
    unit_id = Committee._base_manager.filter(pk=committee_id).values_list("unit_id", flat=True).first()
    return (instance.federation_id, unit_id) if unit_id is not None else None


def _units_now(instance: Any, using: str) -> set[tuple[int, int]]:
    """The units the row belongs to as stored (before the write) and as it is about to be written."""
    found = set()
    mine = _unit_of(instance)
    if mine is not None:
        found.add(mine)
    if instance.pk is not None and isinstance(instance, Committee):
        old = (
            Committee._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("federation_id", "unit_id")
        )
        found.update(old)
    return found


def _before(instance: Any, using: str) -> None:
    if _deferred.get() is not None:
        return
    units = _units_now(instance, using)
    instance._jg_rate_before = {key: computed(key[0], unit_id=key[1], using=using) for key in units}


def _after(instance: Any, using: str) -> None:
    noted = _deferred.get()
    if noted is not None:
        mine = _unit_of(instance)
        if mine is not None:
            noted.add((using, mine[0]))
        return
    before: dict[tuple[int, int], dict[dt.date, Row]] = getattr(instance, "_jg_rate_before", {})
    units = set(before) | _units_now(instance, using)
    for key in units:
        after = computed(key[0], unit_id=key[1], using=using)
        _apply(key[0], _difference(after, before.get(key, {})), using)
    instance.__dict__.pop("_jg_rate_before", None)


def on_pre_save(sender: Any, instance: Any, raw: bool = False, using: str = "default", **kwargs: Any) -> None:
    if not raw:
        _before(instance, using)


def on_post_save(
    sender: Any, instance: Any, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    if not raw:
        _after(instance, using)


class _Deletion:
    """One delete() and its cascade: every row's pre_delete comes before the first row goes, so the
    units' rows before are read once, and each row's post_delete applies what changed since the last."""

    def __init__(self, origin: Any) -> None:
        self.origin = origin  # held, so that its id cannot be reused while this is pending
        self.pending = 0
        self.baseline: dict[tuple[int, int], dict[dt.date, Row]] = {}


_deletions: dict[int, _Deletion] = {}


def on_pre_delete(
    sender: Any, instance: Any, using: str = "default", origin: Any = None, **kwargs: Any
) -> None:
    if _deferred.get() is not None:
        return
    key = id(origin if origin is not None else instance)
    deletion = _deletions.get(key)
    if deletion is None:
        deletion = _deletions[key] = _Deletion(origin if origin is not None else instance)
    deletion.pending += 1
    for unit in _units_now(instance, using):
        if unit not in deletion.baseline:
            deletion.baseline[unit] = computed(unit[0], unit_id=unit[1], using=using)
    instance._jg_rate_units = set(deletion.baseline)


def on_post_delete(
    sender: Any, instance: Any, using: str = "default", origin: Any = None, **kwargs: Any
) -> None:
    noted = _deferred.get()
    if noted is not None:
        mine = getattr(instance, "federation_id", None)
        if mine is not None:
            noted.add((using, mine))
        return
    key = id(origin if origin is not None else instance)
    deletion = _deletions.get(key)
    if deletion is None:
        return
    for unit in instance.__dict__.pop("_jg_rate_units", set()):
        after = computed(unit[0], unit_id=unit[1], using=using)
        _apply(unit[0], _difference(after, deletion.baseline.get(unit, {})), using)
        deletion.baseline[unit] = after
    deletion.pending -= 1
    if deletion.pending <= 0:
        del _deletions[key]


def on_rows_written(sender: Any, objs: Sequence[Any], using: str = "default", **kwargs: Any) -> None:
    """A bulk write (core.bulk): its federations recomputed, or noted inside `deferred()`."""
    federations = {getattr(obj, "federation_id", None) for obj in objs} - {None}
    noted = _deferred.get()
    for federation_id in sorted(federations):  # type: ignore[type-var]
        if noted is not None:
            noted.add((using, int(federation_id)))  # type: ignore[arg-type]
        else:
            refresh_federation(int(federation_id), using=using)  # type: ignore[arg-type]


def on_federation_pre_save(sender: Any, instance: Federation, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    old = Federation._base_manager.filter(pk=instance.pk).values_list(
        "reelection_grace_days", "vacancy_fill_days"
    )
    instance._jg_rate_settings = old.first()  # type: ignore[attr-defined]


def on_federation_post_save(
    sender: Any, instance: Federation, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    old = instance.__dict__.pop("_jg_rate_settings", None)
    if raw or old is None or old == (instance.reelection_grace_days, instance.vacancy_fill_days):
        return
    # The grace days decide which terms were on time, the fill days which vacancies were filled in time.
    noted = _deferred.get()
    if noted is not None:
        noted.add((using, instance.pk))
    else:
        refresh_federation(instance.pk, using=using)


def connect() -> None:
    from django.db.models import signals

    from core.bulk import rows_written

    for model in (Unit, Committee, Term, Vacancy):
        uid = f"rate_summary.{model._meta.label_lower}"
        signals.pre_save.connect(on_pre_save, sender=model, dispatch_uid=uid + ".pre_save")
        signals.post_save.connect(on_post_save, sender=model, dispatch_uid=uid + ".post_save")
        signals.pre_delete.connect(on_pre_delete, sender=model, dispatch_uid=uid + ".pre_delete")
        signals.post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid + ".post_delete")
        rows_written.connect(on_rows_written, sender=model, dispatch_uid=uid + ".bulk")
    signals.pre_save.connect(on_federation_pre_save, sender=Federation, dispatch_uid="rate_summary.fed.pre")
    signals.post_save.connect(
        on_federation_post_save, sender=Federation, dispatch_uid="rate_summary.fed.post"
    )


# ---- reading ----------------------------------------------------------------------------------------


def _span_sums(federation_id: int, spans: list[tuple[str, dt.date, dt.date]], using: str) -> dict[str, int]:
    """Σ of each count over the federation's days of each span, {f"{key}_{count}": n}, in one statement:
    the spans joined to the day rows (each span a range of the (federation, day) key). Written as SQL
    because the same as one filtered Sum per span and count cost the ORM about 70 ms to build for a trend
    of twelve years, for a statement the database answers in a few."""
    connection = connections[using]
    date = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(f"(%s, {date}, {date})" for _ in spans)
    sums = ", ".join(f'SUM(d."{name}")' for name in COUNTS)
    table = RateDay._meta.db_table
    sql = (  # names of this module and the model's table; values are parameters
        f'WITH s(i, a, b) AS (VALUES {values}) SELECT s.i, {sums} FROM s JOIN "{table}" d '  # noqa: S608
        "ON d.federation_id = %s AND d.day >= s.a AND d.day <= s.b GROUP BY s.i"
    )
    params: list[Any] = [p for i, (_k, a, b) in enumerate(spans) for p in (i, a.isoformat(), b.isoformat())]
    got = {f"{key}_{name}": 0 for key, _a, _b in spans for name in COUNTS}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, federation_id])
        for i, *sums_of in cursor.fetchall():
            key = spans[int(i)][0]
            got.update({f"{key}_{name}": int(n or 0) for name, n in zip(COUNTS, sums_of, strict=True)})
    return got


class _Prefix:
    """Σ of each count over the days up to a date, for the dates a read needs: whole years from RateYear,
    the rest of a year from the fewer of its days before or after the date (two statements whatever the
    federation's size and history)."""

    def __init__(self, federation_id: int, days: set[dt.date], using: str) -> None:
        years = dict(
            (y, c) for y, *c in RateYear.objects.using(using).filter(federation_id=federation_id)
            .values_list("year", *COUNTS)
        )
        self._upto: dict[int, list[int]] = {}  # Σ of the years up to and including each year
        running = [0] * len(COUNTS)
        first = min(years, default=0)
        for year in range(first, max(years, default=-1) + 1):
            running = [r + c for r, c in zip(running, years.get(year, [0] * len(COUNTS)), strict=True)]
            self._upto[year] = running
        self._first, self._last = first, max(years, default=-1)
        self._parts: dict[dt.date, tuple[int, str]] = {}  # day -> (sign, key of its partial sum)
        spans: list[tuple[str, dt.date, dt.date]] = []
        for i, day in enumerate(sorted(days)):
            if day == dt.date(day.year, 12, 31):
                continue
            if day.timetuple().tm_yday <= 183:  # the days of its year up to it
                spans.append((f"p{i}", dt.date(day.year, 1, 1), day))
                self._parts[day] = (1, f"p{i}")
            else:  # the year less the days after it
                spans.append((f"p{i}", day + dt.timedelta(days=1), dt.date(day.year, 12, 31)))
                self._parts[day] = (-1, f"p{i}")
        self._got = _span_sums(federation_id, spans, using) if spans else {}

    def _years_upto(self, year: int) -> list[int]:
        if year < self._first:
            return [0] * len(COUNTS)
        return self._upto[min(year, self._last)]

    def __call__(self, day: dt.date, name: str) -> int:
        i = COUNTS.index(name)
        part = self._parts.get(day)
        if part is None:  # the last day of a year
            return self._years_upto(day.year)[i]
        sign, key = part
        if sign > 0:
            return self._years_upto(day.year - 1)[i] + self._got[f"{key}_{name}"]
        return self._years_upto(day.year)[i] - self._got[f"{key}_{name}"]


def rates_over(
    federation_id: int,
    periods: Sequence[Period],
    settings: RateSettings | None = None,
    *,
    using: str = "default",
) -> list[Rates]:
    """committees.rate_queries.rates_over for the whole federation, from its summary: two statements."""
    settings = settings or _settings(federation_id)
    periods = list(periods)
    if not periods:
        return []
    day = dt.timedelta(days=1)
    # Judged open vacancies: vacated in [start, end - fill days - 1] (their deadline passed by the end).
    judged = [(start, end - dt.timedelta(days=settings.fill_days) - day) for start, end in periods]
    needed = {end for _s, end in periods} | {start - day for start, _e in periods} | {j for _s, j in judged}
    prefix = _Prefix(federation_id, needed, using)

    def within(name: str, start: dt.date, end: dt.date) -> int:
        return prefix(end, name) - prefix(start - day, name) if start <= end else 0

    return [
        Rates(
            start=start,
            end=end,
            formation=RateResult(prefix(end, "formed"), prefix(end, "units")),
            on_time_reelection=RateResult(
                within("terms_on_time", start, end), within("terms_due", start, end)
            ),
            vacancy_fill=RateResult(
                within("vacancies_on_time", start, end),
                within("vacancies_filled", start, end) + within("vacancies_open", start, judged_end),
            ),
        )
        for (start, end), (_s, judged_end) in zip(periods, judged, strict=True)
    ]


def problem_counts(federation_id: int, as_of: dt.date, *, using: str = "default") -> dict[str, int]:
    """The lengths of the dashboard's lists on `as_of` (committees.selectors' units_without_committee,
    overdue_terms, late_vacancies), from the summary: two statements."""
    prefix = _Prefix(federation_id, {as_of}, using)
    return {
        "no-committee": prefix(as_of, "units") - prefix(as_of, "formed"),
        "overdue": prefix(as_of, "overdue"),
        "vacancies": prefix(as_of, "vacancies_late"),
    }
