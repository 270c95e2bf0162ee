"""Scoped reads of the volunteer lecture system."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from lectures import hours
from lectures.models import (
    PLACE_HOLDING,
    ExpertiseCategory,
    Feedback,
    Lecture,
    LectureRequest,
    OtherService,
    Qualification,
    Registration,
    Topic,
    Volunteer,
)


def categories_for(
    user: Any, federation_id: int | None = None, *, active_only: bool = False
) -> QuerySet[ExpertiseCategory]:
    qs = ExpertiseCategory.objects.visible_to(user)
    if federation_id is not None:
        qs = qs.filter(federation_id=federation_id)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("federation_id", "order", "id")


def volunteer_list_for(
    user: Any, *, category_id: int | None = None, q: str = "", status: str = ""
) -> QuerySet[Volunteer]:
    """The volunteers the user may see, with their person, unit and categories (three queries in all)."""
    qs = (
        Volunteer.objects.visible_to(user)
        .select_related("person", "unit")
        .prefetch_related(Prefetch("categories", queryset=ExpertiseCategory.objects.order_by("order", "id")))
    )
    if category_id:
        qs = qs.filter(categories__id=category_id)
    if q.strip():
        qs = qs.filter(Q(person__name__icontains=q.strip()) | Q(bio__icontains=q.strip()))
    if status:
        qs = qs.filter(status=status)
    return qs.distinct().order_by("person__name", "id")


def own_volunteer(user: Any) -> Volunteer | None:
    """The user's own volunteer record, if she is one."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return Volunteer.objects.visible_to(user).filter(person_id=person_id).first()


# The library's duration filter: key -> (label, minutes above, minutes up to).
TOPIC_DURATIONS: dict[str, tuple[Any, int | None, int | None]] = {
    "short": (gettext_lazy("60 分钟以内"), None, 60),
    "medium": (gettext_lazy("60–90 分钟"), 60, 90),
    "long": (gettext_lazy("90 分钟以上"), 90, None),
}
# The library's orders: key -> (label, order_by).
TOPIC_SORTS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "category": (gettext_lazy("按类别"), ("category__order", "title", "id")),
    "newest": (gettext_lazy("最新入库"), (F("added_on").desc(nulls_last=True), "-id")),
    "rating": (
        gettext_lazy("评分最高"),
        (F("rating").desc(nulls_last=True), "-rating_count", "title", "id"),
    ),
    "given": (gettext_lazy("举办最多"), ("-given", "title", "id")),
}


def with_ratings(qs: QuerySet[Topic]) -> QuerySet[Topic]:
    """Annotate each topic, in the same query, with `rating` (the mean of all criteria of the feedback on its
    held lectures, None without any), `rating_count` (that feedback's number) and `given` (its held
    lectures). The figures are aggregates without names, so they are read from all feedback, not only what
    the reader may see one by one."""
    feedback = Feedback.objects.filter(
        lecture__topic_id=OuterRef("pk"), lecture__status=Lecture.Status.HELD
    ).values("lecture__topic_id")
    held = Lecture.objects.filter(topic_id=OuterRef("pk"), status=Lecture.Status.HELD).values("topic_id")
    mean = Avg(F("relevance") + F("content") + F("delivery"), output_field=FloatField()) / 3.0
    return qs.annotate(
        rating=Subquery(feedback.annotate(r=mean).values("r"), output_field=FloatField()),
        rating_count=Coalesce(
            Subquery(feedback.annotate(n=Count("id")).values("n"), output_field=IntegerField()), 0
        ),
        given=Coalesce(Subquery(held.annotate(n=Count("id")).values("n"), output_field=IntegerField()), 0),
    )


def topic_list_for(
    user: Any,
    *,
    category_id: int | None = None,
    q: str = "",
    status: str = Topic.Status.LIBRARY,
    audience: str = "",
    duration: str = "",
    sort: str = "category",
) -> QuerySet[Topic]:
    """Topics the user may see (the library by default), with category and lecturers (two queries), each
    with its rating and number of held lectures (`with_ratings`). `duration` is a key of TOPIC_DURATIONS and
    `sort` of TOPIC_SORTS; an unknown one is ignored."""
    qs = with_ratings(
        Topic.objects.visible_to(user)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "lecturers", queryset=Volunteer.objects.select_related("person").order_by("person__name")
            )
        )
    )
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if audience.strip():
        qs = qs.filter(audience__icontains=audience.strip())
    if duration in TOPIC_DURATIONS:
        _, above, up_to = TOPIC_DURATIONS[duration]
        if above is not None:
            qs = qs.filter(duration_minutes__gt=above)
        if up_to is not None:
            qs = qs.filter(duration_minutes__lte=up_to)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(current_version__outline__icontains=term)
            | Q(lecturers__person__name__icontains=term)
        ).distinct()
    return qs.order_by(*TOPIC_SORTS.get(sort, TOPIC_SORTS["category"])[1])


def lecture_list_for(user: Any, *, when: str = "upcoming", topic_id: int | None = None) -> QuerySet[Lecture]:
    """Lectures the user may see: `upcoming` (scheduled, not yet started), `past`, or `all`; with topic, host
    unit, community, lecturers and the count of places taken (two queries for a page)."""
    now = timezone.now()
    qs = (
        Lecture.objects.visible_to(user)
        .select_related("topic", "host_unit", "community")
        .prefetch_related(
            Prefetch(
                "lecturers", queryset=Volunteer.objects.select_related("person").order_by("person__name")
            )
        )
        # A subquery per row of the page, not a join grouped over every lecture: the page is then read in
        # the order of an index and stops after its rows (the grouped join sorted all of a province's
        # upcoming lectures first).
        .annotate(taken=Coalesce(Subquery(
            Registration.objects.filter(lecture_id=OuterRef("pk"), status__in=PLACE_HOLDING)
            .order_by().values("lecture_id").annotate(n=Count("pk")).values("n")
        ), 0))
    )
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if when == "upcoming":
        return qs.filter(status=Lecture.Status.SCHEDULED, starts_at__gt=now).order_by("starts_at", "id")
    if when == "past":
        return qs.filter(starts_at__lte=now).order_by("-starts_at", "-id")
    return qs.order_by("-starts_at", "-id")


# ------------------------------------------------------------------------------ 讲座日历 (month and week)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def month_bounds(raw: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the month `raw` names ("2026-12"), or None if it names none."""
    match = _MONTH.match(raw.strip())
    if not match or not 1900 <= int(match[1]) <= 2999 or not 1 <= int(match[2]) <= 12:
        return None
    first = dt.date(int(match[1]), int(match[2]), 1)
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def week_bounds(raw: str) -> tuple[dt.date, dt.date] | None:
    """The Monday and Sunday of the ISO week `raw` names ("2026-W49", as <input type="week"> sends it), or
    None if it names none."""
    match = _WEEK.match(raw.strip())
    if not match or not 1900 <= int(match[1]) <= 2999:
        return None
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday, monday + dt.timedelta(days=6)


def iso_week(day: dt.date) -> str:
    """The ISO week of `day` ("2026-W49"), as week_bounds reads it."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def lecture_calendar_for(user: Any, start: dt.date, end: dt.date) -> dict[dt.date, list[Lecture]]:
    """The lectures the user may see (as the lecture list: every status) starting on a local day in
    [start, end], by day, each day in order of start (two queries: the lectures, their lecturers)."""
    days: dict[dt.date, list[Lecture]] = {
        start + dt.timedelta(days=i): [] for i in range((end - start).days + 1)
    }
    qs = lecture_list_for(user, when="all").filter(starts_at__date__range=(start, end))
    for lecture in qs.order_by("starts_at", "id"):
        days[timezone.localtime(lecture.starts_at).date()].append(lecture)
    return days


def open_lectures_for(user: Any) -> QuerySet[Lecture]:
    """Lectures open for registration (scheduled, not started)."""
    return lecture_list_for(user, when="upcoming")


def registrations_of(user: Any) -> QuerySet[Registration]:
    """The user's own registrations, newest lecture first."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Registration.objects.none()
    return (
        Registration.objects.visible_to(user)
        .filter(person_id=person_id)
        .select_related("lecture", "lecture__topic")
        .order_by("-lecture__starts_at", "-id")
    )


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        lecture_id=registration.lecture_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class Ratings:
    count: int
    relevance: float | None
    content: float | None
    delivery: float | None


def ratings_of(feedback: QuerySet[Feedback]) -> Ratings:
    agg = feedback.aggregate(n=Count("id"), r=Avg("relevance"), c=Avg("content"), d=Avg("delivery"))
    return Ratings(agg["n"], agg["r"], agg["c"], agg["d"])


# --------------------------------------------------------------------------- service hours (derived)
@dataclass(frozen=True)
class CreditedLecture:
    lecture: Lecture
    hours: Decimal


@dataclass(frozen=True)
class ServiceRecord:
    """A volunteer's credited service over a period: the held lectures and approved other service, their hours,
    the total and stars."""

    volunteer: Volunteer
    start: dt.date | None
    end: dt.date | None
    lectures: list[CreditedLecture]
    total: Decimal
    stars: int
    to_next_star: Decimal | None
    lifetime: Decimal
    others: list[OtherService] = field(default_factory=list)


def held_lectures_q(start: dt.date | None = None, end: dt.date | None = None, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}status": Lecture.Status.HELD})
    if start is not None:
        q &= Q(**{f"{prefix}starts_at__date__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}starts_at__date__lte": end})
    return q


def credited(lecture: Lecture) -> Decimal:
    return hours.credited_hours(lecture.duration_minutes, lecture.topic.preparation_hours)


def _in_period(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def service_record(
    volunteer: Volunteer, start: dt.date | None = None, end: dt.date | None = None
) -> ServiceRecord:
    """Hours are derived from held lectures and approved other service, never stored; stars count all of it
    ever."""
    every = list(volunteer.lectures.filter(held_lectures_q()).select_related("topic").order_by("-starts_at"))
    in_period = [lec for lec in every if _in_period(timezone.localdate(lec.starts_at), start, end)]
    items = [CreditedLecture(lec, credited(lec)) for lec in in_period]
    approved = list(
        OtherService.objects.filter(volunteer=volunteer, status=OtherService.Status.APPROVED).order_by(
            "-served_on", "-id"
        )
    )
    others = [o for o in approved if _in_period(o.served_on, start, end)]
    lifetime = hours.total_hours([*(credited(lec) for lec in every), *(o.hours for o in approved)])
    return ServiceRecord(
        volunteer=volunteer,
        start=start,
        end=end,
        lectures=items,
        total=hours.total_hours([*(i.hours for i in items), *(o.hours for o in others)]),
        stars=hours.star_level(lifetime),
        to_next_star=hours.hours_to_next_star(lifetime),
        lifetime=lifetime,
        others=others,
    )


def hours_by_volunteer(
    volunteers: QuerySet[Volunteer], start: dt.date | None, end: dt.date | None
) -> list[tuple[Volunteer, int, Decimal]]:
    """(volunteer, held lectures, credited hours: lectures plus approved other service) for each volunteer, over
    [start, end]; three queries."""
    through = (
        Lecture.lecturers.through.objects.filter(
            volunteer__in=volunteers
        )
        .filter(held_lectures_q(start, end, "lecture__"))
        .select_related("lecture__topic")
    )
    totals: dict[int, list[Decimal]] = {}
    held: dict[int, int] = {}
    for row in through:
        totals.setdefault(row.volunteer_id, []).append(credited(row.lecture))
        held[row.volunteer_id] = held.get(row.volunteer_id, 0) + 1
    others = OtherService.objects.filter(volunteer__in=volunteers, status=OtherService.Status.APPROVED)
    if start is not None:
        others = others.filter(served_on__gte=start)
    if end is not None:
        others = others.filter(served_on__lte=end)
    for volunteer_id, amount in others.values_list("volunteer_id", "hours"):
        totals.setdefault(volunteer_id, []).append(amount)
    out = []
    for v in volunteers.select_related("person", "unit"):
        out.append((v, held.get(v.pk, 0), hours.total_hours(totals.get(v.pk, []))))
    return out


# ------------------------------------------------------------------------------------------ orders
def request_list_for(user: Any, *, status: str = "") -> QuerySet[LectureRequest]:
    qs = LectureRequest.objects.visible_to(user).select_related(
        "topic", "community", "unit", "volunteer__person"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def qualification_check(
    required: str, day: dt.date, held: list[Qualification]
) -> tuple[bool, str]:
    """Whether `held` (one volunteer's qualifications) has `required` valid on `day`, and why in words."""
    if not required:
        return True, ""
    named = [q for q in held if q.name.strip() == required.strip()]
    valid = [q for q in named if q.valid_on(day)]
    if valid:
        ends = [q.valid_until for q in valid]
        if any(e is None for e in ends):
            return True, gettext("“%(name)s”资质长期有效") % {"name": required}
        return True, gettext("“%(name)s”资质有效至 %(date)s") % {
            "name": required,
            "date": max(e for e in ends if e is not None).isoformat(),
        }
    lapsed = [q.valid_until for q in named if q.valid_until is not None and q.valid_until < day]
    if lapsed:
        return False, gettext("“%(name)s”资质已于 %(date)s 过期（讲座日期 %(day)s）") % {
            "name": required,
            "date": max(lapsed).isoformat(),
            "day": day.isoformat(),
        }
    if named:
        return False, gettext("“%(name)s”资质在讲座日期 %(day)s 尚未生效") % {
            "name": required,
            "day": day.isoformat(),
        }
    return False, gettext("没有“%(name)s”资质") % {"name": required}


def qualifications_by_volunteer(volunteer_ids: Any, name: str) -> dict[int, list[Qualification]]:
    out: dict[int, list[Qualification]] = {}
    if not name:
        return out
    for q in Qualification.objects.filter(volunteer_id__in=volunteer_ids, name=name.strip()):
        out.setdefault(q.volunteer_id, []).append(q)
    return out


@dataclass(frozen=True)
class Candidate:
    """A lecturer proposed for an order, with the reasons for her place in the ranking."""

    volunteer: Volunteer
    gives_topic: bool
    same_category: bool
    load: int
    limit: int
    score: int
    qualified: bool = True
    qualification_note: str = ""
    # On the order's preferred date, by her weekly pattern and dates away (lectures.availability).
    available: bool = True
    availability_note: str = ""

    @property
    def over_limit(self) -> bool:
        return self.load >= self.limit


def candidates_for(order: LectureRequest) -> list[Candidate]:
    """Active volunteers of the order's federation, ranked: gives this topic, then its category, then the
    lightest load this year (scheduled or held lectures) against her yearly limit; those not available on the
    preferred date (weekly pattern, dates away) after those who are, those at their limit after them, and
    last those without the topic's required qualification valid on the preferred date (marked, with the
    reason: staff cannot offer them the order)."""
    from lectures.availability import availability_by_volunteer, available_on

    year = order.preferred_date.year
    volunteers = (
        Volunteer.objects.filter(federation_id=order.federation_id, status=Volunteer.Status.ACTIVE)
        .select_related("person")
        .annotate(
            load=Count(
                "lectures",
                filter=Q(lectures__starts_at__year=year) & ~Q(lectures__status=Lecture.Status.CANCELLED),
                distinct=True,
            )
        )
    )
    givers = set(order.topic.lecturers.values_list("pk", flat=True))
    in_category = set(
        Volunteer.categories.through.objects.filter(expertisecategory_id=order.topic.category_id).values_list(
            "volunteer_id", flat=True
        )
    )
    required = order.topic.required_qualification
    held = qualifications_by_volunteer([v.pk for v in volunteers], required)
    patterns = availability_by_volunteer(v.pk for v in volunteers)
    out = []
    for v in volunteers:
        gives, same = v.pk in givers, v.pk in in_category
        load = getattr(v, "load", 0)
        qualified, note = qualification_check(required, order.preferred_date, held.get(v.pk, []))
        weekdays, away = patterns.get(v.pk, ("", []))
        available, available_note = available_on(order.preferred_date, weekdays, away)
        score = (
            (4 if gives else 0)
            + (2 if same else 0)
            - (0 if available else 8)
            - (10 if load >= v.yearly_limit else 0)
            - (0 if qualified else 100)
        )
        out.append(
            Candidate(v, gives, same, load, v.yearly_limit, score, qualified, note, available, available_note)
        )
    return sorted(out, key=lambda c: (-c.score, c.load, c.volunteer.person.name))


# ------------------------------------------------------------------------------------------ metrics
def unit_lectures(unit_id: int, start: dt.date, end: dt.date) -> QuerySet[Lecture]:
    """Held lectures in [start, end] that the unit hosted or that people of the unit attended (each once)."""
    attended = Registration.objects.filter(
        person__unit_id=unit_id,
        status=Registration.Status.REGISTERED,
        attendance=Registration.Attendance.ATTENDED,
    ).values("lecture_id")
    return (
        Lecture.objects.filter(held_lectures_q(start, end))
        .filter(Q(host_unit_id=unit_id) | Q(pk__in=attended))
        .select_related("topic")
        .order_by("-starts_at", "-id")
    )


def unit_volunteer_hours(
    unit_id: int, start: dt.date, end: dt.date
) -> tuple[Decimal, list[tuple[Volunteer, Lecture, Decimal]]]:
    """Credited hours of the unit's volunteers for lectures held in [start, end], with each credit."""
    through = (
        Lecture.lecturers.through.objects.filter(volunteer__unit_id=unit_id)
        .filter(held_lectures_q(start, end, "lecture__"))
        .select_related("lecture__topic", "volunteer__person")
        .order_by("-lecture__starts_at", "-id")
    )
    credits = [(row.volunteer, row.lecture, credited(row.lecture)) for row in through]
    return hours.total_hours(c for _, _, c in credits), credits


# ------------------------------------------------------------------------------------------ calendar
FEED_PAST_DAYS = 180


def feed_lectures(user: Any) -> QuerySet[Lecture]:
    """The lectures of a user's personal feed: those she holds (or is offered) a place at and those she gives,
    from FEED_PAST_DAYS ago on, cancelled ones included (calendars then strike them out)."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Lecture.objects.none()
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    mine = Registration.objects.filter(person_id=person_id, status__in=PLACE_HOLDING).values("lecture_id")
    giving = Lecture.lecturers.through.objects.filter(volunteer__person_id=person_id).values("lecture_id")
    return (
        Lecture.objects.filter(Q(pk__in=mine) | Q(pk__in=giving), starts_at__gte=since)
        .select_related("topic")
        .prefetch_related(Prefetch("lecturers", queryset=Volunteer.objects.select_related("person")))
        .order_by("starts_at", "id")
    )
