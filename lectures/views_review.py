"""Pages of the topic review (课题评审): the queue, "next", scoring, staged decisions and their release, the
phase and criteria, the invited reviewers; and a volunteer's availability. Thin: scoped fetch, one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import BUSINESS_ROLES, Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import ScopedListView, scoped_function
from lectures import availability, review, services
from lectures import forms_review as rf
from lectures.models import (
    ReviewCriterion,
    ReviewerInvitation,
    ReviewTopic,
    TopicDecision,
    TopicReview,
    Volunteer,
)
from lectures.views import LectureActionView, _federation, _run

STAFF = frozenset({Role.FEDERATION_STAFF})
REVIEW_FIELDS = {"phase": "__all__", "not_pending": "__all__", "reason_required": "comment"}


def _is_staff_of(user: Any, federation_id: int) -> bool:
    return scope_for(user).has_in(federation_id, Role.FEDERATION_STAFF)


class ReviewQueueView(ScopedListView):
    """评审: the proposals waiting for review that the user may score, fewest reviews first."""

    model = ReviewTopic
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/review/queue.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return review.review_queue_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        federation_id = chosen_federation(self.request, STAFF)
        context.update(
            is_staff=scope.has(Role.FEDERATION_STAFF),
            settings=review.settings_for(federation_id) if federation_id else None,
            staged=review.staged_for(federation_id).count() if federation_id else 0,
        )
        return context


@scoped_function(roles=BUSINESS_ROLES)
def review_next(request: HttpRequest) -> HttpResponse:
    """下一个: the proposal with the fewest reviews that the user has not reviewed."""
    nxt = review.next_for(request.user)
    if nxt is None:
        messages.info(request, gettext("没有待您评审的课题了。"))
        return redirect("lectures:review-queue")
    return redirect("lectures:review-topic", nxt.pk)


class ReviewTopicView(LectureActionView):
    """评审课题: the pending version, what changed since the version the reviewer saw, her scores."""

    model = ReviewTopic
    action = "score"
    title = _("评审课题")
    back_label = _("课题评审")
    submit_label = _("提交评审")
    template_name = "lectures/review/topic.html"
    fields_by_code = REVIEW_FIELDS

    def back_url(self) -> str:
        return reverse("lectures:review-queue")

    def get_success_url(self) -> str:
        return reverse("lectures:review-next")

    def get_cancel_url(self) -> str:
        return self.back_url()

    def _mine(self) -> TopicReview | None:
        return TopicReview.objects.filter(topic=self.object, reviewer_id=self.request.user.pk).first()

    def make_form(self, data: Any = None) -> Any:
        criteria = review.criteria_of(self.object.federation_id)
        mine = self._mine()
        initial: dict[str, Any] = {}
        if mine is not None:
            initial = {f"score_{s.criterion_id}": s.score for s in mine.scores.all()}
            initial["comment"] = mine.comment
        return rf.ReviewForm(data, criteria=criteria, initial=initial)

    def facts(self) -> list[tuple[str, str]]:
        t = self.object
        return [
            (gettext("专业类别"), t.category.name),
            (gettext("适合对象"), t.audience or "—"),
            (gettext("时长（分钟）"), str(t.duration_minutes)),
            (gettext("状态"), t.get_status_display()),
        ]

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        topic = self.object
        settings = review.settings_for(topic.federation_id)
        rules = review.phase_rules(settings.phase)
        pending = services.pending_version(topic)
        mine = self._mine()
        changes = None
        if mine is not None and pending is not None:
            changes = review.changes_since(mine.seen, review.snapshot(topic, pending))
        staff = _is_staff_of(self.request.user, topic.federation_id)
        rows, mean = review.reviews_of(topic) if staff or rules.reviewers_see_others else ([], None)
        warnings = []
        if not rules.can_score:
            warnings.append(
                gettext(str(review.MSG_NOT_SCORING_PHASE)) % {"phase": settings.get_phase_display()}
            )
        if pending is None:
            warnings.append(gettext(str(review.MSG_NOT_PENDING)))
        context.update(
            pending=pending,
            mine=mine,
            changes=changes,
            rows=rows,
            mean=mean,
            warnings=warnings,
            phase=settings,
            can_decide=staff and rules.can_decide and self.permits("decide"),
        )
        return context

    def perform(self, form: Any) -> str:
        review.review_submit(
            topic=self.object,
            reviewer=self.request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            acting_user=self.request.user,
        )
        return gettext("已保存对“%(title)s”的评审。") % {"title": self.object.title}


class DecisionStageView(LectureActionView):
    """作出决定 (staff, in the decision phase): staged until the decisions are released together."""

    model = ReviewTopic
    action = "decide"
    title = _("作出评审决定")
    back_label = _("评审决定")
    submit_label = _("暂存决定")
    intro = _("决定先暂存，点击“发布决定”后一并生效并通知申报人。")
    fields_by_code = {**REVIEW_FIELDS, "outcome": "outcome"}

    def back_url(self) -> str:
        return reverse("lectures:review-decisions")

    def make_form(self, data: Any = None) -> Any:
        staged = TopicDecision.objects.filter(topic=self.object, released_at__isnull=True).first()
        initial = {"outcome": staged.outcome, "comment": staged.comment} if staged else {}
        return rf.DecisionForm(data, initial=initial)

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        _rows, mean = review.reviews_of(self.object)
        pending = services.pending_version(self.object)
        context["warnings"] = [
            gettext("待审核：第 %(n)s 版；加权平均分：%(mean)s。")
            % {"n": pending.number if pending else "—", "mean": mean if mean is not None else "—"}
        ]
        return context

    def perform(self, form: Any) -> str:
        review.decision_stage(
            topic=self.object,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
            acting_user=self.request.user,
        )
        return gettext("已暂存对“%(title)s”的决定，发布后生效。") % {"title": self.object.title}


@scoped_function(roles=STAFF)
def review_decisions(request: HttpRequest) -> HttpResponse:
    """评审决定: the staged decisions of the federation, and 发布决定 to release them together."""
    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise PermissionDenied
    if request.method == "POST":
        try:
            released = review.decisions_release(federation_id=federation_id, acting_user=request.user)
        except ValidationError as refused:
            for m in refused.messages:
                messages.error(request, m)
        else:
            messages.success(
                request, gettext("已发布 %(n)s 项评审决定，并已通知申报人。") % {"n": len(released)}
            )
        return redirect("lectures:review-decisions")
    settings = review.settings_for(federation_id)
    return render(
        request,
        "lectures/review/decisions.html",
        {
            "staged": list(review.staged_for(federation_id)),
            "settings": settings,
            "can_release": review.phase_rules(settings.phase).can_decide,
            "queue": list(review.review_queue_for(request.user).filter(federation_id=federation_id)),
        },
    )


class DecisionWithdrawView(LectureActionView):
    """撤回暂存的决定 (before release)."""

    model = TopicDecision
    action = "change"
    title = _("撤回暂存的决定")
    back_label = _("评审决定")
    submit_label = _("撤回")
    danger = True

    def back_url(self) -> str:
        return reverse("lectures:review-decisions")

    def perform(self, form: Any) -> str:
        if self.object.released_at is not None:
            raise ValidationError(gettext("已发布的决定不能撤回。"), code="released")
        review.decision_unstage(decision=self.object, acting_user=self.request.user)
        return gettext("已撤回暂存的决定。")


@scoped_function(roles=STAFF)
def review_settings(request: HttpRequest) -> HttpResponse:
    """评审设置: the phase, the weighted criteria, a form to add one."""
    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise PermissionDenied
    settings = review.settings_for(federation_id)
    phase_form = rf.PhaseForm(
        request.POST if request.method == "POST" and "phase" in request.POST else None,
        initial={"phase": settings.phase, "version": settings.version},
    )
    add_form = rf.CriterionAddForm(
        request.POST if request.method == "POST" and "name" in request.POST else None
    )
    if request.method == "POST":
        if phase_form.is_bound and phase_form.is_valid():
            d = phase_form.cleaned_data
            done = _run(
                request,
                phase_form,
                lambda: review.phase_set(
                    settings=settings, phase=d["phase"], version=d["version"], acting_user=request.user
                ),
                {},
            )
            if done is not None:
                messages.success(
                    request, gettext("评审阶段已改为：%(phase)s。") % {"phase": done.get_phase_display()}
                )
                return redirect("lectures:review-settings")
        elif add_form.is_bound and add_form.is_valid():
            d = add_form.cleaned_data
            made = _run(
                request,
                add_form,
                lambda: review.criterion_add(
                    federation=_federation(federation_id),
                    name=d["name"],
                    weight=d["weight"],
                    acting_user=request.user,
                ),
                {"duplicate": "name", "name_required": "name", "weight_range": "weight"},
            )
            if made is not None:
                messages.success(request, gettext("已添加评审标准：%(name)s。") % {"name": made})
                return redirect("lectures:review-settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "lectures/review/settings.html",
        {
            "settings": review.settings_for(federation_id),
            "phase_form": phase_form,
            "add_form": add_form,
            "criteria": ReviewCriterion.objects.filter(federation_id=federation_id),
            "rules": review.PHASE_RULES,
        },
        status=status,
    )


class CriterionEditView(LectureActionView):
    model = ReviewCriterion
    action = "change"
    title = _("编辑评审标准")
    back_label = _("评审设置")
    fields_by_code = {"duplicate": "name", "name_required": "name", "weight_range": "weight"}

    def back_url(self) -> str:
        return reverse("lectures:review-settings")

    def make_form(self, data: Any = None) -> Any:
        c = self.object
        return rf.CriterionForm(
            data, initial={"name": c.name, "weight": c.weight, "active": c.active, "version": c.version}
        )

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        review.criterion_update(
            criterion=self.object,
            name=d["name"],
            weight=d["weight"],
            active=d["active"],
            version=d["version"],
            acting_user=self.request.user,
        )
        return gettext("已保存评审标准。")


@scoped_function(roles=STAFF)
def reviewer_list(request: HttpRequest) -> HttpResponse:
    """评审专家: who reviews the federation's topics; staff invite a volunteer or any user of the federation."""
    from accounts.models import User

    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise PermissionDenied
    users = (
        User.objects.filter(federation_id=federation_id, is_active=True, person__isnull=False)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    form = rf.InviteForm(request.POST or None, users=users)
    if request.method == "POST" and form.is_valid():
        made = _run(
            request,
            form,
            lambda: review.reviewer_invite(
                federation=_federation(federation_id),
                user=form.cleaned_data["user"],
                acting_user=request.user,
            ),
            {"already_invited": "user", "other_federation": "user"},
        )
        if made is not None:
            messages.success(
                request, gettext("已邀请评审专家：%(name)s。") % {"name": form.cleaned_data["user"]}
            )
            return redirect("lectures:reviewer-list")
    invitations = (
        ReviewerInvitation.objects.filter(federation_id=federation_id)
        .select_related("user__person")
        .order_by("-active", "pk")
    )
    volunteer_people = set(
        Volunteer.objects.filter(federation_id=federation_id).values_list("person_id", flat=True)
    )
    return render(
        request,
        "lectures/review/reviewers.html",
        {"invitations": invitations, "form": form, "volunteer_people": volunteer_people},
        status=400 if form.is_bound else 200,
    )


class ReviewerWithdrawView(LectureActionView):
    model = ReviewerInvitation
    action = "change"
    title = _("取消评审专家")
    back_label = _("评审专家")
    submit_label = _("取消邀请")
    danger = True

    def back_url(self) -> str:
        return reverse("lectures:reviewer-list")

    def perform(self, form: Any) -> str:
        review.reviewer_withdraw(invitation=self.object, acting_user=self.request.user)
        return gettext("已取消 %(name)s 的评审专家资格。") % {"name": self.object.user}


class AvailabilityView(LectureActionView):
    """可授课时间: the weekly pattern and the dates away, which the ranking for orders reads."""

    model = Volunteer
    action = "change"
    title = _("可授课时间")
    back_label = _("巾帼志愿者")
    fields_by_code = {"weekdays": "weekdays", "away": "away"}

    def back_url(self) -> str:
        return reverse("lectures:volunteer-detail", args=[self.object.pk])

    def make_form(self, data: Any = None) -> Any:
        weekdays, away = availability.pattern_of(self.object)
        return rf.AvailabilityForm(
            data, initial={"weekdays": list(weekdays), "away": availability.away_text(away)}
        )

    def perform(self, form: Any) -> str:
        availability.availability_set(
            volunteer=self.object,
            weekdays="".join(sorted(form.cleaned_data["weekdays"])),
            away=form.cleaned_data["away"],
            acting_user=self.request.user,
        )
        return gettext("已保存可授课时间。")
