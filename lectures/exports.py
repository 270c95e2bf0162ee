"""Workbooks of the lecture system (core.excel): the lectures, and service hours by volunteer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from core.excel import Column, Sheet, workbook_bytes
from lectures import selectors
from lectures.models import Lecture, Volunteer


def lectures_sheet(lectures: QuerySet[Lecture]) -> Sheet:
    def rows() -> Iterator[list[Any]]:
        for lec in lectures:
            yield [
                timezone.localtime(lec.starts_at).replace(tzinfo=None),
                lec.topic.title,
                lec.topic.category.name,
                "、".join(v.person.name for v in lec.lecturers.all()),
                lec.venue,
                lec.host_unit.name if lec.host_unit else (lec.community.name if lec.community else ""),
                lec.capacity,
                getattr(lec, "taken", 0),
                getattr(lec, "attended", 0),
                lec.get_status_display(),
            ]

    return Sheet(
        title=gettext("讲座"),
        columns=[
            Column(gettext("时间"), 18, "datetime"),
            Column(gettext("课题"), 30),
            Column(gettext("专业类别"), 12),
            Column(gettext("授课讲师"), 18),
            Column(gettext("地点"), 24),
            Column(gettext("主办"), 20),
            Column(gettext("名额"), 8),
            Column(gettext("已报名"), 8),
            Column(gettext("出席"), 8),
            Column(gettext("状态"), 10),
        ],
        rows=rows(),
    )


def lectures_workbook(user: Any) -> bytes:
    from django.db.models import Count, Q

    lectures = (
        selectors.lecture_list_for(user, when="all")
        .select_related("topic__category")
        .annotate(
            attended=Count("registrations", filter=Q(registrations__attendance="attended"), distinct=True)
        )
    )
    return workbook_bytes([lectures_sheet(lectures)])


def hours_workbook(user: Any, start: dt.date | None, end: dt.date | None) -> bytes:
    volunteers = Volunteer.objects.permitted(user, "manage").order_by("person__name", "id")
    period = f"{start or '—'} ~ {end or '—'}"
    rows = [
        [
            v.person.name,
            v.unit.name if v.unit else "",
            "、".join(c.name for c in v.categories.all()),
            n,
            total,
        ]
        for v, n, total in selectors.hours_by_volunteer(volunteers.prefetch_related("categories"), start, end)
    ]
    sheet = Sheet(
        title=gettext("服务时长"),
        preamble=[[gettext("志愿服务时长（按已举办讲座计算）")], [gettext("期间") + "：" + period]],
        columns=[
            Column(gettext("姓名"), 12),
            Column(gettext("工作单位"), 24),
            Column(gettext("专业类别"), 20),
            Column(gettext("讲座场次"), 10),
            Column(gettext("服务时长（小时）"), 14),
        ],
        rows=rows,
    )
    return workbook_bytes([sheet])
