"""The volunteer lecture system over the API (/api/v1/lectures/...), scoped like the pages."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api import ErrorOut, PageIn, get_object, page_of, scoped_endpoint
from core.roles import Role
from lectures import selectors, services
from lectures.models import ExpertiseCategory, Topic, Volunteer

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


class VolunteerProfileIn(Schema):
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


@router.get("/topics", response={200: TopicPage, **READ_REFUSALS})
@scoped_endpoint(model=Topic)
def list_topics(request: HttpRequest, filters: Query[TopicFilter]) -> dict[str, object]:
    """The topic library (课题库), by category and words."""
    qs = selectors.topic_list_for(
        request.user, category_id=filters.category, q=filters.q or ""
    ).select_related("current_version")
    return page_of(qs, filters)


@router.get("/topics/{id}", response={200: TopicOut, **ONE_REFUSALS})
@scoped_endpoint(model=Topic)
def get_topic(request: HttpRequest, id: int) -> Topic:
    return get_object(request, Topic, id)
