"""The accounts of the test world (core.testing.world), and how tests log in as them.

Every persona of fed_a holds exactly one role; `outsider` is the liaison of another federation's unit;
`dual` holds two roles in two federations (staff of fed_a, liaison of unit_b1 in fed_b), so that tests
show each role acts only in its own federation.
"""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from accounts.policy import base32_to_hex, requires_otp
from accounts.services import role_grant
from core.roles import ADMIN_ROLES, ROLE_BINDINGS, Role
from core.testing.world import PASSWORD, TOTP_SECRET, World
from orgs.models import Person

# persona -> (role, federation, the unit or community it is bound to) as names of world objects
PERSONAS: dict[str, list[tuple[str, str, str | None]]] = {
    "staff": [(Role.FEDERATION_STAFF, "fed_a", None)],
    "liaison": [(Role.UNIT_LIAISON, "fed_a", "unit_a1")],
    "other_liaison": [(Role.UNIT_LIAISON, "fed_a", "unit_a2")],
    "executive": [(Role.EXECUTIVE, "fed_a", None)],
    "supervisor": [(Role.HOTLINE_SUPERVISOR, "fed_a", None)],
    "volunteer": [(Role.VOLUNTEER, "fed_a", None)],
    "requester": [(Role.REQUESTER, "fed_a", "comm_a1")],
    "sysadmin": [(Role.SYSTEM_ADMIN, "fed_a", None)],
    "secadmin": [(Role.SECURITY_ADMIN, "fed_a", None)],
    "auditor": [(Role.AUDITOR, "fed_a", None)],
    "outsider": [(Role.UNIT_LIAISON, "fed_b", "unit_b1")],
    "dual": [(Role.FEDERATION_STAFF, "fed_a", None), (Role.UNIT_LIAISON, "fed_b", "unit_b1")],
    "norole": [],
}
# One role per persona where it has exactly one (tests that loop over "every role").
PERSONA_ROLES: dict[str, str | None] = {
    name: (grants[0][0] if len(grants) == 1 else None) for name, grants in PERSONAS.items() if name != "dual"
}
# The unit each persona's person works at.
HOME_UNIT = {"liaison": "unit_a1", "other_liaison": "unit_a2", "outsider": "unit_b1", "dual": "unit_a1"}


def add_personas(world: World) -> None:
    for name, grants in PERSONAS.items():
        fed = world.objects[grants[0][1]] if grants else world.fed_a
        unit = world.objects[HOME_UNIT.get(name, "unit_a1")]
        person = None
        communities = [world.objects[b] for r, _, b in grants if b and ROLE_BINDINGS.get(r) == "community"]
        if not any(role in ADMIN_ROLES for role, _, _ in grants):
            person = Person.objects.create(federation=fed, unit=unit, name=f"{name}人员",
                                           community=communities[0] if communities else None)
        user = User.objects.create_user(
            username=name, password=PASSWORD, federation=fed, person=person, must_change_password=False
        )
        for role, fed_name, bound in grants:
            target = world.objects[bound] if bound else None
            binding = ROLE_BINDINGS.get(role)
            role_grant(
                user=user, role=role, federation_id=world.objects[fed_name].pk,
                unit_id=target.pk if target is not None and binding == "unit" else None,
                community_id=target.pk if target is not None and binding == "community" else None,
            )
        if requires_otp(user):
            TOTPDevice.objects.create(user=user, name="test", key=base32_to_hex(TOTP_SECRET), confirmed=True)
        world.users[name] = user


def login(client: Any, user: User) -> Any:
    """force_login, then mark the session OTP-verified the way django_otp.login() does, for the roles that
    need it (accounts.policy); the log-in form itself is tested in accounts."""
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


def api_headers(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def add_credential_resets(world: World) -> None:
    """An open reset in each federation (staff's, asked by sysadmin; outsider's, asked by nobody), for the
    URL walker's reset pages. Made directly: no notification, no audit event."""
    from accounts.models import CredentialReset

    CredentialReset.objects.create(user=world.staff, federation=world.fed_a, requested_by=world.sysadmin,
                                   handed_by_role=Role.SECURITY_ADMIN)
    CredentialReset.objects.create(user=world.outsider, federation=world.fed_b, handed_by_role=Role.SECURITY_ADMIN)
