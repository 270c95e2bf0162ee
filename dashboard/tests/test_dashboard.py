"""The self-check dashboard: rates with their fractions, the lists, the period picker, exports, scoping."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from committees.models import Committee, Term, Vacancy
from core import audit
from core.excel import safe_cell
from core.models import AuditEvent
from dashboard.views import MSG_BAD_DATE, MSG_BAD_YEAR, MSG_FROM_AFTER_TO
from orgs.models import Unit

D = dt.date
URL = "/dashboard/"


def make_history(world):
    """fed_a in 2017: unit_a1 has a committee (term overdue, a vice-chair post long vacant);
    unit_a2 has none; a third unit '=HYPERLINK()' has a committee re-elected on time."""
    with audit.acting_as(None, source="test"):
        evil = Unit.objects.create(federation=world.fed_a, name="=HYPERLINK(1)", established_on=D(2000, 1, 1))
        c1 = Committee.objects.create(federation=world.fed_a, unit=world.unit_a1, formed_on=D(2012, 3, 1))
        Term.objects.create(federation=world.fed_a, committee=c1, number=1, started_on=D(2012, 3, 1), due_on=D(2017, 3, 1))
        Vacancy.objects.create(federation=world.fed_a, committee=c1, role="vice_chair", vacated_on=D(2017, 5, 1))
        c3 = Committee.objects.create(federation=world.fed_a, unit=evil, formed_on=D(2012, 6, 1))
        Term.objects.create(federation=world.fed_a, committee=c3, number=1, started_on=D(2012, 6, 1), due_on=D(2017, 6, 1),
                            ended_on=D(2017, 5, 20))
        Term.objects.create(federation=world.fed_a, committee=c3, number=2, started_on=D(2017, 5, 20), due_on=D(2022, 5, 20))
        # Another federation's committee: never counted for fed_a.
        cb = Committee.objects.create(federation=world.fed_b, unit=world.unit_b1, formed_on=D(2010, 1, 1))
        Term.objects.create(federation=world.fed_b, committee=cb, number=1, started_on=D(2010, 1, 1), due_on=D(2015, 1, 1))
    return evil


@pytest.fixture
def history(world):
    return make_history(world)


def test_staff_see_the_three_rates_with_numerator_and_denominator(world, history, client_as):
    page = client_as(world.staff).get(URL, {"year": 2017})
    assert page.status_code == 200
    html = page.content.decode()
    # 组建率 end of 2017: 2 of 3 units; 按时换届率: 1 of 2 terms due in 2017; 及时补缺率: 0 of 1 judged.
    assert "66.7%" in html and "2/3" in html
    assert "50.0%" in html and "1/2" in html
    assert "0.0%" in html and "0/1" in html
    assert "外区民政局" not in html


def test_the_lists_link_to_the_unit_pages(world, history, client_as):
    html = client_as(world.staff).get(URL, {"year": 2017}).content.decode()
    assert f'href="/orgs/units/{world.unit_a2.pk}/"' in html  # no committee
    assert f'href="/orgs/units/{world.unit_a1.pk}/"' in html  # overdue and vacancy
    assert "区财政局" in html and "区教育局" in html
    assert "305 天" in html  # 2017-03-01 → 2017-12-31 overdue
    assert "244 天" in html  # vice-chair open since 2017-05-01


def test_a_liaison_sees_only_their_own_unit(world, history, client_as):
    html = client_as(world.liaison).get(URL, {"year": 2017}).content.decode()
    assert "区财政局" not in html and "HYPERLINK" not in html
    assert "100.0%" in html and "1/1" in html  # 组建率 of their one unit
    assert "区教育局" in html


def test_other_roles_are_refused(world, client_as):
    assert client_as(world.volunteer).get(URL).status_code == 403
    assert client_as(world.auditor).get(URL).status_code == 403


def test_htmx_swaps_only_the_panel(world, history, client_as):
    page = client_as(world.staff).get(URL, {"year": 2017}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "66.7%" in html
    assert "<html" not in html and 'id="year"' not in html
    assert 'id="jg-trend-data"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, MSG_BAD_YEAR.split("：")[0]),
        ({"year": "1800"}, MSG_BAD_YEAR.split("：")[0]),
        ({"year": "2017", "from": "2017-13-01"}, MSG_BAD_DATE.split("（")[0]),
        ({"year": "2017", "from": "2017-06-01", "to": "2017-01-01"}, MSG_FROM_AFTER_TO.split("。")[0]),
    ],
)
def test_bad_parameters_give_a_message_not_an_error(world, history, client_as, params, message):
    page = client_as(world.staff).get(URL, params)
    assert page.status_code == 200
    assert message in page.content.decode()


def test_a_custom_period(world, history, client_as):
    html = client_as(world.staff).get(URL, {"from": "2017-01-01", "to": "2017-04-30"}).content.decode()
    # Only unit_a1's term was due by the end of April, and it was not re-elected.
    assert "0/1" in html
    assert "2017年1月1日 — 2017年4月30日" in html


def test_the_trend_runs_from_the_first_year_of_data(world, history, client_as):
    page = client_as(world.staff).get(URL, {"year": 2017})
    trend = page.context["data"].trend
    assert trend["years"][0] == "2012" and trend["years"][-1] == "2017"
    names = [s["name"] for s in trend["series"]]
    assert names == ["组建率", "按时换届率", "及时补缺率"]


def test_export_is_an_xlsx_with_escaped_cells_and_is_audited(world, history, client_as):
    response = client_as(world.staff).get("/dashboard/export/overdue.xlsx", {"year": 2017})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "超期服役的妇委会" in unquote(response["Content-Disposition"])
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A4"].value == "区教育局"
    assert ws["E4"].value == 305
    assert AuditEvent.objects.filter(action="export", actor=world.staff).exists()

    # A unit named like a formula stays text.
    response = client_as(world.staff).get("/dashboard/export/no-committee.xlsx", {"year": "2011"})
    ws = load_workbook(BytesIO(response.content)).active
    names = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert "'=HYPERLINK(1)" in names


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86") == "'+86"
    assert safe_cell("-x") == "'-x"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("区教育局") == "区教育局"
    assert safe_cell(5) == 5


def test_unknown_export_is_404(world, client_as):
    assert client_as(world.staff).get("/dashboard/export/everything.xlsx").status_code == 404


def test_a_liaison_exports_only_their_unit(world, history, client_as):
    response = client_as(world.liaison).get("/dashboard/export/no-committee.xlsx", {"year": 2017})
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.max_row == 3  # title, blank, header: their unit has a committee


def _grow(world, start, count):
    with audit.acting_as(None, source="test"):
        for i in range(start, start + count):
            unit = Unit.objects.create(federation=world.fed_a, name=f"测试单位{i:03d}", established_on=D(2001, 1, 1))
            if i % 2:
                c = Committee.objects.create(federation=world.fed_a, unit=unit, formed_on=D(2010, 1, 1))
                Term.objects.create(federation=world.fed_a, committee=c, number=1, started_on=D(2010, 1, 1),
                                    due_on=D(2015, 1, 1))
                Vacancy.objects.create(federation=world.fed_a, committee=c, vacated_on=D(2016, 1, 1))


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"year": 2017})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_units(world, history, client_as):
    client = client_as(world.staff)
    _count_queries(client)  # the first request renews the session (core.sessions): not a row's query
    _grow(world, 0, 5)
    with_n = _count_queries(client)
    _grow(world, 5, 10)
    with_3n = _count_queries(client)
    assert with_n == with_3n, (
        f"{with_n} queries for 5 more units, {with_3n} for 15: something runs a query per unit or per row "
        "(use select_related / one aggregate in dashboard.selectors)"
    )


def test_each_list_shows_its_first_rows_with_the_count_and_a_link_to_all(world, history, client_as):
    _grow(world, 0, 30)  # 15 more units without a committee, 15 more overdue terms and late vacancies
    page = client_as(world.staff).get(URL, {"year": 2017})
    data = page.context["data"]
    for key, total in (("no_committee", 16), ("overdue", 16), ("vacancies", 16)):
        head = getattr(data, key)
        assert (len(head.rows), head.total, head.more) == (10, total, True), key
    html = page.content.decode()
    assert 'data-testid="list-no-committee-total">16<' in html
    assert 'href="/dashboard/lists/no-committee/?year=2017' in html
    assert 'href="/dashboard/lists/vacancies/?year=2017' in html
    # The first rows are the full lists' first rows (by pinyin; most overdue first; longest open first).
    from dashboard import selectors as dash

    as_of, fed = D(2017, 12, 31), world.fed_a.pk
    assert data.no_committee.rows == dash.units_without_committee(world.staff, as_of, fed)[:10]
    assert data.overdue.rows == dash.overdue_terms(world.staff, as_of, fed)[:10]
    assert data.vacancies.rows == dash.vacancies_past_deadline(world.staff, as_of, fed)[:10]
    days = [r.days_overdue for r in data.overdue.rows]
    assert days == sorted(days, reverse=True) and days[0] == (as_of - D(2015, 1, 1)).days


def test_a_short_list_has_no_link(world, history, client_as):
    page = client_as(world.staff).get(URL, {"year": 2017})
    assert page.context["data"].overdue.total == 1 and not page.context["data"].overdue.more
    assert "/dashboard/lists/" not in page.content.decode()


def test_the_list_page_is_paginated_and_in_the_dashboards_order(world, history, client_as, monkeypatch):
    from dashboard import selectors as dash
    from dashboard.views import ProblemListView

    _grow(world, 0, 30)
    monkeypatch.setattr(ProblemListView, "paginate_by", 6)
    client = client_as(world.staff)
    everything = dash.units_without_committee(world.staff, D(2017, 12, 31), world.fed_a.pk)
    pages = [client.get("/dashboard/lists/no-committee/", {"year": 2017, "page": n}) for n in (1, 2, 3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    names = [r.unit_name for p in pages for r in p.context["rows"]]
    assert names == [r.unit_name for r in everything] and len(names) == 16
    assert pages[0].context["paginator"].count == 16
    html = pages[1].content.decode()
    assert "共 16 条记录" in html and "第 2 / 3 页" in html
    assert 'href="?year=2017&page=3"' in html
    assert 'href="/dashboard/export/no-committee.xlsx?year=2017' in html
    overdue = client.get("/dashboard/lists/overdue/", {"year": 2017, "page": 3}).content.decode()
    assert "区教育局" in overdue and "305 天" in overdue and "第1届" in overdue


def test_the_list_page_is_scoped_like_the_dashboard(world, history, client_as):
    _grow(world, 0, 4)
    html = client_as(world.liaison).get("/dashboard/lists/no-committee/", {"year": 2017}).content.decode()
    assert "测试单位" not in html and "共 0 条记录" in html
    assert client_as(world.volunteer).get("/dashboard/lists/no-committee/").status_code == 403
    assert client_as(world.staff).get("/dashboard/lists/everything/").status_code == 404
