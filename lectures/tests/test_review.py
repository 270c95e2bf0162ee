"""Topic review in phases (课题评审): weighted criteria, invited reviewers, "next", what changed since the version
a reviewer saw, decisions staged and released together (发布决定), and the proposer told."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Notification
from core.states import MSG_REASON_REQUIRED
from core.testing.asserts import refused
from lectures import review, services
from lectures.models import (
    ReviewCriterion,
    ReviewerInvitation,
    ReviewSettings,
    ReviewTopic,
    Topic,
    TopicDecision,
    TopicReview,
    TopicVersion,
)


def _scores(federation_id, value=5):
    return {c.pk: value for c in review.criteria_of(federation_id)}


# ------------------------------------------------------------------------------------------ pure parts
def test_the_weighted_score_weighs_each_criterion():
    assert review.weighted_score({1: 5, 2: 3, 3: 4}, {1: 1, 2: 1, 3: 1}) == Decimal("4.00")
    assert review.weighted_score({1: 5, 2: 2}, {1: 3, 2: 1}) == Decimal("4.25")
    # A criterion weighted 0 does not count; nothing to weigh is None.
    assert review.weighted_score({1: 5, 2: 1}, {1: 1, 2: 0}) == Decimal("5.00")
    assert review.weighted_score({1: 5}, {1: 0}) is None
    assert review.mean_score([Decimal("4"), None, Decimal("3")]) == Decimal("3.50")
    assert review.mean_score([None]) is None


def test_changes_since_shows_a_line_diff_of_the_outline_and_the_changed_fields():
    old = {"title": "甲", "outline": "一、倾听\n二、共情", "audience": "家长"}
    new = {"title": "乙", "outline": "一、倾听\n二、共情\n三、表达", "audience": "家长"}
    changes = review.changes_since(old, new)
    assert [c.name for c in changes] == ["title", "outline"]
    assert (changes[0].old, changes[0].new, changes[0].lines) == ("甲", "乙", [])
    assert ("+", "三、表达") in changes[1].lines and (" ", "一、倾听") in changes[1].lines
    assert review.changes_since(old, old) == []


def test_the_phases_say_who_may_do_what():
    assert review.phase_rules("review").can_score and not review.phase_rules("review").can_decide
    assert review.phase_rules("decision").can_decide and not review.phase_rules("decision").can_score
    assert not review.phase_rules("closed").can_score and not review.phase_rules("closed").can_decide


# ------------------------------------------------------------------------------------------ criteria, reviewers
def test_the_default_criteria_and_their_weights_are_edited_by_staff(world, client_as):
    names = [c.name for c in review.criteria_of(world.fed_a.pk)]
    assert names == ["相关性", "内容", "表达"]
    content = ReviewCriterion.objects.get(federation=world.fed_a, name="内容")
    with refused(review.MSG_WEIGHT_RANGE):
        review.criterion_update(criterion=content, name="内容", weight=11)
    review.criterion_update(criterion=content, name="内容", weight=3, acting_user=world.staff)
    assert ReviewCriterion.objects.get(pk=content.pk).weight == 3
    client = client_as(world.staff)
    url = reverse("lectures:review-criterion-edit", args=[content.pk])
    resp = client.post(url, {"name": "内容", "weight": 2, "active": "on", "version": content.version})
    assert resp.status_code == 302 and ReviewCriterion.objects.get(pk=content.pk).weight == 2
    assert client.get(reverse("lectures:review-settings")).status_code == 200
    # Another federation's staff cannot see it; a reviewer sees it but cannot change it.
    assert client_as(world.outsider).get(url).status_code in (403, 404)
    assert client_as(world.executive).get(url).status_code == 403


def test_staff_invite_any_user_as_reviewer_and_she_is_told(world, client_as):
    client = client_as(world.staff)
    resp = client.post(reverse("lectures:reviewer-list"), {"user": world.volunteer.pk})
    assert resp.status_code == 302
    assert ReviewerInvitation.objects.filter(
        federation=world.fed_a, user=world.volunteer, active=True
    ).exists()
    # She is told in the app (and by e-mail where she has an address).
    assert Notification.objects.filter(recipient=world.volunteer, kind="topic_reviewer").exists()
    # A second invitation is refused in Chinese; a user of another federation cannot be invited.
    resp = client.post(reverse("lectures:reviewer-list"), {"user": world.volunteer.pk})
    assert resp.status_code == 400 and str(review.MSG_ALREADY_INVITED) in resp.content.decode()
    with refused(review.MSG_INVITE_OTHER_FEDERATION):
        review.reviewer_invite(federation=world.fed_a, user=world.outsider)


def test_a_user_not_invited_cannot_reach_the_review_of_a_topic(world, client_as):
    url = reverse("lectures:review-topic", args=[world.proposal_a.pk])
    # The liaison is not invited: the proposal is not hers to review (404, as if it did not exist).
    assert client_as(world.liaison).get(url).status_code == 404
    assert client_as(world.liaison).post(url, {"comment": "x"}).status_code == 404
    # Nor may the proposer review her own proposal, even when invited.
    review.reviewer_invite(federation=world.fed_a, user=world.volunteer)
    assert client_as(world.volunteer).get(url).status_code == 404
    # A withdrawn reviewer is out again.
    inv = ReviewerInvitation.objects.get(federation=world.fed_a, user=world.executive)
    assert client_as(world.executive).get(url).status_code == 200
    review.reviewer_withdraw(invitation=inv)
    assert client_as(world.executive).get(url).status_code == 404
    # Another federation's reviewer sees nothing of fed_a.
    assert client_as(world.outsider).get(url).status_code == 404


# ------------------------------------------------------------------------------------------ reviews
def test_a_second_review_updates_the_first_and_records_the_version(world):
    topic = world.proposal_a
    first = TopicReview.objects.get(topic=topic, reviewer=world.executive)
    again = review.review_submit(
        topic=topic, reviewer=world.executive, scores=_scores(world.fed_a.pk, 2), comment="再看"
    )
    assert (
        again.pk == first.pk
        and TopicReview.objects.filter(topic=topic, reviewer=world.executive).count() == 1
    )
    assert sorted(s.score for s in again.scores.all()) == [2, 2, 2] and again.comment == "再看"
    assert again.topic_version == services.pending_version(topic)


def test_scores_must_be_one_to_five_for_every_criterion(world):
    criteria = review.criteria_of(world.fed_a.pk)
    bad = {c.pk: 4 for c in criteria}
    bad[criteria[0].pk] = 6
    with refused(str(review.MSG_SCORE_RANGE) % {"name": criteria[0].name}):
        review.review_submit(topic=world.proposal_a, reviewer=world.staff, scores=bad)
    missing = {c.pk: 4 for c in criteria[1:]}
    with refused(str(review.MSG_SCORE_MISSING) % {"name": criteria[0].name}):
        review.review_submit(topic=world.proposal_a, reviewer=world.staff, scores=missing)


def test_scoring_outside_the_review_phase_is_refused_in_chinese(world, client_as):
    settings = ReviewSettings.objects.get(federation=world.fed_a)
    review.phase_set(settings=settings, phase="decision")
    with refused(str(review.MSG_NOT_SCORING_PHASE) % {"phase": "决定"}):
        review.review_submit(topic=world.proposal_a, reviewer=world.staff, scores=_scores(world.fed_a.pk))
    url = reverse("lectures:review-topic", args=[world.proposal_a.pk])
    data = {f"score_{pk}": 3 for pk in _scores(world.fed_a.pk)}
    resp = client_as(world.executive).post(url, data)
    assert resp.status_code == 400 and "当前评审阶段为“决定”，不能评分。" in resp.content.decode()
    assert sorted(s.score for s in TopicReview.objects.get(pk=world.review_a.pk).scores.all()) == [4, 4, 4]


def test_a_reviewer_scores_through_the_page_and_goes_to_the_next(world, client_as):
    client = client_as(world.staff)
    queue = client.get(reverse("lectures:review-queue"))
    assert queue.status_code == 200 and "民法典之婚姻家庭篇" in queue.content.decode()
    resp = client.get(reverse("lectures:review-next"))
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "lectures:review-topic", args=[world.proposal_a.pk]
    )
    data = {f"score_{pk}": 5 for pk in _scores(world.fed_a.pk)} | {"comment": "很好"}
    resp = client.post(reverse("lectures:review-topic", args=[world.proposal_a.pk]), data)
    assert resp.status_code == 302
    assert TopicReview.objects.filter(topic=world.proposal_a, reviewer=world.staff).exists()
    # Nothing left that she has not reviewed: back to the queue with a message.
    resp = client.get(reverse("lectures:review-next"))
    assert resp.status_code == 302 and resp["Location"] == reverse("lectures:review-queue")


def test_next_goes_to_the_proposal_with_the_fewest_reviews_not_yet_reviewed(world):
    second = services.topic_propose(
        proposer=world.volunteer_a, title="心肺复苏", category=world.cats_a[2], outline="一、判断\n二、按压"
    )
    # proposal_a has one review (the executive's), the new one none.
    assert review.next_for(world.staff) == second
    review.review_submit(topic=second, reviewer=world.staff, scores=_scores(world.fed_a.pk))
    assert review.next_for(world.staff) == world.proposal_a
    # The executive reviewed proposal_a already: the new one is hers next, then nothing.
    assert review.next_for(world.executive) == second
    review.review_submit(topic=second, reviewer=world.executive, scores=_scores(world.fed_a.pk))
    assert review.next_for(world.executive) is None


def test_a_reviewer_sees_what_changed_since_the_version_she_reviewed(world, client_as):
    topic = world.proposal_a
    services.topic_update(
        topic=topic,
        title="民法典之婚姻家庭编",
        category=topic.category,
        audience="社区居民",
        duration_minutes=90,
        outline="一、结婚\n二、离婚冷静期\n三、典型案例",
    )
    page = client_as(world.executive).get(reverse("lectures:review-topic", args=[topic.pk])).content.decode()
    assert 'data-testid="review-changes"' in page
    assert "三、典型案例" in page and "民法典之婚姻家庭编" in page
    # After she reviews again there is nothing new to show.
    review.review_submit(
        topic=Topic.objects.get(pk=topic.pk), reviewer=world.executive, scores=_scores(world.fed_a.pk)
    )
    page = client_as(world.executive).get(reverse("lectures:review-topic", args=[topic.pk])).content.decode()
    assert 'data-testid="review-changes"' not in page and 'data-testid="review-unchanged"' in page


def test_staff_see_the_weighted_mean_of_the_reviews(world):
    content = ReviewCriterion.objects.get(federation=world.fed_a, name="内容")
    review.criterion_update(criterion=content, name="内容", weight=2)
    criteria = review.criteria_of(world.fed_a.pk)
    scores = {c.pk: (1 if c.name == "内容" else 5) for c in criteria}
    review.review_submit(topic=world.proposal_a, reviewer=world.staff, scores=scores)
    rows, mean = review.reviews_of(world.proposal_a)
    by_user = {r.review.reviewer_id: r.score for r in rows}
    # (5 + 1×2 + 5) / 4 = 3.00 for staff, 4.00 for the executive; mean 3.50.
    assert by_user == {world.staff.pk: Decimal("3.00"), world.executive.pk: Decimal("4.00")}
    assert mean == Decimal("3.50")


# ------------------------------------------------------------------------------------------ decisions
def _decision_phase(world):
    settings = ReviewSettings.objects.get(federation=world.fed_a)
    review.phase_set(settings=settings, phase="decision")


def test_a_staged_decision_is_not_visible_to_the_proposer_until_released(world, client_as):
    topic = world.proposal_a
    staged = world.decision_a
    assert TopicDecision.objects.visible_to(world.volunteer).count() == 0
    assert Topic.objects.get(pk=topic.pk).status == "proposed"
    assert not Notification.objects.filter(recipient=world.volunteer, kind="topic_decision").exists()
    page = client_as(world.volunteer).get(reverse("lectures:topic-detail", args=[topic.pk])).content.decode()
    assert "请补充案例" not in page
    # Released only in the decision phase.
    with refused(str(review.MSG_NOT_DECISION_PHASE) % {"phase": "评审中"}):
        review.decisions_release(federation_id=world.fed_a.pk, acting_user=world.staff)
    _decision_phase(world)
    released = review.decisions_release(federation_id=world.fed_a.pk, acting_user=world.staff)
    assert [d.pk for d in released] == [staged.pk]
    assert Topic.objects.get(pk=topic.pk).status == "returned"
    assert list(TopicDecision.objects.visible_to(world.volunteer)) == [staged]
    notice = Notification.objects.get(recipient=world.volunteer, kind="topic_decision")
    assert "退回修改" in notice.title and notice.url == reverse("lectures:topic-detail", args=[topic.pk])
    # Nothing more to release.
    with refused(review.MSG_NOTHING_STAGED):
        review.decisions_release(federation_id=world.fed_a.pk, acting_user=world.staff)


def test_decisions_are_released_together_accept_and_reject(world, client_as):
    second = services.topic_propose(
        proposer=world.volunteer_a, title="心肺复苏", category=world.cats_a[2], outline="一、判断\n二、按压"
    )
    with refused(str(review.MSG_NOT_DECISION_PHASE) % {"phase": "评审中"}):
        review.decision_stage(topic=second, outcome="accept", acting_user=world.staff)
    _decision_phase(world)
    with refused(MSG_REASON_REQUIRED):
        review.decision_stage(topic=second, outcome="reject", comment=" ", acting_user=world.staff)
    client = client_as(world.staff)
    resp = client.post(reverse("lectures:review-decide", args=[world.proposal_a.pk]), {"outcome": "accept"})
    assert resp.status_code == 302
    # Staging again replaced the staged decision rather than adding one.
    assert TopicDecision.objects.filter(topic=world.proposal_a, released_at__isnull=True).count() == 1
    review.decision_stage(topic=second, outcome="reject", comment="与已有课题重复", acting_user=world.staff)
    assert client.get(reverse("lectures:review-decisions")).status_code == 200
    resp = client.post(reverse("lectures:review-decisions"))
    assert resp.status_code == 302
    assert Topic.objects.get(pk=world.proposal_a.pk).status == "library"
    rejected = Topic.objects.get(pk=second.pk)
    assert rejected.status == "rejected" and rejected.versions.get().status == TopicVersion.Status.REJECTED
    assert Notification.objects.filter(recipient=world.volunteer, kind="topic_decision").count() == 2


def test_a_release_with_a_decision_gone_stale_writes_nothing(world):
    _decision_phase(world)
    # Someone decided the proposal directly meanwhile: its staged decision can no longer be applied.
    services.topic_review(topic=world.proposal_a, accept=True)
    with refused(str(review.MSG_VERSION_CHANGED) % {"title": world.proposal_a.title}):
        review.decisions_release(federation_id=world.fed_a.pk, acting_user=world.staff)


def test_reviewers_cannot_stage_decisions(world, client_as):
    _decision_phase(world)
    url = reverse("lectures:review-decide", args=[world.proposal_a.pk])
    assert client_as(world.executive).get(url).status_code == 403
    assert client_as(world.executive).get(reverse("lectures:review-decisions")).status_code == 403
    assert ReviewTopic.objects.permitted(world.staff, "decide").filter(pk=world.proposal_a.pk).exists()


@pytest.mark.parametrize("persona", ["staff", "executive"])
def test_the_review_pages_render_in_english(world, client_as, persona):
    client = client_as(world.users[persona])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("lectures:review-topic", args=[world.proposal_a.pk])).content.decode()
    assert "Review" in page


def test_reviewers_see_the_others_scores_only_in_the_decision_phase(world, client_as):
    url = reverse("lectures:review-topic", args=[world.proposal_a.pk])
    review.reviewer_invite(federation=world.fed_a, user=world.liaison)
    # While reviewing, the liaison (invited) does not see the executive's review; staff do.
    assert 'data-testid="review-rows"' not in client_as(world.liaison).get(url).content.decode()
    staff_page = client_as(world.staff).get(url).content.decode()
    assert 'data-testid="review-rows"' in staff_page and "案例充实" in staff_page
    _decision_phase(world)
    assert "案例充实" in client_as(world.liaison).get(url).content.decode()
    # The topic page leads staff to the review.
    detail = client_as(world.staff).get(reverse("lectures:topic-detail", args=[world.proposal_a.pk]))
    assert 'data-testid="to-review"' in detail.content.decode()
