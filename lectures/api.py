"""The volunteer lecture system over the API (/api/v1/lectures/...), scoped like the pages."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from core.api import BodyIn, ErrorOut, PageIn, get_object, page_of, scoped_endpoint
from core.roles import Role
from lectures import selectors, services
from lectures.models import ExpertiseCategory, Lecture, LectureRequest, Registration, Topic, Volunteer

router = Router(tags=["lectures"])

VOLUNTEER_READERS = (Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.VOLUNTEER)
READ_REFUSALS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ONE_REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# ------------------------------------------------------------------------------------------ volunteers
class CategoryOut(Schema):
    id: int
    name: str


class VolunteerOut(Schema):
    id: int
    name: str = Field(..., alias="person.name")
    unit_id: int | None
    status: str
    categories: list[CategoryOut]
    bio: str
    availability: str
    yearly_limit: int
    version: int

    @staticmethod
    def resolve_categories(obj: Volunteer) -> list[ExpertiseCategory]:
        return list(obj.categories.all())


class VolunteerPage(Schema):
    items: list[VolunteerOut]
    count: int


class VolunteerFilter(PageIn):
    category: int | None = None
    q: str | None = Field(None, max_length=50)


class VolunteerProfileIn(BodyIn):
    version: int
    categories: list[int] = Field(..., min_length=1)
    bio: str = Field("", max_length=2000)
    availability: str = Field("", max_length=200)
    yearly_limit: int = Field(12, ge=1, le=200)


@router.get("/volunteers", response={200: VolunteerPage, **READ_REFUSALS})
@scoped_endpoint(roles=VOLUNTEER_READERS, model=Volunteer)
def list_volunteers(request: HttpRequest, filters: Query[VolunteerFilter]) -> dict[str, object]:
    """The volunteers the caller may see (staff: the federation's; a liaison: her unit's; a volunteer: herself)."""
    qs = selectors.volunteer_list_for(request.user, category_id=filters.category, q=filters.q or "")
    return page_of(qs, filters)


@router.get("/volunteers/{id}", response={200: VolunteerOut, **ONE_REFUSALS})
@scoped_endpoint(roles=VOLUNTEER_READERS, model=Volunteer)
def get_volunteer(request: HttpRequest, id: int) -> Volunteer:
    return get_object(request, Volunteer, id)


@router.patch("/volunteers/{id}", response={200: VolunteerOut, **WRITE_REFUSALS})
@scoped_endpoint(roles=VOLUNTEER_READERS, model=Volunteer, action="change")
def update_volunteer(request: HttpRequest, id: int, payload: VolunteerProfileIn) -> Volunteer:
    """The volunteer's profile, with the `version` last read (409 if someone changed it since)."""
    volunteer = get_object(request, Volunteer, id, "change")
    categories = ExpertiseCategory.objects.filter(
        federation_id=volunteer.federation_id, pk__in=payload.categories
    )
    return services.volunteer_update(
        volunteer=volunteer,
        categories=list(categories),
        bio=payload.bio,
        availability=payload.availability,
        yearly_limit=payload.yearly_limit,
        version=payload.version,
        acting_user=request.user,
    )


# ------------------------------------------------------------------------------------------ topics
class LecturerOut(Schema):
    id: int
    name: str = Field(..., alias="person.name")


class TopicOut(Schema):
    id: int
    title: str
    category: CategoryOut
    audience: str
    duration_minutes: int
    status: str
    version: int | None
    outline: str
    lecturers: list[LecturerOut]
    added_on: str | None
    # The mean of all criteria of the feedback on its held lectures (None without any), that feedback's
    # number, and its held lectures (selectors.with_ratings).
    rating: float | None
    rating_count: int
    given: int

    @staticmethod
    def resolve_version(obj: Topic) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_outline(obj: Topic) -> str:
        return obj.current_version.outline if obj.current_version else ""

    @staticmethod
    def resolve_lecturers(obj: Topic) -> list[Volunteer]:
        return list(obj.lecturers.all())

    @staticmethod
    def resolve_added_on(obj: Topic) -> str | None:
        return obj.added_on.isoformat() if obj.added_on else None


class TopicPage(Schema):
    items: list[TopicOut]
    count: int


class TopicFilter(PageIn):
    category: int | None = None
    q: str | None = Field(None, max_length=50)
    duration: Literal["short", "medium", "long"] | None = None
    sort: Literal["category", "newest", "rating", "given"] | None = None


@router.get("/topics", response={200: TopicPage, **READ_REFUSALS})
@scoped_endpoint(model=Topic)
def list_topics(request: HttpRequest, filters: Query[TopicFilter]) -> dict[str, object]:
    """The topic library (课题库), by category, words and duration (up to 60 / 60–90 / over 90 minutes), each
    topic with its rating and lectures held; sorted by category (default), newest, rating or lectures held."""
    qs = selectors.topic_list_for(
        request.user,
        category_id=filters.category,
        q=filters.q or "",
        duration=filters.duration or "",
        sort=filters.sort or "category",
    ).select_related("current_version")
    return page_of(qs, filters)


@router.get("/topics/{id}", response={200: TopicOut, **ONE_REFUSALS})
@scoped_endpoint(model=Topic)
def get_topic(request: HttpRequest, id: int) -> Topic:
    topic = get_object(request, Topic, id)
    return selectors.with_ratings(Topic.objects.filter(pk=topic.pk)).select_related("category").get()


# ------------------------------------------------------------------------------------------ orders (点单)
class OrderIn(BodyIn):
    topic_id: int
    preferred_date: dt.date
    preferred_note: str = Field("", max_length=200)
    audience: str = Field("", max_length=100)
    expected_size: int = Field(30, ge=1, le=2000)
    venue: str = Field(..., min_length=1, max_length=200)
    notes: str = Field("", max_length=2000)


class OrderOut(Schema):
    id: int
    topic_id: int
    community_id: int | None
    unit_id: int | None
    preferred_date: dt.date
    audience: str
    expected_size: int
    venue: str
    status: str
    volunteer_id: int | None
    lecture_id: int | None
    rating: int | None
    version: int


ORDER_ROLES = (Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.REQUESTER, Role.VOLUNTEER)


@router.post("/orders", response={201: OrderOut, **WRITE_REFUSALS})
@scoped_endpoint(roles=(Role.REQUESTER, Role.UNIT_LIAISON), model=None)
def create_order(request: HttpRequest, payload: OrderIn) -> Status:
    """点单: for the caller's community (a community contact) or unit (a liaison)."""
    from core.scoping import scope_for
    from orgs.models import Community, Unit

    topic = get_object(request, Topic, payload.topic_id)
    scope = scope_for(request.user)
    community = Community.objects.filter(
        pk__in=scope.communities_for(Role.REQUESTER), federation_id=topic.federation_id
    ).first()
    unit = (
        None
        if community
        else Unit.objects.filter(
            pk__in=scope.units_for(Role.UNIT_LIAISON), federation_id=topic.federation_id
        ).first()
    )
    order = services.request_create(
        topic=topic,
        requested_by=request.user,
        community=community,
        unit=unit,
        preferred_date=payload.preferred_date,
        preferred_note=payload.preferred_note,
        audience=payload.audience,
        expected_size=payload.expected_size,
        venue=payload.venue,
        notes=payload.notes,
        acting_user=request.user,
    )
    return Status(201, order)


@router.get("/orders/{id}", response={200: OrderOut, **ONE_REFUSALS})
@scoped_endpoint(roles=ORDER_ROLES, model=LectureRequest)
def get_order(request: HttpRequest, id: int) -> LectureRequest:
    return get_object(request, LectureRequest, id)


# ------------------------------------------------------------------------------------------ lectures
# Last: "/{id}" would otherwise take the paths above ("/orders") for itself.
class LectureOut(Schema):
    id: int
    topic_id: int
    title: str = Field(..., alias="topic.title")
    topic_version: int = Field(..., alias="topic_version.number")
    starts_at: dt.datetime
    duration_minutes: int
    venue: str
    host_unit_id: int | None
    community_id: int | None
    capacity: int
    taken: int
    status: str
    lecturers: list[LecturerOut]

    @staticmethod
    def resolve_lecturers(obj: Lecture) -> list[Volunteer]:
        return list(obj.lecturers.all())


class LecturePage(Schema):
    items: list[LectureOut]
    count: int


class LectureFilter(PageIn):
    status: Literal["open", "past", "all"] = "open"


class RegistrationOut(Schema):
    id: int
    status: str


WHEN = {"open": "upcoming", "past": "past", "all": "all"}


@router.get("", response={200: LecturePage, **READ_REFUSALS})
@scoped_endpoint(model=Lecture)
def list_lectures(request: HttpRequest, filters: Query[LectureFilter]) -> dict[str, object]:
    """Lectures: `open` (open for registration, the default), `past` or `all`."""
    qs = selectors.lecture_list_for(request.user, when=WHEN[filters.status]).select_related("topic_version")
    return page_of(qs, filters)


@router.get("/{id}", response={200: LectureOut, **ONE_REFUSALS})
@scoped_endpoint(model=Lecture)
def get_lecture(request: HttpRequest, id: int) -> Lecture:
    get_object(request, Lecture, id)
    return selectors.lecture_list_for(request.user, when="all").select_related("topic_version").get(pk=id)


@router.post("/{id}/registrations", response={201: RegistrationOut, **WRITE_REFUSALS})
@scoped_endpoint(model=Lecture, action="register")
def register(request: HttpRequest, id: int) -> Status:
    """The caller registers: `registered` while places last, else `waitlisted` (a freed place is later `offered`
    to the first waiting, for a set time); 409 for a second registration."""
    lecture = get_object(request, Lecture, id, "register")
    try:
        made = services.registration_create(
            lecture=lecture, person=getattr(request.user, "person", None), acting_user=request.user
        )
    except ValidationError as refused:
        if any(e.code == "duplicate" for e in refused.error_list):
            raise HttpError(409, str(services.MSG_ALREADY_REGISTERED)) from None
        raise
    return Status(201, made)


@router.delete("/registrations/{id}", response={200: RegistrationOut, **WRITE_REFUSALS})
@scoped_endpoint(model=Registration, action="change")
def cancel_registration(request: HttpRequest, id: int) -> Registration:
    """Cancels (a state, never a delete); the first on the waiting list moves up."""
    registration = get_object(request, Registration, id, "change")
    services.registration_cancel(registration=registration, acting_user=request.user)
    return Registration.objects.get(pk=id)
