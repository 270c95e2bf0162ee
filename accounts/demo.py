"""The demo accounts: one per role, each a person of a unit that lives through the whole history.

Accounts that need a second factor get a confirmed TOTP device with the `--totp-secret` secret.
"""

from __future__ import annotations

from accounts.models import User
from accounts.policy import base32_to_hex, requires_otp
from accounts.services import role_grant
from core.registry import DemoContext
from core.roles import ADMIN_ROLES, ROLE_BINDINGS, Role
from orgs.models import Person

# username, name, roles, the unit the person works at (None: no person, or none of the units), the
# community a community contact speaks for. Every unit named here stays in existence to the demo's today.
DEMO_ACCOUNTS: list[tuple[str, str, list[str], str | None, str | None]] = [
    ("demo_staff", "王丽华", [Role.FEDERATION_STAFF], None, None),
    ("demo_liaison", "陈晓敏", [Role.UNIT_LIAISON], "区教育局", None),
    ("demo_executive", "林秀英", [Role.EXECUTIVE], "区妇幼保健院", None),
    ("demo_supervisor", "黄静", [Role.HOTLINE_SUPERVISOR], None, None),
    ("demo_volunteer", "张雅琴", [Role.VOLUNTEER], "区人民医院", None),
    ("demo_requester", "刘春燕", [Role.REQUESTER], None, "龙城街道爱联社区"),
    ("demo_sysadmin", "赵明", [Role.SYSTEM_ADMIN], None, None),
    ("demo_secadmin", "孙洁", [Role.SECURITY_ADMIN], None, None),
    ("demo_auditor", "周敏", [Role.AUDITOR], None, None),
]


def load_demo(ctx: DemoContext) -> None:
    org = ctx.data["org"]
    password = ctx.options["password"]
    rng = ctx.rng
    communities = {c.name: c for c in org.communities.values()}
    for username, name, roles, unit_name, community_name in DEMO_ACCOUNTS:
        unit = org.units[unit_name] if unit_name else None
        community = communities[community_name] if community_name else None
        person = None
        if not set(roles) & ADMIN_ROLES:
            person = Person.objects.create(
                federation=org.federation, unit=unit, community=community, name=name,
                title="妇委会主任" if Role.UNIT_LIAISON in roles else "干部",
                phone=f"139{rng.randint(10000000, 99999999)}", email=f"{username}@example.org",
            )
        user = User.objects.create_user(
            username=username, password=password, display_name=name, federation=org.federation, person=person,
            email=f"{username}@example.org",
        )
        user.must_change_password = False
        user.save()
        for role in roles:
            binding = ROLE_BINDINGS.get(role)
            role_grant(
                user=user, role=role, federation_id=org.federation.pk,
                unit_id=unit.pk if unit is not None and binding == "unit" else None,
                community_id=community.pk if community is not None and binding == "community" else None,
            )
        org.users[username] = user
    secret = ctx.options.get("totp_secret")
    if secret:
        # Otherwise the accounts enrol their own device at first log-in.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        key = base32_to_hex(secret)
        for user in org.users.values():
            if requires_otp(user):
                TOTPDevice.objects.create(user=user, name="演示验证器", key=key, confirmed=True)
    ctx.summary.append(f"{len(org.users)} 个演示账号（每个角色一个）")
