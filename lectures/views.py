"""Pages of the volunteer lecture system (志愿讲课). Thin: scoped fetch, one service, a response."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import add_refusal
from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES, Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import (
    ObjectActionView,
    ScopedDetailView,
    ScopedListView,
    authenticated,
    public,
    scoped_function,
)
from lectures import forms as lf
from lectures import selectors, services
from lectures.models import (
    ENDED,
    LECTURE_MACHINE,
    PLACE_HOLDING,
    REQUEST_MACHINE,
    TOPIC_MACHINE,
    VOLUNTEER_MACHINE,
    ExpertiseCategory,
    Feedback,
    Lecture,
    LectureRequest,
    OtherService,
    Qualification,
    Registration,
    Topic,
    TopicVersion,
    Volunteer,
)
from orgs.models import Person, Unit

STAFF = frozenset({Role.FEDERATION_STAFF})
# A qualification that lapses within this many days is flagged (and reminded of, lectures.reminders).
LAPSE_SOON = dt.timedelta(days=30)
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
        """Hours (derived from held lectures) and star level; qualifications with their validity today."""
        from core import clock

        today = clock.today()
        quals = [
            (q, q.valid_on(today), q.valid_until is not None and today <= q.valid_until <= today + LAPSE_SOON)
            for q in Qualification.objects.visible_to(self.request.user).filter(volunteer=self.object)
        ]
        others = OtherService.objects.visible_to(self.request.user).filter(volunteer=self.object)
        return {
            "record": selectors.service_record(self.object),
            "star_range": range(1, 6),
            "qualifications": quals,
            "other_services": list(others.order_by("-served_on", "-id")[:50]),
        }


class OnVolunteer(LectureActionView):
    model = Volunteer
    back_label = _("巾帼志愿者")

    def back_url(self) -> str:
        return reverse("lectures:volunteer-detail", args=[self.object.pk])


class UploadActionView(LectureActionView):
    """An action page whose form takes a file (multipart)."""

    template_name = "lectures/upload_form.html"

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from core.forms import add_refusal

        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = self.perform(form)
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict)
            except ValidationError as refused:
                add_refusal(form, refused, self.fields_by_code)
            else:
                messages.success(request, message)
                return redirect(self.get_success_url())
        return self.show(form, status=400)


class QualificationAddView(UploadActionView, OnVolunteer):
    """登记资质证书: the volunteer herself or staff, with the certificate's scan."""

    action = "change"
    title = _("登记资质证书")
    submit_label = _("保存")
    fields_by_code = {"file": "file", "name_required": "name", "dates": "valid_until", "issued_future": "issued_on"}

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        return lf.QualificationForm(data, files)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.qualification_add(
            volunteer=self.object,
            name=d["name"],
            issued_on=d["issued_on"],
            valid_until=d["valid_until"],
            upload=d["file"],
            acting_user=self.request.user,
        )
        return gettext("已登记资质证书。")


class QualificationRemoveView(LectureActionView):
    model = Qualification
    action = "change"
    title = _("删除资质证书")
    submit_label = _("确认删除")
    danger = True
    back_label = _("巾帼志愿者")

    def back_url(self) -> str:
        return reverse("lectures:volunteer-detail", args=[self.object.volunteer_id])

    def facts(self) -> list[tuple[str, str]]:
        q = self.object
        return [
            (gettext("资质名称"), q.name),
            (gettext("发证日期"), f"{q.issued_on:%Y-%m-%d}"),
            (gettext("有效期至"), f"{q.valid_until:%Y-%m-%d}" if q.valid_until else gettext("长期有效")),
        ]

    def perform(self, form: Any) -> str:
        services.qualification_remove(qualification=self.object, acting_user=self.request.user)
        return gettext("已删除资质证书。")


class QualificationEvidenceView(ScopedDetailView):
    """The scan of a qualification certificate, to who may see the qualification."""

    model = Qualification
    allowed_roles = VOLUNTEER_READERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        from lectures import evidence

        return evidence.response(self.get_object())


class OtherServiceAddView(UploadActionView, OnVolunteer):
    """登记其他志愿服务: the volunteer (or staff on her behalf) records it with evidence; staff then approve it."""

    action = "change"
    title = _("登记其他志愿服务")
    intro = _("除讲课以外的志愿服务，经区妇联审核认定后计入服务时长。")
    submit_label = _("提交审核")
    fields_by_code = {
        "file": "file",
        "evidence_required": "file",
        "hours_range": "hours",
        "date_future": "served_on",
        "description_required": "description",
    }

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        return lf.OtherServiceForm(data, files)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.other_service_record(
            volunteer=self.object,
            served_on=d["served_on"],
            hours=d["hours"],
            description=d["description"],
            upload=d["file"],
            acting_user=self.request.user,
        )
        return gettext("已提交，待区妇联审核认定。")


class OnOtherService(LectureActionView):
    model = OtherService
    action = "review"
    back_label = _("其他志愿服务")

    def back_url(self) -> str:
        return reverse("lectures:other-service-list")

    def facts(self) -> list[tuple[str, str]]:
        o = self.object
        return [
            (gettext("志愿者"), o.volunteer.person.name),
            (gettext("服务日期"), f"{o.served_on:%Y-%m-%d}"),
            (gettext("服务时长（小时）"), str(o.hours)),
            (gettext("服务内容"), o.description),
            (gettext("佐证材料"), o.evidence_name or "—"),
            (gettext("状态"), o.get_status_display()),
        ]


class OtherServiceApproveView(OnOtherService):
    title = _("认定时长")
    submit_label = _("认定")

    def make_form(self, data: Any = None) -> Any:
        return lf.ReasonForm(data, initial={"version": self.object.version})

    def perform(self, form: Any) -> str:
        services.other_service_decide(
            service=self.object,
            approve=True,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已认定，计入服务时长。")


class OtherServiceRejectView(OtherServiceApproveView):
    title = _("不予认定")
    submit_label = _("不予认定")
    danger = True
    fields_by_code = {"reason_required": "reason"}

    def perform(self, form: Any) -> str:
        services.other_service_decide(
            service=self.object,
            approve=False,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已不予认定。")


class OtherServiceEvidenceView(ScopedDetailView):
    """The evidence of other service, to who may see the record."""

    model = OtherService
    allowed_roles = VOLUNTEER_READERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        from lectures import evidence

        return evidence.response(self.get_object())


class OtherServiceListView(ScopedListView):
    """其他志愿服务 to review (staff), pending first."""

    model = OtherService
    allowed_roles = STAFF
    template_name = "lectures/other_service_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.status = self.request.GET.get("status", OtherService.Status.PENDING)
        if self.status not in OtherService.Status.values:
            self.status = ""
        qs = OtherService.objects.permitted(self.request.user, "review").select_related("volunteer__person")
        if self.status:
            qs = qs.filter(status=self.status)
        return qs.order_by("served_on", "id") if self.status == "pending" else qs.order_by("-served_on", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(status=self.status, statuses=OtherService.Status.choices)
        return context


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
    """课题库: what community contacts browse, by category, audience, duration and words, with each topic's
    rating and lectures held, sorted by category, newest, rating or lectures held; staff also see proposals."""

    model = Topic
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/topic_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.category_id = _int(self.request.GET.get("category"))
        self.q = self.request.GET.get("q", "")[:50]
        self.audience = self.request.GET.get("audience", "")[:50]
        duration = self.request.GET.get("duration", "")
        self.duration = duration if duration in selectors.TOPIC_DURATIONS else ""
        sort = self.request.GET.get("sort", "")
        self.sort = sort if sort in selectors.TOPIC_SORTS else "category"
        status = self.request.GET.get("status", Topic.Status.LIBRARY)
        self.status = status if status in Topic.Status.values or status == "all" else Topic.Status.LIBRARY
        return selectors.topic_list_for(
            self.request.user,
            category_id=self.category_id,
            q=self.q,
            audience=self.audience,
            status="" if self.status == "all" else self.status,
            duration=self.duration,
            sort=self.sort,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        context.update(
            categories=list(selectors.categories_for(self.request.user, active_only=True)),
            category_id=self.category_id,
            q=self.q,
            audience=self.audience,
            duration=self.duration,
            durations=[(key, label) for key, (label, _a, _b) in selectors.TOPIC_DURATIONS.items()],
            sort=self.sort,
            sorts=[(key, label) for key, (label, _o) in selectors.TOPIC_SORTS.items()],
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
        lectures = (
            Lecture.objects.visible_to(self.request.user).filter(topic=self.object).order_by("-starts_at")
        )
        return {
            "topic_lectures": list(lectures[:30]),
            "can_order": scope_for(self.request.user).has(*ORDERERS),
        }


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


class TopicQualificationView(OnTopic):
    """设置所需资质 (staff): the qualification the topic's lecturers must hold on the lecture's day."""

    action = "review"
    title = _("设置所需资质")

    def make_form(self, data: Any = None) -> Any:
        t = self.object
        return lf.TopicQualificationForm(
            data, initial={"required_qualification": t.required_qualification, "version": t.version}
        )

    def perform(self, form: Any) -> str:
        services.topic_require_qualification(
            topic=self.object,
            name=form.cleaned_data["required_qualification"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已设置所需资质。")


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
        # A decision is staged, never applied here: staff release the staged decisions together
        # (lectures.review), and only then is the proposer told.
        from lectures import review

        decision = review.decision_stage(
            topic=self.object,
            outcome=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            acting_user=self.request.user,
        )
        return gettext("第 %(n)s 版的决定已暂存，在“评审决定”页面统一发布后生效。") % {
            "n": decision.topic_version.number
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


# ------------------------------------------------------------------------------------------ lectures
# A lecture is announced to every unit of its federation: its host unit's name is part of the announcement,
# not a leak of the unit registry (the URL walker's unit-name check is told so).
ANNOUNCED = True


class LectureListView(ScopedListView):
    model = Lecture
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/lecture_list.html"
    jinguo_names_any_object = ANNOUNCED
    paginate_by = 50

    def get_queryset(self) -> Any:
        when = self.request.GET.get("when", "upcoming")
        self.when = when if when in ("upcoming", "past", "all") else "upcoming"
        return selectors.lecture_list_for(self.request.user, when=self.when)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            when=self.when,
            tabs=[
                ("upcoming", gettext("报名中")),
                ("past", gettext("已开始/已举办")),
                ("all", gettext("全部")),
            ],
            is_staff=scope_for(self.request.user).has(Role.FEDERATION_STAFF),
        )
        return context


class LectureDetailView(ScopedDetailView):
    model = Lecture
    allowed_roles = BUSINESS_ROLES
    template_name = "lectures/lecture_detail.html"
    context_object_name = "lecture"
    jinguo_names_any_object = ANNOUNCED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        lecture = self.object
        person_id = getattr(self.request.user, "person_id", None)
        mine = (
            Registration.objects.filter(lecture=lecture, person_id=person_id)
            .exclude(status__in=ENDED)
            .first()
            if person_id
            else None
        )
        door = self.permits("checkin")
        regs = Registration.objects.filter(lecture=lecture).exclude(status__in=ENDED)
        feedback = Feedback.objects.visible_to(self.request.user).filter(lecture=lecture)
        context.update(
            lecturers=list(lecture.lecturers.select_related("person").order_by("person__name")),
            taken=regs.filter(status__in=PLACE_HOLDING).count(),
            offered=regs.filter(status=Registration.Status.OFFERED).count(),
            waiting=regs.filter(status=Registration.Status.WAITLISTED).count(),
            mine=mine,
            position=selectors.waitlist_position(mine) if mine else None,
            started=lecture.starts_at <= timezone.now(),
            can_register=mine is None and self.permits("register") and lecture.starts_at > timezone.now(),
            can_change=self.permits("change"),
            door=door,
            roster=list(regs.select_related("person").order_by("status", "registered_at", "id"))
            if door
            else [],
            ratings=selectors.ratings_of(feedback),
            comments=[f.comment for f in feedback if f.comment][:50],
            gave_feedback=mine is not None and Feedback.objects.filter(registration=mine).exists(),
            moves=LECTURE_MACHINE.available(lecture),
        )
        return context


class OnLecture(LectureActionView):
    model = Lecture
    back_label = _("讲座")
    jinguo_names_any_object = ANNOUNCED

    def back_url(self) -> str:
        return reverse("lectures:lecture-detail", args=[self.object.pk])

    def facts(self) -> list[tuple[str, str]]:
        from django.utils import timezone

        lec = self.object
        return [
            (gettext("开始时间"), timezone.localtime(lec.starts_at).strftime("%Y-%m-%d %H:%M")),
            (gettext("地点"), lec.venue),
            (gettext("状态"), lec.get_status_display()),
        ]


class TopicScheduleView(OnTopic):
    """安排讲座 from a topic of the library (staff)."""

    action = "review"
    title = _("安排讲座")
    fields_by_code = {
        "lecturer_required": "lecturers",
        "volunteer_not_active": "lecturers",
        "qualification": "lecturers",
        "venue_required": "venue",
        "capacity_range": "capacity",
    }

    def make_form(self, data: Any = None) -> Any:
        t = self.object
        volunteers = Volunteer.objects.filter(federation_id=t.federation_id, status=Volunteer.Status.ACTIVE)
        return lf.LectureScheduleForm(
            data,
            volunteers=volunteers.select_related("person").order_by("person__name"),
            units=Unit.objects.visible_to(self.request.user).filter(
                federation_id=t.federation_id, dissolved_on__isnull=True
            ),
            initial={
                "lecturers": list(t.lecturers.values_list("pk", flat=True)),
                "duration_minutes": t.duration_minutes,
            },
        )

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        self.made = services.lecture_schedule(
            topic=self.object,
            lecturers=d["lecturers"],
            starts_at=d["starts_at"],
            venue=d["venue"],
            capacity=d["capacity"],
            duration_minutes=d["duration_minutes"],
            host_unit=d["host_unit"],
            acting_user=self.request.user,
        )
        return gettext("已安排讲座，开放报名。")

    def get_success_url(self) -> str:
        made = getattr(self, "made", None)
        return reverse("lectures:lecture-detail", args=[made.pk]) if made else self.back_url()


class LectureRegisterView(OnLecture):
    action = "register"
    title = _("报名讲座")
    submit_label = _("确认报名")
    intro = _("名额已满时进入候补；有人取消后，空出的名额按报名先后保留给候补者，须在保留时间内确认。")

    def perform(self, form: Any) -> str:
        reg = services.registration_create(
            lecture=self.object,
            person=getattr(self.request.user, "person", None),
            acting_user=self.request.user,
        )
        if reg.status == Registration.Status.WAITLISTED:
            return gettext("名额已满，您已进入候补（第 %(n)s 位）。") % {
                "n": selectors.waitlist_position(reg)
            }
        return gettext("报名成功。签到码：%(code)s") % {"code": reg.code}


class LectureMoveView(OnLecture):
    action = "change"
    transition = ""

    @property
    def title(self) -> Any:  # type: ignore[override]
        return LECTURE_MACHINE.by_name[self.transition].label

    @property
    def submit_label(self) -> Any:  # type: ignore[override]
        return self.title

    def make_form(self, data: Any = None) -> Any:
        return lf.ReasonForm(data, initial={"version": self.object.version})


class LectureHoldView(LectureMoveView):
    """登记已举办: the lecturers are credited its hours."""

    transition = "hold"

    def perform(self, form: Any) -> str:
        services.lecture_hold(
            lecture=self.object, version=form.cleaned_data["version"], acting_user=self.request.user
        )
        return gettext("已登记为已举办，服务时长已计入讲师名下。")


class LectureCancelView(LectureMoveView):
    transition = "cancel"
    danger = True
    fields_by_code = {"reason_required": "reason"}

    def perform(self, form: Any) -> str:
        services.lecture_cancel(
            lecture=self.object,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已取消讲座。")


class LectureCheckinView(OnLecture):
    """签到 at the door, on a phone: type (or scan) the attendee's code; the roster below."""

    action = "checkin"
    title = _("现场签到")
    submit_label = _("签到")
    template_name = "lectures/checkin.html"
    fields_by_code = {"unknown_code": "code", "not_registered": "code", "too_early": "code"}

    def make_form(self, data: Any = None) -> Any:
        return lf.CheckinForm(data)

    def perform(self, form: Any) -> str:
        reg = services.registration_checkin(
            lecture=self.object, code=form.cleaned_data["code"], acting_user=self.request.user
        )
        return gettext("%(name)s 已签到。") % {"name": reg.person.name}

    def get_success_url(self) -> str:
        return reverse("lectures:lecture-checkin", args=[self.object.pk])

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        regs = Registration.objects.filter(lecture=self.object, status=Registration.Status.REGISTERED)
        context["roster"] = list(regs.select_related("person").order_by("person__name", "id"))
        context["attended"] = sum(1 for r in context["roster"] if r.attendance == "attended")
        return context


class OnRegistration(LectureActionView):
    model = Registration
    back_label = _("讲座")

    def back_url(self) -> str:
        return reverse("lectures:lecture-detail", args=[self.object.lecture_id])

    def facts(self) -> list[tuple[str, str]]:
        r = self.object
        return [
            (gettext("讲座"), str(r.lecture)),
            (gettext("报名人"), r.person.name),
            (gettext("状态"), r.get_status_display()),
            (gettext("出席"), r.get_attendance_display()),
        ]


class RegistrationCancelView(OnRegistration):
    action = "change"
    title = _("取消报名")
    submit_label = _("确认取消")
    danger = True

    def perform(self, form: Any) -> str:
        services.registration_cancel(registration=self.object, acting_user=self.request.user)
        return gettext("已取消报名。")


class RegistrationOfferView(OnRegistration):
    """The person offered a freed place from the waiting list accepts or declines it before it lapses."""

    action = "change"
    accept = True

    def facts(self) -> list[tuple[str, str]]:
        from django.utils import timezone

        facts = super().facts()
        expires = self.object.offer_expires_at
        if expires is not None:
            facts.append((gettext("名额保留至"), timezone.localtime(expires).strftime("%Y-%m-%d %H:%M")))
        return facts

    def perform(self, form: Any) -> str:
        reg = services.registration_offer_answer(
            registration=self.object, accept=self.accept, acting_user=self.request.user
        )
        if self.accept:
            return gettext("已确认候补名额，报名成功。签到码：%(code)s") % {"code": reg.code}
        return gettext("已放弃候补名额，名额将顺延给下一位。")


class RegistrationOfferAcceptView(RegistrationOfferView):
    title = _("确认候补名额")
    submit_label = _("确认参加")


class RegistrationOfferDeclineView(RegistrationOfferView):
    title = _("放弃候补名额")
    submit_label = _("放弃名额")
    danger = True
    accept = False


class RegistrationMarkView(OnRegistration):
    action = "mark"
    title = _("登记出席")
    fields_by_code = {"too_early": "attendance", "not_registered": "attendance"}

    def make_form(self, data: Any = None) -> Any:
        return lf.AttendanceForm(
            data, initial={"attendance": self.object.attendance, "version": self.object.version}
        )

    def perform(self, form: Any) -> str:
        services.registration_mark(
            registration=self.object,
            attendance=form.cleaned_data["attendance"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已登记出席情况。")


class FeedbackView(OnRegistration):
    """学员反馈: an attendee rates the lecture after it started (lecturers see it without names)."""

    action = "feedback"
    title = _("评价讲座")
    submit_label = _("提交评价")

    def make_form(self, data: Any = None) -> Any:
        return lf.FeedbackForm(data)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.feedback_give(
            registration=self.object,
            relevance=d["relevance"],
            content=d["content"],
            delivery=d["delivery"],
            comment=d["comment"],
            acting_user=self.request.user,
        )
        return gettext("感谢您的评价。")


@scoped_function(roles=BUSINESS_ROLES)
def my_lectures(request: HttpRequest) -> HttpResponse:
    """我的报名: the user's registrations, with their codes and what to do next."""
    regs = list(selectors.registrations_of(request.user))
    with_feedback = set(
        Feedback.objects.filter(registration__in=regs).values_list("registration_id", flat=True)
    )
    return render(
        request, "lectures/my_lectures.html", {"registrations": regs, "with_feedback": with_feedback}
    )


# ------------------------------------------------------------------------------------------ orders (点单)
ORDER_ROLES = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.REQUESTER, Role.VOLUNTEER})
ORDERERS = frozenset({Role.REQUESTER, Role.UNIT_LIAISON})


class RequestListView(ScopedListView):
    model = LectureRequest
    allowed_roles = ORDER_ROLES
    template_name = "lectures/request_list.html"
    # An order names who ordered it: the lecturer offered it must know where she goes.
    jinguo_names_any_object = ANNOUNCED
    paginate_by = 50

    def get_queryset(self) -> Any:
        status = self.request.GET.get("status", "")
        self.status = status if status in LectureRequest.Status.values else ""
        return selectors.request_list_for(self.request.user, status=self.status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(status=self.status, statuses=LectureRequest.Status.choices)
        return context


class TopicOrderView(OnTopic):
    """点单: a community contact (for her community) or a unit liaison (for her unit) orders this topic."""

    action = "view"
    allowed_roles = ORDERERS
    title = _("点单")
    submit_label = _("提交点单")
    intro = _("区妇联收到点单后匹配讲师，讲师确认后讲座即开放报名。")
    fields_by_code = {
        "date_passed": "preferred_date",
        "size_range": "expected_size",
        "venue_required": "venue",
    }

    def make_form(self, data: Any = None) -> Any:
        return lf.OrderForm(data)

    def orderer(self) -> tuple[Any, Any]:
        from orgs.models import Community

        scope = scope_for(self.request.user)
        fed = self.object.federation_id
        community = Community.objects.filter(
            pk__in=scope.communities_for(Role.REQUESTER), federation_id=fed
        ).first()
        if community is not None:
            return community, None
        unit = Unit.objects.filter(pk__in=scope.units_for(Role.UNIT_LIAISON), federation_id=fed).first()
        return None, unit

    def facts(self) -> list[tuple[str, str]]:
        community, unit = self.orderer()
        org = community or unit
        return [*super().facts(), (gettext("点单方"), org.name if org else "—")]

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        community, unit = self.orderer()
        self.made = services.request_create(
            topic=self.object,
            requested_by=self.request.user,
            community=community,
            unit=unit,
            preferred_date=d["preferred_date"],
            preferred_note=d["preferred_note"],
            audience=d["audience"],
            expected_size=d["expected_size"],
            venue=d["venue"],
            notes=d["notes"],
            acting_user=self.request.user,
        )
        return gettext("点单已提交，区妇联将为您匹配讲师。")

    def get_success_url(self) -> str:
        made = getattr(self, "made", None)
        return reverse("lectures:request-detail", args=[made.pk]) if made else self.back_url()


class RequestDetailView(ScopedDetailView):
    model = LectureRequest
    allowed_roles = ORDER_ROLES
    template_name = "lectures/request_detail.html"
    context_object_name = "order"
    jinguo_names_any_object = ANNOUNCED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        order = self.object
        allowed = {a: self.permits(a) for a in ("change", "review", "answer")}
        moves = [t for t in REQUEST_MACHINE.available(order) if t.action and allowed.get(t.action)]
        context.update(moves=moves, timeline=REQUEST_MACHINE.timeline(order))
        return context


class OnRequest(LectureActionView):
    model = LectureRequest
    back_label = _("点单")
    jinguo_names_any_object = ANNOUNCED

    def back_url(self) -> str:
        return reverse("lectures:request-detail", args=[self.object.pk])

    def facts(self) -> list[tuple[str, str]]:
        o = self.object
        return [
            (gettext("课题"), o.topic.title),
            (gettext("点单方"), o.orderer_name),
            (gettext("希望日期"), f"{o.preferred_date:%Y-%m-%d} {o.preferred_note}".strip()),
            (gettext("预计人数"), str(o.expected_size)),
            (gettext("地点"), o.venue),
            (gettext("状态"), o.get_status_display()),
        ]


class RequestMatchView(OnRequest):
    """匹配讲师: the proposed lecturers, ranked with their reasons."""

    action = "review"
    title = _("匹配讲师")
    template_name = "lectures/request_match.html"
    fields_by_code = {"volunteer_not_active": "volunteer", "qualification": "volunteer"}

    def make_form(self, data: Any = None) -> Any:
        volunteers = Volunteer.objects.filter(
            federation_id=self.object.federation_id, status=Volunteer.Status.ACTIVE
        )
        return lf.MatchForm(data, volunteers=volunteers, initial={"version": self.object.version})

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), "candidates": selectors.candidates_for(self.object)}

    def perform(self, form: Any) -> str:
        services.request_match(
            order=self.object,
            volunteer=form.cleaned_data["volunteer"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已将点单发给 %(name)s，等待讲师确认。") % {"name": form.cleaned_data["volunteer"]}


class RequestAcceptView(OnRequest):
    action = "answer"
    title = _("接受邀请")
    submit_label = _("接受并安排讲座")
    fields_by_code = {"start_passed": "starts_at"}

    def make_form(self, data: Any = None) -> Any:
        return lf.AcceptForm(data, initial={"capacity": self.object.expected_size})

    def perform(self, form: Any) -> str:
        order = services.request_accept(
            order=self.object,
            starts_at=form.cleaned_data["starts_at"],
            capacity=form.cleaned_data["capacity"],
            acting_user=self.request.user,
        )
        self.lecture_id = order.lecture_id
        return gettext("已接受，讲座已安排并开放报名。")


class RequestReasonView(OnRequest):
    transition = ""
    fields_by_code = {"reason_required": "reason"}

    @property
    def title(self) -> Any:  # type: ignore[override]
        return REQUEST_MACHINE.by_name[self.transition].label

    @property
    def submit_label(self) -> Any:  # type: ignore[override]
        return self.title

    def make_form(self, data: Any = None) -> Any:
        return lf.ReasonForm(data, initial={"version": self.object.version})

    def perform(self, form: Any) -> str:
        services.request_move(
            order=self.object,
            transition=self.transition,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=self.request.user,
        )
        return gettext("已%(move)s。") % {"move": self.title}


class RequestDeclineView(RequestReasonView):
    action = "answer"
    transition = "decline"


class RequestRejectView(RequestReasonView):
    action = "review"
    transition = "reject"
    danger = True


class RequestWithdrawView(RequestReasonView):
    action = "change"
    transition = "withdraw"
    danger = True


class RequestRateView(OnRequest):
    action = "change"
    title = _("评价")

    def make_form(self, data: Any = None) -> Any:
        return lf.RateForm(data, initial={"version": self.object.version})

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.request_rate(
            order=self.object,
            rating=d["rating"],
            comment=d["comment"],
            version=d["version"],
            acting_user=self.request.user,
        )
        return gettext("感谢您的评价。")


# ------------------------------------------------------------------------------------------ exports, certificate
def _period(request: HttpRequest) -> tuple[Any, Any]:

    def day(name: str) -> Any:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    return day("from"), day("to")


@scoped_function(roles=STAFF)
def export_lectures(request: HttpRequest) -> HttpResponse:
    from core.excel import xlsx_response
    from lectures import exports

    return xlsx_response(
        exports.lectures_workbook(request.user), filename="讲座.xlsx", ascii_name="lectures.xlsx"
    )


@scoped_function(roles=STAFF)
def export_hours(request: HttpRequest) -> HttpResponse:
    """Service hours by volunteer over ?from=&to= (both optional, ISO dates)."""
    from core.excel import xlsx_response
    from lectures import exports

    start, end = _period(request)
    return xlsx_response(
        exports.hours_workbook(request.user, start, end),
        filename="志愿服务时长.xlsx",
        ascii_name="volunteer-hours.xlsx",
    )


class VolunteerCertificateView(ScopedDetailView):
    """志愿服务证明 (PDF): the held lectures and credited hours of a period (?from=&to=), for the volunteer
    herself or staff."""

    model = Volunteer
    allowed_roles = VOLUNTEER_READERS
    action = "change"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from core import clock
        from core.pdf import pdf_response, render_pdf
        from orgs.models import Federation

        volunteer = self.get_object()
        start, end = _period(request)
        try:
            certificate, record = services.certificate_issue(
                volunteer=volunteer, start=start, end=end, acting_user=request.user  # type: ignore[arg-type]
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
            return redirect("lectures:volunteer-detail", pk=volunteer.pk)
        content = render_pdf(
            "lectures/certificate.html",
            {
                "volunteer": volunteer,
                "record": record,
                "start": start,
                "end": end,
                "today": clock.today(),
                "federation": Federation.objects.get(pk=volunteer.federation_id),  # type: ignore[attr-defined]
                "code": services.certificate_code_display(certificate.code),
                "verify_url": request.build_absolute_uri(reverse("lectures:certificate-verify")),
            },
            request=request,
        )
        return pdf_response(content, f"志愿服务证明-{volunteer}.pdf", f"certificate-{volunteer.pk}.pdf")


# Look-ups of codes that match no certificate, per address, before the page stops answering for a while.
VERIFY_FAILURES_ALLOWED = 10
VERIFY_LOCK_SECONDS = 3600


def _verify_key(request: HttpRequest) -> str:
    from core.middleware import client_ip

    return f"lectures:verify-failures:{client_ip(request) or 'unknown'}"


@public
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """核验志愿服务证明 (no log-in): anyone types the code printed on a certificate and sees whether it is
    genuine, with what the certificate said when it was issued. Wrong codes are counted per address; after
    VERIFY_FAILURES_ALLOWED of them within an hour the page stops looking codes up for that address."""
    from django.core.cache import cache
    from django.utils.cache import add_never_cache_headers

    form = lf.CertificateVerifyForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "checked": False, "certificate": None, "locked": False}
    status = 200
    if request.method == "POST" and form.is_valid():
        key = _verify_key(request)
        failures = int(cache.get(key, 0))
        if failures >= VERIFY_FAILURES_ALLOWED:
            context["locked"] = True
            status = 429
        else:
            found = services.certificate_lookup(form.cleaned_data["code"])
            context.update(checked=True, certificate=found)
            if found is None:
                cache.set(key, failures + 1, VERIFY_LOCK_SECONDS)
            else:
                context["code"] = services.certificate_code_display(found.code)
    elif request.method == "POST":
        status = 400
    response = render(request, "lectures/certificate_verify.html", context, status=status)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


# ------------------------------------------------------------------------------------------ iCalendar
class LectureIcsView(ScopedDetailView):
    """The lecture as an iCalendar file (add it to a phone's calendar)."""

    model = Lecture
    allowed_roles = BUSINESS_ROLES
    jinguo_names_any_object = ANNOUNCED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from lectures import calendar

        lecture: Lecture = self.get_object()  # type: ignore[assignment]
        content = calendar.calendar_bytes(
            [lecture],
            lambda lec: request.build_absolute_uri(reverse("lectures:lecture-detail", args=[lec.pk])),
            str(lecture.topic.title),
        )
        return calendar.ics_response(content, f"lecture-{lecture.pk}.ics")


@authenticated
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    """我的日历订阅: the personal feed's URL; a new one (the old stops working) or none (revoked)."""
    from lectures.models import CalendarFeed

    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(user=request.user, acting_user=request.user)
            messages.success(request, gettext("已停用日历订阅，原订阅地址不再可用。"))
        else:
            services.feed_issue(user=request.user, acting_user=request.user)
            messages.success(request, gettext("已生成新的订阅地址，原地址（如有）不再可用。"))
        return redirect("lectures:calendar-feed-settings")
    feed = CalendarFeed.objects.visible_to(request.user).filter(active=True).first()
    url = (
        request.build_absolute_uri(reverse("lectures:calendar-feed", args=[feed.token])) if feed else ""
    )
    response = render(request, "lectures/calendar_feed.html", {"feed": feed, "feed_url": url})
    response["Cache-Control"] = "no-store, private"
    return response


@public
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed, read by a calendar app without logging in: the secret token in its URL is the key.
    An unknown or revoked token answers 404, like any missing page."""
    from django.http import Http404

    from lectures import calendar
    from lectures.models import CalendarFeed

    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token[:64], active=True, user__is_active=True)
        .first()
        if token
        else None
    )
    if feed is None:
        raise Http404
    content = calendar.calendar_bytes(
        selectors.feed_lectures(feed.user),
        lambda lec: request.build_absolute_uri(reverse("lectures:lecture-detail", args=[lec.pk])),
        gettext("志愿讲课"),
    )
    return calendar.ics_response(content, "lectures.ics")


calendar_feed.jinguo_example_kwargs = {"token": "not-a-token"}  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ home cards
def volunteer_card(request: HttpRequest, scope: Any) -> dict[str, Any] | None:
    """Home card (core.registry.home_cards): the volunteer's hours, next lectures and offers to answer."""
    from django.utils import timezone

    own = selectors.own_volunteer(request.user)
    if own is None:
        return {"volunteer": None}
    upcoming = (
        own.lectures.filter(status=Lecture.Status.SCHEDULED, starts_at__gt=timezone.now())
        .select_related("topic")
        .order_by("starts_at")[:5]
    )
    offers = (
        LectureRequest.objects.permitted(request.user, "answer")
        .filter(status=LectureRequest.Status.MATCHED)
        .select_related("topic")[:5]
    )
    return {
        "volunteer": own,
        "record": selectors.service_record(own),
        "upcoming": list(upcoming),
        "offers": list(offers),
    }


def requester_card(request: HttpRequest, scope: Any) -> dict[str, Any] | None:
    """Home card: a community contact's open orders and the lectures she registered for."""
    orders = (
        LectureRequest.objects.permitted(request.user, "change")
        .exclude(
            status__in=[
                LectureRequest.Status.RATED,
                LectureRequest.Status.REJECTED,
                LectureRequest.Status.WITHDRAWN,
            ]
        )
        .select_related("topic")
        .order_by("-created_at")[:5]
    )
    return {"orders": list(orders), "registrations": list(selectors.registrations_of(request.user)[:5])}
