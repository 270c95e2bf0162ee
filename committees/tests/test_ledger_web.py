"""The ledger import on the web, end to end with the test client (huey runs jobs immediately in tests)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from committees import ledger
from committees.models import Term, Vacancy
from committees.models_ledger import LedgerImportJob
from committees.tests.test_ledger import TERMS, VACANCIES, counts, workbook
from core import uploads
from core.testing.world import login

UPLOAD = "committees:ledger-upload"


def upload(client, data: bytes, name: str = "台账.xlsx", **extra):
    return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, data), **extra})


def test_staff_uploads_and_the_job_completes(world, client):
    login(client, world.staff)
    assert client.get(reverse(UPLOAD)).status_code == 200

    response = upload(client, workbook())

    job = LedgerImportJob.objects.filter(created_by=world.staff).get()
    assert response.status_code == 302 and response["Location"] == reverse("committees:ledger-job", args=[job.pk])
    assert job.status == LedgerImportJob.Status.SUCCEEDED and job.progress == 100
    assert job.federation == world.fed_a and job.errors == []
    assert job.counts["counts"]["terms"]["created"] == 8
    assert Term.objects.filter(federation=world.fed_a).count() == 8
    page = client.get(response["Location"])
    assert "导入完成" in page.text and 'data-testid="ledger-summary"' in page.text
    assert "联系人" in page.text  # the ignored column is reported
    assert "hx-trigger" not in page.text  # finished: no more polling


def test_the_status_partial_polls_while_the_job_runs(world, client):
    job = LedgerImportJob.objects.create(federation=world.fed_a, created_by=world.staff, progress=40,
                                         status=LedgerImportJob.Status.RUNNING, message="正在写入……")
    login(client, world.staff)
    url = reverse("committees:ledger-job-status", args=[job.pk])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert f'hx-get="{url}"' in partial.text and 'hx-trigger="every 1s"' in partial.text
    assert 'value="40"' in partial.text and "<html" not in partial.text


def test_a_bad_workbook_shows_every_problem_and_writes_nothing(world, client):
    login(client, world.staff)
    before = counts()
    terms = [*TERMS, ("区不存在局", 1, "2015-01-01", "2020-01-01")]
    vacancies = [*VACANCIES, ("区教育局", "+cmd|' /C calc'!A0", "2018-01-01", None)]

    response = upload(client, workbook(terms=terms, vacancies=vacancies))

    job = LedgerImportJob.objects.filter(created_by=world.staff).get()
    assert job.status == LedgerImportJob.Status.FAILED
    assert {(e["sheet"], e["row"], e["column"], e["value"]) for e in job.errors} == {
        ("届次", 10, "单位名称", "区不存在局"),
        ("缺位", 6, "职务", "+cmd|' /C calc'!A0"),
    }
    assert counts() == before
    page = client.get(response["Location"])
    assert 'data-testid="ledger-errors"' in page.text and "区不存在局" in page.text

    download = client.get(reverse("committees:ledger-job-errors", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(download.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == list(ledger.ERROR_HEADERS)
    assert ["届次", 10, "单位名称", "区不存在局", ledger.MSG_UNKNOWN_UNIT] in rows
    # The formula a clerk (or an attacker) typed comes back as text, never as a formula.
    assert ["缺位", 6, "职务", "'+cmd|' /C calc'!A0", ledger.MSG_BAD_ROLE] in rows


def test_dry_run_upload_writes_nothing(world, client):
    login(client, world.staff)
    before = counts()
    upload(client, workbook(), dry_run="on")
    job = LedgerImportJob.objects.filter(created_by=world.staff).get()
    assert job.status == LedgerImportJob.Status.SUCCEEDED and job.dry_run
    assert "仅校验" in job.message
    assert counts() == before


def test_template_download(world, client):
    login(client, world.staff)
    response = client.get(reverse("committees:ledger-template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == list(ledger.SHEETS)
    assert [c.value for c in wb["缺位"][1]] == list(ledger.HEADERS["缺位"])
    assert wb["单位"].column_dimensions["A"].width > 20


def _refused(client, data: bytes, message: str, name: str = "台账.xlsx") -> None:
    before = LedgerImportJob.objects.count()
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert message.split("{")[0] in response.text
    assert LedgerImportJob.objects.count() == before


def test_a_text_file_renamed_xlsx_is_refused(world, client):
    login(client, world.staff)
    _refused(client, "单位名称,成立日期\n区教育局,2001-01-01\n".encode(), uploads.MSG_NOT_XLSX)
    # A zip that is not a workbook is refused too.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(client, buf.getvalue(), uploads.MSG_NOT_XLSX)
    _refused(client, uploads.OLE_MAGIC + b"\0" * 600, uploads.MSG_OLD_OR_ENCRYPTED, name="旧台账.xls")


def test_an_oversized_file_is_refused(world, client, settings):
    settings.JINGUO_MAX_UPLOAD_BYTES = 2048
    login(client, world.staff)
    _refused(client, workbook(), uploads.MSG_TOO_LARGE)


def test_a_zip_bomb_is_refused_before_parsing(world, client, monkeypatch):
    login(client, world.staff)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 KB packed
    assert len(buf.getvalue()) < 100 * 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl must not see a zip bomb")

    monkeypatch.setattr(ledger, "read_workbook", must_not_parse)
    _refused(client, buf.getvalue(), uploads.MSG_ZIP_BOMB)


def test_check_xlsx_counts_what_really_inflates():
    # Headers can claim small sizes; the bounded inflate still stops a big member.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/big.bin", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_xlsx(buf.getvalue(), max_bytes=0, max_uncompressed=1024 * 1024, max_ratio=10**9)
    assert refused.value.message == uploads.MSG_ZIP_BOMB


@pytest.mark.parametrize("persona", ["liaison", "executive", "supervisor", "auditor", "sysadmin"])
def test_only_federation_staff_reach_the_import(world, client, persona):
    login(client, world.users[persona])
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert upload(client, workbook()).status_code == 403
    assert client.get(reverse("committees:ledger-template")).status_code == 403
    assert Vacancy.objects.count() == 0


def test_another_federations_job_is_not_found(world, client):
    other = LedgerImportJob.objects.create(federation=world.fed_b, status=LedgerImportJob.Status.FAILED,
                                           errors=[{"sheet": "单位", "row": 2, "column": "单位名称", "value": "外区",
                                                    "reason": "x"}])
    login(client, world.staff)
    for name in ("ledger-job", "ledger-job-status", "ledger-job-errors"):
        assert client.get(reverse(f"committees:{name}", args=[other.pk])).status_code == 404


def test_the_menu_shows_the_import_to_staff_only(world, client):
    login(client, world.staff)
    link = f'href="{reverse(UPLOAD)}"'
    assert link in client.get(reverse("notifications")).text
    client.logout()
    login(client, world.liaison)
    assert link not in client.get(reverse("notifications")).text
