"""The ledger import on the web, end to end with the test client: the upload's checks, the background job
(huey runs jobs at once in tests, when the request's transaction commits), its page and its files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from committees.ledger import cells, columns, problems, validation, workbooks
from committees.ledger.jobs import IMPORT
from committees.models import Term, Vacancy
from committees.tests.test_ledger import TERMS, VACANCIES, counts, workbook
from core import excel, uploads
from core.jobs import Job
from core.testing.world import login
from core.tests.test_uploads import macro_types, rewritten

UPLOAD = "committees:ledger-upload"


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """upload(data, name=..., **fields) -> the response; the job it starts has run when it returns."""

    def post(data: bytes, name: str = "台账.xlsx", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, data), **extra})

    return post


def the_job(user) -> Job:
    return Job.objects.filter(kind=IMPORT, owner=user).get()


def test_staff_uploads_and_the_job_completes(world, client, upload):
    login(client, world.staff)
    assert client.get(reverse(UPLOAD)).status_code == 200

    response = upload(workbook())

    job = the_job(world.staff)
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.federation_id == world.fed_a.pk and job.result["problems"] == []
    assert job.result["counts"]["terms"]["created"] == 8
    assert Term.objects.filter(federation=world.fed_a).count() == 8
    page = client.get(response["Location"])
    assert "导入完成" in page.text and 'data-testid="ledger-summary"' in page.text
    assert "联系人" in page.text  # the ignored column is reported
    assert "hx-trigger" not in page.text  # finished: no more polling
    # The upload page lists it among the recent imports.
    assert reverse("job", args=[job.pk]) in client.get(reverse(UPLOAD)).text


def test_the_status_partial_polls_while_the_job_runs(world, client):
    job = Job.objects.create(kind=IMPORT, federation_id=world.fed_a.pk, owner=world.staff, progress=40, attempts=1,
                             status=Job.Status.RUNNING, message="正在写入……")
    login(client, world.staff)
    url = reverse("job-status", args=[job.pk])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert f'hx-get="{url}"' in partial.text and 'hx-trigger="every 1s"' in partial.text
    assert 'value="40"' in partial.text and "<html" not in partial.text


def test_a_bad_workbook_shows_every_problem_and_writes_nothing(world, client, upload):
    login(client, world.staff)
    before = counts()
    terms = [*TERMS, ("区不存在局", 1, "2015-01-01", "2020-01-01")]
    vacancies = [*VACANCIES, ("区教育局", "+cmd|' /C calc'!A0", "2018-01-01", None)]

    response = upload(workbook(terms=terms, vacancies=vacancies))

    job = the_job(world.staff)
    assert job.status == Job.Status.REFUSED and not job.can_retry
    assert {(e["sheet"], e["row"], e["column"], e["value"]) for e in job.result["problems"]} == {
        ("届次", 10, "单位名称", "区不存在局"),
        ("缺位", 6, "职务", "+cmd|' /C calc'!A0"),
    }
    assert counts() == before
    page = client.get(response["Location"])
    assert 'data-testid="ledger-errors"' in page.text and "区不存在局" in page.text

    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == list(workbooks.ERROR_HEADERS)
    assert ["届次", 10, "单位名称", "区不存在局", validation.MSG_UNKNOWN_UNIT] in rows
    # The formula a clerk (or an attacker) typed comes back as text, never as a formula.
    assert ["缺位", 6, "职务", "'+cmd|' /C calc'!A0", cells.MSG_BAD_ROLE] in rows


def test_a_junk_workbook_stores_the_first_problems_and_counts_them_all(world, client, upload, monkeypatch):
    monkeypatch.setattr(problems, "MAX_STORED", 5)
    login(client, world.staff)
    junk = [(f"区第{i}局", "去年", None, "也许", None, None, None, None) for i in range(12)]  # 2 problems a row

    upload(workbook(units=junk, terms=[], vacancies=[]))

    job = the_job(world.staff)
    assert job.status == Job.Status.REFUSED and job.result["problems_total"] == 24
    assert [(p["row"], p["column"]) for p in job.result["problems"]] == [
        (2, "成立日期"), (2, "是否需建妇委会"), (3, "成立日期"), (3, "是否需建妇委会"), (4, "成立日期")]
    note = problems.capped_note(5, 24)
    assert note == "前 5 处问题，共 24 处" and job.message.startswith("台账有 24 处问题")
    assert note in client.get(reverse("job", args=[job.pk])).text
    ws = load_workbook(io.BytesIO(b"".join(client.get(reverse("job-download", args=[job.pk])).streaming_content))).active
    assert ws["A1"].value == note and ws.max_row == 1 + 1 + 5


def test_dry_run_upload_writes_nothing(world, client, upload):
    login(client, world.staff)
    before = counts()
    upload(workbook(), dry_run="on")
    job = the_job(world.staff)
    assert job.status == Job.Status.SUCCEEDED and job.params["dry_run"]
    assert "仅校验" in job.message
    assert counts() == before


def test_template_download(world, client):
    login(client, world.staff)
    response = client.get(reverse("committees:ledger-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == excel.attachment("台账导入模板.xlsx", "ledger-template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [*columns.SHEETS, columns.SHEET_GUIDE]
    assert [c.value for c in wb["缺位"][1]] == list(columns.HEADERS["缺位"])
    assert wb["单位"].column_dimensions["A"].width > 20


def _refused(client, upload, data: bytes, message: str, name: str = "台账.xlsx") -> None:
    before = Job.objects.count()
    response = upload(data, name=name)
    assert response.status_code == 400
    assert message.split("{")[0] in response.text
    assert Job.objects.count() == before


def test_a_text_file_renamed_xlsx_is_refused(world, client, upload):
    login(client, world.staff)
    _refused(client, upload, "单位名称,成立日期\n区教育局,2001-01-01\n".encode(), uploads.MSG_NOT_XLSX)
    # A zip that is not a workbook is refused too.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(client, upload, buf.getvalue(), uploads.MSG_NOT_XLSX)
    _refused(client, upload, uploads.OLE_MAGIC + b"\0" * 600, uploads.MSG_OLD_OR_ENCRYPTED, name="旧台账.xls")


def test_a_macro_enabled_workbook_is_refused(world, client, upload):
    login(client, world.staff)
    data = workbook()
    xlsm = rewritten(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}, types=macro_types(data))
    _refused(client, upload, xlsm, uploads.MSG_MACROS, name="台账.xlsm")
    # The name does not matter: the same content named .xlsx is refused the same way.
    _refused(client, upload, xlsm, uploads.MSG_MACROS)


def test_a_workbook_over_the_row_limit_is_refused_at_upload(world, client, upload, settings):
    settings.JINGUO_LEDGER_MAX_ROWS = 10
    login(client, world.staff)
    units = [(f"区第{i}局", "2000-01-01", None, "是", None, None, None, None) for i in range(11)]
    _refused(client, upload, workbook(units=units, terms=[], vacancies=[]), uploads.MSG_TOO_MANY_ROWS)
    # Ten rows pass.
    assert upload(workbook(units=units[:10], terms=[], vacancies=[])).status_code == 302


def test_an_oversized_file_is_refused(world, client, upload, settings):
    settings.JINGUO_MAX_UPLOAD_BYTES = 2048
    login(client, world.staff)
    _refused(client, upload, workbook(), uploads.MSG_TOO_LARGE)


def test_a_zip_bomb_is_refused_before_parsing(world, client, upload, monkeypatch):
    from committees.ledger import reading

    login(client, world.staff)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 KB packed
    assert len(buf.getvalue()) < 100 * 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook reader must not see a zip bomb")

    monkeypatch.setattr(reading, "read_workbook", must_not_parse)
    _refused(client, upload, buf.getvalue(), uploads.MSG_ZIP_BOMB)


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
def test_only_federation_staff_reach_the_import(world, client, upload, persona):
    login(client, world.users[persona])
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert upload(workbook()).status_code == 403
    assert client.get(reverse("committees:ledger-template")).status_code == 403
    assert Vacancy.objects.count() == 0


def test_another_federations_job_is_not_found(world, client):
    other = Job.objects.create(kind=IMPORT, federation_id=world.fed_b.pk, status=Job.Status.FAILED,
                               result={"problems": [{"sheet": "单位", "row": 2, "column": "单位名称", "value": "外区",
                                                     "reason": "x"}]})
    login(client, world.staff)
    for name in ("job", "job-status", "job-download", "job-retry"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("job-retry", args=[other.pk])).status_code == 404
    assert Job.objects.get(pk=other.pk).status == Job.Status.FAILED


def test_every_staff_member_of_the_federation_sees_its_imports(world, client, upload):
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    login(client, world.staff)
    upload(workbook())
    colleague = User.objects.create_user(username="colleague", password="x", federation=world.fed_a,
                                         must_change_password=False)
    role_grant(user=colleague, role=Role.FEDERATION_STAFF, federation_id=world.fed_a.pk)
    client.logout()
    login(client, colleague)
    assert client.get(reverse("job", args=[the_job(world.staff).pk])).status_code == 200


def test_the_upload_page_runs_a_fixed_number_of_queries(world, client):
    login(client, world.staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(UPLOAD)).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(12):
        Job.objects.create(kind=IMPORT, federation_id=world.fed_a.pk, owner=world.staff, label=f"{i}.xlsx",
                           status=Job.Status.SUCCEEDED)
    # Session, user, roles (scope), federations for the form (count and list), the recent imports with
    # their owners in one query, the menu: the same however many imports there are.
    assert queries() == few, "the recent imports must come in one query (select_related the owner)"


def test_the_menu_shows_the_import_to_staff_only(world, client):
    login(client, world.staff)
    link = f'href="{reverse(UPLOAD)}"'
    assert link in client.get(reverse("notifications")).text
    client.logout()
    login(client, world.liaison)
    assert link not in client.get(reverse("notifications")).text

