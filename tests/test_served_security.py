"""The log-in defences end to end, against a served instance (gunicorn on loopback), as the outside probe
attacked them (issue 7, items 1 and 5).

* A JSON body sent as multipart to POST /api/v1/auth/token is refused alike for a right and a wrong
  password, each attempt counts toward the lock-out, and the fifth locks the account for JSON too.
* The system administrator who resets the auditor's password and authenticator gets nothing to log in
  with: no password, no code, no way to make one; the auditor is told. The code comes from the
  security administrator, the auditor sets the new password and enrols a new authenticator, and only
  then reads /audit/ again — every step in the audit log.
"""

import re
import sqlite3
import time

import pytest
import requests

from accounts.management.commands.totp_now import current_code
from core.testing.commands import manage
from core.testing.served import Browser, server_env, start
from core.testing.world import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.slow

NEW_PASSWORD = "Lanhua-Spring-2027!"
SETUP = """
from core.testing.world import build_world
w = build_world()
print("IDS", w.auditor.pk, w.staff.pk)
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    var = tmp_path_factory.mktemp("served-security")
    env = server_env(var)
    manage(var, "migrate", "--noinput", "-v", "0", env=env)
    ids = [
        int(x)
        for x in re.search(r"IDS (\d+) (\d+)", manage(var, "shell", env=env, stdin=SETUP).stdout).groups()
    ]
    server = start(env, var / "server.log")
    yield server, var / "jinguo.sqlite3", ids
    server.stop()


def audit_events(db, **where):
    con = sqlite3.connect(db)
    try:
        clause = " AND ".join(f"{k} = ?" for k in where)
        return con.execute(
            f"SELECT action, actor_name, detail FROM core_auditevent WHERE {clause} ORDER BY id",
            tuple(where.values()),
        ).fetchall()
    finally:
        con.close()


def totp(secret=TOTP_SECRET):
    code, remaining = current_code(secret)
    if remaining < 3:  # about to roll over: the server might already be in the next step
        time.sleep(remaining + 1)
        code, _ = current_code(secret)
    return code


def test_a_multipart_body_is_no_way_around_the_lock_out(served):
    server, db, _ = served
    url = f"{server.base}/api/v1/auth/token"
    answers = []
    for password in ("guess-1", PASSWORD, "guess-2", "guess-3"):
        r = requests.post(
            url,
            data=f'{{"username": "staff", "password": "{password}"}}',
            headers={"Content-Type": "multipart/form-data; boundary="},
            timeout=10,
        )
        answers.append((r.status_code, r.json()["message"]))
    assert len(set(answers)) == 1 and answers[0][0] == 415, answers
    fifth = requests.post(
        url,
        data='{"username": "staff", "password": "guess-4"}',
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        timeout=10,
    )
    assert fifth.status_code == 403
    locked = requests.post(url, json={"username": "staff", "password": PASSWORD}, timeout=10)
    assert locked.status_code == 403 and "token" not in locked.json()
    failed = audit_events(db, action="login_failed", actor_name="staff")
    assert [d for _, _, d in failed[:5]] == ["api: body refused (415)"] * 5
    assert audit_events(db, action="account_locked", actor_name="staff")
    assert "Internal Server Error" not in server.log()


def test_the_system_administrator_cannot_walk_around_the_auditor(served):
    server, db, (auditor_pk, _) = served
    sysadmin = Browser(server.base)
    sysadmin.log_in("sysadmin", PASSWORD, otp=totp())
    for path in (f"/accounts/users/{auditor_pk}/reset-password/", f"/accounts/users/{auditor_pk}/reset-otp/"):
        asked = sysadmin.submit(path, "csrfmiddlewaretoken", {})
        assert asked.status_code == 302, asked.text[:500]
        after = sysadmin.get(asked.headers["Location"]).text
        assert "已申请重置账号 auditor" in after
        assert not re.search(r'data-testid="(temporary-password|reset-code)"', after)
    listing = sysadmin.get("/accounts/resets/").text
    reset_pk = re.search(r"/accounts/resets/(\d+)/cancel/", listing).group(1)
    assert f"/accounts/resets/{reset_pk}/issue/" not in listing
    assert sysadmin.get(f"/accounts/resets/{reset_pk}/issue/").status_code == 403
    assert sysadmin.get("/audit/").status_code == 403
    # Guessing a code gets the system administrator nowhere.
    guess = Browser(server.base).submit(
        "/accounts/reset/",
        "code",
        {
            "username": "auditor",
            "code": "AAAA-BBBB-CCCC-DDDD",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert guess.status_code == 400 and "重置码错误" in guess.text

    # The real auditor still logs in as before, and has been told.
    auditor = Browser(server.base)
    auditor.log_in("auditor", PASSWORD, otp=totp())
    assert auditor.get("/audit/").status_code == 200
    assert "已申请重置" in auditor.get("/notifications/").text

    # The security administrator hands the code over; the auditor sets a new password and a new device.
    secadmin = Browser(server.base)
    secadmin.log_in("secadmin", PASSWORD, otp=totp())
    issued = secadmin.submit(f"/accounts/resets/{reset_pk}/issue/", "csrfmiddlewaretoken", {})
    assert issued.status_code == 200
    code = re.search(r'data-testid="reset-code">([A-Z0-9-]+)<', issued.text).group(1)
    holder = Browser(server.base)
    done = holder.submit(
        "/accounts/reset/",
        "code",
        {"username": "auditor", "code": code, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert (
        Browser(server.base)
        .submit(
            "/accounts/login/", "username", {"username": "auditor", "password": PASSWORD, "otp_token": totp()}
        )
        .status_code
        == 200
    )  # the old one is gone
    holder.log_in("auditor", NEW_PASSWORD)
    enrol = holder.get("/accounts/otp/")
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', enrol.text).group(1)
    assert secret != TOTP_SECRET
    assert holder.submit("/accounts/otp/", "otp_token", {"otp_token": totp(secret)}).status_code == 302
    assert holder.get("/audit/").status_code == 200

    steps = [
        (a, who)
        for a, who, _ in audit_events(db, object_id=str(auditor_pk))
        if a.startswith("credential_reset")
    ]
    assert steps == [
        ("credential_reset_request", "sysadmin"),
        ("credential_reset_request", "sysadmin"),
        ("credential_reset_issue", "secadmin"),
        ("credential_reset_redeem", "auditor"),
    ]
