"""The ledger in English: a user who chose English reads every cell and row message, its place, the problem
list, the template's guide, the change list and the jobs' progress in English; in Chinese all stays as it
was. And the committees catalogue that holds those words is complete, compiled and apart from locale/."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from committees.ledger import cells, columns, importing, reading, validation, workbooks
from committees.ledger.importing import import_ledger
from committees.ledger.jobs import EXPORT, IMPORT
from committees.ledger.problems import Problem
from committees.tests.test_ledger import TERMS, UNITS, VACANCIES, workbook
from core.jobs import Job, JobRun
from core.models import AuditEvent
from core.testing.world import login
from core.tests.test_i18n import LOCALE_DIR as PROJECT_LOCALE
from core.tests.test_i18n import describe, read_po

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
# The accepted Chinese forms a message or the guide names as they are typed (a date, a term's number).
TYPED = re.compile(r"2017年12月31日|第3届")


def choose_english(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """upload(data) -> the job it started, run (huey runs jobs at once in tests, when the request commits)."""

    def post(data: bytes, **extra) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("committees:ledger-upload"),
                {"file": SimpleUploadedFile("ledger.xlsx", data), **extra},
            )
        assert response.status_code == 302
        return Job.objects.filter(kind=IMPORT).latest("pk")

    return post


def bad_workbook() -> bytes:
    """Four bad cells: a date and a yes/no of a new unit (row 8), an unknown unit (届次 row 10), a post (缺位 row 6)."""
    units = [*UNITS, ("区测试局", "去年", None, "也许", None, None, None, None)]
    terms = [*TERMS, ("区不存在局", 1, "2015-01-01", "2020-01-01")]
    vacancies = [*VACANCIES, ("区教育局", "秘书", "2018-01-01", None)]
    return workbook(units=units, terms=terms, vacancies=vacancies)


ENGLISH_PROBLEMS = {
    (
        "单位",
        8,
        "成立日期",
        "去年",
    ): "Not a valid date: use a cell in date format, or one of 2017-12-31, 2017/12/31, "
    "2017.12.31, 2017年12月31日",
    ("单位", 8, "是否需建妇委会", "也许"): "Enter “Yes” or “No”",
    ("届次", 10, "单位名称", "区不存在局"): "The unit is neither in the “Unit” sheet nor in the platform",
    ("缺位", 6, "职务", "秘书"): "The position must be one of “Chair”, “Vice-chair”, “Member”",
}


def _problems(job: Job) -> dict[tuple, str]:
    return {(p["sheet"], p["row"], p["column"], p["value"]): p["reason"] for p in job.result["problems"]}


def _download(client, job: Job) -> list[list]:
    response = client.get(reverse("job-download", args=[job.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return wb.sheetnames, [[c.value for c in row] for row in wb.active.iter_rows()]


def test_an_english_import_of_bad_cells_names_each_problem_and_its_place_in_english(world, client, upload):
    login(client, world.staff)
    choose_english(client)

    job = upload(bad_workbook())

    assert job.status == Job.Status.REFUSED
    assert job.message == (
        "The ledger has 4 problems; nothing was imported. "
        "Correct them as the problem list says and import again."
    )
    # Stored by their Chinese names (the format's identifiers); the reasons as the clerk read them.
    assert _problems(job) == ENGLISH_PROBLEMS
    with translation.override("en"):
        located = [str(Problem.from_dict(p)) for p in job.result["problems"]]
    assert located[2] == (
        "Sheet “Term”, row 10, column “Unit name” “区不存在局”: "
        "The unit is neither in the “Unit” sheet nor in the platform"
    )
    assert located[3].startswith(
        "Sheet “Vacancies”, row 6, column “Position” “秘书”: The position must be one of"
    )

    page = client.get(reverse("job", args=[job.pk])).text
    table = page[page.index('data-testid="ledger-errors"') :]
    for english in (
        "Sheet",
        "Row",
        "Column",
        "Term",
        "Unit name",
        "Vacancies",
        "Position",
        "Established on",
        "Requires a women",
        "Enter “Yes” or “No”",
        "The unit is neither in the “Unit” sheet",
    ):
        assert english in table, english
    for chinese in ("届次", "单位名称", "职务", "成立日期", "工作表", "单位不在"):
        assert chinese not in table, chinese

    sheets, rows = _download(client, job)
    assert sheets == ["Problems"]
    assert rows[0] == ["Sheet", "Row", "Column", "Cell content", "Problem"]
    assert [
        "Term",
        10,
        "Unit name",
        "区不存在局",
        ENGLISH_PROBLEMS["届次", 10, "单位名称", "区不存在局"],
    ] in rows
    assert ["Unit", 8, "Requires a women's committee", "也许", "Enter “Yes” or “No”"] in rows
    for row in rows:
        assert not CJK.search(TYPED.sub("", f"{row[0]} {row[2]} {row[4]}")), row


def test_in_chinese_the_same_import_reads_as_before(world, client, upload):
    login(client, world.staff)

    job = upload(bad_workbook())

    assert job.message == "台账有 4 处问题，未导入任何数据。请按问题清单修改后重新导入。"
    assert _problems(job) == {
        (
            "单位",
            8,
            "成立日期",
            "去年",
        ): "不是有效日期：请填写日期格式的单元格，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日 之一",
        ("单位", 8, "是否需建妇委会", "也许"): "应填“是”或“否”",
        ("届次", 10, "单位名称", "区不存在局"): "单位不在「单位」表中，系统中也没有该单位",
        ("缺位", 6, "职务", "秘书"): "职务应为 “主任”、“副主任”、“委员” 之一",
    }
    assert str(cells.MSG_BAD_ROLE) == "职务应为 “主任”、“副主任”、“委员” 之一"
    sheets, rows = _download(client, job)
    assert sheets == ["问题清单"] and rows[0] == ["工作表", "行号", "列", "单元格内容", "问题"]
    assert ["届次", 10, "单位名称", "区不存在局", "单位不在「单位」表中，系统中也没有该单位"] in rows


def test_the_row_checks_speak_english_too():
    with translation.override("en"):
        assert validation.MSG_NO_COMMITTEE.format(what=validation.WHAT_VACANCIES).endswith(
            "so no vacancies can be recorded"
        )
        assert (
            cells.MSG_TOO_LONG.format(limit=100, length=120)
            == "Too long: at most 100 characters, this has 120"
        )
        assert str(cells.MSG_BAD_KIND) == (
            "The type must be one of District department, Public institution, Stationed unit, Sub-district"
        )
    with translation.override("zh-hans"):
        assert validation.MSG_NO_COMMITTEE.format(what=validation.WHAT_VACANCIES).endswith("不能登记缺位")
        assert str(cells.MSG_BAD_KIND) == "类别应为 区直部门、事业单位、驻区单位、街道 之一"


def test_posts_kinds_and_yes_no_are_read_in_either_language():
    assert cells.parse_role("Vice-chair") == cells.parse_role("副主任") == "vice_chair"
    assert cells.parse_role(" member ") == "member"
    assert cells.parse_kind("Sub-district") == cells.parse_kind("街道") == "street"
    assert cells.parse_bool("No") is False and cells.parse_bool("Yes") is True
    with pytest.raises(cells.CellError):
        cells.parse_role("Secretary")


def test_the_import_reports_its_progress_and_changes_in_the_active_language(world):
    said: list[str] = []
    with translation.override("en"):
        result = import_ledger(
            federation=world.fed_a,
            data=workbook(),
            dry_run=True,
            progress=lambda percent, message: said.append(str(message)),
        )
        lines = result.lines()
    assert said[:3] == ["Reading the workbook…", "Checking the data…", "Writing…"]
    assert (
        said[3]
        == "Check passed (checked only, nothing written): 20 would be created, 1 updated, 1 unchanged."
    )
    assert "New unit: 区卫健委" in result.changes
    assert "New term: the women's committee of 区卫健委, term 2" in result.changes
    assert "New vacancy: the women's committee of 区卫健委, Member vacant since 2017-02-01" in result.changes
    assert any(c.startswith("Unit updated: 区教育局 (Female staff (empty)→120)") for c in result.changes), (
        result.changes
    )
    assert lines[1] == "  Units: 4 created, 1 updated, 1 unchanged"
    assert lines[-1] == (
        "  Sheet “Unit”: these columns have no matching field on the platform and were ignored: 联系人"
    )

    said.clear()
    with translation.override("zh-hans"):
        result = import_ledger(
            federation=world.fed_a,
            data=workbook(),
            dry_run=True,
            progress=lambda percent, message: said.append(str(message)),
        )
    assert said == [
        str(importing.MSG_READING),
        "正在校验数据……",
        "正在写入……",
        "校验通过（仅校验，未写入）：将新建 20 条，更新 1 条，未变 1 条。",
    ]
    assert "新建届次：区卫健委妇委会 第2届" in result.changes
    assert "新建缺位：区卫健委妇委会 委员 2017-02-01缺位" in result.changes
    assert any(c.startswith("更新单位：区教育局（女职工人数 （空）→120）") for c in result.changes), (
        result.changes
    )
    assert result.lines()[1] == "  单位：新建 4，更新 1，未变 1"


def test_an_english_import_job_ends_with_english_words_and_its_page_counts_in_english(world, client, upload):
    login(client, world.staff)
    choose_english(client)

    job = upload(workbook())

    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "Import complete: 20 created, 1 updated, 1 unchanged."
    # The audit log's record stays in the platform's language.
    assert AuditEvent.objects.get(action="import").detail == "导入完成：新建 20 条，更新 1 条，未变 1 条。"
    page = client.get(reverse("job", args=[job.pk])).text
    summary = page[page.index('data-testid="ledger-summary"') :]
    for english in (
        "Units",
        "Women&#x27;s committees",
        "Terms",
        "Vacancies",
        "New unit: 区卫健委",
        "Sheet “Unit”: these columns have no matching field",
    ):
        assert english in summary, english
    assert "新建单位" not in summary and "妇委会" not in summary  # 区新建局 is a name


def test_an_english_export_reports_its_progress_in_english(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    said: list[str] = []
    original = JobRun.progress

    def progress(self, percent, message=""):
        said.append(str(message))
        original(self, percent, message)

    monkeypatch.setattr(JobRun, "progress", progress)
    login(client, world.staff)
    choose_english(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:ledger-export"))
    job = Job.objects.get(kind=EXPORT)
    assert job.status == Job.Status.SUCCEEDED
    assert any(re.fullmatch(r"Exporting: [\d,]+ / [\d,]+ rows…", m) for m in said), said
    assert re.fullmatch(r"Export complete: \d+ unit rows, \d+ term rows, \d+ vacancy rows\.", job.message)
    assert re.fullmatch(r".+ ledger_\d{4}-\d\d-\d\d\.xlsx", job.result_name) and "台账" not in job.result_name


def test_the_english_template_and_its_guide_are_english_and_import_back(world, client):
    login(client, world.staff)
    choose_english(client)
    response = client.get(reverse("committees:ledger-template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Unit", "Term", "Vacancies", "Guide"]
    assert [c.value for c in wb["Vacancies"][1]] == ["Unit name", "Position", "Vacant since", "Filled on"]
    assert [c.value for c in wb["Vacancies"][2]][:2] == ["District Education Bureau", "Vice-chair"]
    guide = [[c.value for c in r] for r in wb["Guide"].iter_rows()]
    assert guide[0][0] == "How to fill in the ledger"
    assert guide[1][0].startswith("In the three sheets “Unit”, “Term” and “Vacancies”, row 1 is the header")
    assert guide[4][0].startswith("At most 100,000 rows are imported at a time")
    assert ["Unit", "Unit name", "Required", "Unit name, at most 100 characters"] in guide
    assert ["Vacancies", "Position", "Required", "One of Chair, Vice-chair, Member"] in guide
    assert ["Unit", "Address", "Optional column (may be left out)", "At most 200 characters"] in guide
    for row in guide:
        assert not CJK.search(TYPED.sub("", " ".join(str(v) for v in row if v))), row
    parsed = reading.read_workbook(response.content)
    assert not parsed.problems and [u.name for u in parsed.units] == ["District Education Bureau"]
    assert [(v.role, v.unit_name) for v in parsed.vacancies] == [("vice_chair", "District Education Bureau")]
    # In Chinese the template is as it was.
    with translation.override("zh-hans"):
        wb = load_workbook(io.BytesIO(workbooks.template_workbook()))
    assert wb.sheetnames == [*columns.SHEETS, columns.SHEET_GUIDE]
    assert [c.value for c in wb["缺位"][2]][:2] == ["区教育局", "副主任"]
    assert wb["填写说明"]["A1"].value == "台账填写说明"


# --- the committees catalogue ----------------------------------------------------------------------------


def test_the_committees_catalogue_is_complete_compiled_and_apart_from_the_projects():
    entries = [e for e in read_po(CATALOGUE / "django.po") if e["msgid"]]
    assert len(entries) > 80
    assert [describe(e) for e in entries if "fuzzy" in e["flags"] or not all(e["msgstr"].values())] == []
    with open(CATALOGUE / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    key = lambda e: f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]  # noqa: E731
    assert [describe(e) for e in entries if catalog.get(key(e)) != e["msgstr"][0]] == []
    # locale/ comes first (LOCALE_PATHS): an msgid in both would be translated there, never here.
    project = {describe(e) for e in read_po(PROJECT_LOCALE / "django.po") if e["msgid"]}
    assert sorted(project & {describe(e) for e in entries}) == []
