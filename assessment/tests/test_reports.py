"""A unit's self-check report: PDF with its Chinese as text in an embedded CJK font, Excel, and the API."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from assessment.models import SelfCheck
from core.testing.world import api_headers, build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_the_pdf_report_has_its_chinese_as_text_in_an_embedded_cjk_font(world, client_as, tmp_path):
    resp = client_as(world.liaison).get(reverse("assessment:form-report-pdf", args=[form_a1(world).pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(resp.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert (
        f"{world.unit_a1.name}量化自查报告" in text
        and "组织组建" in text
        and "妇委会于 2012-03-08 组建" in text
    )
    flat = text.replace(" ", "")
    # Items read from the lecture system carry their figures; every page is numbered.
    assert "志愿服务" in flat and "小时" in flat and "第1页/共" in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)


def test_the_excel_report_lists_every_item(world, client_as):
    from openpyxl import load_workbook

    resp = client_as(world.staff).get(reverse("assessment:form-report-xlsx", args=[form_a1(world).pk]))
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "项目", "方式") and len(rows) == 11 and rows[1][1] == "组织组建"


def test_the_report_is_served_only_in_scope(world, client_as, client):
    url = reverse("assessment:form-report-pdf", args=[form_a1(world).pk])
    assert client_as(world.other_liaison).get(url).status_code == 404
    api = f"/api/v1/assessment/cycles/{world.cycle_a.pk}/units/{world.unit_a1.pk}/report.pdf"
    assert client.get(api, **api_headers(world.other_liaison)).status_code == 404
    resp = client.get(api, **api_headers(world.liaison))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
