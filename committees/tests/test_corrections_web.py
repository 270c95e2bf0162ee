"""The correction pages (committees.views_corrections, orgs.views.UnitEnd*), the history page's 更正记录, and
the unit panel's status, end to end with the test client.

The world has unit_a1's committee (第1届 from 2012-03-08, the liaison in the chair, 王芳's member seat
vacated on 2017-05-01: an open vacancy) and the same in fed_b's unit_b1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import history as h
from committees import rules
from committees import services as s
from committees.models import Committee, Correction, Seat, Term, Vacancy
from core import audit
from core.testing.asserts import row_counts
from core.testing.world import build_world
from orgs import services as org_services
from orgs.models import Unit
from orgs.registry import unit_panels

D = dt.date
WHY = "录入时日期填错，按会议纪要更正"


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def committee_of(unit):
    return Committee.objects.get(unit=unit)


def pages(world):
    """Every correction page of unit_a1's records, by name (the committee dissolved for the dissolution ones)."""
    c = committee_of(world.unit_a1)
    vacancy = Vacancy.objects.get(committee=c)
    seat = Seat.objects.get(committee=c, role="chair")
    term = Term.objects.get(committee=c)
    return {
        "formation-correct": reverse("committees:formation-correct", args=[c.pk]),
        "formation-withdraw": reverse("committees:formation-withdraw", args=[c.pk]),
        "dissolution-correct": reverse("committees:dissolution-correct", args=[c.pk]),
        "dissolution-withdraw": reverse("committees:dissolution-withdraw", args=[c.pk]),
        "term-correct": reverse("committees:term-correct", args=[term.pk]),
        "term-withdraw": reverse("committees:term-withdraw", args=[term.pk]),
        "seat-correct": reverse("committees:seat-correct", args=[seat.pk]),
        "seat-withdraw": reverse("committees:seat-withdraw", args=[seat.pk]),
        "vacancy-correct": reverse("committees:vacancy-correct", args=[vacancy.pk]),
        "vacancy-withdraw": reverse("committees:vacancy-withdraw", args=[vacancy.pk]),
        "fill-correct": reverse("committees:fill-correct", args=[vacancy.pk]),
        "fill-withdraw": reverse("committees:fill-withdraw", args=[vacancy.pk]),
    }


def history_url(world):
    return reverse("committees:unit-history", args=[world.unit_a1.pk])


# ---- who may correct ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "liaison"])
def test_whoever_records_the_events_gets_every_correction_page(world, client_as, persona):
    client = client_as(world.users[persona])
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert 'name="reason"' in response.content.decode(), name


def test_another_units_liaison_gets_404_and_a_reader_403_and_nothing_is_written(world, client_as):
    for persona, status in (("other_liaison", 404), ("outsider", 404), ("supervisor", 403)):
        client = client_as(world.users[persona])
        before = row_counts()
        for name, url in pages(world).items():
            assert client.get(url).status_code == status, (persona, name)
            assert client.post(url, {"reason": WHY, "started_on": "2012-03-10"}).status_code == status, (persona, name)
        assert row_counts() == before


# ---- correcting and withdrawing through the pages -------------------------------------------------


def test_correcting_a_term_goes_back_to_the_history_which_shows_the_correction(world, client_as):
    client = client_as(world.liaison)
    term = Term.objects.get(committee__unit=world.unit_a1)
    response = client.post(reverse("committees:term-correct", args=[term.pk]),
                           {"started_on": "2012-03-10", "due_on": "", "reason": WHY})
    assert response.status_code == 302 and response["Location"] == history_url(world) + "#corrections"
    term.refresh_from_db()
    assert (term.started_on, term.due_on) == (D(2012, 3, 10), D(2017, 3, 10))
    page = client.get(response["Location"]).content.decode()
    assert "已更正第1届：2012-03-10 选举，2017-03-10 届满。" in page
    section = page[page.index('data-testid="history-corrections"'):]
    assert "组建妇委会：第1届（2012-03-08 选举）" in section
    assert "选举日期：<del" in section and "2012-03-08</del> → <strong>2012-03-10</strong>" in section
    assert WHY in section and "liaison人员" not in section and "liaison" in section


def test_a_correction_without_a_reason_is_refused_under_the_reason(world, client_as):
    client = client_as(world.staff)
    before = row_counts()
    term = Term.objects.get(committee__unit=world.unit_a1)
    response = client.post(reverse("committees:term-correct", args=[term.pk]), {"started_on": "2012-03-10", "reason": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert row_counts() == before


def test_a_correction_that_breaks_the_history_is_refused_with_the_place_and_writes_nothing(world, client_as):
    c = committee_of(world.unit_a1)
    with audit.acting_as(None, source="test"):
        s.term_reelect(committee=c, started_on=D(2017, 3, 1))
    second = Term.objects.get(committee=c, number=2)
    client = client_as(world.staff)
    before = row_counts()
    response = client.post(reverse("committees:term-correct", args=[second.pk]), {"started_on": "2011-01-01", "reason": WHY})
    assert response.status_code == 400
    message = h.MSG_TERM_NOT_AFTER_PREVIOUS % {"n": 2, "p": 1, "day": "2011-01-01", "limit": "2012-03-08"}
    assert message in response.context["form"].errors["started_on"]
    assert row_counts() == before


def test_withdrawing_the_vacancy_puts_the_member_back_on_the_panel(world, client_as):
    client = client_as(world.staff)
    vacancy = Vacancy.objects.get(committee__unit=world.unit_a1)
    response = client.post(reverse("committees:vacancy-withdraw", args=[vacancy.pk]), {"reason": "误登记离任"})
    assert response.status_code == 302
    assert not Vacancy.objects.filter(pk=vacancy.pk).exists()
    panel = client.get(reverse("orgs:unit-detail", args=[world.unit_a1.pk])).content.decode()
    assert "王芳" in panel and "缺位超过补缺期限" not in panel


def test_withdrawing_the_formation_says_what_goes_with_it(world, client_as):
    client = client_as(world.staff)
    c = committee_of(world.unit_a1)
    page = client.get(reverse("committees:formation-withdraw", args=[c.pk])).content.decode()
    assert "1 个届次、2 条任职记录、1 个缺位" in page
    response = client.post(reverse("committees:formation-withdraw", args=[c.pk]), {"reason": "登记错了单位"})
    assert response.status_code == 302 and not Committee.objects.filter(pk=c.pk).exists()
    history = client.get(history_url(world)).content.decode()
    assert "撤销登记" in history and "登记错了单位" in history and "按从未发生处理" in history


def test_a_withdrawal_refused_by_the_history_says_why_on_the_page(world, client_as):
    term = Term.objects.get(committee__unit=world.unit_a1)
    response = client_as(world.staff).post(reverse("committees:term-withdraw", args=[term.pk]), {"reason": WHY})
    assert response.status_code == 400 and str(h.MSG_FIRST_TERM_IS_FORMATION) in response.content.decode()


def test_a_future_date_is_refused_under_the_field_of_the_recording_form(world, client_as):
    c = committee_of(world.unit_a1)
    tomorrow = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    response = client_as(world.staff).post(reverse("committees:term-reelect", args=[c.pk]),
                                           {"started_on": tomorrow, "carry_seats": "on"})
    assert response.status_code == 400
    assert str(s.MSG_ELECTED_IN_FUTURE) in response.context["form"].errors["started_on"]


# ---- the unit's end -------------------------------------------------------------------------------


def test_staff_correct_a_merger_and_the_committee_follows(world, client_as):
    with audit.acting_as(None, source="test"):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18), successor=world.unit_a2)
    client = client_as(world.staff)
    detail = client.get(reverse("orgs:unit-detail", args=[world.unit_a1.pk])).content.decode()
    assert 'data-testid="unit-end-correct"' in detail
    response = client.post(reverse("orgs:unit-end-correct", args=[world.unit_a1.pk]),
                           {"dissolved_on": "2019-02-01", "successor": world.unit_a2.pk, "reason": WHY})
    assert response.status_code == 302
    assert committee_of(world.unit_a1).dissolved_on == D(2019, 2, 1)
    history = client.get(history_url(world)).content.decode()
    assert "单位撤销/合并" in history and "2019-01-18</del> → <strong>2019-02-01</strong>" in history
    response = client.post(reverse("orgs:unit-end-withdraw", args=[world.unit_a1.pk]), {"reason": "方案撤回"})
    assert response.status_code == 302 and Unit.objects.get(pk=world.unit_a1.pk).dissolved_on is None


def test_the_units_liaison_may_not_correct_its_end(world, client_as):
    with audit.acting_as(None, source="test"):
        org_services.unit_dissolve(unit=world.unit_a1, dissolved_on=D(2019, 1, 18))
    client = client_as(world.liaison)
    assert client.get(reverse("orgs:unit-end-correct", args=[world.unit_a1.pk])).status_code == 403
    assert client.post(reverse("orgs:unit-end-withdraw", args=[world.unit_a1.pk]), {"reason": WHY}).status_code == 403
    assert Unit.objects.get(pk=world.unit_a1.pk).dissolved_on == D(2019, 1, 18)


# ---- the panel's status tells the truth -----------------------------------------------------------


def panel_badges(client, unit):
    page = client.get(reverse("orgs:unit-detail", args=[unit.pk])).content.decode()
    start = page.index('data-testid="committee-status"')
    return page[start:page.index("</span></span>", start)]


def test_the_status_shows_a_vacancy_past_its_deadline_not_normal(world, client_as):
    """The issue: re-elected in time, an old vacancy open for years, and the badge said 正常."""
    with audit.acting_as(None, source="test"):
        s.term_reelect(committee=committee_of(world.unit_a1), started_on=D(2024, 1, 1))
    badges = panel_badges(client_as(world.staff), world.unit_a1)
    assert "1 个缺位超过补缺期限" in badges and "正常" not in badges and "超期服役" not in badges


def test_the_status_shows_every_condition_at_once(world, client_as):
    c = committee_of(world.unit_a1)
    today = dt.date.today()
    with audit.acting_as(None, source="test"):
        s.vacancy_record(committee=c, role="vice_chair", vacated_on=today - dt.timedelta(days=50))
    badges = panel_badges(client_as(world.staff), world.unit_a1)
    overdue = (today - D(2017, 3, 8)).days
    assert f"超期服役 {overdue} 天" in badges
    assert "1 个缺位超过补缺期限" in badges and "1 个缺位补缺期限已过半" in badges
    assert badges.index("超期服役") < badges.index("超过补缺期限") < badges.index("已过半")


def test_the_status_of_a_unit_without_a_committee_and_of_a_calm_one(world, client_as):
    client = client_as(world.staff)
    assert "未组建" in panel_badges(client, world.unit_a2)
    c = committee_of(world.unit_a1)
    with audit.acting_as(None, source="test"):
        s.term_reelect(committee=c, started_on=D(2024, 1, 1))
        s.vacancy_fill(vacancy=Vacancy.objects.get(committee=c), filled_on=D(2024, 1, 1))
    assert "正常" in panel_badges(client, world.unit_a1)


def test_committee_status_orders_the_conditions_and_says_when_all_is_well():
    today = D(2026, 12, 2)
    late = rules.judge_vacancy(vacated_on=D(2026, 1, 1), filled_on=None, fill_days=90, today=today)
    half = rules.judge_vacancy(vacated_on=D(2026, 10, 1), filled_on=None, fill_days=90, today=today)
    fresh = rules.judge_vacancy(vacated_on=D(2026, 11, 30), filled_on=None, fill_days=90, today=today)
    status = rules.committee_status(formed=True, current_due_on=D(2027, 3, 1), vacancies=[fresh, half, late],
                                    today=today)
    assert [(i.condition, i.number) for i in status.items] == [
        (rules.Condition.VACANCY_PAST_DEADLINE, 1), (rules.Condition.VACANCY_PAST_HALF, 1),
        (rules.Condition.DUE_SOON, 89)]
    assert status.urgent and not status.ok
    assert rules.committee_status(formed=True, current_due_on=D(2030, 1, 1), vacancies=[fresh], today=today).ok
    assert rules.committee_status(formed=False, current_due_on=None, vacancies=(), today=today).has(
        rules.Condition.NOT_FORMED)


# ---- query counts ---------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow_history(world, corrections=3):
    """More terms, seats, vacancies and corrections for unit_a1."""
    c = committee_of(world.unit_a1)
    with audit.acting_as(None, source="test"):
        for year in (2017, 2022):
            s.term_reelect(committee=c, started_on=D(year, 3, 1))
        for i in range(4):
            seat = s.seat_assign(committee=c, role="member", holder_name=f"委员{i}", started_on=D(2022, 4, 1 + i))
            s.seat_vacate(seat=seat, vacated_on=D(2023, 1, 1 + i))
        for i in range(corrections):
            vacancy = Vacancy.objects.filter(committee=c).order_by("-id")[i]
            s.vacancy_correct(vacancy=vacancy, vacated_on=vacancy.vacated_on + dt.timedelta(days=1), reason=WHY,
                              acting_user=world.staff)


# Every page of a logged-in user: the session, the user (with the scope: role assignments and the person's
# unit as columns of its row), the bell (once per request, the panels' renders included); the session is
# renewed at most once a minute.
PER_REQUEST = 3


def test_the_history_page_query_count_is_pinned_and_does_not_grow(world, client_as):
    client = client_as(world.staff)
    url = history_url(world)
    few = count_queries(client, url)
    grow_history(world)
    # The unit; whether the user reads and records its committees (two); then unit_history_for: committees,
    # terms, seats, vacancies, corrections. If this grows with the rows, something queries per row.
    assert count_queries(client, url) == few == PER_REQUEST + 8


def test_the_unit_page_query_count_is_pinned_and_does_not_grow(world, client_as):
    client = client_as(world.staff)
    url = reverse("orgs:unit-detail", args=[world.unit_a1.pk])
    few = count_queries(client, url)
    grow_history(world)
    # The unit, may change it, its predecessors, may manage it; the committee panel: committees, records them,
    # terms, seats, vacancies (its status is computed from these, no query of its own); one query for each
    # other app's panel (the test settings' stand-in module: one).
    other_panels = len(unit_panels) - 1
    assert count_queries(client, url) == few == PER_REQUEST + 9 + other_panels


def test_a_correction_page_query_count_is_pinned(world, client_as):
    client = client_as(world.staff)
    seat = Seat.objects.get(committee__unit=world.unit_a1, role="chair")
    # The seat (visible), permitted to change it, the seat with its committee, unit and term; the people picker.
    assert count_queries(client, reverse("committees:seat-correct", args=[seat.pk])) == PER_REQUEST + 4


def test_corrections_are_kept_for_their_unit_only(world, client_as):
    grow_history(world, corrections=1)
    assert Correction.objects.filter(unit=world.unit_a1).count() == 1
    page = client_as(world.outsider).get(reverse("committees:unit-history", args=[world.unit_b1.pk])).content.decode()
    assert WHY not in page


def test_in_english_the_corrections_and_the_status_are_english(world, client_as):
    client = client_as(world.staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    grow_history(world, corrections=1)
    history = client.get(history_url(world)).content.decode()
    assert "Corrections" in history and "Correct vacancy" in history and "Withdraw re-election" in history
    assert "更正记录" not in history and "撤销登记" not in history
    seat = Seat.objects.filter(committee__unit=world.unit_a1).first()
    page = client.get(reverse("committees:seat-correct", args=[seat.pk])).content.decode()
    assert "Correct the appointment record" in page and "Give the reason" not in page and "Reason" in page
    panel = client.get(reverse("orgs:unit-detail", args=[world.unit_a1.pk])).content.decode()
    assert "vacancies past their fill deadline" in panel or "vacancy past its fill deadline" in panel
