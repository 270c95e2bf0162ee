"""Volunteers (巾帼志愿者) by category: registration, profile, review, scoping of pages and API."""

import json

import pytest
from django.urls import reverse

from core.models import ConcurrentEditError
from core.states import MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import api_headers
from lectures import services
from lectures.models import DEFAULT_CATEGORIES, ExpertiseCategory, Volunteer
from orgs.models import Person


def test_a_federation_starts_with_the_default_categories_once(world):
    names = [c.name for c in ExpertiseCategory.objects.filter(federation=world.fed_a)]
    assert names == list(DEFAULT_CATEGORIES)
    assert len(services.category_defaults_ensure(federation=world.fed_a)) == len(DEFAULT_CATEGORIES)
    assert ExpertiseCategory.objects.filter(federation=world.fed_a).count() == len(DEFAULT_CATEGORIES)


def test_staff_add_and_rename_categories_but_not_twice_the_same(world):
    made = services.category_create(federation=world.fed_a, name="  科普 ", acting_user=world.staff)
    assert made.name == "科普"
    with refused(services.MSG_CATEGORY_DUPLICATE):
        services.category_create(federation=world.fed_a, name="法律")
    with refused(services.MSG_CATEGORY_DUPLICATE):
        services.category_update(category=made, name="法律", order=5, active=True, version=made.version)
    # The same name in another federation is another category.
    services.category_create(federation=world.fed_b, name="科普")


def test_a_person_is_a_volunteer_once_with_at_least_one_category_of_her_federation(world):
    with refused(services.MSG_ALREADY_VOLUNTEER):
        services.volunteer_register(person=world.volunteer.person, categories=world.cats_a[:1])
    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name="新讲师")
    with refused(services.MSG_CATEGORY_REQUIRED):
        services.volunteer_register(person=person, categories=[])
    with refused(services.MSG_OTHER_FEDERATION):
        services.volunteer_register(person=person, categories=world.cats_b[:1])
    v = services.volunteer_register(person=person, categories=world.cats_a[:1], acting_user=world.staff)
    assert v.status == Volunteer.Status.ACTIVE and v.unit == world.unit_a1 and v.joined_on is not None


def test_an_application_is_approved_suspended_with_a_reason_and_reinstated(world):
    v = world.applicant_a
    assert v.status == "applied" and v.joined_on is None
    services.volunteer_move(volunteer=v, transition="approve", acting_user=world.staff)
    assert v.status == "active" and v.joined_on is not None
    with refused(MSG_REASON_REQUIRED):
        services.volunteer_move(volunteer=v, transition="suspend")
    services.volunteer_move(volunteer=v, transition="suspend", reason="长期外派")
    services.volunteer_move(volunteer=v, transition="reinstate")
    assert Volunteer.objects.get(pk=v.pk).status == "active"


def test_a_stale_profile_edit_is_a_conflict(world):
    v = world.volunteer_a
    stale = v.version
    services.volunteer_update(
        volunteer=v,
        categories=world.cats_a[:1],
        bio="新简介",
        availability="",
        yearly_limit=10,
        version=stale,
    )
    again = Volunteer.objects.get(pk=v.pk)
    with pytest.raises(ConcurrentEditError):
        services.volunteer_update(
            volunteer=again,
            categories=world.cats_a[:1],
            bio="另一个",
            availability="",
            yearly_limit=10,
            version=stale,
        )


def test_who_sees_which_volunteer(world):
    seen = lambda user: set(Volunteer.objects.visible_to(user).values_list("pk", flat=True))  # noqa: E731
    a, app, b = world.volunteer_a.pk, world.applicant_a.pk, world.volunteer_b.pk
    assert seen(world.staff) == {a, app}
    assert seen(world.volunteer) == {a}  # herself
    assert seen(world.liaison) == {a}  # unit_a1's
    assert seen(world.other_liaison) == {app}  # unit_a2's
    assert seen(world.requester) == set() and seen(world.outsider) == {b}  # unit_b1's liaison
    assert set(Volunteer.objects.permitted(world.volunteer, "change").values_list("pk", flat=True)) == {a}
    assert not Volunteer.objects.permitted(world.volunteer, "manage").exists()


def test_the_volunteer_edits_her_own_profile_on_her_page(world, client_as):
    client = client_as(world.volunteer)
    me = client.get(reverse("lectures:volunteer-me"))
    assert me.status_code == 302 and me["Location"] == reverse(
        "lectures:volunteer-detail", args=[world.volunteer_a.pk]
    )
    url = reverse("lectures:volunteer-edit", args=[world.volunteer_a.pk])
    page = client.post(
        url,
        {
            "categories": [world.cats_a[3].pk],
            "bio": "理财规划师",
            "availability": "周六",
            "yearly_limit": 8,
            "version": world.volunteer_a.version,
        },
    )
    assert page.status_code == 302
    v = Volunteer.objects.get(pk=world.volunteer_a.pk)
    assert (v.bio, v.yearly_limit, [c.name for c in v.categories.all()]) == ("理财规划师", 8, ["经济金融"])
    # She may not approve anyone, nor edit another's profile.
    assert client.get(reverse("lectures:volunteer-approve", args=[world.volunteer_a.pk])).status_code == 403
    assert client.get(reverse("lectures:volunteer-edit", args=[world.applicant_a.pk])).status_code == 404


def test_a_person_applies_from_her_own_page(world, client_as):
    client = client_as(world.requester)
    assert client.get(reverse("lectures:volunteer-me")).status_code == 200
    page = client.post(
        reverse("lectures:volunteer-me"), {"categories": [world.cats_a[0].pk], "yearly_limit": 4}
    )
    assert page.status_code == 302
    assert Volunteer.objects.get(person=world.requester.person).status == "applied"


def test_staff_register_filter_and_approve(world, client_as):
    client = client_as(world.staff)
    person = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="赵律师")
    page = client.post(
        reverse("lectures:volunteer-register"),
        {"person": person.pk, "categories": [world.cats_a[1].pk], "yearly_limit": 12},
    )
    assert page.status_code == 302
    listing = client.get(
        reverse("lectures:volunteer-list"), {"category": world.cats_a[1].pk}
    ).content.decode()
    assert "赵律师" in listing and "申请人李敏" not in listing
    page = client.post(
        reverse("lectures:volunteer-approve", args=[world.applicant_a.pk]),
        {"version": world.applicant_a.version},
    )
    assert page.status_code == 302 and Volunteer.objects.get(pk=world.applicant_a.pk).status == "active"


@pytest.mark.parametrize("rows", [2, 20])
def test_the_volunteer_list_costs_the_same_queries_for_2_and_20_rows(
    world, client_as, django_assert_num_queries, rows
):
    for i in range(rows):
        person = Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=f"讲师{i}")
        services.volunteer_register(person=person, categories=world.cats_a[:2])
    client = client_as(world.staff)
    client.get(reverse("lectures:volunteer-list"))  # warm the session
    # session, user (with its roles and person's unit: the scope), count, the filter's categories, the bell,
    # the page's volunteers (with person and unit), their categories (prefetch)
    with django_assert_num_queries(7):
        page = client.get(reverse("lectures:volunteer-list"))
    assert page.content.decode().count('href="/lectures/volunteers/') >= rows


def test_the_api_lists_and_edits_with_the_version(world, client):
    headers = api_headers(world.volunteer)
    listed = client.get("/api/v1/lectures/volunteers", **headers).json()
    assert [v["name"] for v in listed["items"]] == ["volunteer人员"]
    v = world.volunteer_a
    body = {"version": v.version, "categories": [world.cats_a[2].pk], "bio": "急救培训师", "yearly_limit": 6}
    answer = client.patch(
        f"/api/v1/lectures/volunteers/{v.pk}", json.dumps(body), content_type="application/json", **headers
    )
    assert answer.status_code == 200 and answer.json()["categories"] == [
        {"id": world.cats_a[2].pk, "name": "健康急救"}
    ]
    stale = client.patch(
        f"/api/v1/lectures/volunteers/{v.pk}", json.dumps(body), content_type="application/json", **headers
    )
    assert stale.status_code == 409
    other = client.get(f"/api/v1/lectures/volunteers/{world.volunteer_b.pk}", **headers)
    assert other.status_code == 404


def test_a_number_no_column_can_hold_is_the_callers_error_and_changes_nothing(world, client):
    v = world.volunteer_a
    body = {"version": v.version, "categories": [21650395420633133056], "bio": "x", "yearly_limit": 2}
    answer = client.patch(
        f"/api/v1/lectures/volunteers/{v.pk}",
        json.dumps(body),
        content_type="application/json",
        **api_headers(world.volunteer),
    )
    # The same answer on every engine: the bound the schema declares is checked before any query.
    assert answer.status_code == 422
    assert answer.json()["message"] == "请求参数有误：请求体字段 categories.0 数值超出范围。"
    v.refresh_from_db()
    assert v.bio != "x"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/lectures/volunteers?category=9223372036854775808", "请求参数有误：查询参数 category 数值超出范围。"),
        ("/api/v1/lectures/volunteers?category=-9223372036854775809", "请求参数有误：查询参数 category 数值超出范围。"),
        ("/api/v1/lectures/volunteers/9223372036854775808", "请求参数有误：路径参数 id 数值超出范围。"),
    ],
)
def test_an_integer_beyond_the_declared_bounds_is_refused_where_it_stands(world, client, url, message):
    """The OpenAPI declares every integer within 64 bits; a larger one is a 422 naming it (an exact lookup
    with it would silently answer an empty list)."""
    answer = client.get(url, **api_headers(world.staff))
    assert answer.status_code == 422
    assert answer.json()["message"] == message
    edge = client.get("/api/v1/lectures/volunteers?category=9223372036854775807", **api_headers(world.staff))
    assert edge.status_code == 200
