"""The lecture overview (讲座统计) for federation staff: reads only, over a period, in a fixed number of queries.

Lectures held and attendance by month, ratings by topic and by category, credited hours by unit and by
volunteer, orders by orderer and by state, and the time from an order to its lecture. Every figure is
counted from the rows (held lectures, registrations, feedback, approved other service, orders); nothing
is stored. The page and its Excel lists read the same `Overview`, so they always agree.

Queries (for the page's query-count test): held lectures by month; registrations by month; ratings by
topic; ratings by category; lecturer credits; approved other service; the volunteers named; orders by
orderer and state; order-to-lecture times. Nine, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lectures import hours
from lectures.models import (
    Lecture,
    LectureRequest,
    OtherService,
    Registration,
    Volunteer,
)

MSG_BAD_YEAR = _("年份无效：请选择 {first} 至 {last} 年之间的年份。已显示 {shown} 年的数据。")
MSG_BAD_DATE = _("日期格式无效（应为 年-月-日，例如 2019-01-01）。已显示 {shown} 年全年的数据。")
MSG_FROM_AFTER_TO = _("开始日期不能晚于结束日期。已显示 {shown} 年全年的数据。")
MIN_YEAR = 1990
# The page shows the first rows of each list; the Excel export has them all.
PAGE_ROWS = 10
NO_ORDERER = _("（未注明）")


# --------------------------------------------------------------------------------------------- period
@dataclass
class Period:
    """The period the overview covers (a year, or from–to), and messages about what the user asked for."""

    year: int
    start: dt.date
    end: dt.date
    custom: bool = False
    errors: list[str] = field(default_factory=list)

    def query(self) -> str:
        if self.custom:
            return f"from={self.start.isoformat()}&to={self.end.isoformat()}"
        return f"year={self.year}"


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_period(params: Any, today: dt.date, first_year: int | None = None) -> Period:
    """?year= (default this year) or ?from=&to= (either may be left out); bad input falls back with a message."""
    last = today.year
    first = min(first_year or last, last)
    errors: list[str] = []
    year = last
    raw_year = (params.get("year") or "").strip()
    if raw_year:
        if raw_year.isdigit() and MIN_YEAR <= int(raw_year) <= last:
            year = int(raw_year)
        else:
            errors.append(str(MSG_BAD_YEAR).format(first=first, last=last, shown=last))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if raw_from or raw_to:
        d_from = _date(raw_from) if raw_from else start
        d_to = _date(raw_to) if raw_to else end
        if d_from is None or d_to is None or d_from.year < MIN_YEAR or d_to.year < MIN_YEAR:
            errors.append(str(MSG_BAD_DATE).format(shown=year))
        elif d_from > d_to:
            errors.append(str(MSG_FROM_AFTER_TO).format(shown=year))
        else:
            return Period(year=d_to.year, start=d_from, end=d_to, custom=True, errors=errors)
    return Period(year=year, start=start, end=end, errors=errors)


def first_year(user: Any, federation_id: int | None) -> int | None:
    """The year of the federation's first lecture (the year picker starts there)."""
    if federation_id is None:
        return None
    first = Lecture.objects.visible_to(user).filter(federation_id=federation_id).aggregate(m=Min("starts_at"))
    return timezone.localtime(first["m"]).year if first["m"] else None


# --------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    held: int
    registered: int
    attended: int

    @property
    def rate(self) -> float | None:
        return _rate(self.attended, self.registered)


@dataclass(frozen=True)
class RatingRow:
    """Ratings of the lectures of one topic or one category: feedback count and the mean per criterion."""

    name: str
    category: str
    held: int
    feedback: int
    relevance: float | None
    content: float | None
    delivery: float | None

    @property
    def overall(self) -> float | None:
        parts = [x for x in (self.relevance, self.content, self.delivery) if x is not None]
        return round(sum(parts) / len(parts), 2) if parts else None


@dataclass(frozen=True)
class HoursRow:
    name: str
    unit: str
    volunteers: int
    lectures: int
    lecture_hours: Decimal
    other_hours: Decimal

    @property
    def total(self) -> Decimal:
        return hours.total_hours([self.lecture_hours, self.other_hours])


@dataclass(frozen=True)
class OrdererRow:
    name: str
    kind: str
    total: int
    by_state: dict[str, int]

    @property
    def parts(self) -> list[tuple[str, int]]:
        """(state label, count) of the states it has orders in, in the order of the states."""
        return [
            (str(label), self.by_state[v]) for v, label in LectureRequest.Status.choices if v in self.by_state
        ]


@dataclass(frozen=True)
class StateRow:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class LeadTime:
    """Days from an order to its lecture, over the orders whose lecture was held in the period."""

    count: int
    median: float | None
    mean: float | None
    shortest: int | None
    longest: int | None


@dataclass
class Overview:
    federation_id: int | None
    period: Period
    months: list[MonthRow]
    held: int
    registered: int
    attended: int
    by_topic: list[RatingRow]
    by_category: list[RatingRow]
    by_unit: list[HoursRow]
    by_volunteer: list[HoursRow]
    by_orderer: list[OrdererRow]
    by_state: list[StateRow]
    lead_time: LeadTime

    @property
    def attendance_rate(self) -> float | None:
        return _rate(self.attended, self.registered)

    @property
    def orders(self) -> int:
        return sum(r.count for r in self.by_state)

    @property
    def hours_total(self) -> Decimal:
        return hours.total_hours(r.total for r in self.by_volunteer)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _only(federation_id: int | None) -> list[int]:
    """The federation as an `__in` list: none when the user is staff nowhere."""
    return [federation_id] if federation_id is not None else []


def _mean(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


# --------------------------------------------------------------------------------------------- reading
def held_lectures(user: Any, federation_id: int | None, period: Period) -> QuerySet[Lecture]:
    """The federation's lectures held in the period, as the user may see them."""
    if federation_id is None:
        return Lecture.objects.none()
    return Lecture.objects.visible_to(user).filter(
        federation_id=federation_id,
        status=Lecture.Status.HELD,
        starts_at__date__gte=period.start,
        starts_at__date__lte=period.end,
    )


def _months(held: QuerySet[Lecture]) -> list[MonthRow]:
    lectures = {
        r["month"]: r["n"]
        for r in held.order_by()
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(n=Count("id"))
    }
    regs = (
        Registration.objects.filter(lecture__in=held.values("pk"), status=Registration.Status.REGISTERED)
        .order_by()
        .annotate(month=TruncMonth("lecture__starts_at"))
        .values("month")
        .annotate(n=Count("id"), attended=Count("id", filter=Q(attendance=Registration.Attendance.ATTENDED)))
    )
    counts = {r["month"]: (r["n"], r["attended"]) for r in regs}
    out = []
    for month in sorted(set(lectures) | set(counts)):
        n, attended = counts.get(month, (0, 0))
        day = month.date() if isinstance(month, dt.datetime) else month
        out.append(MonthRow(day, lectures.get(month, 0), n, attended))
    return out


def _ratings(held: QuerySet[Lecture], group: Sequence[str], name: str, category: str) -> list[RatingRow]:
    rows = (
        held.order_by()
        .values(*group)
        .annotate(
            held=Count("id", distinct=True),
            n=Count("feedback"),
            r=Avg("feedback__relevance"),
            c=Avg("feedback__content"),
            d=Avg("feedback__delivery"),
        )
    )
    out = [
        RatingRow(
            row[name],
            row[category] if category else "",
            row["held"],
            row["n"],
            _mean(row["r"]),
            _mean(row["c"]),
            _mean(row["d"]),
        )
        for row in rows
    ]
    return sorted(out, key=lambda r: (-(r.overall or 0), -r.feedback, r.name))


def _hours(
    user: Any, federation_id: int | None, period: Period, held: QuerySet[Lecture]
) -> tuple[list[HoursRow], list[HoursRow]]:
    """(by unit, by volunteer): each lecturer of a held lecture is credited its length plus the topic's
    preparation; approved other service in the period counts its hours (lectures.hours)."""
    lecture_hours: dict[int, list[Decimal]] = {}
    other_hours: dict[int, list[Decimal]] = {}
    credits = Lecture.lecturers.through.objects.filter(lecture__in=held.values("pk")).values_list(
        "volunteer_id", "lecture__duration_minutes", "lecture__topic__preparation_hours"
    )
    for volunteer_id, minutes, preparation in credits:
        lecture_hours.setdefault(volunteer_id, []).append(hours.credited_hours(minutes, preparation))
    others = OtherService.objects.visible_to(user).filter(
        federation_id__in=_only(federation_id),
        status=OtherService.Status.APPROVED,
        served_on__gte=period.start,
        served_on__lte=period.end,
    )
    for volunteer_id, amount in others.values_list("volunteer_id", "hours"):
        other_hours.setdefault(volunteer_id, []).append(amount)
    ids = set(lecture_hours) | set(other_hours)
    names = Volunteer.objects.filter(pk__in=ids).values_list("pk", "person__name", "unit_id", "unit__name")
    by_volunteer: list[HoursRow] = []
    units: dict[int | None, dict[str, Any]] = {}
    for pk, person, unit_id, unit_name in names:
        row = HoursRow(
            person,
            unit_name or "",
            1,
            len(lecture_hours.get(pk, [])),
            hours.total_hours(lecture_hours.get(pk, [])),
            hours.total_hours(other_hours.get(pk, [])),
        )
        by_volunteer.append(row)
        agg = units.setdefault(unit_id, {"name": unit_name or gettext("（未填单位）"), "rows": []})
        agg["rows"].append(row)
    by_unit = [
        HoursRow(
            agg["name"],
            agg["name"],
            len(agg["rows"]),
            sum(r.lectures for r in agg["rows"]),
            hours.total_hours(r.lecture_hours for r in agg["rows"]),
            hours.total_hours(r.other_hours for r in agg["rows"]),
        )
        for agg in units.values()
    ]
    key: Callable[[HoursRow], Any] = lambda r: (-r.total, -r.lectures, r.name)  # noqa: E731
    return sorted(by_unit, key=key), sorted(by_volunteer, key=key)


def _orders(user: Any, federation_id: int | None, period: Period) -> tuple[list[OrdererRow], list[StateRow]]:
    """Orders placed in the period, by the ordering community or unit and by state."""
    orders = LectureRequest.objects.visible_to(user).filter(
        federation_id__in=_only(federation_id),
        created_at__date__gte=period.start,
        created_at__date__lte=period.end,
    )
    rows = (
        orders.order_by()
        .values("community_id", "community__name", "unit_id", "unit__name", "status")
        .annotate(n=Count("id"))
    )
    orderers: dict[tuple[str, int | None], dict[str, Any]] = {}
    states: dict[str, int] = {}
    for row in rows:
        if row["community_id"] is not None:
            key, name, kind = ("community", row["community_id"]), row["community__name"], gettext("社区")
        elif row["unit_id"] is not None:
            key, name, kind = ("unit", row["unit_id"]), row["unit__name"], gettext("单位")
        else:
            key, name, kind = ("none", None), str(NO_ORDERER), ""
        entry = orderers.setdefault(key, {"name": name, "kind": kind, "by_state": {}})
        entry["by_state"][row["status"]] = entry["by_state"].get(row["status"], 0) + row["n"]
        states[row["status"]] = states.get(row["status"], 0) + row["n"]
    by_orderer = sorted(
        (
            OrdererRow(e["name"], e["kind"], sum(e["by_state"].values()), e["by_state"])
            for e in orderers.values()
        ),
        key=lambda r: (-r.total, r.name),
    )
    by_state = [
        StateRow(value, str(label), states.get(value, 0)) for value, label in LectureRequest.Status.choices
    ]
    return by_orderer, by_state


def _lead_time(user: Any, held: QuerySet[Lecture]) -> LeadTime:
    pairs = (
        LectureRequest.objects.visible_to(user)
        .filter(lecture__in=held.values("pk"))
        .values_list("created_at", "lecture__starts_at")
    )
    # An order recorded after its lecture (entered afterwards) says nothing about waiting: left out.
    days = sorted(
        d
        for d in (
            (timezone.localdate(starts) - timezone.localdate(created)).days for created, starts in pairs
        )
        if d >= 0
    )
    if not days:
        return LeadTime(0, None, None, None, None)
    return LeadTime(
        len(days),
        round(float(statistics.median(days)), 1),
        round(statistics.fmean(days), 1),
        days[0],
        days[-1],
    )


def overview_for(user: Any, federation_id: int | None, period: Period) -> Overview:
    """The whole overview of one federation over a period, in nine queries."""
    held = held_lectures(user, federation_id, period)
    months = _months(held)
    by_topic = _ratings(
        held, ("topic_id", "topic__title", "topic__category__name"), "topic__title", "topic__category__name"
    )
    by_category = _ratings(held, ("topic__category_id", "topic__category__name"), "topic__category__name", "")
    by_unit, by_volunteer = _hours(user, federation_id, period, held)
    by_orderer, by_state = _orders(user, federation_id, period)
    return Overview(
        federation_id=federation_id,
        period=period,
        months=months,
        held=sum(m.held for m in months),
        registered=sum(m.registered for m in months),
        attended=sum(m.attended for m in months),
        by_topic=by_topic,
        by_category=by_category,
        by_unit=by_unit,
        by_volunteer=by_volunteer,
        by_orderer=by_orderer,
        by_state=by_state,
        lead_time=_lead_time(user, held),
    )


# --------------------------------------------------------------------------------------------- charts
def chart_data(o: Overview) -> dict[str, Any]:
    """The charts' data, for json_script (lectures/static/lectures/js/overview.js draws them)."""
    top_units = o.by_unit[:PAGE_ROWS]
    return {
        "months": {
            "labels": [f"{m.month:%Y-%m}" for m in o.months],
            "held": [m.held for m in o.months],
            "rate": [m.rate for m in o.months],
            "names": [gettext("举办场次"), gettext("出席率")],
        },
        "categories": {
            "labels": [r.name for r in o.by_category],
            "values": [r.overall for r in o.by_category],
            "name": gettext("平均评分"),
        },
        "units": {
            "labels": [r.name for r in top_units],
            "values": [float(r.total) for r in top_units],
            "name": gettext("服务时长（小时）"),
        },
        "states": {
            "labels": [r.label for r in o.by_state],
            "values": [r.count for r in o.by_state],
            "name": gettext("点单数"),
        },
    }


# --------------------------------------------------------------------------------------------- Excel lists
@dataclass(frozen=True)
class ListSpec:
    """One list of the overview as an Excel sheet: its title, columns (header, width) and rows."""

    key: str
    title: str | Promise
    columns: Sequence[tuple[str | Promise, int]]
    rows: Callable[[Overview], list[list[Any]]]


def _rating_cells(r: RatingRow, with_category: bool) -> list[Any]:
    head = [r.name, r.category] if with_category else [r.name]
    return [*head, r.held, r.feedback, r.relevance, r.content, r.delivery, r.overall]


def _hours_cells(r: HoursRow, by_unit: bool) -> list[Any]:
    head = [r.name, r.volunteers] if by_unit else [r.name, r.unit]
    return [*head, r.lectures, r.lecture_hours, r.other_hours, r.total]


_RATING_COLUMNS: list[tuple[str | Promise, int]] = [
    (_("场次"), 8),
    (_("反馈数"), 8),
    (_("实用性"), 8),
    (_("内容"), 8),
    (_("讲授"), 8),
    (_("综合"), 8),
]
_HOURS_COLUMNS: list[tuple[str | Promise, int]] = [
    (_("讲座场次"), 10),
    (_("讲座时长（小时）"), 14),
    (_("其他服务（小时）"), 14),
    (_("合计（小时）"), 12),
]


def _state_columns() -> list[tuple[str | Promise, int]]:
    return [(label, 10) for _value, label in LectureRequest.Status.choices]


LISTS: dict[str, ListSpec] = {
    "months": ListSpec(
        "months",
        _("各月举办与出席"),
        [
            (_("月份"), 10),
            (_("举办场次"), 10),
            (_("报名人数"), 10),
            (_("出席人数"), 10),
            (_("出席率（%）"), 12),
        ],
        lambda o: [[f"{m.month:%Y-%m}", m.held, m.registered, m.attended, m.rate] for m in o.months],
    ),
    "topics": ListSpec(
        "topics",
        _("各课题评分"),
        [(_("课题"), 30), (_("专业类别"), 12), *_RATING_COLUMNS],
        lambda o: [_rating_cells(r, True) for r in o.by_topic],
    ),
    "categories": ListSpec(
        "categories",
        _("各类别评分"),
        [(_("专业类别"), 14), *_RATING_COLUMNS],
        lambda o: [_rating_cells(r, False) for r in o.by_category],
    ),
    "units": ListSpec(
        "units",
        _("各单位志愿服务时长"),
        [(_("工作单位"), 28), (_("志愿者人数"), 10), *_HOURS_COLUMNS],
        lambda o: [_hours_cells(r, True) for r in o.by_unit],
    ),
    "volunteers": ListSpec(
        "volunteers",
        _("各志愿者服务时长"),
        [(_("姓名"), 12), (_("工作单位"), 28), *_HOURS_COLUMNS],
        lambda o: [_hours_cells(r, False) for r in o.by_volunteer],
    ),
    "orderers": ListSpec(
        "orderers",
        _("各社区（单位）点单"),
        [(_("点单社区或单位"), 28), (_("类型"), 8), (_("合计"), 8), *_state_columns()],
        lambda o: [
            [r.name, r.kind, r.total, *(r.by_state.get(v, 0) for v in LectureRequest.Status.values)]
            for r in o.by_orderer
        ],
    ),
    "states": ListSpec(
        "states",
        _("各状态点单"),
        [(_("状态"), 14), (_("点单数"), 10)],
        lambda o: [[r.label, r.count] for r in o.by_state],
    ),
}


def list_workbook(spec: ListSpec, o: Overview, federation_name: str) -> tuple[bytes, int]:
    """(the workbook, its row count): a title line naming the federation and period, then the list."""
    from core import excel

    rows = spec.rows(o)
    title = gettext("%(title)s（%(federation)s，%(start)s 至 %(end)s）") % {
        "title": spec.title,
        "federation": federation_name,
        "start": o.period.start.isoformat(),
        "end": o.period.end.isoformat(),
    }
    sheet = excel.Sheet(
        str(spec.title),
        [excel.Column(str(header), width) for header, width in spec.columns],
        rows,
        preamble=[[excel.Cell(title, "title")], []],
    )
    return excel.workbook_bytes([sheet]), len(rows)
