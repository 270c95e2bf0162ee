"""The consultation's summary as a workbook (core.excel)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from core.excel import Cell, Column, Sheet, workbook_bytes
from documents import selectors
from documents.models import Consultation


def summary_workbook(consultation: Consultation) -> bytes:
    """Sheet 1: per section, the comments received and how they were handled; sheet 2: every comment."""
    rows = selectors.summary_of(consultation)
    title = gettext("%(title)s 意见汇总") % {"title": consultation.title}
    counts = Sheet(
        title=gettext("按章节汇总"),
        preamble=[
            [Cell(title, "title")],
            [gettext("截止日期：%(d)s") % {"d": consultation.deadline.isoformat()}],
        ],
        columns=[
            Column(gettext("序号"), 8),
            Column(gettext("章节"), 30),
            Column(gettext("意见条数"), 10),
            Column(gettext("处理结果"), 12),
            Column(gettext("处理说明"), 50),
        ],
        rows=[
            [
                r.section.number,
                r.section.heading or gettext("（前言）"),
                r.count,
                r.note.get_outcome_display() if r.note else "",
                r.note.note if r.note else "",
            ]
            for r in rows
        ],
    )
    comments = Sheet(
        title=gettext("意见明细"),
        columns=[
            Column(gettext("序号"), 8),
            Column(gettext("章节"), 30),
            Column(gettext("单位"), 20),
            Column(gettext("提出人"), 12),
            Column(gettext("提交时间"), 20, "datetime"),
            Column(gettext("意见"), 60),
        ],
        rows=[
            [
                r.section.number,
                r.section.heading or gettext("（前言）"),
                c.unit.name if c.unit else "",
                c.author_name,
                timezone.localtime(c.created_at).replace(tzinfo=None),
                c.text,
            ]
            for r in rows
            for c in r.comments
        ],
    )
    return workbook_bytes([counts, comments])
