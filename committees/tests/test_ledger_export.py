"""台账导出: the ledger in the import's format, written by a background job; export → import into an
empty federation → the same rates."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from committees import selectors
from committees import services as s
from committees.ledger import columns
from committees.ledger.exporting import ledger_workbook
from committees.ledger.importing import import_ledger
from committees.ledger.jobs import EXPORT as EXPORT_JOB
from committees.models import Committee, Term, Vacancy
from core import audit
from core.jobs import Job
from core.models import AuditEvent
from core.scoping import Scope
from orgs import demo as org_demo
from orgs import services as org_services
from orgs.models import Federation, Unit

D = dt.date
EXPORT = "committees:ledger-export"
SYSTEM = Scope(user_id=0, is_superuser=True)


def trend(federation, first=2008, last=2022):
    """Each year's three rates as (numerator, denominator) pairs."""
    return [
        (
            y.year,
            *(
                (r.numerator, r.denominator)
                for r in (y.rates.formation, y.rates.on_time_reelection, y.rates.vacancy_fill)
            ),
        )
        for y in selectors.rate_trend_for(SYSTEM, first, last, federation=federation)
    ]


@pytest.fixture
def history(world):
    """fed_a's history through the services: early, late and missing re-elections, a merger, vacancies
    filled in time, late and never, and unit names and texts that look like formulas."""
    with audit.acting_as(None, source="test"):
        a1, a2 = world.unit_a1, world.unit_a2
        evil = Unit.objects.create(
            federation=world.fed_a,
            name="=HYPERLINK(1)",
            established_on=D(2005, 1, 1),
            address="+86 龙岗大道",
            notes="-备注\n第二行",
            kind=Unit.Kind.STATIONED,
            female_staff_count=12,
        )
        Unit.objects.create(federation=world.fed_a, name="区卫生健康局", established_on=D(2019, 1, 18))
        Unit.objects.create(federation=world.fed_a, name="区档案馆", requires_committee=False)
        c1 = s.committee_form(unit=a1, formed_on=D(2011, 3, 8))
        s.term_reelect(committee=c1, started_on=D(2016, 3, 4))  # early: on time
        seat = s.seat_assign(committee=c1, role="member", holder_name="王芳", started_on=D(2016, 3, 4))
        s.seat_vacate(seat=seat, vacated_on=D(2017, 5, 8))
        s.seat_assign(committee=c1, role="member", holder_name="李丽", started_on=D(2017, 7, 1))  # in time
        s.vacancy_record(committee=c1, role="vice_chair", vacated_on=D(2020, 2, 1))  # never filled
        s.committee_form(unit=a2, formed_on=D(2012, 7, 9))  # overdue from 2017
        s.vacancy_record(
            committee=a2.committees.get(), role="member", vacated_on=D(2017, 1, 10), filled_on=D(2017, 6, 30)
        )  # late
        org_services.unit_dissolve(unit=a2, dissolved_on=D(2019, 1, 18), successor=a1)
        c3 = s.committee_form(unit=evil, formed_on=D(2014, 1, 1), first_term_due_on=D(2019, 1, 1))
        s.term_reelect(committee=c3, started_on=D(2019, 6, 1))  # late
    return world


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """export(client) -> the workbook: the export page's form starts the job, its page offers the file."""

    def run(client):
        assert client.get(reverse(EXPORT)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(EXPORT))
        assert response.status_code == 302
        job = Job.objects.get(kind=EXPORT_JOB)
        assert response["Location"] == reverse("job", args=[job.pk])
        assert job.status == Job.Status.SUCCEEDED and job.progress == 100, job.message
        page = client.get(response["Location"])
        download = reverse("job-download", args=[job.pk])
        assert download in page.text and "hx-trigger" not in page.text
        file = client.get(download)
        assert file.status_code == 200
        assert file["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in file["Content-Disposition"] and "no-store" in file["Cache-Control"]
        return b"".join(file.streaming_content)

    return run


def test_the_export_has_the_imports_sheets_and_header_rows(history, client_as, export):
    wb = load_workbook(io.BytesIO(export(client_as(history.staff))))
    assert wb.sheetnames == list(columns.SHEETS)
    for sheet in columns.SHEETS:
        header = [c.value for c in wb[sheet][1]]
        assert header[: len(columns.HEADERS[sheet])] == list(columns.HEADERS[sheet])
        assert header == list(columns.HEADERS[sheet]) + list(columns.OPTIONAL_HEADERS[sheet])
    units = {row[0]: row for row in wb["单位"].iter_rows(min_row=2, values_only=True)}
    assert units["区财政局"][2].date() == D(2019, 1, 18) and units["区财政局"][10] == "区教育局"
    assert units["区档案馆"][3] == "否" and units["区卫生健康局"][4] is None
    terms = [row for row in wb["届次"].iter_rows(min_row=2, values_only=True)]
    assert ("区教育局", 2) in {(t[0], t[1]) for t in terms} and len(terms) == Term.objects.count()
    assert wb["缺位"].max_row - 1 == Vacancy.objects.count()
    assert wb["单位"]["B2"].number_format == "yyyy-mm-dd"


def test_formula_looking_cells_are_escaped(history, client_as, export):
    wb = load_workbook(io.BytesIO(export(client_as(history.staff))))
    row = next(r for r in wb["单位"].iter_rows(min_row=2) if "HYPERLINK" in str(r[0].value))
    assert row[0].value == "'=HYPERLINK(1)" and row[0].data_type == "s"
    assert row[8].value == "'+86 龙岗大道" and row[9].value.startswith("'-备注")
    assert row[6].value == "驻区单位" and row[7].value == 12
    terms = [r for r in wb["届次"].iter_rows(min_row=2, values_only=True) if "HYPERLINK" in str(r[0])]
    assert {t[0] for t in terms} == {"'=HYPERLINK(1)"}


def test_the_export_is_audited(history, client_as, export):
    export(client_as(history.staff))
    event = AuditEvent.objects.get(action="export", object_type="committees.ledger")
    assert event.actor == history.staff and event.federation_id == history.fed_a.pk
    assert event.changes["units"] == Unit.objects.filter(federation=history.fed_a).count()


@pytest.mark.parametrize("persona", ["liaison", "executive", "supervisor", "outsider"])
def test_only_staff_export(history, client_as, persona):
    assert client_as(history.users[persona]).get(reverse(EXPORT)).status_code == 403


def test_the_export_is_offered_on_the_ledger_page_and_the_unit_list(world, client_as):
    client = client_as(world.staff)
    assert reverse(EXPORT) in client.get(reverse("committees:ledger-upload")).content.decode()
    assert reverse(EXPORT) in client.get(reverse("orgs:unit-list")).content.decode()


def test_export_then_import_into_an_empty_federation_gives_the_same_rates(history, client_as, export):
    data = export(client_as(history.staff))
    empty = Federation.objects.create(name="空白区妇联")
    result = import_ledger(federation=empty, data=data)
    assert result.problems == [] and result.applied
    assert trend(empty) == trend(history.fed_a)
    # The rows came back as they were, names with formula characters included.
    assert Unit.objects.get(federation=empty, name="=HYPERLINK(1)").address == "+86 龙岗大道"
    assert Unit.objects.get(federation=empty, name="区财政局").successor.name == "区教育局"
    assert (
        Term.objects.filter(federation=empty).count() == Term.objects.filter(federation=history.fed_a).count()
    )
    # ... and importing the same file again changes nothing.
    again = import_ledger(federation=empty, data=data)
    assert again.problems == [] and again.changes == []


def test_the_demo_district_survives_the_round_trip(db):
    call_command("load_demo", verbosity=0)
    federation = Federation.objects.get(name=org_demo.FEDERATION_NAME)
    staff = User.objects.get(username="demo_staff")
    data, _ = ledger_workbook(staff, federation)
    empty = Federation.objects.create(name="空白区妇联")
    result = import_ledger(federation=empty, data=data)
    assert result.problems == []
    assert trend(empty) == trend(federation)
    assert (
        selectors.rates_for(SYSTEM, D(2020, 1, 1), D(2020, 12, 31), federation=empty).formation.percent
        == "89.8%"
    )


def test_a_unit_with_an_earlier_committee_exports_its_latest_one(history):
    with audit.acting_as(None, source="test"):
        c = Committee.objects.get(unit=history.unit_a1)
        s.committee_dissolve(committee=c, dissolved_on=D(2020, 6, 1))
        s.committee_form(unit=history.unit_a1, formed_on=D(2021, 1, 1))
    data, summary = ledger_workbook(history.staff, history.fed_a)
    wb = load_workbook(io.BytesIO(data))
    row = next(r for r in wb["单位"].iter_rows(min_row=2, values_only=True) if r[0] == "区教育局")
    assert (row[4].date(), row[5]) == (D(2021, 1, 1), None)
    assert summary.units_with_earlier_committees == ["区教育局"] and summary.earlier_total == 1
    assert [r[1] for r in wb["届次"].iter_rows(min_row=2, values_only=True) if r[0] == "区教育局"] == [1]


def test_units_and_their_rows_are_listed_in_pinyin_order_as_on_the_pages(history, client_as, export):
    wb = load_workbook(io.BytesIO(export(client_as(history.staff))))
    units = [row[0] for row in wb["单位"].iter_rows(min_row=2, values_only=True) if row[0].startswith("区")]
    # cai, dang, jiao, wei: the code points of 财 档 教 卫 would give the reverse.
    assert units == ["区财政局", "区档案馆", "区教育局", "区卫生健康局"]
    terms = [row[0] for row in wb["届次"].iter_rows(min_row=2, values_only=True) if row[0].startswith("区")]
    assert terms == sorted(terms, key=["区财政局", "区档案馆", "区教育局", "区卫生健康局"].index)


def choose_english(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def test_an_english_export_has_english_sheets_and_headers(history, client_as, export):
    client = client_as(history.staff)
    choose_english(client)
    wb = load_workbook(io.BytesIO(export(client)))
    assert wb.sheetnames == ["Unit", "Term", "Vacancies"]
    header = [c.value for c in wb["Unit"][1]]
    assert header[:3] == ["Unit name", "Established on", "Dissolved on"]
    for sheet in wb.sheetnames:
        header = [c.value for c in wb[sheet][1]]
        assert header[0] == "Unit name"
        assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in header), header


def test_an_english_export_writes_posts_kinds_and_yes_no_in_english(history, client_as, export):
    client = client_as(history.staff)
    choose_english(client)
    wb = load_workbook(io.BytesIO(export(client)))
    units = {row[0]: row for row in wb["Unit"].iter_rows(min_row=2, values_only=True)}
    assert units["区档案馆"][3] == "No" and units["区教育局"][3] == "Yes"
    assert units["'=HYPERLINK(1)"][6] == "Stationed unit"
    assert {row[1] for row in wb["Vacancies"].iter_rows(min_row=2, values_only=True)} == {"Vice-chair", "Member"}


def test_an_english_export_imports_back(history, client_as, export):
    client = client_as(history.staff)
    choose_english(client)
    data = export(client)
    empty = Federation.objects.create(name="空白区妇联")
    result = import_ledger(federation=empty, data=data)
    assert result.problems == [] and result.applied
    assert trend(empty) == trend(history.fed_a)
    assert Unit.objects.get(federation=empty, name="区财政局").successor.name == "区教育局"


def test_a_chinese_export_is_still_chinese_after_an_english_one(history, client_as, export):
    client = client_as(history.staff)
    wb = load_workbook(io.BytesIO(export(client)))
    assert wb.sheetnames == list(columns.SHEETS)


def test_headers_are_recognised_in_either_language():
    assert columns.canonical("Unit name") == columns.COL_UNIT
    assert columns.canonical(" unit NAME ") == columns.COL_UNIT  # spaces and case do not matter
    assert columns.canonical("Unitname") == columns.COL_UNIT
    assert columns.canonical("Term") == columns.SHEET_TERMS
    assert columns.canonical(columns.COL_DUE) == columns.COL_DUE
    assert columns.canonical("Something else") == "Something else"


def test_an_import_in_english_names_the_problem_and_its_place_in_english(history, client_as, export):
    from django.utils import translation

    client = client_as(history.staff)
    choose_english(client)
    wb = load_workbook(io.BytesIO(export(client)))
    wb["Unit"]["B1"] = "Founded"
    buffer = io.BytesIO()
    wb.save(buffer)
    empty = Federation.objects.create(name="空白区妇联")
    with translation.override("en"):
        result = import_ledger(federation=empty, data=buffer.getvalue())
        messages = [str(p) for p in result.problems]
    assert not result.applied
    assert messages == ['Sheet “Unit”, row 1, column “Established on” (empty): '
                        'The header lacks the column “Established on” (the header belongs in row 1)']
    with translation.override("zh-hans"):
        result = import_ledger(federation=empty, data=buffer.getvalue())
    assert [p.reason for p in result.problems] == ["表头缺少列「成立日期」（表头应在第1行）"]
