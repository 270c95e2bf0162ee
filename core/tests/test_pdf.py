"""core.pdf: Chinese text stays text, in an embedded CJK font, with page numbers; nothing is fetched."""

import re
import shutil
import subprocess

import pytest
from django.template import Context, Template

from core.pdf import html_to_pdf

pytestmark = pytest.mark.skipif(
    not shutil.which("pdffonts"), reason="poppler-utils (pdffonts, pdftotext) not installed"
)

DOC = """{% extends "pdf/base.html" %}{% block body %}<h1>志愿服务证明</h1>
<p>兹证明张雅琴同志于2025年度参加巾帼志愿讲课服务，累计服务时长 36.5 小时。</p>
{% for i in rows %}<p>第{{ i }}行：如何与孩子有效沟通</p>{% endfor %}{% endblock %}"""


def pdf_of(tmp_path, rows=3):
    path = tmp_path / "doc.pdf"
    path.write_bytes(html_to_pdf(Template(DOC).render(Context({"rows": range(rows)}))))
    return path


def test_the_chinese_text_is_text_in_an_embedded_cjk_font(tmp_path):
    path = pdf_of(tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "志愿服务证明" in text and "累计服务时长 36.5 小时" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    # name type encoding emb sub uni ...: every CJK font is embedded ("yes" in the emb column).
    assert all(" yes " in line for line in cjk), fonts


def test_long_documents_number_their_pages(tmp_path):
    path = pdf_of(tmp_path, rows=120)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页", text)
    assert (
        len(pages) > 1
        and pages[0] == ("1", str(len(pages)))
        and pages[-1] == (str(len(pages)), str(len(pages)))
    )


def test_nothing_is_fetched_while_rendering():
    pdf = html_to_pdf('<html><body><img src="http://example.org/x.png"><p>内容</p></body></html>')
    assert pdf.startswith(b"%PDF")
