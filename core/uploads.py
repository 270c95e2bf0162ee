"""Checks an uploaded workbook before any parser touches it.

An .xlsx is a zip archive holding `[Content_Types].xml` and `xl/workbook.xml`; the file name and the
browser's content type say nothing, so the check reads the bytes. A small zip can inflate into
gigabytes (a zip bomb), so the declared sizes, the compression ratio and the bytes actually inflated
are bounded before openpyxl opens the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MSG_EMPTY = _("上传的文件是空的，请重新选择台账文件。")
MSG_TOO_LARGE = _("文件过大：最大允许 {limit}，上传的文件为 {size}。请删除无关的工作表或图片后重新上传。")
MSG_OLD_OR_ENCRYPTED = _("这是旧版 Excel（.xls）文件或设置了打开密码的工作簿，无法读取。请在 Excel 中取消密码并“另存为” .xlsx 格式后重新上传。")
MSG_NOT_XLSX = _("文件内容不是 Excel 工作簿（.xlsx）。仅改扩展名不能转换格式，请在 Excel 中“另存为” .xlsx 后重新上传。")
MSG_ZIP_BOMB = _("文件解压后体积异常（压缩比或解压后大小超出限制），可能是恶意构造的文件，已拒绝处理。")
MSG_BROKEN = _("文件已损坏，无法读取。请在 Excel 中重新保存后上传。")
MSG_MACROS = _("这是含宏的工作簿（.xlsm 或带有 VBA/宏表），出于安全考虑不予接收。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后重新上传。")
MSG_TOO_MANY_ROWS = _("工作簿约有 {rows} 行，超过每次最多 {limit} 行的限制。请按单位拆分成几个文件分别导入。")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# Macro-enabled workbooks (.xlsm, .xltm) carry VBA in vbaProject.bin; Excel 4.0 macros live in macro
# sheets. Either is refused whatever the file is called: a platform file never needs them.
MACRO_MEMBER = re.compile(r"(^|/)(vbaProject\.bin|vbaProjectSignature\.bin|macrosheets/|vbaData\.xml)", re.IGNORECASE)
MACRO_CONTENT_TYPES = (b"macroEnabled", b"vbaProject", b"macrosheet", b"ms-office.vba")
# A worksheet's rows, counted in its XML without parsing it: <row ...> start tags (a namespace prefix
# allowed); self-closed <row .../> hold no cells (formatting only) and do not count.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row(?:\s[^>]*)?(?<!/)>")

# Real ledgers inflate 5-20 times; spreadsheets of repeated cells reach about 100.
DEFAULT_MAX_RATIO = 200
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 5000


class UploadRefused(Exception):
    """The upload is refused; `message` says why, in words for the clerk."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self.message = message


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return gettext("%(n)s 字节") % {"n": n}


def _read_all(upload: Any) -> bytes:
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload)
    upload.seek(0)
    return upload.read()


def check_xlsx(
    upload: Any,
    *,
    max_bytes: int | None = None,
    max_uncompressed: int | None = None,
    max_ratio: int | None = None,
    max_rows: int | None = None,
) -> bytes:
    """The workbook's bytes if it is a sane .xlsx, else UploadRefused with the reason.

    `upload` is an UploadedFile, a binary file object or bytes. `max_bytes` defaults to
    settings.JINGUO_MAX_UPLOAD_BYTES; pass 0 to skip the size limit (a command run by an operator).
    `max_rows` refuses a workbook whose worksheets hold more rows than that, all sheets together (counted
    in the XML before any parser builds them, so a 650,000-row file costs a scan, not a gigabyte).
    """
    if max_bytes is None:
        max_bytes = int(settings.JINGUO_MAX_UPLOAD_BYTES)
    max_uncompressed = max_uncompressed or int(
        getattr(settings, "JINGUO_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)
    )
    max_ratio = max_ratio or int(getattr(settings, "JINGUO_MAX_COMPRESSION_RATIO", DEFAULT_MAX_RATIO))

    declared = getattr(upload, "size", None)
    if max_bytes and declared is not None and declared > max_bytes:
        raise UploadRefused(MSG_TOO_LARGE.format(limit=human_size(max_bytes), size=human_size(declared)))
    data = _read_all(upload)
    if not data:
        raise UploadRefused(MSG_EMPTY)
    if max_bytes and len(data) > max_bytes:
        raise UploadRefused(MSG_TOO_LARGE.format(limit=human_size(max_bytes), size=human_size(len(data))))
    if data.startswith(OLE_MAGIC):
        raise UploadRefused(MSG_OLD_OR_ENCRYPTED)
    if not data.startswith(ZIP_MAGIC):
        raise UploadRefused(MSG_NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(MSG_NOT_XLSX) from None
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if not all(m in names for m in REQUIRED_MEMBERS):
            raise UploadRefused(MSG_NOT_XLSX)
        if len(infos) > DEFAULT_MAX_MEMBERS:
            raise UploadRefused(MSG_ZIP_BOMB)
        if any(MACRO_MEMBER.search(i.filename) for i in infos):
            raise UploadRefused(MSG_MACROS)
        # First what the archive declares, which costs nothing ...
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > max_uncompressed or total > max_ratio * max(packed, 1):
            raise UploadRefused(MSG_ZIP_BOMB)
        for info in infos:
            if info.file_size > max_ratio * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
                raise UploadRefused(MSG_ZIP_BOMB)
        # ... then what it really inflates to, since headers can lie; bounded, so it stops early.
        _inflate_bounded(archive, infos, max_uncompressed)
        types = archive.read("[Content_Types].xml")
        if any(marker.lower() in types.lower() for marker in MACRO_CONTENT_TYPES):
            raise UploadRefused(MSG_MACROS)
        if max_rows:
            rows = count_rows(archive)
            if rows > max_rows:
                raise UploadRefused(MSG_TOO_MANY_ROWS.format(rows=f"{rows:,}", limit=f"{max_rows:,}"))
    return data


def count_rows(archive: zipfile.ZipFile) -> int:
    """Rows with cells in every worksheet (header rows included: an upper bound of the data rows)."""
    total = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        tail = b""
        with archive.open(info) as stream:
            while chunk := stream.read(1024 * 1024):
                block = tail + chunk
                # A tag cut by the end of the block waits for the next one (tags hold no "<").
                cut = block.rfind(b"<")
                if cut >= 0 and block.find(b">", cut) < 0:
                    block, tail = block[:cut], block[cut:]
                else:
                    tail = b""
                total += len(_ROW_TAG.findall(block))
    return total


def _inflate_bounded(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limit: int) -> None:
    inflated = 0
    try:
        for info in infos:
            if info.is_dir():
                continue
            stream: IO[bytes]
            with archive.open(info) as stream:
                while chunk := stream.read(256 * 1024):
                    inflated += len(chunk)
                    if inflated > limit:
                        raise UploadRefused(MSG_ZIP_BOMB)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        # Unsupported compression, encryption or a CRC mismatch: not a workbook Excel wrote.
        raise UploadRefused(MSG_BROKEN) from None
    except Exception:  # zlib.error and friends
        raise UploadRefused(MSG_BROKEN) from None


# ---- documents and photos (evidence files) ----------------------------------------------------------

MSG_TYPE_NOT_ALLOWED = _("文件类型不在允许范围内（允许：%(allowed)s）。文件的实际内容决定类型，改扩展名无效。")

# What a file is, told by its first bytes (and, for Office files, by the members of the zip archive).
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("PDF", "application/pdf"),
    "png": ("PNG", "image/png"),
    "jpeg": ("JPEG", "image/jpeg"),
    "docx": ("Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def sniff_kind(data: bytes) -> str | None:
    """ "pdf", "png", "jpeg", "docx", "xlsx" from the content, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if all(m in names for m in REQUIRED_MEMBERS):
            return "xlsx"
    return None


def check_document(
    upload: Any, *, kinds: tuple[str, ...] = tuple(DOCUMENT_KINDS), max_bytes: int | None = None
) -> tuple[bytes, str]:
    """The file's bytes and kind if its content is one of `kinds` within the size limit, else UploadRefused.

    Office files (zip archives) go through the same bounds as workbooks (zip bombs, macros)."""
    if max_bytes is None:
        max_bytes = int(settings.JINGUO_MAX_UPLOAD_BYTES)
    declared = getattr(upload, "size", None)
    if max_bytes and declared is not None and declared > max_bytes:
        raise UploadRefused(MSG_TOO_LARGE.format(limit=human_size(max_bytes), size=human_size(declared)))
    data = _read_all(upload)
    if not data:
        raise UploadRefused(MSG_EMPTY)
    if max_bytes and len(data) > max_bytes:
        raise UploadRefused(MSG_TOO_LARGE.format(limit=human_size(max_bytes), size=human_size(len(data))))
    kind = sniff_kind(data)
    if kind is None or kind not in kinds:
        raise UploadRefused(
            MSG_TYPE_NOT_ALLOWED % {"allowed": "、".join(str(DOCUMENT_KINDS[k][0]) for k in kinds)}
        )
    if kind in ("docx", "xlsx"):
        _check_office_zip(data)
    return data, kind


def _check_office_zip(data: bytes) -> None:
    max_uncompressed = int(getattr(settings, "JINGUO_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED))
    max_ratio = int(getattr(settings, "JINGUO_MAX_COMPRESSION_RATIO", DEFAULT_MAX_RATIO))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > DEFAULT_MAX_MEMBERS:
            raise UploadRefused(MSG_ZIP_BOMB)
        if any(MACRO_MEMBER.search(i.filename) for i in infos):
            raise UploadRefused(MSG_MACROS)
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > max_uncompressed or total > max_ratio * max(packed, 1):
            raise UploadRefused(MSG_ZIP_BOMB)
        _inflate_bounded(archive, infos, max_uncompressed)


# Kinds a browser shows itself without running anything; every other kind is downloaded.
INLINE_KINDS = ("pdf", "png", "jpeg")


def stored_file_response(path: Path, *, kind: str, content_type: str, filename: str) -> FileResponse:
    """A checked upload kept outside the web root, as it is served: inline when a browser shows its kind
    safely, never sniffed, never cached, and sandboxed (it runs nothing even if it were HTML). 404 when
    the file is gone. The caller has fetched the row through its scoping."""
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=kind not in INLINE_KINDS, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
