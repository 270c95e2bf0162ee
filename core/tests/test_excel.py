"""core.excel: the one workbook writer (read back with openpyxl and calamine), its cell rules, the response."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from core import excel
from core.excel import CELL_LIMIT, Cell, Column, ListChoice, Sheet, attachment, safe_cell, unescape_cell


def test_formula_looking_text_is_escaped_and_comes_back():
    for text in ("=1+1", "+86", "-x", "@SUM", "\tx"):
        assert safe_cell(text) == "'" + text
        assert unescape_cell(safe_cell(text)) == text
    assert safe_cell("区教育局") == unescape_cell("区教育局") == "区教育局"
    assert safe_cell(5) == 5
    # An apostrophe the clerk typed before ordinary text is theirs: it stays.
    assert unescape_cell("'区教育局") == "'区教育局"


def test_attachment_names_the_file_in_ascii_and_utf8():
    assert (
        attachment("台账.xlsx", "ledger.xlsx")
        == "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx"
    )


def two_sheets() -> bytes:
    rows = [
        ["区教育局", dt.date(2017, 12, 31), 120, True, None, 2.5],
        ['=HYPERLINK("x")', dt.datetime(2026, 3, 8, 9, 30, 15), Decimal("3"), False, "", "+86 龙岗"],
        ["a\x01b\x0bc", None, 0, None, " 前后空格 ", "x" * (CELL_LIMIT + 10)],
    ]
    return excel.workbook_bytes(
        [
            Sheet(
                "单位",
                [
                    Column("单位名称", 26),
                    Column("日期", 12, style="date"),
                    Column("人数"),
                    Column("是否"),
                    Column("空"),
                    Column("其他", 40),
                ],
                rows,
                preamble=[
                    [Cell("标题（截至 2017-12-31）", "title")],
                    [],
                    [Cell("注意：只导出了前 3 行", "warning")],
                ],
                choices=[ListChoice(3, ["是", "否"])],
            ),
            Sheet("第二张/表:[x]", [Column("甲"), Column("乙")], iter([[1, 2]])),
        ]
    )


def test_the_workbook_reads_back_in_openpyxl_with_types_styles_and_panes():
    wb = load_workbook(io.BytesIO(two_sheets()))
    assert wb.sheetnames == ["单位", "第二张_表__x_"]
    ws = wb["单位"]
    assert ws["A1"].value == "标题（截至 2017-12-31）" and ws["A1"].font.b and ws["A1"].font.sz == 13
    assert ws["A3"].font.color.rgb == "FFC00000"
    header = [c.value for c in ws[4]]
    assert header == ["单位名称", "日期", "人数", "是否", "空", "其他"]
    assert ws["A4"].font.b and ws["A4"].fill.fgColor.rgb == "FFF2DCDB"
    assert ws.freeze_panes == "A5"
    assert ws.column_dimensions["A"].width == 26
    assert [c.value for c in ws[5]] == ["区教育局", dt.datetime(2017, 12, 31), 120, True, None, 2.5]
    assert ws["B5"].number_format == "yyyy-mm-dd" and ws["B6"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["B6"].value == dt.datetime(2026, 3, 8, 9, 30, 15)
    # Formulas never run: the text comes back as text with its apostrophe, never as data_type "f".
    assert ws["A6"].value == '\'=HYPERLINK("x")' and ws["A6"].data_type == "s"
    assert ws["F6"].value == "'+86 龙岗" and ws["C6"].value == 3 and ws["D6"].value is False
    # Characters XML refuses are dropped; spaces are kept; a too long text is cut to what a cell holds.
    assert ws["A7"].value == "abc" and ws["E7"].value == " 前后空格 "
    assert len(ws["F7"].value) == CELL_LIMIT and ws["F7"].value.endswith("…")
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"是,否"' and str(validation.sqref) == "D2:D500"
    assert [[c.value for c in r] for r in wb["第二张_表__x_"].iter_rows()] == [["甲", "乙"], [1, 2]]


def test_the_workbook_reads_back_in_calamine():
    book = CalamineWorkbook.from_filelike(io.BytesIO(two_sheets()))
    rows = list(book.get_sheet_by_name("单位").iter_rows())
    assert rows[4][:4] == ["区教育局", dt.date(2017, 12, 31), 120, True]
    assert rows[5][1] == dt.datetime(2026, 3, 8, 9, 30, 15)


def test_aware_times_are_shown_in_the_platforms_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(2026, 3, 8, 1, 30, tzinfo=dt.UTC)
    data = excel.workbook_bytes([Sheet("t", [Column("时间")], [[moment]])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == dt.datetime(2026, 3, 8, 9, 30)


def test_rows_are_streamed_and_counted_with_progress():
    seen = []
    sheet = Sheet("t", [Column("n")], ([i] for i in range(12_000)), progress=seen.append, progress_every=5000)
    buffer = io.BytesIO()
    assert excel.write_workbook([sheet], buffer) == [12_000]
    assert seen == [5000, 10000]
    # One pass: the sheet is a single zip member written as the rows came, with every part Excel needs.
    names = zipfile.ZipFile(buffer).namelist()
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= set(
        names
    )
    assert load_workbook(buffer, read_only=True).active.max_row == 12_001


def test_xlsx_response_is_an_uncached_named_attachment(tmp_path):
    response = excel.xlsx_response(b"PK", filename="台账.xlsx", ascii_name="ledger.xlsx")
    assert response["Content-Type"] == excel.XLSX_TYPE and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == attachment("台账.xlsx", "ledger.xlsx")
    path = tmp_path / "x.xlsx"
    path.write_bytes(two_sheets())
    streamed = excel.xlsx_response(path.open("rb"), filename="导出.xlsx", ascii_name="export.xlsx")
    assert b"".join(streamed.streaming_content) == path.read_bytes()
    assert streamed["Content-Disposition"] == attachment("导出.xlsx", "export.xlsx")
