"""三员分立 holds through password and authenticator resets (issue 7, item 5; SECURITY.md, "Resetting a log-in").

The probe, as the system administrator: reset the auditor's password (the temporary password was shown
to the system administrator), reset the auditor's authenticator, log in as the auditor, enrol a new
device, change the password: /audit/ answered 200. The same worked for federation staff.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, CredentialReset, User
from accounts.resets import (
    MSG_CANNOT_RESET_SELF,
    MSG_CODE_INVALID,
    MSG_NO_HANDER,
    credential_reset_issue,
    credential_reset_request,
)
from accounts.services import MSG_LOCKED
from core.models import AuditEvent, Notification
from core.testing.asserts import refused
from core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lanhua-Spring-2027!"
REDEEM = "/accounts/reset/"


def ask(client, target, *, otp=False):
    url = reverse("accounts:user-reset-otp" if otp else "accounts:user-reset-password", args=[target.pk])
    assert client.get(url).status_code == 200
    return client.post(url)


def open_reset(user):
    return CredentialReset.objects.get(user=user, redeemed_at__isnull=True, cancelled_at__isnull=True)


def issue_as(client, reset):
    page = client.post(reverse("accounts:reset-issue", args=[reset.pk]))
    assert page.status_code == 200, page.content.decode()[:500]
    assert "no-store" in page["Cache-Control"]
    return re.search(r'data-testid="reset-code">([A-Z0-9-]+)<', page.content.decode()).group(1)


def redeem(username, code, password=NEW_PASSWORD, client=None):
    return (client or Client()).post(
        REDEEM, {"username": username, "code": code, "new_password1": password, "new_password2": password}
    )


@pytest.mark.parametrize("target_name", ["auditor", "staff"])
def test_the_probed_path_gives_the_system_administrator_nothing_to_log_in_with(client_as, world, target_name):
    target = world.users[target_name]
    devices = set(TOTPDevice.objects.filter(user=target).values_list("pk", flat=True))
    sysadmin = client_as(world.sysadmin)
    for otp in (False, True):
        answer = ask(sysadmin, target, otp=otp)
        assert answer.status_code == 302
        followed = sysadmin.get(answer["Location"]).content.decode()
        assert not re.search(r'data-testid="(temporary-password|reset-code)"', followed)
    # Nothing about the account has changed: the holder's password and authenticator still work ...
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password
    assert set(TOTPDevice.objects.filter(user=target).values_list("pk", flat=True)) == devices
    # ... the code is not the system administrator's to see or make ...
    reset = open_reset(target)
    assert reset.handed_by_role == "security_admin" and reset.with_otp
    assert sysadmin.get(reverse("accounts:reset-issue", args=[reset.pk])).status_code == 403
    assert sysadmin.post(reverse("accounts:reset-issue", args=[reset.pk])).status_code == 403
    listing = sysadmin.get(reverse("accounts:reset-list")).content.decode()
    assert target.username in listing and 'data-testid="reset-code"' not in listing
    assert not CredentialReset.objects.filter(user=target).exclude(code_hash="").exists()
    # ... and guessing it is a failed log-in of the account, counted toward its lock-out.
    for guess in ("AAAA-BBBB-CCCC-DDDD", "ABCDABCDABCDABCD", "x" * 16, "2345-6789-ABCD-EFGH"):
        assert str(MSG_CODE_INVALID) in redeem(target.username, guess).content.decode()
    assert str(MSG_LOCKED) in redeem(target.username, "EEEE-FFFF-GGGG-HHHH").content.decode()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert sysadmin.get("/audit/").status_code == 403


def test_the_holder_gets_a_new_log_in_through_the_security_administrator(client_as, world):
    target = world.supervisor
    ApiToken.issue(target)
    ask(client_as(world.sysadmin), target, otp=True)
    reset = open_reset(target)
    # Requested: the auditor, the holder and the security administrator are told; nothing else happens.
    told = set(
        Notification.objects.filter(kind="credential_reset").values_list("recipient__username", flat=True)
    )
    assert told == {"auditor", "supervisor", "secadmin"}
    code = issue_as(client_as(world.secadmin), reset)
    assert len(code.replace("-", "")) == 16
    reset.refresh_from_db()
    assert reset.issued_by == world.secadmin and reset.code_hash and code not in reset.code_hash
    # The holder redeems it (the code as typed: lower case, no dashes) and logs in afresh.
    done = redeem("supervisor", code.replace("-", "").lower())
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and not target.must_change_password
    assert not TOTPDevice.objects.filter(user=target).exists()  # re-enrolled at the next log-in
    assert not ApiToken.objects.filter(user=target).exists()
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "supervisor", "password": NEW_PASSWORD}).status_code
        == 302
    )
    assert client.get(reverse("accounts:profile"))["Location"] == reverse("accounts:otp")
    # Once only.
    assert str(MSG_CODE_INVALID) in redeem("supervisor", code, "Another-Spring-2028!").content.decode()
    actions = list(
        AuditEvent.objects.filter(
            object_type="accounts.user", object_id=str(target.pk), action__startswith="credential_reset"
        )
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert actions == [
        ("credential_reset_request", "sysadmin"),
        ("credential_reset_issue", "secadmin"),
        ("credential_reset_redeem", "supervisor"),
    ]
    auditor_notes = Notification.objects.filter(recipient=world.auditor, kind="credential_reset").count()
    assert auditor_notes == 3


def test_a_security_administrators_reset_is_handed_over_by_the_auditor(client_as, world):
    ask(client_as(world.sysadmin), world.secadmin, otp=True)
    reset = open_reset(world.secadmin)
    assert reset.handed_by_role == "auditor"
    assert client_as(world.secadmin).post(reverse("accounts:reset-issue", args=[reset.pk])).status_code == 403
    code = issue_as(client_as(world.auditor), reset)
    assert redeem("secadmin", code).status_code == 302


def test_only_the_system_administrator_asks_and_never_for_themselves(client_as, world):
    for name in ("secadmin", "auditor", "staff"):
        assert (
            client_as(world.users[name])
            .post(reverse("accounts:user-reset-password", args=[world.volunteer.pk]))
            .status_code
            == 403
        )
    with refused(MSG_CANNOT_RESET_SELF):
        credential_reset_request(user=world.sysadmin, acting_user=world.sysadmin)
    assert (
        client_as(world.sysadmin)
        .post(reverse("accounts:user-reset-password", args=[world.outsider.pk]))
        .status_code
        == 404
    )


def test_no_administrator_to_hand_the_code_over_means_no_reset(client_as, world):
    world.secadmin.is_active = False
    world.secadmin.save()
    answer = client_as(world.sysadmin).post(
        reverse("accounts:user-reset-password", args=[world.volunteer.pk])
    )
    assert answer.status_code == 400
    assert str(MSG_NO_HANDER).format(role="安全管理员") in answer.content.decode()
    assert not CredentialReset.objects.filter(user=world.volunteer).exists()


def test_a_code_lasts_24_hours_and_a_new_request_or_issue_voids_the_old_code(world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
        first = credential_reset_issue(reset=reset, acting_user=world.secadmin)
        second = credential_reset_issue(reset=reset, acting_user=world.secadmin)
        assert str(MSG_CODE_INVALID) in redeem("volunteer", first).content.decode()
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        assert str(MSG_CODE_INVALID) in redeem("volunteer", second).content.decode()
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
        third = credential_reset_issue(reset=reset, acting_user=world.secadmin)
        credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)  # a new request voids it
        assert str(MSG_CODE_INVALID) in redeem("volunteer", third).content.decode()


def test_wrong_codes_and_unknown_accounts_are_answered_alike(world):
    reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
    code = credential_reset_issue(reset=reset, acting_user=world.secadmin)

    def answer(username, guess):
        html = redeem(username, guess).content.decode()
        return re.findall(r'data-testid="form-errors">(.*?)</div></div>', html, re.S)

    assert answer("volunteer", "AAAA-BBBB-CCCC-DDDD") == answer("nobody", code) == answer("staff", code)
    failures = AuditEvent.objects.filter(action="login_failed", detail="reset code wrong")
    assert set(failures.values_list("actor_name", flat=True)) == {"volunteer", "nobody", "staff"}


def test_a_weak_new_password_is_refused_and_the_code_still_works(world):
    from accounts.validators import MSG_PASSWORD_PATTERN

    reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
    code = credential_reset_issue(reset=reset, acting_user=world.secadmin)
    weak = redeem("volunteer", code, "Qwertyuiop12")
    assert weak.status_code == 400 and str(MSG_PASSWORD_PATTERN) in weak.content.decode()
    assert redeem("volunteer", code).status_code == 302


def test_a_new_account_gets_its_first_password_the_same_way(client_as, world):
    from accounts.views import MSG_ACCOUNT_CREATED

    sysadmin = client_as(world.sysadmin)
    made = sysadmin.post(
        reverse("accounts:user-create"),
        {"username": "xiaoli", "display_name": "李晓", "email": ""},
        follow=True,
    )
    html = made.content.decode()
    assert str(MSG_ACCOUNT_CREATED).format(username="xiaoli") in html
    user = User.objects.get(username="xiaoli")
    assert not user.has_usable_password() and not user.role_assignments.exists()
    assert 'data-testid="temporary-password"' not in html and 'data-testid="reset-code"' not in html
    reset = open_reset(user)
    assert reset.kind == "activation"
    code = issue_as(client_as(world.secadmin), reset)
    assert redeem("xiaoli", code).status_code == 302
    assert (
        Client().post("/accounts/login/", {"username": "xiaoli", "password": NEW_PASSWORD}).status_code == 302
    )


def test_the_system_administrator_can_cancel_a_request(client_as, world):
    reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
    code = credential_reset_issue(reset=reset, acting_user=world.secadmin)
    assert (
        client_as(world.sysadmin).post(reverse("accounts:reset-cancel", args=[reset.pk])).status_code == 302
    )
    assert str(MSG_CODE_INVALID) in redeem("volunteer", code).content.decode()
    assert AuditEvent.objects.filter(action="credential_reset_cancel", actor_name="sysadmin").exists()


def test_a_redeemed_reset_ends_a_lock_out(world):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "volunteer", "password": "wrong-password"})
    assert (
        str(MSG_LOCKED)
        in client.post("/accounts/login/", {"username": "volunteer", "password": PASSWORD}).content.decode()
    )
    reset = credential_reset_request(user=world.volunteer, acting_user=world.sysadmin)
    redeemed = redeem("volunteer", credential_reset_issue(reset=reset, acting_user=world.secadmin))
    assert redeemed.status_code == 302
    assert (
        Client().post("/accounts/login/", {"username": "volunteer", "password": NEW_PASSWORD}).status_code
        == 302
    )
