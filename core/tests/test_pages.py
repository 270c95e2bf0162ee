"""The shell's own pages: home, backups list."""


def test_backup_records_are_for_the_system_admin_alone(world, client_as):
    from core.models import BackupRecord

    BackupRecord.objects.create(
        kind="backup", file="/srv/backups/jinguo-20261127.jgbk", size=2048, vendor="sqlite"
    )
    resp = client_as(world.sysadmin).get("/backups/")
    assert resp.status_code == 200 and "jinguo-20261127.jgbk" in resp.content.decode()
    for name in ("staff", "secadmin", "auditor"):
        assert client_as(world.users[name]).get("/backups/").status_code == 403


def test_home_links_a_volunteer_to_their_own_unit(world, client_as):
    body = client_as(world.volunteer).get("/").content.decode()
    assert 'data-testid="my-unit"' in body and "区教育局" in body
    # The admin roles have no unit to show.
    assert 'data-testid="my-unit"' not in client_as(world.sysadmin).get("/").content.decode()
