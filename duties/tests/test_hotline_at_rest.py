"""Issue #10's first acceptance test: distinctive caller names, phones, addresses and narratives planted
through the services (intake of an urgent call, a repeat call, a referral, a follow-up, a read by the
supervisor) are found nowhere at rest: not in the SQLite file nor its WAL, not in the job queue or any other
file of the instance's directory, not in what the process logged (e-mail and SMS notices included), not in
the audit log; and not in a pg_dump when the tests run on PostgreSQL."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from core.testing.commands import manage

NAME = "SENTINELNAME欧阳翠屏"
PHONE = "13911112222"
ADDRESS = "SENTINELADDR龙城街道哨兵小区"
STORY = "SENTINELSTORY丈夫酗酒后多次动手"
AGAIN = "SENTINELAGAIN再次来电称对方威胁"
FOLLOW = "SENTINELFOLLOW回访已安置"
CONTROL = "CONTROLNAME-DUTIES-PLAIN"
SECRETS = (NAME, PHONE, ADDRESS, STORY, AGAIN, FOLLOW, "SENTINEL", "哨兵小区", "欧阳翠屏")

PLANT = f"""
import datetime as dt
from core import clock, confidential
from core.testing.world import build_world
from duties import services
from duties.models import HotlineCase
from orgs.models import Person

world = build_world()
Person.objects.create(federation=world.fed_a, name="{CONTROL}")
services.shift_publish(
    federation=world.fed_a, on=clock.today(), starts_at=dt.time(0), ends_at=dt.time(23, 59),
    executive=world.exec_a,
)
with confidential.activate(world.executive):
    case = services.case_intake(
        federation=world.fed_a, category="violence", caller_name="{NAME}", caller_phone="{PHONE}",
        caller_address="{ADDRESS}", narrative="{STORY}", urgent=True, acting_user=world.executive,
    )
    again = services.case_intake(
        federation=world.fed_a, category="violence", caller_phone="{PHONE}", narrative="{AGAIN}",
        acting_user=world.executive,
    )
    assert again.pk == case.pk
    services.referral_create(
        case=case, body="shelter", receiving_body="区妇女儿童庇护中心", consent=True, acting_user=world.executive
    )
    services.case_follow_up(case=case, on=clock.today(), notes="{FOLLOW}", acting_user=world.executive)
with confidential.activate(world.supervisor), confidential.reading("测试：负责人查看个案"):
    read = HotlineCase.objects.permitted(world.supervisor, "read").get(pk=case.pk)
    assert read.caller_name == "{NAME}" and read.narrative == "{STORY}"
print("planted", case.pk)
"""


def every_file(root: Path) -> bytes:
    data = b""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data += path.read_bytes()
    return data


def assert_absent(data: bytes, where: str) -> None:
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in data, f"{secret!r} ({encoding}) in {where}"


@pytest.mark.slow
def test_planted_case_contents_are_nowhere_at_rest(tmp_path):
    manage(tmp_path, "migrate", "-v0")
    # The process exits right after its writes, before a checkpoint of its own: the WAL is kept.
    planted = manage(tmp_path, "shell", "-v0", "-c", PLANT)
    assert "planted" in planted.stdout
    files = every_file(tmp_path)
    assert CONTROL.encode() in files  # the search sees plaintext where there is some
    assert any(p.name.endswith("-wal") for p in tmp_path.rglob("*")) or (tmp_path / "jinguo.sqlite3").exists()
    assert_absent(files, f"the files under {tmp_path} (database, WAL, job queue)")
    assert_absent((planted.stdout + planted.stderr).encode(), "the process's output and logs")
    # The audit log, read through its own query: the rows are there, their contents are not.
    audit = manage(
        tmp_path,
        "shell",
        "-v0",
        "-c",
        "from core.models import AuditEvent\n"
        "rows = list(AuditEvent.objects.filter(object_type__startswith='duties.').values_list("
        "'object_repr', 'changes', 'detail'))\n"
        "assert any(r[0].startswith('个案') for r in rows), rows[:3]\n"
        "print(repr(rows))",
    )
    assert "个案" in audit.stdout
    assert_absent(audit.stdout.encode(), "the audit log")


@pytest.mark.django_db(transaction=True)
def test_planted_case_contents_are_not_in_a_pg_dump():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the database under test is SQLite; the PostgreSQL pass (DATABASE_URL=postgres://...) runs it"
        )
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not on PATH")
    exec(PLANT, {})
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    cmd = [
        "pg_dump",
        "-h",
        s["HOST"] or "127.0.0.1",
        "-p",
        str(s["PORT"] or 5432),
        "-U",
        s["USER"],
        s["NAME"],
    ]
    dump = subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=300).stdout
    assert CONTROL.encode() in dump
    assert_absent(dump, "the pg_dump")
