"""The district's annual overview (全区概况) as PDF and Excel: for the federation's staff only, its Chinese as
text in an embedded CJK font, the chart as SVG, numbered pages, no league table of units."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import SelfCheck
from assessment.tests.test_cycles import fill_all
from core import clock
from core.testing.world import build_world


@pytest.fixture
def world(db):
    world = build_world(committee_history=True)
    today = clock.today()
    last_year = services.cycle_open(
        template=world.template_a, year=today.year - 1, deadline=today + dt.timedelta(days=5)
    )
    fill_all(SelfCheck.objects.get(cycle=last_year, unit=world.unit_a1))
    services.selfcheck_submit(selfcheck=SelfCheck.objects.get(cycle=last_year, unit=world.unit_a1))
    form = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)
    fill_all(form)
    services.selfcheck_submit(selfcheck=form)
    world.add(last_year=last_year)
    return world


def test_the_trend_compares_the_items_with_earlier_years(world):
    trend = selectors.overview_trend(world.cycle_a)
    today = clock.today()
    assert trend.years == [today.year - 1, today.year] and trend.submitted == [1, 1]
    two = next(r for r in trend.rows if r.number == 2)
    # unit_a1's term is overdue in both years: below the threshold each time.
    assert two.weak == [(1, 1), (1, 1)]


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_the_overview_pdf_has_its_chinese_as_text_a_chart_and_page_numbers(world, client_as, tmp_path):
    resp = client_as(world.staff).get(reverse("assessment:cycle-overview-pdf", args=[world.cycle_a.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    path = tmp_path / "overview.pdf"
    path.write_bytes(resp.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = text.replace(" ", "")
    year = clock.today().year
    assert f"{world.fed_a.name}{year}年度机关妇女工作量化自查全区概况" in flat
    assert "各项目得分分布" in flat and "较多单位低于整改线的项目" in flat and "整改进度" in flat
    assert "与往年比较" in flat and f"{year - 1}年" in flat
    # The unit that has not submitted is named; no unit's score is (no league table).
    assert "尚未提交的单位（1）" in flat and world.unit_a2.name in flat
    assert "第1页/共" in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)


def test_the_chart_is_inline_svg_with_escaped_labels():
    from assessment import charts

    svg = charts.stacked_bars_svg(
        ["1. 组织组建", "2. <b>换届</b>"],
        [charts.Series("full", "满分", [3, 1]), charts.Series("weak", "低于整改线", [0, 2])],
    )
    assert svg.startswith("<svg") and "&lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count("<rect") == 3 + 2  # three segments with a value, two legend keys


def test_the_overview_excel_has_the_spread_the_trend_the_missing_units_and_rectification(world, client_as):
    from openpyxl import load_workbook

    resp = client_as(world.staff).get(reverse("assessment:cycle-overview-xlsx", args=[world.cycle_a.pk]))
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.content))
    assert book.sheetnames == ["各项目得分分布", "与往年比较", "尚未提交的单位", "整改进度"]
    spread = list(book["各项目得分分布"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(spread) if r[0] == "序号")
    assert spread[header][:3] == ("序号", "项目", "满分") and len(spread) - header - 1 == 10
    missing = list(book["尚未提交的单位"].iter_rows(values_only=True))
    assert missing[1][0] == world.unit_a2.name and len(missing) == 2
    trend = list(book["与往年比较"].iter_rows(values_only=True))
    assert trend[0][2:] == (f"{clock.today().year - 1}年低于整改线", f"{clock.today().year}年低于整改线")


def test_the_overview_reports_are_for_the_staff_only(world, client_as):
    for name in ("assessment:cycle-overview-pdf", "assessment:cycle-overview-xlsx"):
        url = reverse(name, args=[world.cycle_a.pk])
        assert client_as(world.liaison).get(url).status_code == 403
        assert client_as(world.outsider).get(url).status_code in (403, 404)
    staff_b = reverse("assessment:cycle-overview-xlsx", args=[world.cycle_b.pk])
    assert client_as(world.staff).get(staff_b).status_code == 404
    page = client_as(world.staff).get(reverse("assessment:cycle-overview", args=[world.cycle_a.pk]))
    assert 'data-testid="overview-pdf"' in page.content.decode()


def test_the_overview_page_compares_with_earlier_years(world, client_as):
    page = client_as(world.staff).get(reverse("assessment:cycle-overview", args=[world.cycle_a.pk]))
    html = page.content.decode()
    assert 'data-testid="overview-trend"' in html and f"{clock.today().year - 1}年" in html
