"""The lecture system's part of `manage.py generate_scale` (core.registry.scale_generators).

Proportioned like the demo district (lectures.demo, 57 units): per 57 units of a district about 40
volunteers (each a person of a unit, with one or two expertise categories), 30 topics in the library
(a quarter revised once, every version accepted), a lecture every five to seven weeks since April 2018
per 57 units (held, with 6 to 14 registrations, attendance and feedback from half of those who came)
and 4 upcoming ones with 10 registrations each. The attendees are people of the units (about 3.5 per
unit). Written with bulk inserts (no audit events, no services), deterministic for the run's seed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.bulk import insert_values
from core.registry import ScaleContext
from lectures.demo import FEEDBACK, MORE_TOPICS
from lectures.models import (
    DEFAULT_CATEGORIES,
    ExpertiseCategory,
    Feedback,
    Lecture,
    Registration,
    Topic,
    TopicVersion,
    Volunteer,
)
from orgs.demo import random_name
from orgs.models import Person

DEMO_UNITS = 57
# Registrations and feedback are written a chunk at a time (not all held in memory).
CHUNK = 20_000
# Sign-in codes: 8 characters of the services' alphabet (theirs have 6, so never the same), a running
# number scrambled by an odd multiplier modulo 32**8 (a bijection: unique, and not in order).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_SPACE = 32**8
SCRAMBLE = 0x5DEECE66D


def _code(n: int) -> str:
    x = (n * SCRAMBLE) % CODE_SPACE
    out = []
    for _ in range(8):
        x, r = divmod(x, 32)
        out.append(ALPHABET[r])
    return "".join(out)


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 30))


def _per(count: float, units: int) -> int:
    return max(1, round(count * units / DEMO_UNITS))


def generate(ctx: ScaleContext) -> None:
    rng, today, stamp = ctx.rng, ctx.today, ctx.stamp
    by_federation = ctx.active_units_by_federation()
    feds = [f.pk for f in ctx.federations if f.pk in by_federation]

    categories = [
        ExpertiseCategory(**stamp, federation_id=f, name=name, order=order * 10)
        for f in feds
        for order, name in enumerate(DEFAULT_CATEGORIES, start=1)
    ]
    ctx.insert(ExpertiseCategory, categories, "categories")
    cats_of: dict[int, list[ExpertiseCategory]] = {}
    for c in categories:
        cats_of.setdefault(c.federation_id, []).append(c)

    # People: the volunteers, then the attendees of the lectures.
    people: list[Person] = []
    plan: list[tuple[int, list[Any], int, int]] = []  # federation, units, volunteers, attendees
    for f in feds:
        units = by_federation[f]
        n_volunteers, n_attendees = _per(40, len(units)), _per(200, len(units))
        plan.append((f, units, n_volunteers, n_attendees))
        for i in range(n_volunteers + n_attendees):
            unit = rng.choice(units)
            people.append(
                Person(**stamp, federation_id=f, unit_id=unit.pk, name=random_name(rng), title="干部" if i < n_volunteers else "")
            )
    ctx.insert(Person, people, "people")

    volunteers: list[Volunteer] = []
    attendees_of: dict[int, list[Person]] = {}
    at = 0
    for fed_id, _units, n_volunteers, n_attendees in plan:
        for person in people[at : at + n_volunteers]:
            volunteers.append(
                Volunteer(
                    **stamp,
                    federation_id=fed_id,
                    person_id=person.pk,
                    unit_id=person.unit_id,
                    bio="热心志愿服务。",
                    yearly_limit=rng.choice([6, 8, 12]),
                    status=Volunteer.Status.ACTIVE,
                    joined_on=dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(1000)),
                )
            )
        attendees_of[fed_id] = people[at + n_volunteers : at + n_volunteers + n_attendees]
        at += n_volunteers + n_attendees
    ctx.insert(Volunteer, volunteers, "volunteers")
    Expertise = Volunteer.categories.through
    expertise = []
    volunteers_of: dict[int, list[Volunteer]] = {}
    for i, v in enumerate(volunteers):
        volunteers_of.setdefault(v.federation_id, []).append(v)
        cats = cats_of[v.federation_id]
        chosen = {cats[i % len(cats)].pk} | ({rng.choice(cats).pk} if rng.random() < 0.3 else set())
        expertise += [Expertise(volunteer_id=v.pk, expertisecategory_id=c) for c in sorted(chosen)]
    ctx.insert(Expertise, expertise, "expertise")

    # The library: topics in by the end of 2020, every fourth revised once after rehearsals.
    topics: list[Topic] = []
    for fed_id, units, _n, _m in plan:
        cats, pool = cats_of[fed_id], volunteers_of[fed_id]
        n_topics = _per(30, len(units))
        for i in range(n_topics):
            category, title = MORE_TOPICS[i % len(MORE_TOPICS)]
            cat = next((c for c in cats if c.name == category), cats[0])
            topics.append(
                Topic(
                    **stamp,
                    federation_id=fed_id,
                    title=title if i < len(MORE_TOPICS) else f"{title}（{i // len(MORE_TOPICS) + 1}）",
                    category_id=cat.pk,
                    audience="机关女干部" if i % 2 else "社区居民",
                    duration_minutes=rng.choice([60, 90, 90, 120]),
                    proposer_id=rng.choice(pool).pk,
                    status=Topic.Status.LIBRARY,
                    added_on=dt.date(2018, 3, 1) + dt.timedelta(days=int(i * 1000 / n_topics)),
                )
            )
    ctx.insert(Topic, topics, "topics")
    versions: list[TopicVersion] = []
    current: dict[int, TopicVersion] = {}
    for i, t in enumerate(topics):
        assert t.added_on is not None
        outline = f"一、{t.title}的基本知识\n二、案例分析\n三、互动答疑"
        first = TopicVersion(
            **stamp,
            topic_id=t.pk,
            number=1,
            outline=outline,
            status=TopicVersion.Status.ACCEPTED,
            reviewed_at=_at(t.added_on),
            review_comment="内容扎实，同意入库。",
        )
        versions.append(first)
        current[t.pk] = first
        if i % 4 == 0:
            revised = TopicVersion(
                **stamp,
                topic_id=t.pk,
                number=2,
                outline=outline + "\n附：试讲后补充的互动环节",
                changes="根据试讲反馈增加互动",
                status=TopicVersion.Status.ACCEPTED,
                reviewed_at=_at(t.added_on + dt.timedelta(days=60)),
            )
            versions.append(revised)
            current[t.pk] = revised
    ctx.insert(TopicVersion, versions, "versions")
    latest = TopicVersion.objects.filter(topic=OuterRef("pk"), status="accepted").order_by("-number")
    Topic.objects.filter(pk__in=[t.pk for t in topics]).update(current_version=Subquery(latest.values("pk")[:1]))
    TopicLecturer = Topic.lecturers.through
    topic_lecturers = []
    for t in topics:
        pool = volunteers_of[t.federation_id]
        other = rng.choice(pool).pk
        topic_lecturers += [TopicLecturer(topic_id=t.pk, volunteer_id=v) for v in sorted({t.proposer_id, other})]
    ctx.insert(TopicLecturer, topic_lecturers, "lecturers")

    # Lectures since April 2018: per 57 units one every 25 to 50 days (held), and 4 upcoming.
    lectures: list[Lecture] = []
    topics_of: dict[int, list[Topic]] = {}
    for t in topics:
        topics_of.setdefault(t.federation_id, []).append(t)
    first_day, span = dt.date(2018, 4, 10), (today - dt.timedelta(days=3) - dt.date(2018, 4, 10)).days
    for fed_id, units, _n, _m in plan:
        held = max(1, span * len(units) // (DEMO_UNITS * 37))
        days = sorted(first_day + dt.timedelta(days=rng.randrange(max(span, 1))) for _ in range(held))
        upcoming = [today + dt.timedelta(days=7 + rng.randrange(40)) for _ in range(_per(4, len(units)))]
        for day in days + upcoming:
            topic = rng.choice(topics_of[fed_id])
            host = rng.choice(units) if rng.random() < 0.6 else None
            lectures.append(
                Lecture(
                    **stamp,
                    federation_id=fed_id,
                    topic_id=topic.pk,
                    topic_version_id=current[topic.pk].pk,
                    starts_at=_at(day),
                    duration_minutes=topic.duration_minutes,
                    venue=f"{host.name}会议室" if host else "区妇女儿童活动中心",
                    capacity=rng.choice([30, 40, 60]),
                    host_unit_id=host.pk if host else None,
                    status=Lecture.Status.HELD if day < today else Lecture.Status.SCHEDULED,
                )
            )
    ctx.insert(Lecture, lectures, "lectures")
    LectureLecturer = Lecture.lecturers.through
    proposer_of = {t.pk: t.proposer_id for t in topics}
    ctx.insert(
        LectureLecturer,
        [LectureLecturer(lecture_id=lec.pk, volunteer_id=proposer_of[lec.topic_id]) for lec in lectures],
        "lecturing",
    )

    # Registrations and attendance, written from plain values a chunk at a time (no keys needed back),
    # then feedback from half of those who came.
    serial = Registration.objects.count() + 1  # codes unique run after run
    now = stamp.get("created_at") or timezone.now()
    row = {**stamp, "registered_at": now, "status": Registration.Status.REGISTERED, "walk_in": False}
    registrations: list[dict[str, Any]] = []
    n_registrations = 0
    for index, lec in enumerate(lectures):
        attendees = attendees_of[lec.federation_id]
        past = lec.status == Lecture.Status.HELD
        count = rng.randint(6, 14) if past else 10
        for person in rng.sample(attendees, k=min(len(attendees), count)):
            attendance = Registration.Attendance.UNKNOWN
            if past:
                attendance = (
                    Registration.Attendance.ATTENDED
                    if rng.random() < 0.85
                    else rng.choice([Registration.Attendance.ABSENT, Registration.Attendance.EXCUSED])
                )
            registrations.append(
                {
                    **row,
                    "federation_id": lec.federation_id,
                    "lecture_id": lec.pk,
                    "person_id": person.pk,
                    "attendance": attendance,
                    "code": _code(serial),
                }
            )
            serial += 1
        if len(registrations) >= CHUNK or index == len(lectures) - 1:
            n_registrations += insert_values(Registration, registrations)
            registrations = []
    attended = (
        Registration.objects.filter(federation_id__in=feds, attendance=Registration.Attendance.ATTENDED)
        .order_by("pk")
        .values_list("pk", "federation_id", "lecture_id")
    )
    feedback: list[dict[str, Any]] = []
    n_feedback = 0
    for pk, fed_id, lecture_id in attended.iterator(chunk_size=CHUNK):
        if rng.random() < 0.5:
            feedback.append(
                {
                    **stamp,
                    "federation_id": fed_id,
                    "lecture_id": lecture_id,
                    "registration_id": pk,
                    "relevance": rng.randint(4, 5),
                    "content": rng.randint(3, 5),
                    "delivery": rng.randint(3, 5),
                    "comment": rng.choice(FEEDBACK),
                }
            )
        if len(feedback) >= CHUNK:
            n_feedback += insert_values(Feedback, feedback)
            feedback = []
    n_feedback += insert_values(Feedback, feedback)
    ctx.summary.append(
        f"{len(volunteers):,} volunteers, {len(topics):,} topics, {len(lectures):,} lectures, "
        f"{n_registrations:,} registrations, {n_feedback:,} feedback"
    )
