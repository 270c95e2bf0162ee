"""Pages of the self-inspection (量化自查): the index, templates, cycles and a unit's form.

Objects come through the scoped querysets by action: a unit's form is seen by its federation's staff and
the unit's liaison, filled (answers, disputes, submission) by the liaison, returned by the staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from assessment import forms as af
from assessment import selectors, services
from assessment.models import SELFCHECK_MACHINE, Cycle, ItemAnswer, SelfCheck, Template, TemplateItem
from core import clock
from core.models import ConcurrentEditError
from core.roles import Role
from core.scoping import is_permitted
from core.tenancy import chosen_federation
from core.views import ObjectActionView, ScopedDetailView, ScopedObjectMixin, scoped_function
from orgs.models import Unit

STAFF = frozenset({Role.FEDERATION_STAFF})
STAFF_AND_LIAISON = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON})


def _refusal_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@scoped_function(roles=STAFF_AND_LIAISON)
def index(request: HttpRequest) -> HttpResponse:
    """Staff: the federation's templates and cycles; a liaison: the unit's forms, newest first.

    Queries (staff): templates, cycles with their form counts by status; (liaison): the forms with cycles.
    """
    fed_id = chosen_federation(request, STAFF)
    context: dict[str, Any] = {"today": clock.today()}
    if fed_id is not None:
        context["templates"] = list(
            Template.objects.visible_to(request.user)
            .filter(federation_id=fed_id)
            .annotate(n_items=Count("items"))
        )
        context["cycles"] = list(
            Cycle.objects.visible_to(request.user)
            .filter(federation_id=fed_id)
            .annotate(
                n_forms=Count("forms"),
                n_submitted=Count("forms", filter=Q(forms__status=SelfCheck.Status.SUBMITTED)),
            )
        )
        context["staff_federation"] = fed_id
    context["my_forms"] = list(
        SelfCheck.objects.permitted(request.user, "fill")
        .select_related("cycle", "unit")
        .order_by("-cycle__year", "-id")
    )
    return render(request, "assessment/index.html", context)


@scoped_function(roles=STAFF)
def template_create(request: HttpRequest) -> HttpResponse:
    """POST: a new template with the ten default items, in the federation the page works in."""
    fed_id = chosen_federation(request, STAFF)
    if request.method != "POST" or fed_id is None:
        return redirect("assessment:index")
    template = services.template_create_default(federation_id=fed_id, acting_user=request.user)
    messages.success(request, gettext("已创建评估表“%(name)s”。") % {"name": template.name})
    return redirect("assessment:template-detail", template.pk)


class TemplateDetailView(ScopedDetailView):
    model = Template
    allowed_roles = STAFF
    template_name = "assessment/template_detail.html"
    context_object_name = "template"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["items"] = list(TemplateItem.objects.filter(template=self.object).order_by("number"))
        ctx["cycles"] = list(self.object.cycles.order_by("-year"))
        return ctx


class TemplateItemEditView(ObjectActionView):
    model = TemplateItem
    allowed_roles = STAFF
    title = gettext_lazy("修改评估项目")
    intro = gettext_lazy("修改后评估表版本号加一；已开启的自查周期保留开启时的项目，不受影响。")
    fields_by_code = {"params": "params", "points": "points", "threshold": "threshold"}

    def make_form(self, data: Any = None) -> Any:
        item: TemplateItem = self.object
        import json

        initial = {
            "title": item.title,
            "points": item.points,
            "kind": item.kind,
            "guidance": item.guidance,
            "params": json.dumps(item.params, ensure_ascii=False) if item.params else "",
            "evidence_required": item.evidence_required,
            "na_allowed": item.na_allowed,
            "threshold": item.threshold,
        }
        return af.TemplateItemForm(data, initial=initial)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.template_item_update(
            item=self.object,
            title=d["title"],
            points=d["points"],
            guidance=d["guidance"],
            kind=d["kind"],
            params=d["params"],
            evidence_required=d["evidence_required"],
            na_allowed=d["na_allowed"],
            threshold=d["threshold"],
            acting_user=self.request.user,
        )
        return gettext("已保存评估项目。")

    def get_success_url(self) -> str:
        return reverse("assessment:template-detail", args=[self.object.template_id])


@scoped_function(roles=STAFF)
def cycle_open(request: HttpRequest) -> HttpResponse:
    fed_id = chosen_federation(request, STAFF)
    templates = Template.objects.visible_to(request.user).filter(federation_id=fed_id)
    units = (
        Unit.objects.visible_to(request.user)
        .filter(federation_id=fed_id)
        .active_on(clock.today())
        .order_by("name")
    )
    form = af.CycleOpenForm(
        request.POST or None,
        templates=templates,
        units=units,
        initial={"year": clock.today().year, "template": templates.first()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                cycle = services.cycle_open(
                    template=d["template"],
                    year=d["year"],
                    deadline=d["deadline"],
                    title=d["title"],
                    unit_ids=[u.pk for u in d["units"]] or None,
                    acting_user=request.user,
                )
            except ValidationError as e:
                form.add_error(None, _refusal_text(e))
            else:
                messages.success(request, gettext("已开启自查：%(t)s。") % {"t": cycle.title})
                return redirect("assessment:cycle-detail", cycle.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("开启量化自查"),
            "object": gettext("量化自查"),
            "submit_label": gettext("开启"),
            "intro": gettext("开启时复制评估表的当前版本；之后修改评估表不影响本周期。"),
            "cancel_url": reverse("assessment:index"),
        },
        status=status,
    )


class CycleDetailView(ScopedDetailView):
    """A cycle: staff see every unit's form with its status and progress; a liaison their unit's.

    Queries: the cycle, its items, the forms with their units, the answered counts (one aggregate)."""

    model = Cycle
    allowed_roles = STAFF_AND_LIAISON
    template_name = "assessment/cycle_detail.html"
    context_object_name = "cycle"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        cycle: Cycle = self.object
        ctx["items"] = list(cycle.items.order_by("number"))
        self_items = sum(1 for i in ctx["items"] if not i.automatic)
        forms = list(
            selectors.forms_for(self.request.user, cycle).annotate(
                n_answered=Count(
                    "answers",
                    filter=(~Q(answers__value="") | Q(answers__not_applicable=True))
                    & ~Q(answers__item__kind__in=[k.value for k in selectors.scoring.AUTO_KINDS]),
                )
            )
        )
        ctx["forms"] = forms
        ctx["self_items"] = self_items
        ctx["can_manage"] = self.permits("change")
        return ctx


def _answers_from_post(post: Any, selfcheck: SelfCheck) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for item_id in selfcheck.answers.values_list("item_id", flat=True):
        key = str(item_id)
        if f"note_{key}" not in post and f"value_{key}" not in post:
            continue
        out[item_id] = {
            "value": post.get(f"value_{key}", ""),
            "not_applicable": post.get(f"na_{key}") == "on",
            "na_reason": post.get(f"na_reason_{key}", ""),
            "note": post.get(f"note_{key}", ""),
        }
    return out


class SelfCheckDetailView(ScopedDetailView):
    """A unit's form: automatic items scored and explained with their records, self items to answer, the
    unit's disputes beside the automatic results; after submission the frozen results (and what moved)."""

    model = SelfCheck
    allowed_roles = STAFF_AND_LIAISON
    template_name = "assessment/form_detail.html"
    context_object_name = "selfcheck"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        return {**ctx, **form_context(self.request, self.object)}


def form_context(request: HttpRequest, selfcheck: SelfCheck) -> dict[str, Any]:
    view = selectors.form_view(selfcheck)
    can_fill = is_permitted(SelfCheck, request.user, "fill", selfcheck.pk)
    can_review = is_permitted(SelfCheck, request.user, "review", selfcheck.pk)
    return {
        "view": view,
        "cycle": selfcheck.cycle,
        "unit": selfcheck.unit,
        "editable": can_fill and not selfcheck.locked and selfcheck.cycle.status == Cycle.Status.OPEN,
        "can_submit": can_fill and SELFCHECK_MACHINE.can(selfcheck, "submit"),
        "can_return": can_review and SELFCHECK_MACHINE.can(selfcheck, "return"),
        "timeline": SELFCHECK_MACHINE.timeline(selfcheck),
        "extra": form_extras(request, selfcheck),
    }


def form_extras(request: HttpRequest, selfcheck: SelfCheck) -> dict[str, Any]:
    """Sections later slices add to the form page (evidence, rectification)."""
    return {}


class SelfCheckSaveView(ScopedObjectMixin, View):
    """POST the answers of the self items (a draft); the page again with the refusal, or a redirect."""

    model = SelfCheck
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        selfcheck = self.get_object()
        return redirect("assessment:form-detail", selfcheck.pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        selfcheck: SelfCheck = self.get_object()  # type: ignore[assignment]
        try:
            services.selfcheck_save(
                selfcheck=selfcheck,
                answers=_answers_from_post(request.POST, selfcheck),
                acting_user=request.user,
            )
        except ConcurrentEditError as e:
            messages.error(request, _refusal_text(e))
        except ValidationError as e:
            ctx = {
                "selfcheck": selfcheck,
                "object": selfcheck,
                **form_context(request, selfcheck),
                "refusal": _refusal_text(e),
            }
            return render(request, "assessment/form_detail.html", ctx, status=400)
        else:
            messages.success(request, gettext("已保存草稿。"))
        return redirect("assessment:form-detail", selfcheck.pk)


class OnForm(ObjectActionView):
    def get_success_url(self) -> str:
        return reverse("assessment:form-detail", args=[self.form_of().pk])

    def form_of(self) -> SelfCheck:
        return self.object  # type: ignore[no-any-return]

    def extra_context(self) -> dict[str, Any]:
        f = self.form_of()
        return {
            "subject": f"{f.cycle} · {f.unit.name}",
            "breadcrumbs": [
                (gettext("量化自查"), reverse("assessment:index")),
                (str(f.cycle), reverse("assessment:cycle-detail", args=[f.cycle_id])),
                (f.unit.name, reverse("assessment:form-detail", args=[f.pk])),
            ],
        }


class SelfCheckSubmitView(OnForm):
    model = SelfCheck
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    title = gettext_lazy("提交自查表")
    intro = gettext_lazy("提交后自查表锁定，得分按提交时的数据固定；如需修改须由区妇联退回。")
    submit_label = gettext_lazy("确认提交")

    def facts(self) -> list[tuple[str, str]]:
        view = selectors.form_view(self.object)
        return [
            (gettext("自查得分"), f"{view.total.score} / {view.total.max_score}"),
            (gettext("已完成"), f"{view.total.answered} / {view.total.of}"),
        ]

    def perform(self, form: Any) -> str:
        services.selfcheck_submit(selfcheck=self.object, acting_user=self.request.user)
        return gettext("已提交自查表。")


class SelfCheckReturnView(OnForm):
    model = SelfCheck
    action = "review"
    allowed_roles = STAFF
    title = gettext_lazy("退回自查表")
    intro = gettext_lazy("退回后单位可以修改并重新提交；退回意见会显示在自查表上。")
    submit_label = gettext_lazy("退回")
    fields_by_code = {"reason_required": "comment"}

    def make_form(self, data: Any = None) -> Any:
        return af.CommentForm(data)

    def perform(self, form: Any) -> str:
        services.selfcheck_return(
            selfcheck=self.object, comment=form.cleaned_data["comment"], acting_user=self.request.user
        )
        return gettext("已退回自查表。")


class AnswerDisputeView(OnForm):
    """The unit's disagreement with an automatic result: shown beside it, the score unchanged."""

    model = ItemAnswer
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    title = gettext_lazy("对自动评分提出异议")
    submit_label = gettext_lazy("保存异议")

    def form_of(self) -> SelfCheck:
        return self.object.selfcheck  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        a: ItemAnswer = self.object
        return [(gettext("项目"), f"{a.item.number}. {a.item.title}")]

    def make_form(self, data: Any = None) -> Any:
        return af.DisputeForm(data, initial={"text": self.object.dispute})

    def perform(self, form: Any) -> str:
        services.answer_dispute(
            answer=self.object, text=form.cleaned_data["text"], acting_user=self.request.user
        )
        return gettext("已保存异议说明。")
