"""Pages of the volunteer lecture system (志愿讲课). Thin: scoped fetch, one service, a response."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import add_refusal
from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES, Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import ObjectActionView, ScopedDetailView, ScopedListView, scoped_function
from lectures import forms as lf
from lectures import selectors, services
from lectures.models import (
    TOPIC_MACHINE,
    VOLUNTEER_MACHINE,
    ExpertiseCategory,
    Topic,
    TopicVersion,
    Volunteer,
)
from orgs.models import Person

STAFF = frozenset({Role.FEDERATION_STAFF})
VOLUNTEER_READERS = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.VOLUNTEER})


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class LectureActionView(ObjectActionView):
    """An action page of this app: breadcrumbs back to `back_url`, success returns there."""

    back_label: Any = _("志愿讲课")

    def back_url(self) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.back_url()

    def extra_context(self) -> dict[str, Any]:
        return {"subject": str(self.object), "breadcrumbs": [(self.back_label, self.back_url())]}


# ------------------------------------------------------------------------------------------ volunteers
class VolunteerListView(ScopedListView):
    """巾帼志愿者 by category: staff see their federation's, a liaison her unit's, a volunteer herself."""

    model = Volunteer
    allowed_roles = VOLUNTEER_READERS
    template_name = "lectures/volunteer_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.category_id = _int(self.request.GET.get("category"))
        self.q = self.request.GET.get("q", "")[:50]
        self.status = self.request.GET.get("status", "")
        if self.status not in Volunteer.Status.values:
            self.status = ""
        return selectors.volunteer_list_for(
            self.request.user, category_id=self.category_id, q=self.q, status=self.status
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            categories=list(selectors.categories_for(self.request.user)),
            category_id=self.category_id,
            q=self.q,
            status=self.status,
            statuses=Volunteer.Status.choices,
            can_register=scope_for(self.request.user).has(Role.FEDERATION_STAFF),
        )
        return context


class VolunteerDetailView(ScopedDetailView):
    model = Volunteer
    allowed_roles = VOLUNTEER_READERS
    template_name = "lectures/volunteer_detail.html"
    context_object_name = "volunteer"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        v = self.object
        context.update(
            can_change=self.permits("change"),
            can_manage=self.permits("manage"),
            moves=VOLUNTEER_MACHINE.available(v),
            timeline=VOLUNTEER_MACHINE.timeline(v),
            categories=list(v.categories.order_by("order", "id")),
        )
        context.update(self.extra())
        return context

    def extra(self) -> dict[str, Any]:
        """What the later parts of the page add (hours, lectures)."""
        return {}


class OnVolunteer(LectureActionView):
    model = Volunteer
    back_label = _("巾帼志愿者")

    def back_url(self) -> str:
        return reverse("lectures:volunteer-detail", args=[self.object.pk])


class VolunteerEditView(OnVolunteer):
    """The profile: categories, bio, availability, yearly limit (the volunteer herself or staff)."""

    action = "change"
    title = _("编辑讲师资料")
    submit_label = _("保存")
    fields_by_code = {
        "category_required": "categories",
        "category_inactive": "categories",
        "limit_range": "yearly_limit",
    }

    def make_form(self, data: Any = None) -> Any:
        v = self.object
        initial = {
            "categories": list(v.categories.values_list("pk", flat=True)),
            "bio": v.bio,
            "availability": v.availability,
            "yearly_limit": v.yearly_limit,
            "version": v.version,
        }
        categories = ExpertiseCategory.objects.filter(federation_id=v.federation_id, active=True)
        return lf.VolunteerProfileForm(data, initial=initial, categories=categories)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.volunteer_update(
            volunteer=self.object,
            categories=d["categories"],
            bio=d["bio"],
            availability=d["availability"],
            yearly_limit=d["yearly_limit"],
            version=d["version"],
            acting_user=self.request.user,
        )
        return gettext("已保存讲师资料。")


class VolunteerMoveView(OnVolunteer):
    """审核通过 / 暂停 / 恢复: staff only (action "manage")."""

    action = "manage"
    transition = ""

    def make_form(self, data: Any = None) -> Any:
        return lf.ReasonForm(data, initial={"version": self.object.version})

    @property
    def title(self) -> Any:  # type: ignore[override]
        return VOLUNTEER_MACHINE.by_name[self.transition].label

    @property
    def submit_label(self) -> Any:  # type: ignore[override]
        return self.title

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("当前状态"), self.object.get_status_display())]

    def perform(self, form: Any) -> str:
        services.volunteer_move(
            volunteer=self.object,
            transition=self.transition,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已%(move)s：%(name)s。") % {"move": self.title, "name": self.object}


class VolunteerApproveView(VolunteerMoveView):
    transition = "approve"


class VolunteerSuspendView(VolunteerMoveView):
    transition = "suspend"
    danger = True


class VolunteerReinstateView(VolunteerMoveView):
    transition = "reinstate"


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: Any,
    intro: Any = "",
    submit: Any = None,
    cancel: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": submit or gettext("保存"),
            "cancel_url": cancel,
            "object": title,
            "subject": "",
            "facts": [],
        },
        status=status,
    )


def _run(request: HttpRequest, form: Any, action: Any, fields_by_code: dict[str, str]) -> Any:
    """Runs `action()` (one service); a refusal goes on the form. Returns its result or None."""
    try:
        return action()
    except ConcurrentEditError as conflict:
        form.add_error(None, conflict)
    except ValidationError as refused:
        add_refusal(form, refused, fields_by_code)
    return None


@scoped_function(roles=STAFF)
def volunteer_register(request: HttpRequest) -> HttpResponse:
    """Staff register a person of their federation as a volunteer (approved at once)."""
    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise PermissionDenied
    people = Person.objects.visible_to(request.user).filter(
        federation_id=federation_id, volunteer__isnull=True
    )
    categories = ExpertiseCategory.objects.filter(federation_id=federation_id, active=True)
    form = lf.VolunteerRegisterForm(request.POST or None, people=people, categories=categories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        volunteer = _run(
            request,
            form,
            lambda: services.volunteer_register(
                person=d["person"],
                categories=d["categories"],
                bio=d["bio"],
                availability=d["availability"],
                yearly_limit=d["yearly_limit"],
                approved=True,
                acting_user=request.user,
            ),
            {"category_required": "categories", "already_volunteer": "person"},
        )
        if volunteer is not None:
            messages.success(request, gettext("已登记巾帼志愿者：%(name)s。") % {"name": volunteer})
            return redirect("lectures:volunteer-detail", volunteer.pk)
    return _form_page(
        request,
        form,
        title=gettext("登记巾帼志愿者"),
        cancel=reverse("lectures:volunteer-list"),
        status=400 if request.method == "POST" else 200,
    )


def _federation(federation_id: int) -> Any:
    from orgs.models import Federation

    return Federation.objects.get(pk=federation_id)


@scoped_function(roles=BUSINESS_ROLES)
def volunteer_me(request: HttpRequest) -> HttpResponse:
    """One's own volunteer profile, or the application form for a person who is not one yet."""
    own = selectors.own_volunteer(request.user)
    if own is not None:
        return redirect("lectures:volunteer-detail", own.pk)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    categories = ExpertiseCategory.objects.filter(federation_id=person.federation_id, active=True)
    form = lf.VolunteerProfileForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        volunteer = _run(
            request,
            form,
            lambda: services.volunteer_register(
                person=person,
                categories=d["categories"],
                bio=d["bio"],
                availability=d["availability"],
                yearly_limit=d["yearly_limit"],
                approved=False,
                acting_user=request.user,
            ),
            {"category_required": "categories"},
        )
        if volunteer is not None:
            messages.success(request, gettext("申请已提交，妇联工作人员审核后即可申报课题、授课。"))
            return redirect("lectures:volunteer-detail", volunteer.pk)
    return _form_page(
        request,
        form,
        title=gettext("申请成为巾帼志愿者"),
        intro=gettext("填写专业类别和个人简介，提交后由区妇联审核。"),
        submit=gettext("提交申请"),
        cancel=reverse("home"),
        status=400 if request.method == "POST" else 200,
    )


# ------------------------------------------------------------------------------------------ categories
@scoped_function(roles=STAFF)
def category_list(request: HttpRequest) -> HttpResponse:
    """专业类别: the federation's list (the defaults the first time), and a form to add one."""
    federation_id = chosen_federation(request, STAFF)
    if federation_id is None:
        raise PermissionDenied
    federation = _federation(federation_id)
    form = lf.CategoryForm(
        request.POST if request.method == "POST" and "defaults" not in request.POST else None
    )
    if request.method == "POST" and "defaults" in request.POST:
        services.category_defaults_ensure(federation=federation, acting_user=request.user)
        return redirect("lectures:category-list")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = _run(
            request,
            form,
            lambda: services.category_create(
                federation=federation, name=d["name"], order=d["order"], acting_user=request.user
            ),
            {"duplicate": "name"},
        )
        if made is not None:
            messages.success(request, gettext("已添加专业类别：%(name)s。") % {"name": made})
            return redirect("lectures:category-list")
    categories = selectors.categories_for(request.user, federation_id)
    return render(
        request,
        "lectures/category_list.html",
        {"categories": categories, "form": form},
        status=400 if form.is_bound else 200,
    )


class CategoryEditView(LectureActionView):
    model = ExpertiseCategory
    action = "change"
    title = _("编辑专业类别")
    back_label = _("专业类别")
    fields_by_code = {"duplicate": "name", "name_required": "name"}

    def back_url(self) -> str:
        return reverse("lectures:category-list")

    def make_form(self, data: Any = None) -> Any:
        c = self.object
        return lf.CategoryForm(
            data, initial={"name": c.name, "order": c.order, "active": c.active, "version": c.version}
        )

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.category_update(
            category=self.object,
            name=d["name"],
            order=d["order"],
            active=d["active"],
            version=d["version"],
            acting_user=self.request.user,
        )
        return gettext("已保存专业类别。")


# ------------------------------------------------------------------------------------------ topics
class TopicListView(ScopedListView):
    """课题库: what community contacts browse, by category, audience and words; staff also see proposals."""

    model = Topic
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/topic_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.category_id = _int(self.request.GET.get("category"))
        self.q = self.request.GET.get("q", "")[:50]
        self.audience = self.request.GET.get("audience", "")[:50]
        status = self.request.GET.get("status", Topic.Status.LIBRARY)
        self.status = status if status in Topic.Status.values or status == "all" else Topic.Status.LIBRARY
        return selectors.topic_list_for(
            self.request.user,
            category_id=self.category_id,
            q=self.q,
            audience=self.audience,
            status="" if self.status == "all" else self.status,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        context.update(
            categories=list(selectors.categories_for(self.request.user, active_only=True)),
            category_id=self.category_id,
            q=self.q,
            audience=self.audience,
            status=self.status,
            statuses=Topic.Status.choices,
            is_staff=scope.has(Role.FEDERATION_STAFF),
            can_propose=selectors.own_volunteer(self.request.user) is not None,
        )
        return context


def _outline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed between two outlines, line by line: (kind, text) with kind in "+", "-", " "."""
    import difflib

    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("? "):
            continue
        out.append((line[:1], line[2:]))
    return out


class TopicDetailView(ScopedDetailView):
    model = Topic
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/topic_detail.html"
    context_object_name = "topic"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        topic = self.object
        versions = list(topic.versions.order_by("-number"))
        pending = next((v for v in versions if v.status == TopicVersion.Status.PENDING), None)
        current = topic.current_version
        can_change, can_review = self.permits("change"), self.permits("review")
        context.update(
            versions=versions,
            pending=pending,
            current=current,
            diff=_outline_diff(current.outline, pending.outline) if pending and current else None,
            lecturers=list(topic.lecturers.select_related("person").order_by("person__name")),
            can_change=can_change,
            can_review=can_review,
            timeline=TOPIC_MACHINE.timeline(topic),
            can_edit=can_change and topic.status in (Topic.Status.PROPOSED, Topic.Status.RETURNED),
            can_revise=can_change
            and topic.status in (Topic.Status.LIBRARY, Topic.Status.RETURNED)
            and not pending,
            can_retire=can_review and TOPIC_MACHINE.can(topic, "retire"),
            can_restore=can_review and TOPIC_MACHINE.can(topic, "restore"),
        )
        context.update(self.extra())
        return context

    def extra(self) -> dict[str, Any]:
        return {}


@scoped_function(roles=frozenset({Role.VOLUNTEER}))
def topic_propose(request: HttpRequest) -> HttpResponse:
    """申报课题: an active volunteer proposes a topic; staff review it."""
    own = selectors.own_volunteer(request.user)
    if own is None:
        return redirect("lectures:volunteer-me")
    categories = ExpertiseCategory.objects.filter(federation_id=own.federation_id, active=True)
    form = lf.TopicForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        topic = _run(
            request,
            form,
            lambda: services.topic_propose(
                proposer=own,
                title=d["title"],
                category=d["category"],
                outline=d["outline"],
                audience=d["audience"],
                duration_minutes=d["duration_minutes"],
                acting_user=request.user,
            ),
            {"duplicate": "title", "title_required": "title", "outline_required": "outline"},
        )
        if topic is not None:
            messages.success(request, gettext("课题已申报，等待区妇联审核。"))
            return redirect("lectures:topic-detail", topic.pk)
    return _form_page(
        request,
        form,
        title=gettext("申报课题"),
        submit=gettext("提交申报"),
        intro=gettext("课题审核通过后进入课题库，供社区和单位点单。"),
        cancel=reverse("lectures:topic-list"),
        status=400 if request.method == "POST" else 200,
    )


class OnTopic(LectureActionView):
    model = Topic
    back_label = _("课题库")

    def back_url(self) -> str:
        return reverse("lectures:topic-detail", args=[self.object.pk])

    def facts(self) -> list[tuple[str, str]]:
        t = self.object
        return [(gettext("专业类别"), t.category.name), (gettext("状态"), t.get_status_display())]


class TopicEditView(OnTopic):
    action = "change"
    title = _("修改课题申报")
    fields_by_code = {
        "duplicate": "title",
        "title_required": "title",
        "outline_required": "outline",
        "duration_range": "duration_minutes",
    }

    def make_form(self, data: Any = None) -> Any:
        t = self.object
        pending = services.pending_version(t)
        categories = ExpertiseCategory.objects.filter(federation_id=t.federation_id, active=True)
        return lf.TopicForm(
            data,
            categories=categories,
            initial={
                "title": t.title,
                "category": t.category_id,
                "audience": t.audience,
                "duration_minutes": t.duration_minutes,
                "outline": pending.outline if pending else "",
                "version": t.version,
            },
        )

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.topic_update(
            topic=self.object,
            title=d["title"],
            category=d["category"],
            audience=d["audience"],
            duration_minutes=d["duration_minutes"],
            outline=d["outline"],
            version=d["version"],
            acting_user=self.request.user,
        )
        return gettext("已保存课题。")


class TopicReviseView(OnTopic):
    """提交新版本 (打磨): the new outline waits for review; lectures keep the current version meanwhile."""

    action = "change"
    title = _("提交新版本")
    intro = _("根据试讲或学员反馈修改大纲。新版本审核通过前，新排的讲座仍使用当前版本。")
    fields_by_code = {"outline_required": "outline", "outline_unchanged": "outline"}

    def make_form(self, data: Any = None) -> Any:
        current = self.object.current_version or self.object.versions.order_by("-number").first()
        return lf.TopicReviseForm(data, initial={"outline": current.outline if current else ""})

    def perform(self, form: Any) -> str:
        made = services.topic_revise(
            topic=self.object,
            outline=form.cleaned_data["outline"],
            changes=form.cleaned_data["changes"],
            acting_user=self.request.user,
        )
        return gettext("已提交第 %(n)s 版，等待审核。") % {"n": made.number}


class TopicReviewView(OnTopic):
    action = "review"
    title = _("审核课题")
    fields_by_code = {"reason_required": "comment"}

    def make_form(self, data: Any = None) -> Any:
        return lf.TopicReviewForm(data)

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        pending = services.pending_version(self.object)
        if pending is not None:
            context["warnings"] = [gettext("待审核：第 %(n)s 版。") % {"n": pending.number}]
        return context

    def perform(self, form: Any) -> str:
        accept = form.cleaned_data["decision"] == "accept"
        v = services.topic_review(
            topic=self.object,
            accept=accept,
            comment=form.cleaned_data["comment"],
            acting_user=self.request.user,
        )
        return (gettext("第 %(n)s 版已通过。") if accept else gettext("第 %(n)s 版已退回。")) % {
            "n": v.number
        }


class TopicMoveView(OnTopic):
    action = "review"
    transition = ""

    @property
    def title(self) -> Any:  # type: ignore[override]
        return TOPIC_MACHINE.by_name[self.transition].label

    @property
    def submit_label(self) -> Any:  # type: ignore[override]
        return self.title

    def make_form(self, data: Any = None) -> Any:
        return lf.ReasonForm(data, initial={"version": self.object.version})

    def perform(self, form: Any) -> str:
        services.topic_move(
            topic=self.object,
            transition=self.transition,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已%(move)s：%(title)s。") % {"move": self.title, "title": self.object}


class TopicRetireView(TopicMoveView):
    transition = "retire"
    danger = True


class TopicRestoreView(TopicMoveView):
    transition = "restore"


class TopicLecturersView(OnTopic):
    action = "review"
    title = _("设置授课讲师")
    fields_by_code = {"lecturer_required": "lecturers"}

    def make_form(self, data: Any = None) -> Any:
        t = self.object
        volunteers = Volunteer.objects.filter(federation_id=t.federation_id, status=Volunteer.Status.ACTIVE)
        return lf.LecturersForm(
            data,
            volunteers=volunteers.select_related("person").order_by("person__name"),
            initial={"lecturers": list(t.lecturers.values_list("pk", flat=True))},
        )

    def perform(self, form: Any) -> str:
        services.topic_set_lecturers(
            topic=self.object, lecturers=form.cleaned_data["lecturers"], acting_user=self.request.user
        )
        return gettext("已保存授课讲师。")
