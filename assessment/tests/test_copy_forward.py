"""Copying last cycle's answers forward (沿用上一轮): the self items of the unit's previous submitted form,
where the item is the same in both template versions and not yet answered; automatic items never."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import CycleItem, ItemAnswer, SelfCheck
from assessment.tests.test_cycles import self_answers
from core import clock
from core.testing.asserts import refused
from core.testing.world import build_world


@pytest.fixture
def world(db):
    world = build_world(committee_history=True)
    today = clock.today()
    last_year = services.cycle_open(
        template=world.template_a, year=today.year - 1, deadline=today + dt.timedelta(days=5)
    )
    old = SelfCheck.objects.get(cycle=last_year, unit=world.unit_a1)
    services.selfcheck_save(
        selfcheck=old,
        answers=self_answers(
            old,
            n5={"value": "5", "note": "主题党日、读书会"},
            n8={"value": "", "not_applicable": True, "na_reason": "本单位无哺乳期职工"},
        ),
    )
    services.answer_dispute(answer=ItemAnswer.objects.get(selfcheck=old, item__number=2), text="去年的异议")
    services.selfcheck_submit(selfcheck=old)
    world.add(last_year=last_year, old_form=old)
    return world


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


def answer(selfcheck, number):
    return ItemAnswer.objects.get(selfcheck=selfcheck, item__number=number)


def test_unchanged_self_items_are_copied_and_automatic_ones_never(world):
    form = form_a1(world)
    evidence = form.evidence.count()
    assert selectors.previous_form(form) == world.old_form
    report = services.selfcheck_copy_forward(selfcheck=form)
    assert [i.number for i in report.copied] == [5, 8] and report.changed == []
    five, eight = answer(form, 5), answer(form, 8)
    assert (five.value, five.note) == ("5", "主题党日、读书会")
    assert (eight.not_applicable, eight.na_reason) == (True, "本单位无哺乳期职工")
    # The automatic item keeps this year's live result and no dispute of last year.
    two = answer(form, 2)
    assert (two.value, two.dispute, two.result) == ("", "", None)
    # Evidence is not copied: it belongs to last year's form.
    assert form.evidence.count() == evidence


def test_an_item_changed_between_the_template_versions_is_not_copied(world):
    # As an older version of the template had it: item 8 was then a yes/no question.
    CycleItem.objects.filter(cycle=world.last_year, number=8).update(title="关爱女职工（旧版）")
    report = services.selfcheck_copy_forward(selfcheck=form_a1(world))
    assert [i.number for i in report.copied] == [5] and [i.number for i in report.changed] == [8]
    assert answer(form_a1(world), 8).not_applicable is False


def test_what_this_form_already_answers_is_kept(world):
    form = form_a1(world)
    services.selfcheck_save(selfcheck=form, answers=self_answers(form, n5={"value": "2"}))
    report = services.selfcheck_copy_forward(selfcheck=form)
    assert [i.number for i in report.answered] == [5] and [i.number for i in report.copied] == [8]
    assert answer(form, 5).value == "2"


def test_without_a_previous_submitted_form_or_on_a_locked_form_it_is_refused(world):
    # unit_a2's form of last year is still a draft.
    other = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a2)
    with refused(services.MSG_NO_PREVIOUS):
        services.selfcheck_copy_forward(selfcheck=other)
    with refused(services.MSG_LOCKED):
        services.selfcheck_copy_forward(selfcheck=world.old_form)


def test_the_liaison_copies_forward_through_the_page(world, client_as):
    form = form_a1(world)
    url = reverse("assessment:form-copy-forward", args=[form.pk])
    liaison = client_as(world.liaison)
    page = liaison.get(reverse("assessment:form-detail", args=[form.pk])).content.decode()
    assert 'data-testid="copy-forward-link"' in page
    assert world.last_year.title in liaison.get(url).content.decode()
    resp = liaison.post(url, follow=True)
    assert "已沿用" in resp.content.decode() and answer(form, 5).value == "5"
    assert client_as(world.staff).post(url).status_code in (403, 404)
    assert client_as(world.other_liaison).post(url).status_code == 404
    # The staff's page offers no copy.
    staff_page = (
        client_as(world.staff).get(reverse("assessment:form-detail", args=[form.pk])).content.decode()
    )
    assert 'data-testid="copy-forward-link"' not in staff_page


# ---- the previous cycle's rectification items, seen from this cycle's form ---------------------------


def test_the_next_cycle_shows_whether_each_rectified_item_moved(world, client_as):
    old_rows = services.rectifications_open(selfcheck=world.old_form, deadline=clock.today())
    numbers = {r.item.number for r in old_rows}
    # Last year item 5 had no evidence (0 points); item 2's term was overdue.
    assert {2, 5} <= numbers
    services.rectification_close(
        rectification=next(r for r in old_rows if r.item.number == 5), note="已补齐材料"
    )
    form = form_a1(world)
    services.selfcheck_save(selfcheck=form, answers=self_answers(form, n5={"value": "4"}))
    follow = {
        f.rectification.item.number: f for f in selectors.rectification_follow_ups(selectors.form_view(form))
    }
    assert set(follow) == numbers
    assert follow[5].before.score == 0 and follow[5].now.score == 10 and follow[5].movement == "up"
    assert follow[2].movement == "same"
    page = client_as(world.liaison).get(reverse("assessment:form-detail", args=[form.pk])).content.decode()
    assert (
        'data-testid="rectification-follow-ups"' in page
        and "有提高" in page
        and world.last_year.title in page
    )
    # A unit without a previous form sees no such section.
    other = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a2)
    assert selectors.rectification_follow_ups(selectors.form_view(other)) == []
