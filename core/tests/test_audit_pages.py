"""The auditor's pages: the filtered log, one event's changes, the Excel export (itself audited)."""

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core import auditlog
from core.auditlog import (
    BAD_DATE_MESSAGE,
    BAD_IP_MESSAGE,
    DATE_OUT_OF_RANGE_MESSAGE,
    DATES_INVERTED_MESSAGE,
    NOT_A_CHOICE_MESSAGE,
)
from core.excel import XLSX_TYPE
from core.models import AuditEvent
from core.roles import Role

pytestmark = pytest.mark.django_db


def local(y, m, d, hh=12, mm=0):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def event(world, **fields):
    values = {
        "at": local(2026, 3, 8),
        "actor_name": "clerk",
        "action": "update",
        "object_type": "orgs.unit",
        "object_id": "7",
        "object_repr": "区教育局",
        "result": "success",
        "federation_id": world.fed_a.pk,
        "source": "web",
        **fields,
    }
    return AuditEvent.objects.create(**values)


def listed(client, query=""):
    resp = client.get(f"/audit/?{query}")
    assert resp.status_code == 200
    return resp, [row["event"].pk for row in resp.context["events"]]


# --- who sees what --------------------------------------------------------------------------------------


def test_every_page_is_for_the_auditor_alone(world, client_as):
    e = event(world)
    for url in ("/audit/", f"/audit/{e.pk}/", "/audit/export/"):
        assert client_as(world.auditor).get(url).status_code == 200, url
        for name in ("staff", "sysadmin", "secadmin", "liaison", "supervisor", "norole"):
            assert client_as(world.users[name]).get(url).status_code == 403, (url, name)


def test_the_auditor_reads_their_federation_and_the_federation_less_events_only(world, client_as):
    own = event(world, object_repr="甲")
    no_federation = event(world, object_repr="乙", federation_id=None, action="login")
    other = event(world, object_repr="丙", federation_id=world.fed_b.pk)
    visible = set(AuditEvent.objects.visible_to(world.auditor).values_list("pk", flat=True))
    assert {own.pk, no_federation.pk} <= visible and other.pk not in visible
    # Nobody changes the log, and other roles read none of it.
    assert not AuditEvent.objects.changeable_by(world.auditor).exists()
    assert not AuditEvent.objects.visible_to(world.staff).exists()
    client = client_as(world.auditor)
    _, pks = listed(client, "q=%E4%B8%99")  # 丙
    assert pks == []
    assert client.get(f"/audit/{other.pk}/").status_code == 404
    assert client.get(f"/audit/{no_federation.pk}/").status_code == 200


def test_the_scoped_queryset_is_still_append_only(world):
    e = event(world)
    with pytest.raises(PermissionError):
        AuditEvent.objects.visible_to(world.auditor).filter(pk=e.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.visible_to(world.auditor).delete()


# --- filters --------------------------------------------------------------------------------------------


def test_date_range_takes_whole_local_days(world, client_as):
    before = event(world, at=local(2026, 3, 6, 23, 59))
    first = event(world, at=local(2026, 3, 7, 0, 0))
    last = event(world, at=local(2026, 3, 8, 23, 59))
    after = event(world, at=local(2026, 3, 9, 0, 0))
    _, pks = listed(client_as(world.auditor), "date_from=2026-03-07&date_to=2026-03-08")
    assert pks == [last.pk, first.pk]
    assert before.pk not in pks and after.pk not in pks


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-45", BAD_DATE_MESSAGE),
        ("date_to=yesterday", BAD_DATE_MESSAGE),
        ("date_from=0001-01-01", DATE_OUT_OF_RANGE_MESSAGE),
        ("date_to=9999-12-31", DATE_OUT_OF_RANGE_MESSAGE),
        ("date_from=2026-03-09&date_to=2026-03-08", DATES_INVERTED_MESSAGE),
        ("ip=10.0.0.1%27%20OR%201%3D1", BAD_IP_MESSAGE),
        ("action=%3Cscript%3E", NOT_A_CHOICE_MESSAGE),
    ],
)
def test_bad_filters_are_refused_with_a_message_and_no_results(world, client_as, query, message):
    event(world)
    client = client_as(world.auditor)
    resp, pks = listed(client, query)
    assert str(message) in resp.content.decode()
    assert pks == []
    # The export of such a query goes back to the page that shows the error.
    export = client.get(f"/audit/export/?{query}")
    assert export.status_code == 302 and export["Location"].startswith("/audit/?")


def test_action_result_actor_object_type_address_and_keyword_filters(world, client_as):
    target = event(
        world,
        action="login_failed",
        result="locked",
        actor_name="zhangsan",
        object_type="accounts.user",
        ip="10.1.2.3",
        object_repr="张三",
        detail="连续 5 次失败",
    )
    event(
        world,
        action="login_failed",
        result="failure",
        actor_name="zhangsan",
        object_type="accounts.user",
        ip="10.1.2.30",
    )
    event(world, action="login", actor_name="lisi", object_type="accounts.user", ip="192.168.0.9")
    client = client_as(world.auditor)
    for query in (
        "action=login_failed&result=locked",
        "actor=ZhangS&result=locked",
        "ip=10.1.2.3",
        "object_type=accounts.user&result=locked",
        "q=%E8%BF%9E%E7%BB%AD",
    ):  # q=连续
        _, pks = listed(client, query)
        assert pks == [target.pk], query
    # A full address matches exactly; a partial one matches as a prefix.
    _, pks = listed(client, "ip=10.1.2.")
    assert len(pks) == 2


def test_the_action_select_offers_the_actions_present_with_chinese_labels(world, client_as):
    event(world, action="read_personal_info")
    resp = client_as(world.auditor).get("/audit/")
    choices = dict(resp.context["form"].fields["action"].choices)
    assert choices["read_personal_info"] == "查看个人信息（read_personal_info）"
    assert choices["create"] == "新增（create）"  # the world's own rows
    assert "backup" not in choices  # none in this log
    assert dict(resp.context["form"].fields["result"].choices)["locked"] == "已锁定"


def test_a_bookmarked_action_with_no_events_left_is_no_error(world, client_as):
    resp, pks = listed(client_as(world.auditor), "action=backup_restore")
    assert pks == [] and not resp.context["form"].errors


def test_filters_stay_in_the_url_across_pages(world, client_as):
    for i in range(55):
        event(world, action="export", at=local(2026, 3, 8, 10, i))
    client = client_as(world.auditor)
    first, pks = listed(client, "action=export&date_from=2026-03-08")
    assert len(pks) == 50
    body = first.content.decode()
    assert "?action=export&date_from=2026-03-08&page=2" in body
    assert "/audit/export/?action=export&amp;date_from=2026-03-08" in body
    _, rest = listed(client, "action=export&date_from=2026-03-08&page=2")
    assert len(rest) == 5 and not set(rest) & set(pks)


def test_the_list_shows_a_few_changes_and_links_to_the_rest(world, client_as):
    e = event(world, changes={f"field_{i}": [i, i + 1] for i in range(6)})
    body = client_as(world.auditor).get("/audit/?q=7").content.decode()
    assert "field_0" in body and "field_2" in body and "field_3" not in body
    assert f'href="/audit/{e.pk}/?q=7" data-testid="audit-more">…另 3 项' in body


# --- one event ------------------------------------------------------------------------------------------


def test_the_event_page_shows_every_change_as_field_old_new(world, client_as):
    e = event(
        world,
        changes={
            "name": ["区教育局", "区教育和体育局"],
            "female_staff_count": [10, None],
            **{f"extra_{i}": ["a", "b"] for i in range(5)},
        },
        detail="由台账导入",
    )
    resp = client_as(world.auditor).get(f"/audit/{e.pk}/?action=update")
    assert resp.status_code == 200
    rows = {c.field: c for c in resp.context["changes"]}
    assert len(rows) == 7
    assert (rows["name"].label, rows["name"].old, rows["name"].new) == (
        "单位名称",
        "区教育局",
        "区教育和体育局",
    )
    assert rows["female_staff_count"].new == "∅"
    body = resp.content.decode()
    assert "extra_4" in body and "由台账导入" in body and "修改" in body
    assert 'href="/audit/?action=update"' in body  # back to the filtered list


def test_an_event_without_old_and_new_values_shows_its_data(world, client_as):
    e = event(world, action="export", changes={"list": "overdue", "rows": 3})
    resp = client_as(world.auditor).get(f"/audit/{e.pk}/")
    rows = {c.field: c for c in resp.context["changes"]}
    assert not rows["list"].is_pair and rows["list"].new == "overdue" and rows["rows"].new == "3"


# --- export ---------------------------------------------------------------------------------------------


def read_xlsx(resp):
    ws = load_workbook(BytesIO(resp.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "时间")
    return rows[:header], rows[header], rows[header + 1 :]


def test_the_export_holds_the_filtered_events_with_chinese_headers_and_is_audited(world, client_as):
    event(
        world,
        action="login_failed",
        result="failure",
        actor_name="wangwu",
        object_type="accounts.user",
        object_id="12",
        object_repr="王五",
        ip="10.9.8.7",
        detail="密码错误",
        changes={"attempts": [4, 5]},
        at=local(2026, 3, 8, 9, 30),
    )
    event(world, action="login", actor_name="wangwu")
    resp = client_as(world.auditor).get("/audit/export/?action=login_failed&date_from=2026-03-01")
    assert resp.status_code == 200
    assert resp["Content-Type"] == XLSX_TYPE
    assert "attachment" in resp["Content-Disposition"] and "no-store" in resp["Cache-Control"]
    top, header, rows = read_xlsx(resp)
    assert header == [
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象编号",
        "对象",
        "结果",
        "来源地址",
        "渠道",
        "说明",
        "变更",
    ]
    assert rows == [
        [
            dt.datetime(2026, 3, 8, 9, 30),
            "wangwu",
            "登录失败",
            "账号",
            "12",
            "王五",
            "失败",
            "10.9.8.7",
            "web",
            "密码错误",
            "attempts: 4 → 5",
        ]
    ]
    assert any(r[0] and "操作：登录失败（login_failed）" in r[0] for r in top if r)
    record = AuditEvent.objects.filter(action="export", object_type="core.auditevent").get()
    assert record.actor_name == "auditor" and record.federation_id == world.fed_a.pk
    assert "起始日期：2026-03-01" in record.detail and "操作：登录失败（login_failed）" in record.detail
    assert record.changes["rows"] == 1 and record.changes["capped"] is False
    assert record.changes["filters"] == {"起始日期": "2026-03-01", "操作": "登录失败（login_failed）"}


def test_the_export_escapes_formulae_and_drops_control_characters(world, client_as):
    event(
        world,
        object_repr='=HYPERLINK("http://evil.example","点我")',
        actor_name="+clerk",
        detail="@SUM(A1)",
        object_id="-1",
        changes={"name": ["\x01=cmd|' /C calc'!A0", "ok"]},
    )
    resp = client_as(world.auditor).get("/audit/export/?q=HYPERLINK")
    _, _, rows = read_xlsx(resp)
    row = rows[0]
    assert (
        row[1] == "'+clerk"
        and row[4] == "'-1"
        and row[5].startswith("'=HYPERLINK(")
        and row[9] == "'@SUM(A1)"
    )
    assert row[10] == "name: =cmd|' /C calc'!A0 → ok"  # not at the start of the cell: no formula
    assert "\x01" not in row[10]


def test_the_export_is_capped_with_a_note(world, client_as, monkeypatch):
    monkeypatch.setattr(auditlog, "EXPORT_MAX_ROWS", 3)
    newest = [event(world, action="export", at=local(2026, 3, 8, 10, i)) for i in range(5)][-3:]
    resp = client_as(world.auditor).get("/audit/export/?action=export&date_to=2026-03-08")
    top, _, rows = read_xlsx(resp)
    assert len(rows) == 3
    assert [r[0] for r in rows] == [timezone.localtime(e.at).replace(tzinfo=None) for e in reversed(newest)]
    assert any(r and r[0] and "共 5 条，仅导出了最新的 3 条" in r[0] for r in top)
    record = AuditEvent.objects.filter(action="export", object_type="core.auditevent").get()
    assert record.changes["capped"] is True and record.changes["total"] == 5 and "已截断" in record.detail


def test_a_superuser_reads_every_federation(world):
    from core.scoping import Scope

    other = event(world, federation_id=world.fed_b.pk)
    assert AuditEvent.objects.visible_to(Scope(user_id=1, is_superuser=True)).filter(pk=other.pk).exists()
    staff_elsewhere = Scope(user_id=1, federation_roles={world.fed_b.pk: frozenset({Role.FEDERATION_STAFF})})
    assert not AuditEvent.objects.visible_to(staff_elsewhere).exists()
