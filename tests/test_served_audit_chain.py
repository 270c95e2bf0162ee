"""The audit log's hash chain end to end, against a served instance (gunicorn on loopback, SQLite), as the
outside probe attacked the log (issue 7, item 13): with the database file in hand, open the purge gate
and delete an event, drop the UPDATE trigger and change one, insert a forged one. The auditor's page
and manage.py verify_audit report each, by its place in the log.
"""

import re
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from accounts.management.commands.totp_now import current_code
from core.testing.commands import manage
from core.testing.served import Browser, server_env, start
from core.testing.world import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.slow

SETUP = """
from core.testing.world import build_world
build_world()
"""


def totp():
    code, remaining = current_code(TOTP_SECRET)
    if remaining < 3:
        time.sleep(remaining + 1)
        code, _ = current_code(TOTP_SECRET)
    return code


def summary(html):
    return re.search(r'data-testid="audit-verify-summary">([^<]+)<', html).group(1)


def test_the_auditor_sees_every_tampering_of_the_log(tmp_path):
    env = server_env(tmp_path)
    manage(tmp_path, "migrate", "--noinput", "-v", "0", env=env)
    manage(tmp_path, "shell", env=env, stdin=SETUP)
    server = start(env, tmp_path / "server.log")
    try:
        auditor = Browser(server.base)
        auditor.log_in("auditor", PASSWORD, otp=totp())
        assert 'href="/audit/verify/"' in auditor.get("/audit/").text
        # Writers in several processes and threads at once (gunicorn's 2 workers × 2 threads): one chain.
        def guesses(n):
            for i in range(5):
                requests.post(f"{server.base}/api/v1/auth/token", json={"username": f"ghost{n}-{i}",
                              "password": "wrong"}, timeout=20)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(guesses, range(4)))
        db = sqlite3.connect(tmp_path / "jinguo.sqlite3")
        try:
            (failed,) = db.execute("SELECT COUNT(*) FROM core_auditevent WHERE action = 'login_failed'").fetchone()
        finally:
            db.close()
        assert failed >= 20
        clean = auditor.get("/audit/verify/")
        assert clean.status_code == 200 and "审计日志校验通过" in summary(clean.text), clean.text[:2000]

        db = sqlite3.connect(tmp_path / "jinguo.sqlite3", isolation_level=None)
        try:
            (deleted,) = db.execute("SELECT seq FROM core_auditevent ORDER BY seq LIMIT 1 OFFSET 4").fetchone()
            db.execute("UPDATE core_auditpurgegate SET open = 1 WHERE id = 1")
            db.execute("DELETE FROM core_auditevent WHERE seq = ?", (deleted,))
            db.execute("UPDATE core_auditpurgegate SET open = 0 WHERE id = 1")
            altered_id, altered = db.execute(
                "SELECT id, seq FROM core_auditevent ORDER BY seq LIMIT 1 OFFSET 9"
            ).fetchone()
            db.execute("DROP TRIGGER core_auditevent_no_update")
            db.execute("UPDATE core_auditevent SET actor_name = 'nobody' WHERE id = ?", (altered_id,))
            (head,) = db.execute("SELECT MAX(seq) FROM core_auditevent").fetchone()
            db.execute(
                "INSERT INTO core_auditevent (at, actor_name, action, object_type, object_id, object_repr,"
                " changes, result, source, origin, detail, seq, mac, chain) VALUES (datetime('now'), 'admin',"
                " 'login', '', '', '', '{}', 'success', 'web', '', '', ?, ?, ?)",
                (head + 1, "0" * 64, "1" * 64),
            )
            (forged_id,) = db.execute("SELECT id FROM core_auditevent WHERE seq = ?", (head + 1,)).fetchone()
        finally:
            db.close()

        page = auditor.get("/audit/verify/")
        assert page.status_code == 200
        assert summary(page.text).startswith("审计日志校验未通过") and "发现 3 处问题" in summary(page.text)
        for message in (
            f"第 {deleted} 条记录缺失：已被删除。",
            f"第 {altered} 条记录（编号 {altered_id}）校验值不符：已被修改或伪造。",
            f"第 {head + 1} 条记录（编号 {forged_id}）校验值不符：已被修改或伪造。",
        ):
            assert message in page.text, message

        command = manage(tmp_path, "verify_audit", env=env, check=False)
        assert command.returncode == 1
        assert f"第 {deleted} 条记录缺失：已被删除。" in command.stdout
        assert "发现 3 处问题" in command.stderr
        assert "Internal Server Error" not in server.log()
    finally:
        server.stop()
