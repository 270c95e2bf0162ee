"""iCalendar (RFC 5545, written by the `icalendar` library): a file per lecture and a personal feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from lectures.models import Lecture

PRODID = "-//Jinguo//Lectures//ZH"
STATUS: dict[str, str] = {
    Lecture.Status.SCHEDULED: "CONFIRMED",
    Lecture.Status.HELD: "CONFIRMED",
    Lecture.Status.CANCELLED: "CANCELLED",
}


def _event(lecture: Lecture, url: str) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", f"lecture-{lecture.pk}@jinguo")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", lecture.starts_at)
    event.add("dtend", lecture.starts_at + dt.timedelta(minutes=lecture.duration_minutes))
    event.add("summary", lecture.topic.title)
    event.add("location", lecture.venue)
    names = "、".join(v.person.name for v in lecture.lecturers.all())
    event.add("description", f"{names}\n{url}" if names else url)
    event.add("url", url)
    event.add("status", STATUS.get(str(lecture.status), "CONFIRMED"))
    event.add("sequence", lecture.version)
    return event


def calendar_bytes(lectures: Iterable[Lecture], url_of: Any, name: str) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for lecture in lectures:
        cal.add_component(_event(lecture, url_of(lecture)))
    return bytes(cal.to_ical())


def ics_response(content: bytes, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{ascii_name}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
