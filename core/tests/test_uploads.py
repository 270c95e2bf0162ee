"""core.uploads: macro-enabled workbooks and workbooks with too many rows are refused by their content."""

import io
import zipfile

import pytest

from core import excel, uploads
from core.uploads import UploadRefused, check_xlsx


def plain_workbook(rows: int = 3) -> bytes:
    return excel.workbook_bytes(
        [excel.Sheet("单位", [excel.Column("单位名称")], ([f"单位{i}"] for i in range(rows)))]
    )


def rewritten(data: bytes, *, add: dict[str, bytes] | None = None, types: bytes | None = None) -> bytes:
    """The workbook with members added and [Content_Types].xml replaced (as Excel saves an .xlsm)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "[Content_Types].xml" and types is not None:
                content = types
            dst.writestr(info.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def macro_types(data: bytes) -> bytes:
    """[Content_Types].xml as Excel writes it for an .xlsm: the macro-enabled main part and the VBA part."""
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types
    return macro.replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )


def test_a_plain_workbook_passes():
    data = plain_workbook()
    assert check_xlsx(data, max_bytes=0) == data


def test_a_workbook_with_a_vba_project_is_refused():
    data = rewritten(
        plain_workbook(),
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512},
        types=macro_types(plain_workbook()),
    )
    with pytest.raises(UploadRefused) as refused:
        check_xlsx(data, max_bytes=0)
    assert refused.value.message == uploads.MSG_MACROS


@pytest.mark.parametrize("member", ["xl/vbaProject.bin", "xl/macrosheets/sheet1.xml", "XL/VBAPROJECT.BIN"])
def test_each_macro_part_alone_is_refused(member):
    with pytest.raises(UploadRefused, match="含宏"):
        check_xlsx(rewritten(plain_workbook(), add={member: b"x"}), max_bytes=0)


def test_a_macro_enabled_content_type_alone_is_refused():
    with pytest.raises(UploadRefused, match="含宏"):
        check_xlsx(rewritten(plain_workbook(), types=macro_types(plain_workbook())), max_bytes=0)


def test_rows_are_counted_across_sheets_and_a_long_workbook_is_refused():
    data = excel.workbook_bytes(
        [
            excel.Sheet("a", [excel.Column("x")], ([i] for i in range(2500))),
            excel.Sheet("b", [excel.Column("x")], ([i] for i in range(1499))),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert uploads.count_rows(archive) == 4001  # header rows included
    check_xlsx(data, max_bytes=0, max_rows=4001)
    with pytest.raises(UploadRefused) as refused:
        check_xlsx(data, max_bytes=0, max_rows=4000)
    assert refused.value.message == uploads.MSG_TOO_MANY_ROWS.format(rows="4,001", limit="4,000")


def test_row_tags_cut_between_chunks_are_counted_once():
    # Rows of about 1 KiB so that tags straddle the 1 MiB reads at many offsets.
    data = excel.workbook_bytes(
        [excel.Sheet("a", [excel.Column("x")], (["字" * (300 + i % 7)] for i in range(5000)))]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert uploads.count_rows(archive) == 5001


# ---- documents and photos -------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_check_document_tells_the_kind_by_content_not_by_name():
    from core.uploads import UploadRefused, check_document

    assert check_document(b"%PDF-1.7 ...", max_bytes=100)[1] == "pdf"
    assert check_document(b"\x89PNG\r\n\x1a\n....", max_bytes=100)[1] == "png"
    assert check_document(b"\xff\xd8\xff\xe0....", max_bytes=100)[1] == "jpeg"
    assert check_document(_docx_bytes(), max_bytes=10_000)[1] == "docx"
    for bad in (b"MZ\x90\x00 an exe renamed .pdf", b"<html><script>", b"PK\x03\x04 not really a zip"):
        with pytest.raises(UploadRefused) as info:
            check_document(bad, max_bytes=100)
        assert "文件类型不在允许范围内" in info.value.message
    with pytest.raises(UploadRefused) as info:
        check_document(b"\x89PNG\r\n\x1a\n....", kinds=("pdf",), max_bytes=100)
    assert "允许：PDF" in info.value.message


def test_check_document_refuses_empty_and_too_large_files():
    from core.uploads import UploadRefused, check_document

    with pytest.raises(UploadRefused) as info:
        check_document(b"", max_bytes=100)
    assert "空的" in info.value.message
    with pytest.raises(UploadRefused) as info:
        check_document(b"%PDF-" + b"x" * 200, max_bytes=100)
    assert "文件过大" in info.value.message


def test_a_stored_file_is_served_sandboxed_uncached_and_inline_only_when_a_browser_shows_it_safely(tmp_path):
    import pytest as _pytest
    from django.http import Http404

    from core.uploads import stored_file_response

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    shown = stored_file_response(pdf, kind="pdf", content_type="application/pdf", filename="证明.pdf")
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Cache-Control"] == "no-store, private"
    assert shown["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(shown.streaming_content) == b"%PDF-1.4 test"
    docx = tmp_path / "b.docx"
    docx.write_bytes(b"PK\x03\x04")
    downloaded = stored_file_response(docx, kind="docx", content_type="application/octet-stream", filename="b.docx")
    assert downloaded["Content-Disposition"].startswith("attachment")
    with _pytest.raises(Http404):
        stored_file_response(tmp_path / "gone.pdf", kind="pdf", content_type="application/pdf", filename="x.pdf")
