"""The second factor (TOTP): who needs it, web log-in, enrolment, replay, the API, demo devices."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.management.commands.totp_now import current_code
from accounts.models import User
from accounts.policy import DEMO_TOTP_SECRET, base32_to_hex, requires_otp
from accounts.services import MSG_BAD_CREDENTIALS, MSG_LOCKED, MSG_OTP_NOT_ENROLLED
from core.models import AuditEvent
from core.testing.world import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
T0 = dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=dt.UTC)  # 5 s into a 30 s step


def code(at=None):
    return current_code(TOTP_SECRET, at=(at or timezone.now()).timestamp())[0]


def web_login(client, username, otp=None):
    data = {"username": username, "password": PASSWORD}
    if otp is not None:
        data["otp_token"] = otp
    return client.post(LOGIN, data)


def api_login(client, username, otp=None):
    data = {"username": username, "password": PASSWORD}
    if otp is not None:
        data["otp"] = otp
    return client.post(TOKEN, json.dumps(data), content_type="application/json")


def test_who_needs_a_second_factor(world):
    needs = {name for name, user in world.users.items() if requires_otp(user)}
    assert needs == {"executive", "supervisor", "sysadmin", "secadmin", "auditor"}


def test_web_login_requires_the_code(world):
    with time_machine.travel(T0, tick=False):
        client = Client()
        missing = web_login(client, "supervisor")
        assert str(MSG_BAD_CREDENTIALS) in missing.content.decode()
        wrong = web_login(client, "supervisor", "000000" if code() != "000000" else "111111")
        assert str(MSG_BAD_CREDENTIALS) in wrong.content.decode()
        assert client.get(reverse("accounts:profile")).status_code == 302  # not logged in
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):  # past the throttle delay
        ok = web_login(client, "supervisor", code())
        assert ok.status_code == 302
        assert client.get(reverse("accounts:profile")).status_code == 200
    reasons = list(
        AuditEvent.objects.filter(action="login_failed").order_by("id").values_list("detail", flat=True)
    )
    assert reasons == ["web: otp missing", "web: otp wrong"]


def test_a_used_code_is_refused_the_second_time(world):
    with time_machine.travel(T0, tick=False):
        first = Client()
        assert web_login(first, "auditor", code()).status_code == 302
        replay = web_login(Client(), "auditor", code())
        assert replay.status_code == 200 and str(MSG_BAD_CREDENTIALS) in replay.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        # the API refuses it too
        assert api_login(Client(), "auditor", code(T0)).status_code == 401


def test_wrong_codes_count_toward_the_lockout(world):
    with time_machine.travel(T0, tick=False):
        client = Client()
        for _ in range(4):
            web_login(client, "executive", "123456" if code() != "123456" else "654321")
        fifth = api_login(Client(), "executive", "123456" if code() != "123456" else "654321")
        assert fifth.status_code == 403 and fifth.json()["message"] == MSG_LOCKED
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        assert web_login(Client(), "executive", code()).status_code == 403


def test_force_login_without_the_second_factor_is_sent_to_it(client, world):
    client.force_login(world.supervisor)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 302 and page.url == reverse("accounts:otp")
    with time_machine.travel(T0, tick=False):
        verify = client.get(reverse("accounts:otp"))
        assert verify.status_code == 200 and b"otp-qr" not in verify.content
        done = client.post(reverse("accounts:otp"), {"otp_token": code()})
        assert done.status_code == 302
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_test_helper_logs_in_verified(client_as, world):
    for name in ("supervisor", "executive", "sysadmin", "secadmin", "auditor", "staff"):
        client = client_as(world.users[name])
        assert client.get(reverse("accounts:profile")).status_code == 200, name
        client.logout()


def test_account_without_device_enrols_with_a_qr_code(world):
    user = User.objects.create_user(
        username="newsup", password=PASSWORD, federation=world.fed_a, must_change_password=True
    )
    from accounts.services import role_grant

    role_grant(user=user, role="hotline_supervisor", federation_id=world.fed_a.pk)
    client = Client()
    assert web_login(client, "newsup").status_code == 302  # password alone: then enrolment
    page = client.get(reverse("accounts:password-change"))
    assert page.status_code == 302 and page.url == reverse("accounts:otp")  # the factor before anything else
    enrol = client.get(reverse("accounts:otp"))
    html = enrol.content.decode()
    assert enrol.status_code == 200 and "<svg" in html and 'data-testid="otp-qr"' in html
    assert "<script" not in html.split('data-testid="otp-qr"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from accounts.policy import hex_to_base32

    secret = hex_to_base32(device.key)
    assert secret in html
    now = timezone.now()
    bad = client.post(reverse("accounts:otp"), {"otp_token": "12345"})
    assert bad.status_code == 200
    with time_machine.travel(now + dt.timedelta(seconds=5), tick=False):
        good = client.post(reverse("accounts:otp"), {"otp_token": current_code(secret)[0]})
    assert good.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # Now the forced password change, since the account is new.
    page = client.get(reverse("accounts:profile"))
    assert page.url == reverse("accounts:password-change")
    assert AuditEvent.objects.filter(action="otp_enrol", object_id=str(user.pk)).exists()


def test_api_token_needs_the_code(world):
    with time_machine.travel(T0, tick=False):
        missing = api_login(Client(), "supervisor")
        assert missing.status_code == 401 and missing.json()["message"] == MSG_BAD_CREDENTIALS
    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False):
        wrong = api_login(Client(), "supervisor", "000000" if code() != "000000" else "111111")
        assert wrong.status_code == 401 and wrong.json()["message"] == MSG_BAD_CREDENTIALS
    with time_machine.travel(T0 + dt.timedelta(seconds=40), tick=False):
        ok = api_login(Client(), "supervisor", code())
        assert ok.status_code == 200 and ok.json()["token"].startswith("jg_")
    # staff need no code
    assert api_login(Client(), "staff").status_code == 200


def test_api_refuses_an_account_without_device(world):
    TOTPDevice.objects.filter(user=world.auditor).delete()
    res = api_login(Client(), "auditor", "123456")
    assert res.status_code == 401 and res.json()["message"] == MSG_OTP_NOT_ENROLLED


def test_load_demo_gives_devices_with_the_secret(db):
    call_command(
        "load_demo", password="Demo-Passw0rd-2026!", totp_secret=DEMO_TOTP_SECRET, stdout=io.StringIO()
    )
    key = base32_to_hex(DEMO_TOTP_SECRET)
    with_device = set(
        TOTPDevice.objects.filter(confirmed=True, key=key).values_list("user__username", flat=True)
    )
    assert with_device == {
        "demo_executive",
        "demo_supervisor",
        "demo_sysadmin",
        "demo_secadmin",
        "demo_auditor",
    }
    assert not User.objects.filter(username__startswith="demo_", must_change_password=True).exists()
    out = io.StringIO()
    call_command("totp_now", stdout=out)
    client = Client()
    res = client.post(
        LOGIN,
        {
            "username": "demo_supervisor",
            "password": "Demo-Passw0rd-2026!",
            "otp_token": out.getvalue().strip(),
        },
    )
    assert res.status_code == 302


def test_totp_now_matches_django_otp():
    import time

    from django_otp.oath import TOTP

    with time_machine.travel(T0, tick=False):
        out = io.StringIO()
        call_command("totp_now", "--secret", DEMO_TOTP_SECRET, stdout=out)
        totp = TOTP(bytes.fromhex(base32_to_hex(DEMO_TOTP_SECRET)))
        totp.time = time.time()
        assert totp.verify(int(out.getvalue().strip()), tolerance=0)


def _error_text(response):
    """The log-in page's error message, and nothing else that varies (CSRF token, nonce)."""
    import re

    html = response.content.decode()
    alerts = re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', html, re.S)
    return response.status_code, alerts, 'name="otp_token"' in html


def test_the_second_factor_step_does_not_confirm_a_right_password(world):
    """The probe: "该账号须输入动态验证码" came only after the right password. The code is asked on the same
    form, and a wrong password, a right one without its code and a right one with a wrong code all get
    the same answer, on the web and from the API."""
    wrong_code = "000000" if code() != "000000" else "111111"
    with time_machine.travel(T0, tick=False):
        web = [
            _error_text(Client().post(LOGIN, {"username": "supervisor", "password": "wrong-password"})),
            _error_text(Client().post(LOGIN, {"username": "supervisor", "password": PASSWORD})),
            _error_text(
                Client().post(
                    LOGIN, {"username": "supervisor", "password": PASSWORD, "otp_token": wrong_code}
                )
            ),
            _error_text(Client().post(LOGIN, {"username": "nobody", "password": PASSWORD})),
        ]
    assert web[0] == web[1] == web[2] == web[3], web
    assert web[0][0] == 200 and web[0][2]  # the code field is on the same form
    from axes.utils import reset

    reset(username="supervisor")  # three failures so far: the API's three would lock the account
    with time_machine.travel(T0 + dt.timedelta(seconds=40), tick=False):
        api = [
            (r.status_code, r.json())
            for r in (
                Client().post(
                    TOKEN,
                    json.dumps({"username": "supervisor", "password": "wrong"}),
                    content_type="application/json",
                ),
                api_login(Client(), "supervisor"),
                api_login(Client(), "supervisor", wrong_code),
            )
        ]
    assert api[0] == api[1] == api[2], api
    assert api[0][0] == 401
