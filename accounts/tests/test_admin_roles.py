"""三员分立: the administrators' pages, the separation rules, their audit trail, and no business data."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import (
    MSG_ADMIN_AND_BUSINESS,
    MSG_COMMUNITY_REQUIRED,
    MSG_SEPARATION_OF_DUTIES,
    RoleAssignment,
    User,
)
from accounts.services import MSG_CANNOT_CHANGE_SELF
from core.models import AuditEvent
from core.roles import ADMIN_ROLES, Role
from core.testing.asserts import refused
from orgs.models import Person, Unit

pytestmark = pytest.mark.django_db

ADMINS = ("sysadmin", "secadmin", "auditor")


@pytest.mark.parametrize("name", ADMINS)
def test_admins_read_no_business_data(client_as, world, name):
    user = world.users[name]
    assert Unit.objects.visible_to(user).count() == 0
    res = client_as(user).get(reverse("orgs:unit-list"))
    assert res.status_code == 403 or "区教育局" not in res.content.decode()


def test_admin_cannot_hold_a_second_admin_role(world):
    with refused(MSG_SEPARATION_OF_DUTIES):
        services.role_grant(user=world.sysadmin, role=Role.AUDITOR, federation_id=world.fed_a.pk)


def test_admin_role_not_beside_business_roles(world):
    with refused(MSG_ADMIN_AND_BUSINESS):
        services.role_grant(user=world.staff, role=Role.SYSTEM_ADMIN, federation_id=world.fed_a.pk)
    with refused(MSG_ADMIN_AND_BUSINESS):
        services.role_grant(user=world.auditor, role=Role.FEDERATION_STAFF, federation_id=world.fed_a.pk)


def test_database_refuses_a_second_admin_assignment(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=world.secadmin, role=Role.AUDITOR, federation=world.fed_a)
    with pytest.raises(IntegrityError), transaction.atomic():  # same role in another federation too
        RoleAssignment.objects.create(user=world.secadmin, role=Role.SECURITY_ADMIN, federation=world.fed_b)


def test_sysadmin_creates_an_account_without_seeing_a_password_and_it_is_audited(client_as, world):
    client = client_as(world.sysadmin)
    assert client.get(reverse("accounts:user-list")).status_code == 200
    res = client.post(
        reverse("accounts:user-create"), {"username": "xiaoli", "display_name": "李晓", "email": ""}
    )
    assert res.status_code == 302 and res["Location"] == reverse("accounts:user-list")
    user = User.objects.get(username="xiaoli")
    assert not user.has_usable_password() and user.federation == world.fed_a
    assert not user.role_assignments.exists()  # roles are the security admin's
    event = AuditEvent.objects.get(action="account_create")
    assert event.actor_name == "sysadmin" and event.object_id == str(user.pk)
    # Its first password comes through a one-time code (accounts/tests/test_credential_resets.py).
    assert AuditEvent.objects.filter(action="credential_reset_request", object_id=str(user.pk)).exists()


def test_sysadmin_asks_for_resets_and_deactivates(client_as, world):
    client = client_as(world.sysadmin)
    target = world.staff
    assert client.get(reverse("accounts:user-reset-password", args=[target.pk])).status_code == 200
    assert client.post(reverse("accounts:user-reset-password", args=[target.pk])).status_code == 302
    client.post(reverse("accounts:user-deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    actions = set(AuditEvent.objects.filter(actor_name="sysadmin").values_list("action", flat=True))
    assert {"credential_reset_request", "account_deactivate"} <= actions
    # not on oneself, and not across federations
    with refused(MSG_CANNOT_CHANGE_SELF):
        services.account_deactivate(user=world.sysadmin, acting_user=world.sysadmin)
    assert client.post(reverse("accounts:user-deactivate", args=[world.outsider.pk])).status_code == 404
    assert client.post(reverse("accounts:user-reset-otp", args=[world.outsider.pk])).status_code == 404
    own = client.post(reverse("accounts:user-reset-otp", args=[world.sysadmin.pk]))
    assert own.status_code == 400  # the service refuses one's own account: the form says why
    from accounts.models import CredentialReset

    assert not CredentialReset.objects.filter(user=world.sysadmin).exists()


@pytest.mark.parametrize("name", ["secadmin", "auditor", "staff", "supervisor"])
def test_only_the_sysadmin_manages_accounts(client_as, world, name):
    client = client_as(world.users[name])
    assert client.get(reverse("accounts:user-list")).status_code == 403
    assert (
        client.post(reverse("accounts:user-create"), {"username": "x1", "display_name": "x"}).status_code
        == 403
    )
    assert client.post(reverse("accounts:user-reset-password", args=[world.volunteer.pk])).status_code == 403


def test_secadmin_grants_and_revokes_roles_audited(client_as, world):
    client = client_as(world.secadmin)
    assert client.get(reverse("accounts:role-list")).status_code == 200
    # A community contact is bound to her person's community: without one, the grant is refused ...
    res = client.post(reverse("accounts:role-grant"), {"user": world.volunteer.pk, "role": Role.REQUESTER})
    assert res.status_code == 400 and str(MSG_COMMUNITY_REQUIRED) in res.content.decode()
    assert not RoleAssignment.objects.filter(user=world.volunteer, role=Role.REQUESTER).exists()
    # ... with one, it is bound to it.
    Person.objects.filter(pk=world.volunteer.person_id).update(community=world.comm_a1)
    res = client.post(reverse("accounts:role-grant"), {"user": world.volunteer.pk, "role": Role.REQUESTER})
    assert res.status_code == 302
    ra = RoleAssignment.objects.get(user=world.volunteer, role=Role.REQUESTER)
    assert ra.community_id == world.comm_a1.pk and ra.unit_id is None
    # liaison: bound to the person's unit
    client.post(reverse("accounts:role-grant"), {"user": world.staff.pk, "role": Role.UNIT_LIAISON})
    assert (
        RoleAssignment.objects.get(user=world.staff, role=Role.UNIT_LIAISON).unit_id
        == world.staff.person.unit_id
    )
    refused = client.post(reverse("accounts:role-grant"), {"user": world.staff.pk, "role": Role.AUDITOR})
    assert refused.status_code == 400 and str(MSG_ADMIN_AND_BUSINESS) in refused.content.decode()
    client.post(reverse("accounts:role-revoke", args=[ra.pk]))
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    details = list(
        AuditEvent.objects.filter(action="permission_change", actor_name="secadmin")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == ["role_grant", "role_grant", "role_revoke"]
    # not on own roles
    own = RoleAssignment.objects.get(user=world.secadmin)
    assert client.post(reverse("accounts:role-revoke", args=[own.pk])).status_code == 302
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("name", ["sysadmin", "auditor", "staff"])
def test_only_the_secadmin_assigns_roles(client_as, world, name):
    client = client_as(world.users[name])
    assert client.get(reverse("accounts:role-list")).status_code == 403
    assert (
        client.post(
            reverse("accounts:role-grant"), {"user": world.volunteer.pk, "role": Role.SYSTEM_ADMIN}
        ).status_code
        == 403
    )
    assert client.get(reverse("accounts:password-policy")).status_code == 403


def test_secadmin_reads_the_password_policy(client_as, world):
    html = client_as(world.secadmin).get(reverse("accounts:password-policy")).content.decode()
    for text in ("12 个字符", "至少 3 类", "最近 5 次", "90 天", "5 次锁定 30 分钟", "30 分钟", "8 小时"):
        assert text in html, text


def test_menu_entries(client_as, world):
    assert "账号管理" in client_as(world.sysadmin).get(reverse("accounts:profile")).content.decode()
    html = client_as(world.secadmin).get(reverse("accounts:profile")).content.decode()
    assert "角色分配" in html and "密码策略" in html and "账号管理" not in html


def test_admin_roles_constant_matches():
    assert {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR} == set(ADMIN_ROLES)
