"""A published highlight withdrawn (撤下) by the staff with a reason: off the feed, the reason shown to its
unit, no longer counted as published for item 10, and publishable again."""

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import HIGHLIGHT_MACHINE, Highlight, SelfCheck
from core.states import MSG_MOVE_REFUSED, MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def published(world):
    return Highlight.objects.get(pk=world.highlight_published_a1.pk)


def item10(world):
    selfcheck = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)
    return next(x for x in selectors.form_view(selfcheck).lines if x.item.number == 10).result


def test_a_withdrawal_needs_a_reason_and_a_published_highlight(world):
    with refused(MSG_REASON_REQUIRED):
        services.highlight_withdraw(highlight=published(world), reason=" ")
    assert published(world).status == "published"
    with refused(MSG_MOVE_REFUSED % {"state": "已报送", "move": "撤下"}):
        services.highlight_withdraw(
            highlight=Highlight.objects.get(pk=world.highlight_submitted_a2.pk), reason="x"
        )


def test_a_withdrawn_highlight_leaves_the_feed_and_item_10_counts_it_as_submitted_only(world):
    before = item10(world)
    assert "其中 1 条已发布" in before.sentence
    h = services.highlight_withdraw(highlight=published(world), reason="照片涉及个人隐私，请更换")
    h.refresh_from_db()
    assert (h.status, h.withdraw_reason, h.published_on) == ("withdrawn", "照片涉及个人隐私，请更换", None)
    assert h.withdrawn_on is not None
    assert [s.transition for s in HIGHLIGHT_MACHINE.timeline(h)][-1] == "withdraw"
    assert not selectors.highlight_feed_for(world.other_liaison).filter(pk=h.pk).exists()
    after = item10(world)
    assert "报送亮点 1 条" in after.sentence and "其中 1 条已发布" not in after.sentence
    assert after.score < before.score
    # The staff may correct it and publish it again.
    services.highlight_update(
        highlight=h, title=h.title, text="每月一次读书分享。", item_ids=[], by_staff=True
    )
    services.highlight_publish(highlight=h)
    h.refresh_from_db()
    assert (h.status, h.withdraw_reason, h.withdrawn_on) == ("published", "", None)
    assert item10(world) == before


def test_staff_withdraw_through_the_page_and_the_unit_sees_why(world, client_as):
    h = published(world)
    url = reverse("assessment:highlight-withdraw", args=[h.pk])
    staff = client_as(world.staff)
    detail = reverse("assessment:highlight-detail", args=[h.pk])
    assert 'data-testid="highlight-withdraw"' in staff.get(detail).content.decode()
    empty = staff.post(url, {"reason": ""})
    assert empty.status_code == 400 and Highlight.objects.get(pk=h.pk).status == "published"
    assert staff.post(url, {"reason": "内容需核实"}).status_code == 302
    assert Highlight.objects.get(pk=h.pk).status == "withdrawn"
    page = client_as(world.liaison).get(detail).content.decode()
    assert "内容需核实" in page and "已撤下" in page
    # Another unit saw it on the feed; now it is gone for her, and liaisons cannot withdraw.
    assert client_as(world.other_liaison).get(detail).status_code == 404
    assert (
        "巾帼读书会"
        not in client_as(world.other_liaison).get(reverse("assessment:highlight-list")).content.decode()
    )
    assert client_as(world.liaison).post(url, {"reason": "x"}).status_code in (403, 404)


def test_a_session_keeps_a_highlight_withdrawn_after_it_was_presented(world):
    session = world.session_a
    services.highlight_withdraw(highlight=published(world), reason="内容需核实")
    ids = list(session.highlights.values_list("pk", flat=True))
    services.session_update(
        session=session, title=session.title, held_on=session.held_on, place=session.place, highlight_ids=ids
    )
    assert set(session.highlights.values_list("pk", flat=True)) == set(ids)
    with refused(services.MSG_SESSION_HIGHLIGHTS):
        services.session_create(
            federation_id=world.fed_a.pk,
            title="新交流会",
            held_on=session.held_on,
            place="会议室",
            highlight_ids=[published(world).pk],
        )
