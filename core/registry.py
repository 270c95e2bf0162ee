"""Extension points: apps contribute entries in `AppConfig.ready()`; core only asks the registries.

core is the ground floor and imports no app. Where core (or a lower app) needs something that an app
above it provides, it defines a `Registry` here or in its own `registry` module, and the app fills
it when it loads (Wagtail's hooks, NetBox's registry):

    # lectures/apps.py
    def ready(self):
        from core.registry import home_cards
        home_cards.register("lectures.my_lectures", HomeCard(...), order=20)

Each entry has a key (unique, "app.name") and an order; `entries()` lists them by order, then key.
Registering the same key twice replaces the entry (re-imports in tests stay harmless).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


class Registry[T]:
    """Named, ordered entries of one kind."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, tuple[int, T]] = {}

    def register(self, key: str, entry: T, *, order: int = 100) -> T:
        self._entries[key] = (order, entry)
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def entries(self) -> list[T]:
        return [entry for _, _, entry in sorted((o, k, e) for k, (o, e) in self._entries.items())]

    def items(self) -> list[tuple[str, T]]:
        return [(k, e) for _, k, e in sorted((o, k, e) for k, (o, e) in self._entries.items())]

    def get(self, key: str) -> T | None:
        found = self._entries.get(key)
        return found[1] if found else None

    def keys(self) -> list[str]:
        return [k for k, _ in self.items()]

    def __len__(self) -> int:
        return len(self._entries)

    @contextlib.contextmanager
    def only(self, *prefixes: str) -> Iterator[None]:
        """Only the entries whose key starts with one of `prefixes` for the duration of the block (a test of
        one app's entries in a world where every app has rows)."""
        saved = dict(self._entries)
        for key in [k for k in self._entries if not k.startswith(prefixes)]:
            del self._entries[key]
        try:
            yield
        finally:
            self._entries.clear()
            self._entries.update(saved)

    @contextlib.contextmanager
    def emptied(self) -> Iterator[None]:
        """No entries for the duration of the block (tests of a deployment without the providers)."""
        saved = dict(self._entries)
        self._entries.clear()
        try:
            yield
        finally:
            self._entries.clear()
            self._entries.update(saved)

    @contextlib.contextmanager
    def temporarily(self, key: str, entry: T, *, order: int = 100) -> Iterator[T]:
        """Registers `entry` for the duration of the block (tests)."""
        previous = self._entries.get(key)
        self.register(key, entry, order=order)
        try:
            yield entry
        finally:
            if previous is None:
                self.unregister(key)
            else:
                self._entries[key] = previous


# ---- what core's own pages and commands ask of the apps -------------------------------------------


@dataclass(frozen=True)
class HomeCard:
    """A section of the home page for the holders of some roles.

    `context(request, scope)` returns the template's context, or None to show nothing (e.g. nothing
    due). Roles empty = every logged-in user with a business role.
    """

    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    roles: frozenset[str] = frozenset()
    # A card of an app's own work for these roles; False for cards any role gets (whom to ask).
    serves_roles: bool = True


@dataclass(frozen=True)
class LandingPage:
    """Where the home page sends holders of `roles` (the first registered match wins)."""

    url_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class DemoLoader:
    """Loads an app's part of the demo district. `load(ctx)` gets a DemoContext with what earlier
    loaders left (`ctx.data`) and the command's options; loaders run in `order`."""

    load: Callable[[Any], None]
    # Whether this loader's demo data is already in the database (for `load_demo --if-empty`).
    present: Callable[[], bool] | None = None


@dataclass
class DemoContext:
    """Shared state of one demo load: options, a seeded random generator, and what each loader made."""

    options: dict[str, Any]
    rng: Any
    data: dict[str, Any] = field(default_factory=dict)
    # One line per loader for the command's summary ("57 个机关单位（需建妇委会）…").
    summary: list[str] = field(default_factory=list)


@dataclass
class ScaleContext:
    """What `manage.py generate_scale` hands each app's scale generator, after the registry data (units,
    committees, terms, vacancies) is written, inside the same transaction.

    `rng` is the generator's own (seeded from the run's seed and its key, so that one app's rows do not
    move when another app's generator changes); `federations` are the district federations, `units` all
    their units (dissolved ones too) with their keys; `insert(model, objs, label)` writes rows in batches
    with core.bulk.insert (no audit events, no services: test data for measuring) and shows progress."""

    rng: Any
    seed: int
    federations: list[Any]
    units: list[Any]
    today: Any
    insert: Callable[[Any, list[Any], str], None]
    # {"created_at": ..., "updated_at": ...}: one moment for every row of the run, passed to the models'
    # constructors (their defaults would ask the clock twice a row).
    stamp: dict[str, Any] = field(default_factory=dict)
    # One line per generator for the command's summary.
    summary: list[str] = field(default_factory=list)

    def active_units_by_federation(self) -> dict[int, list[Any]]:
        """The units not dissolved, by federation id (only federations that have any)."""
        found: dict[int, list[Any]] = {}
        for unit in self.units:
            if unit.dissolved_on is None:
                found.setdefault(unit.federation_id, []).append(unit)
        return found


home_cards: Registry[HomeCard] = Registry("home_cards")
landing_pages: Registry[LandingPage] = Registry("landing_pages")
demo_loaders: Registry[DemoLoader] = Registry("demo_loaders")
# The apps' parts of `manage.py generate_scale` (committees): `generate(ctx: ScaleContext)`, run by order.
scale_generators: Registry[Callable[[ScaleContext], None]] = Registry("scale_generators")
# Labels of business actions in the audit log ("committees.term_reelect" -> "换届"), lazily translated.
audit_action_labels: Registry[Any] = Registry("audit_action_labels")
