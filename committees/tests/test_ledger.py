"""The ledger import (台账导入): reading every date form, all-or-nothing, idempotent, the command."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from committees.ledger import cells, columns, problems, reading, validation, workbooks
from committees.ledger.importing import import_ledger
from committees.models import Committee, Term, Vacancy
from committees.selectors import rates_for
from core import audit
from core.models import AuditEvent
from orgs.models import Unit

D = dt.datetime  # a real date cell

UNIT_HEADERS = [*columns.HEADERS[columns.SHEET_UNITS], "女职工人数", "联系人"]
# 单位: name, established, dissolved, requires, committee formed, committee dissolved, female staff, contact
UNITS = [
    ("区教育局", D(2000, 1, 1), None, "是", "2005-06-18", None, 120, "张老师"),
    ("区财政局", "2000/1/1", None, "是", None, None, None, None),
    ("区卫健委", "2001.3.1", None, "是", "2010年5月4日", None, 300, None),
    ("区司法局", "2001-03-01", "2019-03-15", "是", "2008/7/1", None, None, None),
    ("区档案馆", "2003年1月1日", None, "否", None, None, None, None),
    ("区新建局", D(2019, 4, 1), None, "是", "2020/6/1", None, None, None),
]
# 届次: name, number, started, due
TERMS = [
    ("区教育局", 1, "2005-06-18", "2010-06-17"),
    ("区教育局", "第2届", "2010.6.10", "2015年6月9日"),
    ("区教育局", 3, D(2015, 7, 20), "2020/7/19"),
    ("区卫健委", 1, "2010年5月4日", "2017-05-03"),
    ("区卫健委", 2, "2017/4/20", "2022-04-19"),
    ("区司法局", 1, "2008/7/1", "2013-06-30"),
    ("区司法局", 2, "2013-06-30", D(2017, 6, 29)),
    ("区新建局", 1, "2020-06-01", None),  # 届满日期 blank: five years later
]
# 缺位: name, role, vacated, filled
VACANCIES = [
    ("区教育局", "副主任", "2017-03-01", "2017-05-20"),  # 80 days: on time
    ("区卫健委", "委员", "2017/2/1", "2017年8月1日"),  # 181 days: late
    ("区司法局", "主任", D(2017, 6, 1), None),  # open, deadline passed by year end: late
    ("区教育局", "委员", "2017.11.15", None),  # open, deadline in 2018: pending
]


def workbook(units=UNITS, terms=TERMS, vacancies=VACANCIES, *, unit_headers=UNIT_HEADERS) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (
        (columns.SHEET_UNITS, unit_headers, units),
        (columns.SHEET_TERMS, columns.HEADERS[columns.SHEET_TERMS], terms),
        (columns.SHEET_VACANCIES, columns.HEADERS[columns.SHEET_VACANCIES], vacancies),
    ):
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "committees": Committee.objects.count(),
        "terms": Term.objects.count(),
        "vacancies": Vacancy.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_every_date_form_is_read():
    for text in ("2017-12-31", "2017/12/31", "2017.12.31", "2017年12月31日", D(2017, 12, 31), dt.date(2017, 12, 31)):
        assert cells.parse_date(text) == dt.date(2017, 12, 31)
    assert cells.parse_date("2017/1/5") == dt.date(2017, 1, 5)
    assert cells.parse_date(" ") is None
    for bad in ("2017-13-01", "去年", "2017-02-30", 20171231):
        with pytest.raises(cells.CellError):
            cells.parse_date(bad)
    assert cells.parse_bool("是") and not cells.parse_bool("否") and cells.parse_bool("Y")
    assert cells.parse_term_number("第3届") == 3 and cells.parse_term_number("第十二届") == 12
    with pytest.raises(cells.CellError):
        cells.parse_term_number(0)


def test_import_builds_the_history_and_the_rates_follow(world):
    result = import_ledger(federation=world.fed_a, data=workbook(), filename="台账.xlsx")

    assert result.ok, result.problems
    # 区教育局 and 区财政局 exist in the test world (区教育局 gains its 女职工人数); four units are new.
    assert result.counts["units"] == {"created": 4, "updated": 1, "unchanged": 1}
    assert result.counts["committees"]["created"] == 4
    assert result.counts["terms"]["created"] == 8
    assert result.counts["vacancies"]["created"] == 4
    assert result.ignored_columns == {"单位": ["联系人"]}

    jiaoyu = Unit.objects.get(federation=world.fed_a, name="区教育局")
    assert jiaoyu.female_staff_count == 120
    terms = list(Term.objects.filter(committee__unit=jiaoyu).order_by("number"))
    assert [(t.number, t.started_on, t.ended_on) for t in terms] == [
        (1, dt.date(2005, 6, 18), dt.date(2010, 6, 10)),
        (2, dt.date(2010, 6, 10), dt.date(2015, 7, 20)),
        (3, dt.date(2015, 7, 20), None),
    ]
    sifa = Committee.objects.get(unit__name="区司法局")
    assert sifa.dissolved_on == dt.date(2019, 3, 15)  # ends with its unit
    assert Term.objects.get(committee__unit__name="区新建局").due_on == dt.date(2025, 6, 1)

    # Counted by hand from the rows above.
    r2017 = rates_for(world.staff, dt.date(2017, 1, 1), dt.date(2017, 12, 31), federation=world.fed_a)
    # Active required units on 2017-12-31: 教育局 财政局 卫健委 司法局; with a committee: all but 财政局.
    assert (r2017.formation.numerator, r2017.formation.denominator) == (3, 4)
    # Terms due in 2017: 卫健委 第1届 (re-elected early: on time), 司法局 第2届 (never re-elected: late).
    assert (r2017.on_time_reelection.numerator, r2017.on_time_reelection.denominator) == (1, 2)
    # Vacancies of 2017 judged: 教育局 副主任 (on time), 卫健委 委员 (late), 司法局 主任 (open, late).
    assert (r2017.vacancy_fill.numerator, r2017.vacancy_fill.denominator) == (1, 3)
    r2020 = rates_for(world.staff, dt.date(2020, 1, 1), dt.date(2020, 12, 31), federation=world.fed_a)
    # 2020-12-31: 司法局 dissolved, 新建局 formed: 教育局 卫健委 新建局 of 教育局 财政局 卫健委 新建局.
    assert (r2020.formation.numerator, r2020.formation.denominator) == (3, 4)
    # Due in 2020: 教育局 第3届 (2020-07-19), no successor: late.
    assert (r2020.on_time_reelection.numerator, r2020.on_time_reelection.denominator) == (0, 1)

    event = AuditEvent.objects.filter(action="import").get()
    assert event.federation_id == world.fed_a.pk
    assert event.changes["counts"]["units"]["created"] == 4


def test_reimporting_the_same_workbook_changes_nothing(world):
    data = workbook()
    import_ledger(federation=world.fed_a, data=data)
    before = counts()
    versions = sorted(Term.objects.values_list("id", "version"))

    again = import_ledger(federation=world.fed_a, data=data)

    assert again.ok and again.changed == 0
    assert again.counts["terms"] == {"created": 0, "updated": 0, "unchanged": 8}
    assert again.counts["units"]["unchanged"] == 6
    # Only the second import's own audit event was written.
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert sorted(Term.objects.values_list("id", "version")) == versions


def test_a_changed_row_updates_only_that_row(world):
    import_ledger(federation=world.fed_a, data=workbook())
    vacancies = list(VACANCIES)
    vacancies[3] = ("区教育局", "委员", "2017.11.15", "2018-01-10")

    result = import_ledger(federation=world.fed_a, data=workbook(vacancies=vacancies))

    assert result.counts["vacancies"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert result.changed == 1
    assert Vacancy.objects.get(role="member", committee__unit__name="区教育局").filled_on == dt.date(2018, 1, 10)


def test_one_bad_cell_writes_nothing_and_is_named(world):
    before = counts()
    terms = list(TERMS)
    terms[4] = ("区卫健委", 2, "2017-04-31", "2022-04-19")  # Excel row 6; April has 30 days

    result = import_ledger(federation=world.fed_a, data=workbook(terms=terms))

    assert counts() == before
    assert [p.as_dict() for p in result.problems] == [
        {"sheet": "届次", "row": 6, "column": "选举日期", "value": "2017-04-31", "reason": cells.MSG_BAD_DATE}
    ]


def test_every_problem_is_collected_across_sheets(world):
    before = counts()
    units = [*UNITS, ("区税务局", "2010-01-01", "2009-01-01", "是", None, None, None, None),
             ("区卫健委", "2001.3.1", None, "是", None, None, None, None),
             ("区统计局", "2010-01-01", None, "也许", None, None, None, None)]
    terms = [*TERMS, ("区不存在局", 1, "2015-01-01", "2020-01-01"),
             ("区卫健委", 3, "2016-01-01", "2021-01-01"),  # elected before 第2届 (2017-04-20)
             ("区司法局", 2, "2013-06-30", "2017-06-29"),  # duplicate
             ("区教育局", "三", "2020-01-01", "2019-01-01"),  # 届次 "三" is 3: duplicate too
             ("区财政局", 0, "2020-01-01", "2025-01-01")]
    vacancies = [*VACANCIES, ("区卫健委", "秘书长", "2018-01-01", None),
                 ("区教育局", "委员", "2018-03-01", "2018-02-01")]

    result = import_ledger(federation=world.fed_a, data=workbook(units, terms, vacancies))

    assert counts() == before
    found = {(p.sheet, p.row, p.column, p.reason.split("（")[0]) for p in result.problems}
    assert ("单位", 8, "撤销日期", "撤销日期早于成立日期") in found
    assert ("单位", 10, "是否需建妇委会", cells.MSG_BAD_BOOL) in found
    assert ("单位", 9, "单位名称", "单位名称重复") in found
    assert ("届次", 10, "单位名称", validation.MSG_UNKNOWN_UNIT) in found
    assert ("届次", 11, "选举日期", "与第2届时间重叠：第3届的选举日期应晚于第2届的选举日期") in found
    assert ("届次", 12, "届次", "同一单位的届次重复") in found
    assert ("届次", 13, "届次", "同一单位的届次重复") in found
    assert ("届次", 14, "届次", cells.MSG_BAD_NUMBER.split("（")[0]) in found
    assert ("缺位", 6, "职务", cells.MSG_BAD_ROLE) in found
    assert ("缺位", 7, "补充日期", "补充日期早于缺位日期") in found
    assert all(p.value or p.column == "" for p in result.problems if p.reason != cells.MSG_REQUIRED)


def test_inverted_terms_and_committee_dates_are_refused(world):
    units = [("区审计局", "2000-01-01", None, "是", "2010-01-01", "2009-01-01", None, None)]
    terms = [("区审计局", 1, "2010-01-01", "2009-12-31")]
    result = import_ledger(federation=world.fed_a, data=workbook(units, terms, []))
    reasons = {(p.sheet, p.column): p.reason for p in result.problems}
    assert reasons[("单位", "妇委会撤销日期")].startswith("妇委会撤销日期早于妇委会成立日期")
    assert reasons[("届次", "届满日期")].startswith("届满日期必须晚于选举日期")
    assert not Unit.objects.filter(name="区审计局").exists()


def test_a_missing_sheet_or_column_is_reported(world):
    wb = Workbook()
    wb.active.title = "单位"
    wb.active.append(["单位名称", "成立日期"])
    out = io.BytesIO()
    wb.save(out)
    result = import_ledger(federation=world.fed_a, data=out.getvalue())
    messages = {str(p) for p in result.problems}
    assert any("缺少工作表「届次」" in m for m in messages)
    assert any("表头缺少列「是否需建妇委会」" in m for m in messages)


def test_dry_run_reports_and_writes_nothing(world):
    before = counts()
    result = import_ledger(federation=world.fed_a, data=workbook(), dry_run=True)
    assert result.ok and not result.applied
    assert result.counts["terms"]["created"] == 8 and result.counts["units"]["created"] == 4
    assert counts() == before


# --- the command -------------------------------------------------------------------------------


def test_command_imports_and_exits_zero(world, tmp_path: Path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook())
    call_command("import_ledger", str(path), "--federation", world.fed_a.name)
    out = capsys.readouterr().out
    assert "导入完成" in out and "联系人" in out
    assert Term.objects.count() == 8


def test_command_dry_run_writes_nothing(world, tmp_path: Path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook())
    before = counts()
    call_command("import_ledger", str(path), "--dry-run", "--federation", world.fed_a.name)
    assert "仅校验" in capsys.readouterr().out
    assert counts() == before


def test_command_fails_on_a_bad_workbook_and_prints_every_problem(world, tmp_path: Path, capsys):
    terms = [*TERMS, ("区不存在局", 1, "2015-01-01", "2020-01-01")]
    vacancies = [*VACANCIES, ("区教育局", "委员", "昨天", None)]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(terms=terms, vacancies=vacancies))
    before = counts()
    with pytest.raises(CommandError, match="2 处问题"):
        call_command("import_ledger", str(path), "--federation", world.fed_a.name)
    err = capsys.readouterr().err
    assert "「届次」第10行「单位名称」" in err and "「缺位」第6行「缺位日期」 “昨天”" in err
    assert counts() == before


def test_command_exit_status_is_non_zero(world, tmp_path: Path, capsys, monkeypatch):
    from django.core.management import base

    from committees.management.commands.import_ledger import Command

    # run_from_argv closes every connection when it ends, as a process would; inside the test's transaction
    # that would leave PostgreSQL's connection closed for the rest of the test and its teardown.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    path = tmp_path / "not.xlsx"
    path.write_bytes(b"just text, renamed .xlsx")
    with pytest.raises(CommandError, match="不是 Excel 工作簿"):
        call_command("import_ledger", str(path), "--federation", world.fed_a.name)
    with pytest.raises(CommandError, match="多个妇联"):
        call_command("import_ledger", str(path))
    # Run as from the shell: a CommandError becomes exit status 1 and its text goes to stderr.
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_ledger", str(path), "--federation", world.fed_a.name])
    assert exited.value.code == 1
    assert "不是 Excel 工作簿" in capsys.readouterr().err


def test_template_workbook_reads_back_clean(world):
    data = workbooks.template_workbook()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["单位", "届次", "缺位", "填写说明"]
    assert [c.value for c in wb["届次"][1]] == list(columns.HEADERS["届次"])
    assert wb["单位"]["B2"].number_format == "yyyy-mm-dd"
    # The guide says what every column takes, limits from the model fields included.
    guide = [[c.value for c in r] for r in wb["填写说明"].iter_rows()]
    assert ["单位", "单位名称", "必填", "单位名称，最多 100 个字"] in guide
    assert any(r[1] == "地址" and "最多 200 个字" in r[3] for r in guide)
    parsed = reading.read_workbook(data)
    assert not parsed.problems and [u.name for u in parsed.units] == ["区教育局"]
    assert parsed.ignored_sheets == []  # the guide is skipped without a word


def test_error_workbook_escapes_formulas():
    data = workbooks.error_workbook([problems.Problem("缺位", 3, "职务", "=HYPERLINK(\"x\")", cells.MSG_BAD_ROLE)])
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == list(workbooks.ERROR_HEADERS)
    assert ws["D2"].value == "'=HYPERLINK(\"x\")" and ws["D2"].data_type == "s"
    assert ws["B2"].value == 3


# --- one name normaliser (orgs.names) for the services and the ledger --------------------------------


def test_a_unit_created_with_spaces_is_the_ledgers_unit(world):
    from orgs import services as orgs_services

    with audit.acting_as(world.staff, source="test"):
        created = orgs_services.unit_create(federation=world.fed_a, name="区 妇 幼 保健院")
    units = [("区妇幼保健院", "2003-01-01", None, "是", None, None, None, None)]

    result = import_ledger(federation=world.fed_a, data=workbook(units, [], []))

    assert result.ok, result.problems
    assert result.counts["units"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert list(Unit.objects.filter(federation=world.fed_a, name__contains="保健院")) == [created]
    created.refresh_from_db()
    assert created.name == "区妇幼保健院" and created.established_on == dt.date(2003, 1, 1)


def test_a_unit_stored_with_spaces_before_the_normaliser_is_still_matched(world):
    legacy = Unit.objects.create(federation=world.fed_a, name="区 妇 幼 保健院")  # as older versions stored it
    units = [("区妇幼保健院", "2003-01-01", None, "是", None, None, None, None)]
    result = import_ledger(federation=world.fed_a, data=workbook(units, [], []))
    assert result.ok and result.counts["units"]["created"] == 0
    assert Unit.objects.filter(federation=world.fed_a, name__contains="保健院").get() == legacy


def test_names_are_normalised_the_same_way_everywhere():
    from orgs.names import normalize_unit_name

    assert normalize_unit_name(" 区 妇 幼 保健院\u3000") == "区妇幼保健院"
    assert normalize_unit_name("区  IT  服务中心") == "区IT服务中心"
    assert normalize_unit_name("Shenzhen   Bay  Office") == "Shenzhen Bay Office"
    assert normalize_unit_name("区人民医院 （东院）") == "区人民医院（东院）"
    assert cells.parse_name(" 区 教育局 ") == "区教育局"


# --- every cell against its column's limits, the same in a dry run and a real run ---------------------

LONG = "局" * 300
HUGE = "局" * 32_000


def _dry_and_real(world, units):
    data = workbook(units, [], [])
    before = counts()
    dry = import_ledger(federation=world.fed_a, data=data, dry_run=True)
    real = import_ledger(federation=world.fed_a, data=data)
    assert counts() == before, "a refused workbook writes nothing"
    assert [p.as_dict() for p in dry.problems] == [p.as_dict() for p in real.problems]
    return real


@pytest.mark.parametrize("name", [LONG, HUGE])
def test_a_unit_name_longer_than_its_column_is_a_located_problem(world, name):
    real = _dry_and_real(world, [(name, "2001-01-01", None, "是", None, None, None, None)])
    limit = Unit._meta.get_field("name").max_length
    assert [(p.sheet, p.row, p.column, p.reason) for p in real.problems] == [
        ("单位", 2, "单位名称", cells.MSG_TOO_LONG.format(limit=limit, length=len(name)))]
    assert real.problems[0].value.startswith("局" * 200) and len(real.problems[0].value) == 201  # shown cut


def test_every_text_and_number_column_has_its_limit(world):
    headers = [*columns.HEADERS[columns.SHEET_UNITS], "地址", "备注", "女职工人数", "并入单位"]
    units = [
        ("区甲局", "2001-01-01", None, "是", None, None, "路" * 201, HUGE, 10**10, None),
        ("区乙局", "1800-01-01", None, "是", None, None, None, None, None, LONG),
    ]
    data = workbook(units, [], [], unit_headers=headers)
    dry = import_ledger(federation=world.fed_a, data=data, dry_run=True)
    real = import_ledger(federation=world.fed_a, data=data)
    assert [p.as_dict() for p in dry.problems] == [p.as_dict() for p in real.problems]
    found = {(p.row, p.column): p.reason for p in real.problems}
    assert found == {
        (2, "地址"): cells.MSG_TOO_LONG.format(limit=200, length=201),
        (2, "女职工人数"): cells.MSG_COUNT_TOO_LARGE.format(limit=columns.COUNT_MAX),
        (3, "成立日期"): cells.MSG_DATE_OUT_OF_RANGE.format(first="1900-01-01", last="2099-12-31"),
        (3, "并入单位"): cells.MSG_TOO_LONG.format(limit=100, length=300),
    }
    # 32,000 characters of notes fit (a text column holds what an Excel cell holds) ...
    units[0] = ("区甲局", "2001-01-01", None, "是", None, None, "路" * 200, HUGE, 10, None)
    units.pop()
    assert import_ledger(federation=world.fed_a, data=workbook(units, [], [], unit_headers=headers), dry_run=True).ok
    assert import_ledger(federation=world.fed_a, data=workbook(units, [], [], unit_headers=headers)).ok
    assert Unit.objects.get(name="区甲局").notes == HUGE


# --- the write goes through the services' bulk paths: their rules, their audit events -------------------


def test_each_written_row_is_audited_as_its_save_would_be(world):
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    result = import_ledger(federation=world.fed_a, data=workbook(), filename="台账.xlsx")
    assert result.ok
    created = AuditEvent.objects.filter(action="create", id__gt=last)
    assert created.filter(object_type="orgs.unit").count() == 4
    assert created.filter(object_type="committees.committee").count() == 4
    assert created.filter(object_type="committees.term").count() == 8
    assert created.filter(object_type="committees.vacancy").count() == 4
    unit_event = created.get(object_repr="区卫健委")
    assert unit_event.changes["name"] == [None, "区卫健委"] and unit_event.federation_id == world.fed_a.pk
    updated = AuditEvent.objects.get(action="update", object_type="orgs.unit", id__gt=last)
    assert updated.object_repr == "区教育局" and updated.changes == {"female_staff_count": [None, 120]}


def test_a_refusal_of_the_services_becomes_a_located_problem_and_nothing_is_kept(world, monkeypatch):
    # The ledger's own checks let everything through here; the bulk path still applies the service's rule.
    from committees.ledger import importing
    from committees.services import MSG_FORMED_BEFORE_UNIT

    monkeypatch.setattr(importing, "validate", lambda *args, **kwargs: None)
    before = counts()
    units = [("区审计局", "2010-01-01", None, "是", "2009-01-01", None, None, None)]
    result = import_ledger(federation=world.fed_a, data=workbook(units, [], []))
    assert [(p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems] == [
        ("单位", 2, "妇委会成立日期", "2009-01-01", MSG_FORMED_BEFORE_UNIT)]
    assert counts() == before and not result.applied


def test_an_edit_made_between_the_checks_and_the_write_is_not_overwritten(world, monkeypatch):
    from committees.ledger import importing

    real_load = importing.load_state

    def load_then_someone_edits(federation, *, lock=False):
        state = real_load(federation, lock=lock)
        if lock:  # inside the write transaction, after the rows were read: another clerk saves 区教育局
            unit = Unit.objects.get(pk=world.unit_a1.pk)
            unit.notes = "另一位同事刚改过"
            unit.save()
        return state

    monkeypatch.setattr(importing, "load_state", load_then_someone_edits)
    result = import_ledger(federation=world.fed_a, data=workbook())
    assert not result.applied and [p.reason for p in result.problems] == [importing.MSG_CHANGED_MEANWHILE]
    assert Term.objects.count() == 0


def test_events_dated_after_today_are_refused_where_they_are(world):
    from committees.ledger import validation
    from core import clock

    today = clock.today()
    later = (today + dt.timedelta(days=30)).isoformat()
    units = [("区审计局", "2000-01-01", None, "是", later, None, None, None)]
    terms = [("区教育局", 1, later, None)]
    vacancies = [("区教育局", "委员", "2010-01-01", later)]
    before = counts()
    result = import_ledger(federation=world.fed_a, data=workbook([*UNITS[:1], *units], terms, vacancies), dry_run=True)
    future = validation.MSG_IN_FUTURE.format(today=today.isoformat())
    assert {(p.sheet, p.row, p.column) for p in result.problems if p.reason == future} == {
        ("单位", 3, "妇委会成立日期"), ("届次", 2, "选举日期"), ("缺位", 2, "补充日期")}
    assert counts() == before


def test_an_edited_name_is_normalised_and_checked_the_same_way(world):
    from django.core.exceptions import ValidationError

    from orgs import services as orgs_services

    unit = Unit.objects.get(pk=world.unit_a2.pk)
    with audit.acting_as(world.staff, source="test"):
        edited = orgs_services.unit_update(unit=unit, changes={"name": "区 财 政 局 "}, version=unit.version)
        assert edited.name == "区财政局"
        with pytest.raises(ValidationError) as refused:
            orgs_services.unit_update(unit=edited, changes={"name": "区 教育 局"}, version=edited.version)
    assert refused.value.messages == [str(orgs_services.MSG_UNIT_NAME_TAKEN)]
