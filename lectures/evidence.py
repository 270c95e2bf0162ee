"""Evidence files of the lecture system (qualification certificates, proof of other service): checked by their
content and size (core.uploads), stored once by their SHA-256 outside the web root, served by scoped views."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from core.uploads import stored_file_response

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx")
MSG_EVIDENCE_REFUSED = _("文件未通过检查：%(reason)s")


def private_dir() -> Path:
    """Outside the web root: no URL serves it; a scoped view streams a file."""
    return Path(getattr(settings, "JINGUO_PRIVATE_DIR", Path(settings.VAR_DIR) / "private")) / "lectures"


def attach(row: Any, upload: Any) -> None:
    """Checks `upload` and fills the row's evidence fields (lectures.models.EvidenceFile); the caller saves."""
    from core.uploads import DOCUMENT_KINDS, UploadRefused, check_document

    try:
        data, kind = check_document(upload, kinds=EVIDENCE_KINDS)
    except UploadRefused as refused:
        raise ValidationError(MSG_EVIDENCE_REFUSED, code="file", params={"reason": refused.message}) from None
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = private_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    name = str(getattr(upload, "name", "") or f"evidence.{kind}").replace("/", "_").replace("\\", "_")[-200:]
    row.evidence_path, row.evidence_name, row.evidence_kind = relative, name, kind
    row.evidence_type, row.evidence_size, row.evidence_sha256 = DOCUMENT_KINDS[kind][1], len(data), digest


def response(row: Any) -> FileResponse:
    """The stored file, inline when a browser shows it safely, sandboxed and never cached."""
    if not row.evidence_path:
        raise Http404
    return stored_file_response(
        private_dir() / row.evidence_path,
        kind=row.evidence_kind,
        content_type=row.evidence_type,
        filename=row.evidence_name,
    )
