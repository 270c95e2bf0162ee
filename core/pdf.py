"""Printable documents (certificates, duty reports, self-check reports) as PDF, with WeasyPrint.

A template extends "pdf/base.html", which sets the page (A4, margins, page numbers "第 N 页 / 共 M 页")
and the font: Noto Sans/Serif CJK from the system's fonts-noto-cjk package, embedded as subsets, so the
Chinese text is text (searchable, copyable) on any machine that opens the file. Charts are inline SVG
(core.charts), never images fetched from anywhere: WeasyPrint is given no base URL to reach out with.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.excel import attachment

PDF_TYPE = "application/pdf"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # A document is self-contained: only data: URIs (inline images) load; nothing is fetched from a
    # network or a file while it is rendered.
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The template rendered to PDF bytes."""
    return html_to_pdf(render_to_string(template, context, request=request))


def pdf_response(content: bytes, filename: str, ascii_fallback: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_TYPE)
    disposition = attachment(filename, ascii_fallback)
    response["Content-Disposition"] = disposition.replace("attachment", "inline", 1) if inline else disposition
    response["Cache-Control"] = "no-store, private"
    return response
