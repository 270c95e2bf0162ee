"""A small world for tests: two federations, three units, one account per role, and an outsider.

    fed_a ── unit_a1 (liaison: liaison)      fed_b ── unit_b1 (liaison: outsider)
          └─ unit_a2 (liaison: other_liaison)

Every persona of fed_a holds exactly one role; `outsider` is the liaison of another federation's unit.

With `committee_history=True` unit_a1 and unit_b1 also get a committee with a term, seats and an open
vacancy (built through committees.services), so that the URL walker has every committee row to try.
It is off by default: most tests build the committee history they are about themselves.
`notifications=True` gives `staff` (fed_a) and `outsider` (fed_b) one unread notification each, for the
walker's /notifications/<pk>/open/; off by default, since the reminder tests count notifications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.policy import base32_to_hex, requires_otp
from accounts.services import role_grant
from core import audit
from core.roles import Role
from orgs.models import Federation, Person, Unit

PASSWORD = "Test-Passw0rd-2026!"
# Personas whose roles need a second factor get a confirmed TOTP device with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PERSONA_ROLES: dict[str, str | None] = {
    "staff": Role.FEDERATION_STAFF,
    "liaison": Role.UNIT_LIAISON,
    "other_liaison": Role.UNIT_LIAISON,
    "executive": Role.EXECUTIVE,
    "supervisor": Role.HOTLINE_SUPERVISOR,
    "volunteer": Role.VOLUNTEER,
    "requester": Role.REQUESTER,
    "sysadmin": Role.SYSTEM_ADMIN,
    "secadmin": Role.SECURITY_ADMIN,
    "auditor": Role.AUDITOR,
    "outsider": Role.UNIT_LIAISON,
    "norole": None,
}


@dataclass
class World:
    fed_a: Federation
    fed_b: Federation
    unit_a1: Unit
    unit_a2: Unit
    unit_b1: Unit
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(*, committee_history: bool = False, notifications: bool = False) -> World:
    with audit.acting_as(None, source="test"):
        fed_a = Federation.objects.create(name="测试区妇联")
        fed_b = Federation.objects.create(name="另一区妇联")
        unit_a1 = Unit.objects.create(federation=fed_a, name="区教育局", established_on=dt.date(2000, 1, 1))
        unit_a2 = Unit.objects.create(federation=fed_a, name="区财政局", established_on=dt.date(2000, 1, 1))
        unit_b1 = Unit.objects.create(federation=fed_b, name="外区民政局", established_on=dt.date(2000, 1, 1))
        world = World(fed_a, fed_b, unit_a1, unit_a2, unit_b1)
        for name, role in PERSONA_ROLES.items():
            fed = fed_b if name == "outsider" else fed_a
            unit = {"liaison": unit_a1, "other_liaison": unit_a2, "outsider": unit_b1}.get(name, unit_a1)
            person = None
            if role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR):
                person = Person.objects.create(federation=fed, unit=unit, name=f"{name}人员")
            user = User.objects.create_user(
                username=name, password=PASSWORD, federation=fed, person=person, must_change_password=False
            )
            if role:
                role_grant(user=user, role=role, federation_id=fed.pk, unit_id=unit.pk if role == Role.UNIT_LIAISON else None)
            if requires_otp(user):
                TOTPDevice.objects.create(user=user, name="test", key=base32_to_hex(TOTP_SECRET), confirmed=True)
            world.users[name] = user
        # One finished ledger import per federation, for the URL walker (committees.views_ledger).
        from committees.models_ledger import LedgerImportJob

        for fed in (fed_a, fed_b):
            LedgerImportJob.objects.create(federation=fed, status=LedgerImportJob.Status.SUCCEEDED, progress=100,
                                           original_name="台账.xlsx", message="导入完成")
        if committee_history:
            add_committee_history(world)
        if notifications:
            add_notifications(world)
    return world


def add_notifications(world: World) -> None:
    """One unread notification for a user of each federation, linking to a unit of their own."""
    from core.models import Notification

    for user, unit in ((world.staff, world.unit_a1), (world.outsider, world.unit_b1)):
        Notification.objects.create(
            recipient=user, federation_id=unit.federation_id, kind="test", title=f"{unit.name}：请核对换届信息",
            url=f"/orgs/units/{unit.pk}/", dedup_key=f"test-world-{unit.pk}",
        )


def add_committee_history(world: World) -> None:
    """A committee of unit_a1 and of unit_b1, each with 第1届, a chair (the unit's liaison), and a member
    who left (an open vacancy). Through the services, as the system."""
    from committees import services

    with audit.acting_as(None, source="test"):
        for unit, chair in ((world.unit_a1, world.liaison), (world.unit_b1, world.outsider)):
            committee = services.committee_form(unit=unit, formed_on=dt.date(2012, 3, 8))
            services.seat_assign(committee=committee, role="chair", person=chair.person, started_on=dt.date(2012, 3, 8))
            member = services.seat_assign(committee=committee, role="member", holder_name="王芳",
                                          started_on=dt.date(2012, 3, 8))
            services.seat_vacate(seat=member, vacated_on=dt.date(2017, 5, 1))


def login(client: Any, user: User) -> Any:
    """Log the test client in as `user`, second factor included: force_login, then mark the session
    OTP-verified the way django_otp.login() does, for the roles that need it (accounts.policy)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if requires_otp(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", key=base32_to_hex(TOTP_SECRET), confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def login_client(client: object, user: User) -> None:
    """Logs a test client in as `user` (force_login plus the second factor where the role needs it; the
    log-in form itself is tested in accounts)."""
    login(client, user)
