"""The committee actions of a unit's page (committees.views_actions), end to end with the test client.

The world has unit_a1's committee (第1届 from 2012-03-08, the liaison in the chair, 王芳's member seat
vacated on 2017-05-01: an open vacancy) and the same in fed_b's unit_b1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from committees import forms as cf
from committees import services as s
from committees.models import Committee, Seat, Term, Vacancy
from core.models import AuditEvent
from core.testing.world import build_world

D = dt.date


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def committee_of(unit):
    return Committee.objects.get(unit=unit, dissolved_on__isnull=True)


def chair_of(unit):
    return Seat.objects.get(committee__unit=unit, role="chair", ended_on__isnull=True)


def open_vacancy_of(unit):
    return Vacancy.objects.get(committee__unit=unit, filled_on__isnull=True)


def history_counts():
    return (
        Committee.objects.count(),
        Term.objects.count(),
        Seat.objects.count(),
        Vacancy.objects.count(),
        Vacancy.objects.filter(filled_on__isnull=True).count(),
    )


def unit_page(world):
    return reverse("orgs:unit-detail", args=[world.unit_a1.pk]) + "#committee"


def follow_message(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]).content.decode()


def action_urls(world):
    """Every committee action URL on fed_a's unit_a1, by name."""
    c = committee_of(world.unit_a1)
    return {
        "form": reverse("committees:committee-form", args=[world.unit_a1.pk]),
        "reelect": reverse("committees:term-reelect", args=[c.pk]),
        "assign": reverse("committees:seat-assign", args=[c.pk]),
        "dissolve": reverse("committees:committee-dissolve", args=[c.pk]),
        "vacate": reverse("committees:seat-vacate", args=[chair_of(world.unit_a1).pk]),
        "fill": reverse("committees:vacancy-fill", args=[open_vacancy_of(world.unit_a1).pk]),
    }


# ---- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_staff_and_the_units_liaison_get_every_form(world, client_as, persona):
    client = client_as(world.users[persona])
    for name, url in action_urls(world).items():
        page = client.get(url)
        assert page.status_code == 200, name
        assert 'data-testid="action-form"' in page.content.decode()


def test_another_units_liaison_gets_404_and_writes_nothing(world, client_as):
    client = client_as(world.other_liaison)
    before = history_counts()
    for name, url in action_urls(world).items():
        assert client.get(url).status_code == 404, name
        assert (
            client.post(
                url,
                {
                    "started_on": "2017-03-01",
                    "vacated_on": "2017-03-01",
                    "filled_on": "2017-06-01",
                    "dissolved_on": "2020-01-01",
                    "formed_on": "2020-01-01",
                    "holder_name": "李四",
                    "role": "member",
                },
            ).status_code
            == 404
        ), name
    assert history_counts() == before


def test_an_outsider_of_another_federation_gets_404(world, client_as):
    client = client_as(world.outsider)
    for name, url in action_urls(world).items():
        assert client.get(url).status_code == 404, name


def test_the_units_executive_sees_the_unit_but_may_not_form_its_committee(world, client_as):
    # The executive works at unit_a1: the unit is visible (403 to a change), its committee rows are not (404).
    client = client_as(world.executive)
    urls = action_urls(world)
    assert client.get(reverse("orgs:unit-detail", args=[world.unit_a1.pk])).status_code == 200
    assert client.get(urls.pop("form")).status_code == 403
    assert (
        client.post(
            reverse("committees:committee-form", args=[world.unit_a1.pk]), {"formed_on": "2020-01-01"}
        ).status_code
        == 403
    )
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name


def test_the_hotline_supervisor_reads_the_committee_but_may_not_change_it(world, client_as):
    client = client_as(world.supervisor)
    before = history_counts()
    for name, url in action_urls(world).items():
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"started_on": "2017-03-01"}).status_code == 403, name
    assert history_counts() == before


def test_the_panel_shows_the_actions_to_those_who_may_use_them(world, client_as):
    c = committee_of(world.unit_a1)
    detail = reverse("orgs:unit-detail", args=[world.unit_a1.pk])
    for persona in ("staff", "liaison"):
        html = client_as(world.users[persona]).get(detail).content.decode()
        assert 'data-testid="committee-actions"' in html
        assert reverse("committees:term-reelect", args=[c.pk]) in html
        assert reverse("committees:seat-vacate", args=[chair_of(world.unit_a1).pk]) in html
        assert reverse("committees:vacancy-fill", args=[open_vacancy_of(world.unit_a1).pk]) in html
        assert reverse("committees:unit-history", args=[world.unit_a1.pk]) in html
    html = client_as(world.supervisor).get(detail).content.decode()
    assert 'data-testid="committee-panel"' in html and 'data-testid="committee-actions"' not in html
    assert reverse("committees:term-reelect", args=[c.pk]) not in html
    # A unit without a committee offers to form one.
    html = client_as(world.staff).get(reverse("orgs:unit-detail", args=[world.unit_a2.pk])).content.decode()
    assert reverse("committees:committee-form", args=[world.unit_a2.pk]) in html


# ---- 组建妇委会 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "other_liaison"])
def test_forming_a_committee_opens_term_one_for_the_federations_term_length(world, client_as, persona):
    client = client_as(world.users[persona])  # other_liaison is unit_a2's own liaison
    url = reverse("committees:committee-form", args=[world.unit_a2.pk])
    html = follow_message(client, client.post(url, {"formed_on": "2018-05-14"}))
    assert "已登记组建妇委会（2018-05-14 成立）：第1届 2018-05-14 选举，2023-05-14 届满。" in html
    term = Term.objects.get(committee__unit=world.unit_a2)
    assert (term.number, term.started_on, term.due_on) == (1, D(2018, 5, 14), D(2023, 5, 14))
    assert AuditEvent.objects.filter(
        object_type="committees.committee", action="create", actor=world.users[persona]
    ).exists()


def test_forming_a_second_committee_is_refused_on_the_form(world, client_as):
    client = client_as(world.staff)
    before = history_counts()
    response = client.post(
        reverse("committees:committee-form", args=[world.unit_a1.pk]), {"formed_on": "2019-01-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and str(s.MSG_SECOND_ACTIVE_COMMITTEE) in html
    assert history_counts() == before


def test_forming_before_the_unit_existed_is_refused_under_the_date(world, client_as):
    response = client_as(world.staff).post(
        reverse("committees:committee-form", args=[world.unit_a2.pk]), {"formed_on": "1999-12-31"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["formed_on"] == [s.MSG_FORMED_BEFORE_UNIT]
    assert not Committee.objects.filter(unit=world.unit_a2).exists()


def test_a_date_typed_by_hand_is_read_and_a_bad_one_is_refused(world, client_as):
    client = client_as(world.staff)
    url = reverse("committees:committee-form", args=[world.unit_a2.pk])
    response = client.post(url, {"formed_on": "2018年5月14日"})
    assert response.status_code == 302
    response = client.post(
        reverse("committees:term-reelect", args=[committee_of(world.unit_a2).pk]), {"started_on": "明年"}
    )
    assert response.status_code == 400 and "请填写有效日期" in response.content.decode()


# ---- 换届 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_a_reelection_carries_the_seats_into_the_new_term(world, client_as, persona):
    client = client_as(world.users[persona])
    c = committee_of(world.unit_a1)
    url = reverse("committees:term-reelect", args=[c.pk])
    html = follow_message(client, client.post(url, {"started_on": "2017-03-01", "carry_seats": "on"}))
    assert "已登记换届：第2届 2017-03-01 选举，2022-03-01 届满。原 1 名委员连任到第2届。" in html
    old, new = Term.objects.filter(committee=c).order_by("number")
    assert old.ended_on == D(2017, 3, 1) and new.ended_on is None
    assert chair_of(world.unit_a1).term == new


def test_a_reelection_without_carrying_ends_every_seat(world, client_as):
    client = client_as(world.liaison)
    c = committee_of(world.unit_a1)
    html = follow_message(
        client,
        client.post(
            reverse("committees:term-reelect", args=[c.pk]),
            {"started_on": "2017-03-01", "due_on": "2021-12-31"},
        ),
    )
    assert "第2届 2017-03-01 选举，2021-12-31 届满。上一届委员已全部离任" in html
    assert not Seat.objects.filter(committee=c, ended_on__isnull=True).exists()


def test_a_reelection_dated_before_the_current_term_started_is_refused(world, client_as):
    client = client_as(world.liaison)
    c = committee_of(world.unit_a1)
    s.term_reelect(committee=c, started_on=D(2017, 3, 1))  # 第2届 started 2017-03-01
    before = history_counts()
    response = client.post(reverse("committees:term-reelect", args=[c.pk]), {"started_on": "2016-12-31"})
    assert response.status_code == 400
    assert response.context["form"].errors["started_on"] == [s.MSG_TERM_BEFORE_PREVIOUS]
    assert 'data-testid="form-error-summary"' in response.content.decode()
    assert history_counts() == before


def test_a_due_date_not_after_the_election_is_refused_under_the_due_date(world, client_as):
    c = committee_of(world.unit_a1)
    response = client_as(world.staff).post(
        reverse("committees:term-reelect", args=[c.pk]), {"started_on": "2017-03-01", "due_on": "2017-03-01"}
    )
    assert response.context["form"].errors["due_on"] == [s.MSG_DUE_NOT_AFTER_START]


# ---- 任命委员 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_assigning_a_member_fills_the_oldest_open_vacancy_and_says_so(world, client_as, persona):
    client = client_as(world.users[persona])
    c = committee_of(world.unit_a1)
    vacancy = open_vacancy_of(world.unit_a1)
    person = world.executive.person  # staff of unit_a1
    page = client.get(reverse("committees:seat-assign", args=[c.pk])).content.decode()
    assert person.name in page and "volunteer人员" in page and "另一区" not in page
    html = follow_message(
        client,
        client.post(
            reverse("committees:seat-assign", args=[c.pk]),
            {"role": "member", "person": person.pk, "started_on": "2017-06-20"},
        ),
    )
    assert (
        f"已登记 {person.name} 任委员（2017-06-20 起）。同时补上了 2017-05-01 起的委员缺位：缺位 50 天，在补缺期限内。"
        in html
    )
    vacancy.refresh_from_db()
    seat = Seat.objects.get(committee=c, person=person)
    assert vacancy.filled_on == D(2017, 6, 20) and vacancy.filled_by == seat


def test_a_late_fill_says_the_deadline_was_missed(world, client_as):
    client = client_as(world.staff)
    c = committee_of(world.unit_a1)
    html = follow_message(
        client,
        client.post(
            reverse("committees:seat-assign", args=[c.pk]),
            {"role": "member", "holder_name": "赵敏", "started_on": "2017-12-01"},
        ),
    )
    assert "缺位 214 天，超过补缺期限（2017-07-30）。" in html


def test_the_same_person_in_the_same_post_twice_is_refused(world, client_as):
    client = client_as(world.liaison)
    c = committee_of(world.unit_a1)
    url = reverse("committees:seat-assign", args=[c.pk])
    person = world.executive.person
    assert (
        client.post(url, {"role": "member", "person": person.pk, "started_on": "2017-06-20"}).status_code
        == 302
    )
    before = history_counts()
    response = client.post(url, {"role": "member", "person": person.pk, "started_on": "2017-07-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["person"] == [s.MSG_PERSON_HOLDS_POST]
    # The same for a name typed by hand.
    assert (
        client.post(
            url, {"role": "vice_chair", "holder_name": "赵敏", "started_on": "2017-06-20"}
        ).status_code
        == 302
    )
    response = client.post(url, {"role": "vice_chair", "holder_name": "赵敏", "started_on": "2017-07-01"})
    assert response.context["form"].errors["person"] == [s.MSG_NAME_HOLDS_POST]
    assert history_counts()[2] == before[2] + 1


def test_a_second_chair_is_refused_under_the_post(world, client_as):
    c = committee_of(world.unit_a1)
    response = client_as(world.staff).post(
        reverse("committees:seat-assign", args=[c.pk]),
        {"role": "chair", "holder_name": "赵敏", "started_on": "2017-06-20"},
    )
    assert response.context["form"].errors["role"] == [s.MSG_CHAIR_TAKEN]


def test_a_seat_needs_someone(world, client_as):
    c = committee_of(world.unit_a1)
    client = client_as(world.staff)
    response = client.post(
        reverse("committees:seat-assign", args=[c.pk]), {"role": "member", "started_on": "2017-06-20"}
    )
    assert response.status_code == 400 and response.context["form"].errors["person"] == [cf.MSG_NEEDS_HOLDER]
    response = client.post(
        reverse("committees:seat-assign", args=[c.pk]),
        {
            "role": "member",
            "person": world.executive.person.pk,
            "holder_name": "别人",
            "started_on": "2017-06-20",
        },
    )
    assert response.context["form"].errors["holder_name"] == [cf.MSG_PERSON_OR_NAME]


def test_a_person_of_another_unit_cannot_be_chosen(world, client_as):
    c = committee_of(world.unit_a1)
    other = world.other_liaison.person  # works at unit_a2
    response = client_as(world.staff).post(
        reverse("committees:seat-assign", args=[c.pk]),
        {"role": "member", "person": other.pk, "started_on": "2017-06-20"},
    )
    assert response.status_code == 400 and "person" in response.context["form"].errors
    assert not Seat.objects.filter(person=other).exists()


# ---- 离任 / 补缺 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_a_holder_leaving_opens_a_vacancy(world, client_as, persona):
    client = client_as(world.users[persona])
    seat = chair_of(world.unit_a1)
    html = follow_message(
        client, client.post(reverse("committees:seat-vacate", args=[seat.pk]), {"vacated_on": "2018-01-10"})
    )
    assert "于 2018-01-10 离任主任。该职务缺位，请在 2018-04-10 前补上（补缺期限 90 天）。" in html
    seat.refresh_from_db()
    assert seat.ended_on == D(2018, 1, 10)
    assert Vacancy.objects.filter(seat=seat, role="chair", vacated_on=D(2018, 1, 10), filled_on=None).exists()


def test_leaving_before_taking_the_post_or_twice_is_refused(world, client_as):
    client = client_as(world.liaison)
    seat = chair_of(world.unit_a1)
    url = reverse("committees:seat-vacate", args=[seat.pk])
    response = client.post(url, {"vacated_on": "2011-01-01"})
    assert response.status_code == 400 and response.context["form"].errors["vacated_on"] == [
        s.MSG_VACATED_BEFORE_START
    ]
    assert client.post(url, {"vacated_on": "2018-01-10"}).status_code == 302
    response = client.post(url, {"vacated_on": "2018-01-11"})
    assert response.status_code == 400 and str(s.MSG_SEAT_ALREADY_ENDED) in response.content.decode()
    assert Vacancy.objects.filter(seat=seat).count() == 1


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_filling_a_vacancy_by_date_only(world, client_as, persona):
    client = client_as(world.users[persona])
    vacancy = open_vacancy_of(world.unit_a1)
    html = follow_message(
        client,
        client.post(reverse("committees:vacancy-fill", args=[vacancy.pk]), {"filled_on": "2017-07-01"}),
    )
    assert "已登记 2017-05-01 起的委员缺位于 2017-07-01 补上（缺位 61 天）。" in html
    vacancy.refresh_from_db()
    assert vacancy.filled_on == D(2017, 7, 1) and vacancy.filled_by is None


def test_filling_a_vacancy_with_a_person_fills_that_vacancy(world, client_as):
    client = client_as(world.staff)
    c = committee_of(world.unit_a1)
    older = open_vacancy_of(world.unit_a1)
    # A second, later member vacancy: filling it must not touch the older one.
    later = s.vacancy_record(committee=c, role="member", vacated_on=D(2017, 6, 1))
    html = follow_message(
        client,
        client.post(
            reverse("committees:vacancy-fill", args=[later.pk]),
            {"filled_on": "2017-06-15", "holder_name": "孙丽"},
        ),
    )
    assert "同时补上了 2017-06-01 起的委员缺位：缺位 14 天" in html
    later.refresh_from_db()
    older.refresh_from_db()
    assert later.filled_by.holder_name == "孙丽" and older.filled_on is None


def test_filling_before_the_vacancy_or_twice_is_refused(world, client_as):
    client = client_as(world.liaison)
    vacancy = open_vacancy_of(world.unit_a1)
    url = reverse("committees:vacancy-fill", args=[vacancy.pk])
    response = client.post(url, {"filled_on": "2017-04-01"})
    assert response.status_code == 400 and response.context["form"].errors["filled_on"] == [
        s.MSG_FILLED_BEFORE_VACATED
    ]
    response = client.post(url, {"filled_on": "2017-04-01", "holder_name": "孙丽"})
    assert response.context["form"].errors["filled_on"] == [s.MSG_FILLED_BEFORE_VACATED]
    assert not Seat.objects.filter(holder_name="孙丽").exists()
    assert client.post(url, {"filled_on": "2017-07-01"}).status_code == 302
    response = client.post(url, {"filled_on": "2017-07-02"})
    assert response.status_code == 400 and str(s.MSG_VACANCY_ALREADY_FILLED) in response.content.decode()


# ---- 撤销妇委会 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_dissolving_the_committee_ends_its_term_and_seats(world, client_as, persona):
    client = client_as(world.users[persona])
    c = committee_of(world.unit_a1)
    html = follow_message(
        client,
        client.post(reverse("committees:committee-dissolve", args=[c.pk]), {"dissolved_on": "2019-01-18"}),
    )
    assert "已登记撤销妇委会（2019-01-18）" in html and "本单位尚未组建妇委会。" in html
    c.refresh_from_db()
    assert c.dissolved_on == D(2019, 1, 18)
    assert not Seat.objects.filter(committee=c, ended_on__isnull=True).exists()


def test_dissolving_before_the_committee_was_formed_is_refused(world, client_as):
    c = committee_of(world.unit_a1)
    response = client_as(world.staff).post(
        reverse("committees:committee-dissolve", args=[c.pk]), {"dissolved_on": "2010-01-01"}
    )
    assert response.context["form"].errors["dissolved_on"] == [s.MSG_DISSOLVED_BEFORE_FORMED]
    c.refresh_from_db()
    assert c.dissolved_on is None


def test_actions_on_a_dissolved_committee_are_refused(world, client_as):
    c = committee_of(world.unit_a1)
    s.committee_dissolve(committee=c, dissolved_on=D(2019, 1, 18))
    response = client_as(world.liaison).post(
        reverse("committees:term-reelect", args=[c.pk]), {"started_on": "2019-03-01"}
    )
    assert response.status_code == 400 and str(s.MSG_COMMITTEE_DISSOLVED) in response.content.decode()


# ---- 历届情况 -----------------------------------------------------------------------------------------


def test_the_history_page_lists_terms_seats_and_vacancies_with_their_judgement(world, client_as):
    c = committee_of(world.unit_a1)
    s.term_reelect(committee=c, started_on=D(2017, 6, 1))  # due 2017-03-08: 85 days late
    s.vacancy_fill(vacancy=open_vacancy_of(world.unit_a1), filled_on=D(2017, 9, 1))  # 123 days: late
    url = reverse("committees:unit-history", args=[world.unit_a1.pk])
    for persona in ("staff", "liaison", "supervisor"):
        page = client_as(world.users[persona]).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count('data-testid="history-committee"') == 1
        assert "第1届" in html and "第2届" in html and "逾期换届，晚 85 天" in html
        assert "王芳" in html and "liaison人员" in html
        assert "补上，超过期限 33 天" in html and ">123<" in html


def test_the_history_page_shows_a_dissolved_committee_and_the_new_one(world, client_as):
    c = committee_of(world.unit_a1)
    s.committee_dissolve(committee=c, dissolved_on=D(2016, 1, 1))  # before 第1届 was due: not judged
    s.committee_form(unit=world.unit_a1, formed_on=D(2018, 1, 1))
    html = (
        client_as(world.staff)
        .get(reverse("committees:unit-history", args=[world.unit_a1.pk]))
        .content.decode()
    )
    assert html.count('data-testid="history-committee"') == 2
    assert "届满前妇委会撤销，不计入按时换届率" in html and "已撤销" in html


def test_the_history_page_is_scoped(world, client_as):
    url = reverse("committees:unit-history", args=[world.unit_a1.pk])
    assert client_as(world.other_liaison).get(url).status_code == 404
    assert client_as(world.outsider).get(url).status_code == 404
    page = client_as(world.executive).get(url)  # sees the unit, not its committee rows
    assert page.status_code == 200 and "王芳" not in page.content.decode()
    assert 'data-testid="history-committee"' not in page.content.decode()


def test_the_person_picker_lists_the_units_staff_in_pinyin_order(world, client_as):
    from orgs.models import Person

    for name in ("王静", "安娜", "张敏", "李娟"):  # code points: 安 张 李 王; pinyin: an li wang zhang
        Person.objects.create(federation=world.fed_a, unit=world.unit_a1, name=name)
    page = client_as(world.staff).get(
        reverse("committees:seat-assign", args=[committee_of(world.unit_a1).pk])
    )
    names = [n for n in ("安娜", "李娟", "王静", "张敏") if n in page.text]
    assert sorted(names, key=page.text.index) == ["安娜", "李娟", "王静", "张敏"]
