"""A small world for tests, built by the apps: each registers a world extender in its `ready()`.

core knows no app, so the world is whatever the registered extenders make, in their order:

    orgs        fed_a ── unit_a1, unit_a2, community comm_a1      fed_b ── unit_b1, community comm_b1
    accounts    one account per role in fed_a (liaison of unit_a1, other_liaison of unit_a2, requester
                of comm_a1), `outsider` (liaison of unit_b1 in fed_b), `dual` (staff in fed_a and liaison
                of unit_b1 in fed_b) and `norole`
    committees  a finished ledger import per federation; with `committee_history=True` a committee of
                unit_a1 and of unit_b1 with a term, seats and an open vacancy
    core        with `notifications=True` one unread notification for `staff` and for `outsider`

`build_world(**flags)` runs every extender whose flag is unset or true; the walker's world turns them all
on. Objects are reached as attributes (`world.unit_a1`, `world.staff`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core import audit
from core.registry import Registry

PASSWORD = "Test-Passw0rd-2026!"
# Personas whose roles need a second factor get a confirmed TOTP device with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        for bag in ("objects", "users"):
            found = self.__dict__.get(bag, {})
            if name in found:
                return found[name]
        raise AttributeError(name)

    def add(self, **objects: Any) -> None:
        self.objects.update(objects)


@dataclass(frozen=True)
class WorldExtender:
    """Adds an app's part to the test world. With `flag`, only when build_world(flag=True)."""

    extend: Callable[[World], None]
    flag: str | None = None


@dataclass(frozen=True)
class TestingHooks:
    """How tests log a client in and call the API as a user (the accounts app provides both)."""

    login: Callable[[Any, Any], Any]
    api_headers: Callable[[Any], dict[str, str]]


world_extenders: Registry[WorldExtender] = Registry("world_extenders")
testing_hooks: Registry[TestingHooks] = Registry("testing_hooks")


def build_world(**flags: bool) -> World:
    world = World(flags=dict(flags))
    with audit.acting_as(None, source="test"):
        for extender in world_extenders.entries():
            if extender.flag is None or flags.get(extender.flag):
                extender.extend(world)
    return world


def _hooks() -> TestingHooks:
    hooks = testing_hooks.get("accounts")
    if hooks is None:
        raise RuntimeError("No testing hooks registered (the accounts app registers them).")
    return hooks


def login(client: Any, user: Any) -> Any:
    """Log the test client in as `user`, second factor included where the user's roles need it."""
    return _hooks().login(client, user)


def login_client(client: Any, user: Any) -> None:
    login(client, user)


def api_headers(user: Any) -> dict[str, str]:
    """Request headers that authenticate an API call as `user` (a fresh bearer token)."""
    return _hooks().api_headers(user)


def add_notifications(world: World) -> None:
    """One unread notification for a user of each federation, linking to a unit of their own."""
    from core.models import Notification

    for user, unit in ((world.staff, world.unit_a1), (world.outsider, world.unit_b1)):
        Notification.objects.create(
            recipient=user, federation_id=unit.federation_id, kind="test", title=f"{unit.name}：请核对换届信息",
            url=f"/orgs/units/{unit.pk}/", dedup_key=f"test-world-{unit.pk}",
        )


world_extenders.register("core.notifications", WorldExtender(extend=add_notifications, flag="notifications"), order=90)
