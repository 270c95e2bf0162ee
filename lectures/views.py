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
from lectures.models import VOLUNTEER_MACHINE, ExpertiseCategory, Volunteer
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
