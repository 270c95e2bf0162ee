"""Templates, cycles and a unit's form: scored from the committee registry, answered, disputed, submitted,
frozen, returned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Cycle, CycleItem, ItemAnswer, SelfCheck, Template, TemplateItem
from committees import services as committee_services
from committees.models import Vacancy
from core import clock, metrics
from core.metrics import EvidenceLink, Measurement, Metric
from core.testing.asserts import refused
from core.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def form_of(world, unit):
    return SelfCheck.objects.get(
        cycle=world.cycle_a if unit.federation_id == world.fed_a.pk else world.cycle_b, unit=unit
    )


def line(view, number):
    return next(x for x in view.lines if x.item.number == number)


def self_answers(selfcheck, **by_number):
    return {
        a.item_id: v
        for a in ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item")
        for n, v in by_number.items()
        if a.item.number == int(n.strip("n"))
    }


def fill_all(selfcheck):
    """Answers every self item of the default template (items 4, 5, 8)."""
    services.selfcheck_save(
        selfcheck=selfcheck,
        answers=self_answers(
            selfcheck,
            n5={"value": "4"},
            n8={"value": "", "not_applicable": True, "na_reason": "本单位无哺乳期职工"},
        ),
    )


def test_opening_a_cycle_copies_the_template_and_makes_a_form_per_unit(world):
    cycle = world.cycle_a
    assert cycle.items.count() == 10 and cycle.template_revision == world.template_a.revision
    units = set(SelfCheck.objects.filter(cycle=cycle).values_list("unit__name", flat=True))
    assert units == {world.unit_a1.name, world.unit_a2.name}
    assert ItemAnswer.objects.filter(selfcheck__cycle=cycle).count() == 20


def test_editing_a_template_after_a_cycle_opened_leaves_the_cycle_unchanged(world):
    item = TemplateItem.objects.get(template=world.template_a, number=5)
    services.template_item_update(
        item=item,
        title="思想引领（修订）",
        points=Decimal(20),
        guidance="新说明",
        kind="count",
        params={"target": 8},
        evidence_required=False,
        na_allowed=False,
        threshold=Decimal("0.5"),
    )
    assert Template.objects.get(pk=world.template_a.pk).revision == world.template_a.revision + 1
    copy = CycleItem.objects.get(cycle=world.cycle_a, number=5)
    assert (copy.title, copy.points, copy.params, copy.evidence_required) == (
        "思想引领",
        Decimal(10),
        {"target": 4},
        True,
    )
    assert Cycle.objects.get(pk=world.cycle_a.pk).template_revision == world.template_a.revision
    # A cycle opened now takes the new version.
    later = services.cycle_open(
        template=Template.objects.get(pk=world.template_a.pk),
        year=clock.today().year,
        deadline=clock.today(),
        title="补充自查",
        unit_ids=[world.unit_a1.pk],
    )
    assert later.items.get(number=5).points == 20 and later.template_revision == world.template_a.revision + 1


def test_template_parameters_are_checked_against_the_rule_kind(world):
    item = TemplateItem.objects.get(template=world.template_a, number=5)
    with refused(services.MSG_BAD_PARAMS % {"problem": "target 须为正数"}):
        services.template_item_update(
            item=item,
            title="x",
            points=Decimal(10),
            guidance="",
            kind="count",
            params={"target": -1},
            evidence_required=False,
            na_allowed=False,
            threshold=Decimal("0.6"),
        )


def test_opening_refuses_a_past_deadline_a_future_year_and_other_federations_units(world):
    today = clock.today()
    with refused(services.MSG_DEADLINE_PAST):
        services.cycle_open(
            template=world.template_a, year=today.year, deadline=today - dt.timedelta(days=1), title="x"
        )
    with refused(services.MSG_YEAR_FUTURE):
        services.cycle_open(template=world.template_a, year=today.year + 1, deadline=today, title="x")
    with refused(services.MSG_UNIT_ELSEWHERE):
        services.cycle_open(
            template=world.template_a, year=today.year, deadline=today, title="x", unit_ids=[world.unit_b1.pk]
        )


def test_automatic_items_are_scored_from_the_registry_and_explained(world):
    view = selectors.form_view(form_of(world, world.unit_a1))
    first = line(view, 1).result
    assert first.score == 10 and "2012-03-08" in first.sentence
    assert first.evidence[0].url == reverse("committees:unit-history", args=[world.unit_a1.pk])
    # The world's committee: 第1届 from 2012-03-08, five years: overdue.
    assert line(view, 2).result.score == 0 and "超期服役" in line(view, 2).result.sentence
    # unit_a2 has no committee.
    other = selectors.form_view(form_of(world, world.unit_a2))
    assert line(other, 1).result.score == 0 and line(other, 1).result.actual == "未组建"


def test_items_from_apps_not_installed_say_so_and_are_not_scored(world):
    from core.metrics import metrics

    # As in a deployment without the lecture and duty systems: nobody provides their metrics.
    with metrics.emptied():
        view = selectors.form_view(form_of(world, world.unit_a1))
    for number in (6, 7, 9):
        r = line(view, number).result
        assert r.status == "unavailable" and r.sentence == "该数据来自讲座/执委系统，尚未启用"
    assert view.total.max_score == 70


def test_items_read_registered_metrics(world):
    link = EvidenceLink("心肺复苏讲座", "/lectures/1/")
    fake = Metric(
        label="讲座",
        unit_label="场",
        measure=lambda unit_id, start, end, limit: Measurement(Decimal(2), (link,)),
    )
    with metrics.metrics.temporarily("lectures.hosted_or_attended", fake):
        view = selectors.form_view(form_of(world, world.unit_a1))
    r = line(view, 6).result
    assert r.score == 5 and r.evidence == (link,) and "2 场" in r.sentence


def test_filling_a_vacancy_moves_item_3_and_a_submitted_form_does_not_move(world):
    selfcheck = form_of(world, world.unit_a1)
    before = line(selectors.form_view(selfcheck), 3).result
    assert before.score == 0 and "1 个超期未补" in before.sentence
    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    vacancy = Vacancy.objects.get(committee__unit=world.unit_a1, filled_on__isnull=True)
    committee_services.vacancy_fill(vacancy=vacancy, filled_on=clock.today())
    frozen = selectors.form_view(SelfCheck.objects.get(pk=selfcheck.pk))
    assert line(frozen, 3).result == before
    # ... and says what the data say now.
    moved = line(frozen, 3).moved
    assert moved is not None and moved.score == 5 and "1 个逾期补齐" in moved.sentence
    # Once returned, the live result counts again.
    services.selfcheck_return(selfcheck=SelfCheck.objects.get(pk=selfcheck.pk), comment="请补充佐证材料")
    live = selectors.form_view(SelfCheck.objects.get(pk=selfcheck.pk))
    assert line(live, 3).result.score == 5 and line(live, 3).result.sentence != before.sentence


def test_self_items_answered_with_checks(world):
    selfcheck = form_of(world, world.unit_a1)
    with refused(services.MSG_BAD_ANSWER % {"item": "思想引领"}):
        services.selfcheck_save(selfcheck=selfcheck, answers=self_answers(selfcheck, n5={"value": "many"}))
    with refused(services.MSG_NA_NOT_ALLOWED % {"item": "思想引领"}):
        services.selfcheck_save(
            selfcheck=selfcheck,
            answers=self_answers(selfcheck, n5={"not_applicable": True, "na_reason": "x"}),
        )
    with refused(services.MSG_NA_REASON % {"item": "关爱服务"}):
        services.selfcheck_save(
            selfcheck=selfcheck, answers=self_answers(selfcheck, n8={"not_applicable": True})
        )
    with refused(services.MSG_AUTO_NOT_ANSWERED):
        services.selfcheck_save(selfcheck=selfcheck, answers=self_answers(selfcheck, n3={"value": "10"}))
    # Evidence is required (unit_a2's form has none): the answer stands but scores nothing until it comes.
    selfcheck = form_of(world, world.unit_a2)
    services.selfcheck_save(selfcheck=selfcheck, answers=self_answers(selfcheck, n5={"value": "4"}))
    r = line(selectors.form_view(selfcheck), 5).result
    assert r.score == 0 and "缺少佐证材料" in r.sentence


def test_submission_needs_every_self_item_and_locks_the_form(world):
    selfcheck = form_of(world, world.unit_a1)
    with refused(services.MSG_UNANSWERED % {"n": 2}):
        services.selfcheck_submit(selfcheck=selfcheck)
    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    selfcheck.refresh_from_db()
    assert selfcheck.status == "submitted" and selfcheck.total_score is not None
    with refused(services.MSG_LOCKED):
        services.selfcheck_save(selfcheck=selfcheck, answers=self_answers(selfcheck, n5={"value": "1"}))
    answer = ItemAnswer.objects.get(selfcheck=selfcheck, item__number=3)
    with refused(services.MSG_LOCKED):
        services.answer_dispute(answer=answer, text="x")


def test_a_dispute_is_kept_beside_the_result_and_changes_no_score(world):
    selfcheck = form_of(world, world.unit_a1)
    answer = ItemAnswer.objects.get(selfcheck=selfcheck, item__number=2)
    before = line(selectors.form_view(selfcheck), 2).result
    services.answer_dispute(answer=answer, text="2017 年已换届，台账未及时登记")
    after = line(selectors.form_view(selfcheck), 2)
    assert after.result == before and after.answer.dispute.startswith("2017")
    with refused(services.MSG_NOT_AUTO):
        services.answer_dispute(answer=ItemAnswer.objects.get(selfcheck=selfcheck, item__number=5), text="x")


def test_return_needs_a_comment(world):
    selfcheck = form_of(world, world.unit_a1)
    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    from core.states import MSG_REASON_REQUIRED

    with refused(MSG_REASON_REQUIRED):
        services.selfcheck_return(selfcheck=selfcheck, comment=" ")


# ---- pages -----------------------------------------------------------------------------------------


def test_the_liaison_fills_and_submits_through_the_pages(world, client_as, without_lectures_or_duties):
    selfcheck = form_of(world, world.unit_a1)
    client = client_as(world.liaison)
    page = client.get(reverse("assessment:form-detail", args=[selfcheck.pk]))
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "妇委会于 2012-03-08 组建" in body
        and "该数据来自讲座/执委系统，尚未启用" in body
    )
    items = {
        a.item.number: a.item_id
        for a in ItemAnswer.objects.filter(selfcheck=selfcheck).select_related("item")
    }
    resp = client.post(
        reverse("assessment:form-save", args=[selfcheck.pk]),
        {f"value_{items[5]}": "abc", f"note_{items[5]}": ""},
    )
    assert resp.status_code == 400 and "填写无效" in resp.content.decode()
    resp = client.post(
        reverse("assessment:form-save", args=[selfcheck.pk]),
        {
            f"value_{items[5]}": "5",
            f"note_{items[5]}": "开展主题党日 5 次",
            f"value_{items[8]}": "",
            f"na_{items[8]}": "on",
            f"na_reason_{items[8]}": "无哺乳期职工",
            f"note_{items[8]}": "",
        },
    )
    assert resp.status_code == 302
    resp = client.post(reverse("assessment:form-submit", args=[selfcheck.pk]))
    assert resp.status_code == 302 and SelfCheck.objects.get(pk=selfcheck.pk).status == "submitted"
    page = client.get(reverse("assessment:form-detail", args=[selfcheck.pk])).content.decode()
    assert "得分已固定" in page and 'data-testid="save-draft"' not in page


def test_staff_return_a_form_and_the_liaison_sees_the_comment(world, client_as):
    selfcheck = form_of(world, world.unit_a1)
    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    resp = client_as(world.staff).post(
        reverse("assessment:form-return", args=[selfcheck.pk]), {"comment": "请补充制度文件"}
    )
    assert resp.status_code == 302
    page = (
        client_as(world.liaison).get(reverse("assessment:form-detail", args=[selfcheck.pk])).content.decode()
    )
    assert "请补充制度文件" in page and 'data-testid="save-draft"' in page


def test_another_units_liaison_gets_404_and_staff_cannot_fill(world, client_as):
    selfcheck = form_of(world, world.unit_a1)
    assert (
        client_as(world.other_liaison).get(reverse("assessment:form-detail", args=[selfcheck.pk])).status_code
        == 404
    )
    assert (
        client_as(world.staff).post(reverse("assessment:form-submit", args=[selfcheck.pk])).status_code == 403
    )


def test_staff_open_a_cycle_for_some_units(world, client_as):
    client = client_as(world.staff)
    assert client.get(reverse("assessment:cycle-open")).status_code == 200
    resp = client.post(
        reverse("assessment:cycle-open"),
        {
            "template": world.template_a.pk,
            "year": clock.today().year,
            "title": "专项自查",
            "deadline": (clock.today() + dt.timedelta(days=10)).isoformat(),
            "units": [world.unit_a2.pk],
        },
    )
    assert resp.status_code == 302
    cycle = Cycle.objects.get(title="专项自查")
    assert list(cycle.forms.values_list("unit_id", flat=True)) == [world.unit_a2.pk]


@pytest.mark.parametrize("n", [2, 20])
def test_the_cycle_page_query_count_does_not_grow_with_units(world, client_as, django_assert_num_queries, n):
    from orgs.models import Unit

    units = [Unit.objects.create(federation=world.fed_a, name=f"测试单位{i}") for i in range(n)]
    cycle = services.cycle_open(
        template=world.template_a,
        year=clock.today().year,
        deadline=clock.today(),
        title=f"测试{n}",
        unit_ids=[u.pk for u in units],
    )
    client = client_as(world.staff)
    client.get(reverse("assessment:cycle-detail", args=[cycle.pk]))
    # 1 session, 2 user with its role assignments and person's unit (the scope), 3 the cycle, 4 its items,
    # 5 the forms with their units and answered counts, 6 permits("change"), 7 the bell (the session is
    # renewed at most once a minute, core.sessions: not on this read).
    with django_assert_num_queries(7):
        page = client.get(reverse("assessment:cycle-detail", args=[cycle.pk]))
    assert page.status_code == 200 and page.content.decode().count("测试单位") >= n


def test_the_api_lists_cycles_and_gives_a_units_form(world, client):
    from core.testing.world import api_headers

    headers = api_headers(world.liaison)
    got = client.get("/api/v1/assessment/cycles", **headers).json()
    assert [c["id"] for c in got] == [world.cycle_a.pk]
    form = client.get(
        f"/api/v1/assessment/cycles/{world.cycle_a.pk}/units/{world.unit_a1.pk}", **headers
    ).json()
    assert form["status"] == "draft" and len(form["items"]) == 10
    first = form["items"][0]
    assert first["kind"] == "auto" and first["score"] == 10 and first["max_score"] == 10 and first["evidence"]
    assert form["items"][4]["kind"] == "self"
    # Another unit of the same cycle: 404 for this liaison; another federation's cycle: 404.
    assert (
        client.get(
            f"/api/v1/assessment/cycles/{world.cycle_a.pk}/units/{world.unit_a2.pk}", **headers
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/assessment/cycles/{world.cycle_b.pk}/units/{world.unit_b1.pk}", **headers
        ).status_code
        == 404
    )


def test_the_form_speaks_english_from_its_own_catalogue(world, without_lectures_or_duties):
    from django.utils import translation

    with translation.override("en"):
        view = selectors.form_view(form_of(world, world.unit_a1))
    assert (
        line(view, 6).result.sentence
        == "These data come from the lecture/duty system, which is not enabled yet"
    )
    assert line(view, 3).result.sentence.startswith("0 of 1 vacancies filled within 90 days")
