"""Topic review in phases (课题评审, after pretalx): weighted criteria, invited reviewers, reviews of the version
they saw, "next proposal", decisions staged by staff and released together (发布决定).

The phase (ReviewSettings.phase) says who may do what: PHASE_RULES below. The calculations (weighted score,
what changed since a reviewer's version) are pure functions; the writes are services in the style of
lectures/services.py (keyword-only, one transaction, audited, refusals as ValidationError with the
module's MSG_ constants).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit
from core.states import MSG_REASON_REQUIRED
from lectures import services
from lectures.models import (
    DEFAULT_CRITERIA,
    TOPIC_MACHINE,
    ReviewCriterion,
    ReviewerInvitation,
    ReviewScore,
    ReviewSettings,
    ReviewTopic,
    Topic,
    TopicDecision,
    TopicReview,
    TopicVersion,
)
from orgs.models import Federation

MSG_NOT_SCORING_PHASE = _("当前评审阶段为“%(phase)s”，不能评分。")
MSG_NOT_DECISION_PHASE = _("当前评审阶段为“%(phase)s”，不能作出或发布评审决定。")
MSG_SCORE_RANGE = _("“%(name)s”的评分应为 1 到 5 分。")
MSG_SCORE_MISSING = _("请为“%(name)s”评分。")
MSG_WEIGHT_RANGE = _("权重应在 0 到 10 之间。")
MSG_NO_WEIGHT = _("至少要有一项启用的评审标准权重大于 0。")
MSG_CRITERION_NAME = _("请填写评审标准名称。")
MSG_CRITERION_DUPLICATE = _("本妇联已有同名的评审标准。")
MSG_NOT_PENDING = _("该课题没有待评审的版本。")
MSG_ALREADY_INVITED = _("该用户已是本妇联的评审专家。")
MSG_INVITE_OTHER_FEDERATION = _("只能邀请本妇联的用户担任评审专家。")
MSG_NOTHING_STAGED = _("没有待发布的评审决定。")
MSG_VERSION_CHANGED = _("课题“%(title)s”的待审版本已变化，请重新作出决定后再发布。")
MSG_UNKNOWN_OUTCOME = _("请选择评审决定。")


def _refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# ------------------------------------------------------------------------------------------ phases
@dataclass(frozen=True)
class PhaseRules:
    """What a review phase allows."""

    can_score: bool
    can_decide: bool
    # Whether reviewers (not staff) see the others' scores.
    reviewers_see_others: bool


PHASE_RULES: dict[str, PhaseRules] = {
    ReviewSettings.Phase.CLOSED: PhaseRules(can_score=False, can_decide=False, reviewers_see_others=False),
    ReviewSettings.Phase.REVIEW: PhaseRules(can_score=True, can_decide=False, reviewers_see_others=False),
    ReviewSettings.Phase.DECISION: PhaseRules(can_score=False, can_decide=True, reviewers_see_others=True),
}


def phase_rules(phase: str) -> PhaseRules:
    return PHASE_RULES.get(phase, PHASE_RULES[ReviewSettings.Phase.CLOSED])


# ------------------------------------------------------------------------------------------ pure calculations
TWO_PLACES = Decimal("0.01")


def weighted_score(scores: Mapping[int, int], weights: Mapping[int, int]) -> Decimal | None:
    """The weighted mean of one review's scores: sum(score × weight) / sum(weight), over the criteria that
    have both a score and a weight above 0; None when there is nothing to weigh."""
    pairs = [(scores[k], weights[k]) for k in scores if weights.get(k, 0) > 0]
    total = sum(w for _, w in pairs)
    if not total:
        return None
    return (Decimal(sum(s * w for s, w in pairs)) / Decimal(total)).quantize(TWO_PLACES, ROUND_HALF_UP)


def mean_score(values: Iterable[Decimal | None]) -> Decimal | None:
    """The mean of several reviews' weighted scores (those without one left out)."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(TWO_PLACES, ROUND_HALF_UP)


# The parts of a proposal a reviewer saw, in the order they are compared.
SEEN_FIELDS: tuple[tuple[str, Any], ...] = (
    ("title", _("课题名称")),
    ("category", _("专业类别")),
    ("audience", _("适合对象")),
    ("duration", _("时长（分钟）")),
    ("outline", _("课程大纲")),
)
MULTILINE = frozenset({"outline"})


@dataclass(frozen=True)
class FieldChange:
    """One part that changed: the old and new text, and for long texts a line diff of (kind, line) with kind
    "+" (added), "-" (removed) or " " (kept)."""

    name: str
    label: Any
    old: str
    new: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("? "):
            continue
        out.append((line[:1], line[2:]))
    return out


def changes_since(old: Mapping[str, str], new: Mapping[str, str]) -> list[FieldChange]:
    """What changed between what a reviewer saw (`old`) and the proposal now (`new`)."""
    out = []
    for name, label in SEEN_FIELDS:
        before, after = str(old.get(name, "")), str(new.get(name, ""))
        if before == after:
            continue
        lines = line_diff(before, after) if name in MULTILINE else []
        out.append(FieldChange(name, label, before, after, lines))
    return out


def snapshot(topic: Topic, version: TopicVersion) -> dict[str, str]:
    """What a reviewer sees of a proposal: the topic's fields and the version's outline."""
    return {
        "number": str(version.number),
        "title": topic.title,
        "category": topic.category.name,
        "audience": topic.audience,
        "duration": str(topic.duration_minutes),
        "outline": version.outline,
    }


# ------------------------------------------------------------------------------------------ settings, criteria
def settings_for(federation_id: int) -> ReviewSettings:
    """The federation's review settings and criteria (the defaults the first time)."""
    with transaction.atomic():
        made = ReviewSettings.objects.filter(federation_id=federation_id).first()
        if made is None:
            made = ReviewSettings(federation_id=federation_id)
            made.save()
        if not ReviewCriterion.objects.filter(federation_id=federation_id).exists():
            for order, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1):
                ReviewCriterion(federation_id=federation_id, name=name, weight=weight, order=order).save()
        return made


def criteria_of(federation_id: int) -> list[ReviewCriterion]:
    settings_for(federation_id)
    return list(ReviewCriterion.objects.filter(federation_id=federation_id, active=True))


def phase_set(
    *, settings: ReviewSettings, phase: str, version: int | None = None, acting_user: Any = None
) -> ReviewSettings:
    """Staff move the review to another phase (评审阶段)."""
    if phase not in ReviewSettings.Phase.values:
        raise _refuse(MSG_UNKNOWN_OUTCOME, "phase")
    with audit.attributed_to(acting_user), transaction.atomic():
        if version is not None:
            settings.version = version
        settings.phase = phase
        settings.save()
        return settings


def criterion_update(
    *,
    criterion: ReviewCriterion,
    name: str,
    weight: int,
    active: bool = True,
    version: int | None = None,
    acting_user: Any = None,
) -> ReviewCriterion:
    """Staff rename a criterion, change its weight or switch it off; one criterion must keep a weight."""
    name = (name or "").strip()
    if not name:
        raise _refuse(MSG_CRITERION_NAME, "name_required")
    if not 0 <= weight <= 10:
        raise _refuse(MSG_WEIGHT_RANGE, "weight_range")
    with audit.attributed_to(acting_user), transaction.atomic():
        others = ReviewCriterion.objects.filter(federation_id=criterion.federation_id).exclude(
            pk=criterion.pk
        )
        if others.filter(name=name).exists():
            raise _refuse(MSG_CRITERION_DUPLICATE, "duplicate")
        if not (active and weight > 0) and not others.filter(active=True, weight__gt=0).exists():
            raise _refuse(MSG_NO_WEIGHT, "weight_range")
        if version is not None:
            criterion.version = version
        criterion.name, criterion.weight, criterion.active = name, weight, active
        criterion.save()
        return criterion


def criterion_add(
    *, federation: Federation, name: str, weight: int, acting_user: Any = None
) -> ReviewCriterion:
    name = (name or "").strip()
    if not name:
        raise _refuse(MSG_CRITERION_NAME, "name_required")
    if not 0 <= weight <= 10:
        raise _refuse(MSG_WEIGHT_RANGE, "weight_range")
    with audit.attributed_to(acting_user), transaction.atomic():
        if ReviewCriterion.objects.filter(federation=federation, name=name).exists():
            raise _refuse(MSG_CRITERION_DUPLICATE, "duplicate")
        made = ReviewCriterion(federation=federation, name=name, weight=weight, order=200)
        made.save()
        return made


# ------------------------------------------------------------------------------------------ reviewers
def reviewer_invite(
    *, federation: Federation, user: Any, email: bool = True, acting_user: Any = None
) -> ReviewerInvitation:
    """Staff invite a user of the federation (a volunteer or anyone) to review its topics; she is told (in-app,
    and by e-mail unless `email` is false, as the demo asks)."""
    if getattr(user, "federation_id", None) != federation.pk:
        raise _refuse(MSG_INVITE_OTHER_FEDERATION, "other_federation")
    with audit.attributed_to(acting_user), transaction.atomic():
        invitation = ReviewerInvitation.objects.filter(federation=federation, user=user).first()
        if invitation is not None and invitation.active:
            raise _refuse(MSG_ALREADY_INVITED, "already_invited")
        if invitation is None:
            invitation = ReviewerInvitation(federation=federation, user=user)
        invitation.active, invitation.invited_by = True, acting_user
        invitation.save()
        _tell_invited(invitation, email=email)
        return invitation


def _tell_invited(invitation: ReviewerInvitation, *, email: bool = True) -> None:
    from django.urls import reverse

    from core.notify import notify

    notify(
        recipient=invitation.user,
        federation_id=invitation.federation_id,
        kind="topic_reviewer",
        title=str(_("您已受邀担任课题评审专家，请到“课题评审”页面评分")),
        url=reverse("lectures:review-queue"),
        dedup_key=f"topic-reviewer:{invitation.pk}:{invitation.version}",
        email=email,
    )


def reviewer_withdraw(*, invitation: ReviewerInvitation, acting_user: Any = None) -> ReviewerInvitation:
    """Ends an invitation (the reviews given stay)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        invitation.active = False
        invitation.save()
        return invitation


# ------------------------------------------------------------------------------------------ reviews
def _phase_of(federation_id: int) -> ReviewSettings:
    return settings_for(federation_id)


def review_submit(
    *, topic: Topic, reviewer: Any, scores: Mapping[int, int], comment: str = "", acting_user: Any = None
) -> TopicReview:
    """A reviewer scores the topic's pending version 1–5 on each active criterion, with a comment. Her second
    review of the topic updates the first (and records the version she saw this time)."""
    settings = _phase_of(topic.federation_id)
    if not phase_rules(settings.phase).can_score:
        raise _refuse(MSG_NOT_SCORING_PHASE, "phase", phase=settings.get_phase_display())
    pending = services.pending_version(topic)
    if pending is None:
        raise _refuse(MSG_NOT_PENDING, "not_pending")
    criteria = criteria_of(topic.federation_id)
    for c in criteria:
        value = scores.get(c.pk)
        if value is None:
            raise _refuse(MSG_SCORE_MISSING, f"score_{c.pk}", name=c.name)
        if not 1 <= int(value) <= 5:
            raise _refuse(MSG_SCORE_RANGE, f"score_{c.pk}", name=c.name)
    with audit.attributed_to(acting_user or reviewer), transaction.atomic():
        review = TopicReview.objects.filter(topic=topic, reviewer=reviewer).first()
        if review is None:
            review = TopicReview(federation_id=topic.federation_id, topic=topic, reviewer=reviewer)
        review.topic_version, review.comment = pending, (comment or "").strip()
        review.seen = snapshot(topic, pending)
        review.save()
        ReviewScore.objects.filter(review=review).delete()
        ReviewScore.objects.bulk_create(
            ReviewScore(
                federation_id=topic.federation_id, review=review, criterion=c, score=int(scores[c.pk])
            )
            for c in criteria
        )
        return review


def review_weighted(review: TopicReview, weights: Mapping[int, int]) -> Decimal | None:
    return weighted_score({s.criterion_id: s.score for s in review.scores.all()}, weights)


def _pending_id() -> Subquery:
    return Subquery(
        TopicVersion.objects.filter(topic_id=OuterRef("pk"), status=TopicVersion.Status.PENDING)
        .order_by("-number")
        .values("pk")[:1]
    )


def review_queue_for(user: Any) -> QuerySet[ReviewTopic]:
    """The proposals the user may score (pending versions), with the number of reviews of that version
    (`review_count`) and whether she reviewed it (`reviewed_by_me`), fewest reviews first."""
    reviews_of_pending = (
        TopicReview.objects.filter(topic_id=OuterRef("pk"), topic_version_id=OuterRef("pending_id"))
        .order_by()
        .values("topic_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ReviewTopic.objects.permitted(user, "score")
        .annotate(pending_id=_pending_id())
        .filter(pending_id__isnull=False)
        .annotate(
            review_count=Coalesce(Subquery(reviews_of_pending), 0),
            reviewed_by_me=Exists(
                TopicReview.objects.filter(
                    topic_id=OuterRef("pk"), topic_version_id=OuterRef("pending_id"), reviewer_id=user.pk
                )
            ),
        )
        .select_related("category", "proposer__person")
        .order_by("review_count", "pending_id", "pk")
    )


def next_for(user: Any) -> ReviewTopic | None:
    """The proposal with the fewest reviews that the user has not reviewed (in its present version)."""
    return review_queue_for(user).filter(reviewed_by_me=False).first()  # type: ignore[misc]


@dataclass
class ReviewRow:
    review: TopicReview
    score: Decimal | None
    current: bool


def reviews_of(topic: Topic) -> tuple[list[ReviewRow], Decimal | None]:
    """All reviews of a topic with their weighted scores, and the mean over those of the pending version."""
    weights = {c.pk: c.weight for c in criteria_of(topic.federation_id)}
    pending = services.pending_version(topic)
    rows = [
        ReviewRow(r, review_weighted(r, weights), pending is not None and r.topic_version_id == pending.pk)
        for r in TopicReview.objects.filter(topic=topic)
        .select_related("reviewer", "topic_version")
        .prefetch_related("scores__criterion")
    ]
    return rows, mean_score(r.score for r in rows if r.current)


# ------------------------------------------------------------------------------------------ decisions
def staged_for(federation_id: int) -> QuerySet[TopicDecision]:
    return (
        TopicDecision.objects.filter(federation_id=federation_id, released_at__isnull=True)
        .select_related("topic", "topic_version")
        .order_by("topic__title", "pk")
    )


def decision_stage(
    *, topic: Topic, outcome: str, comment: str = "", acting_user: Any = None
) -> TopicDecision:
    """Staff stage a decision on the pending version (审核入库 / 退回修改 / 不予入库). Nothing moves and nobody is
    told until the decisions are released; staging again replaces the staged one."""
    settings = _phase_of(topic.federation_id)
    if not phase_rules(settings.phase).can_decide:
        raise _refuse(MSG_NOT_DECISION_PHASE, "phase", phase=settings.get_phase_display())
    if outcome not in TopicDecision.Outcome.values:
        raise _refuse(MSG_UNKNOWN_OUTCOME, "outcome")
    if outcome != TopicDecision.Outcome.ACCEPT and not (comment or "").strip():
        raise _refuse(MSG_REASON_REQUIRED, "reason_required")
    pending = services.pending_version(topic)
    if pending is None:
        raise _refuse(MSG_NOT_PENDING, "not_pending")
    with audit.attributed_to(acting_user), transaction.atomic():
        decision = TopicDecision.objects.filter(topic_version=pending, released_at__isnull=True).first()
        if decision is None:
            decision = TopicDecision(federation_id=topic.federation_id, topic=topic, topic_version=pending)
        decision.outcome, decision.comment, decision.staged_by = outcome, (comment or "").strip(), acting_user
        decision.save()
        return decision


def decision_unstage(*, decision: TopicDecision, acting_user: Any = None) -> None:
    """Withdraws a staged decision before release."""
    with audit.attributed_to(acting_user), transaction.atomic():
        if decision.released_at is None:
            decision.delete()


def topic_reject(*, topic: Topic, comment: str, acting_user: Any = None) -> TopicVersion:
    """不予入库: the pending version is rejected; a proposal leaves review for good (a revision of a topic in
    the library leaves the topic as it was)."""
    with transaction.atomic():
        pending = services.pending_version(topic)
        if pending is None:
            raise _refuse(MSG_NOT_PENDING, "not_pending")
        if not (comment or "").strip():
            raise _refuse(MSG_REASON_REQUIRED, "reason_required")
        with audit.attributed_to(acting_user):
            pending.status = TopicVersion.Status.REJECTED
            pending.reviewed_at, pending.review_comment = timezone.now(), comment.strip()
            pending.save()
        if topic.status == Topic.Status.PROPOSED:
            TOPIC_MACHINE.move(topic, "reject", reason=comment, acting_user=acting_user)
        return pending


RELEASED_TITLES = {
    TopicDecision.Outcome.ACCEPT: _("您申报的课题“%(title)s”（第 %(n)s 版）已审核通过"),
    TopicDecision.Outcome.RETURN: _("您申报的课题“%(title)s”（第 %(n)s 版）已退回修改，请查看评审意见"),
    TopicDecision.Outcome.REJECT: _("您申报的课题“%(title)s”（第 %(n)s 版）未能入库"),
}


def _tell_proposer(decision: TopicDecision) -> None:
    from django.urls import reverse

    from core.notify import notify

    topic = decision.topic
    if topic.proposer is None:
        return
    user = services._user_of(topic.proposer.person_id)
    if user is None:
        return
    notify(
        recipient=user,
        federation_id=topic.federation_id,
        kind="topic_decision",
        title=str(RELEASED_TITLES[TopicDecision.Outcome(decision.outcome)])
        % {"title": topic.title, "n": decision.topic_version.number},
        url=reverse("lectures:topic-detail", args=[topic.pk]),
        dedup_key=f"topic-decision:{decision.pk}",
    )


def decisions_release(*, federation_id: int, acting_user: Any = None) -> list[TopicDecision]:
    """发布决定: every staged decision of the federation at once; each topic moves through the topic services
    (its state machine) and its proposer is told. If one cannot be applied nothing is released."""
    settings = _phase_of(federation_id)
    if not phase_rules(settings.phase).can_decide:
        raise _refuse(MSG_NOT_DECISION_PHASE, "phase", phase=settings.get_phase_display())
    with transaction.atomic():
        staged = list(
            staged_for(federation_id).select_for_update() if services._locks() else staged_for(federation_id)
        )
        if not staged:
            raise _refuse(MSG_NOTHING_STAGED, "nothing_staged")
        now = timezone.now()
        for decision in staged:
            topic = Topic.objects.get(pk=decision.topic_id)
            pending = services.pending_version(topic)
            if pending is None or pending.pk != decision.topic_version_id:
                raise _refuse(MSG_VERSION_CHANGED, "version_changed", title=topic.title)
            if decision.outcome == TopicDecision.Outcome.REJECT:
                topic_reject(topic=topic, comment=decision.comment, acting_user=acting_user)
            else:
                services.topic_review(
                    topic=topic,
                    accept=decision.outcome == TopicDecision.Outcome.ACCEPT,
                    comment=decision.comment,
                    acting_user=acting_user,
                )
            with audit.attributed_to(acting_user):
                decision.released_at, decision.released_by = now, acting_user
                decision.save()
            _tell_proposer(decision)
        return staged


def outcome_label(outcome: str) -> str:
    return gettext(str(dict(TopicDecision.Outcome.choices).get(outcome, outcome)))
