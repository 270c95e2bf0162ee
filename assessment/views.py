"""Pages of the self-inspection (量化自查): the index, templates, cycles and a unit's form.

Objects come through the scoped querysets by action: a unit's form is seen by its federation's staff and
the unit's liaison, filled (answers, disputes, submission) by the liaison, returned by the staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from assessment import forms as af
from assessment import selectors, services
from assessment.models import (
    HIGHLIGHT_MACHINE,
    SELFCHECK_MACHINE,
    Cycle,
    Evidence,
    ExchangeSession,
    Highlight,
    HighlightFile,
    ItemAnswer,
    Rectification,
    SelfCheck,
    Template,
    TemplateItem,
)
from core import clock
from core.models import ConcurrentEditError
from core.roles import Role
from core.scoping import is_permitted
from core.tenancy import chosen_federation
from core.uploads import stored_file_response
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
    if fed_id is None:
        raise PermissionDenied
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
    editable = can_fill and not selfcheck.locked and selfcheck.cycle.status == Cycle.Status.OPEN
    return {
        "view": view,
        "follow_ups": selectors.rectification_follow_ups(view),
        "cycle": selfcheck.cycle,
        "unit": selfcheck.unit,
        "editable": editable,
        "previous_form": selectors.previous_form(selfcheck) if editable else None,
        "can_submit": can_fill and SELFCHECK_MACHINE.can(selfcheck, "submit"),
        "can_fill": can_fill,
        "can_return": can_review and SELFCHECK_MACHINE.can(selfcheck, "return"),
        "timeline": SELFCHECK_MACHINE.timeline(selfcheck),
        "extra": form_extras(request, selfcheck),
    }


def form_extras(request: HttpRequest, selfcheck: SelfCheck) -> dict[str, Any]:
    """Sections later slices add to the form page (evidence, rectification)."""
    return {
        "evidence": list(Evidence.objects.filter(selfcheck=selfcheck).prefetch_related("items")),
        "rectifications": list(Rectification.objects.filter(selfcheck=selfcheck).select_related("item")),
    }


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


class SelfCheckCopyForwardView(OnForm):
    """沿用上一轮: the self items answered on the unit's previous submitted form, where the item has not
    changed, copied into this draft (automatic items are scored from this year's data, never copied)."""

    model = SelfCheck
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    title = gettext_lazy("沿用上一轮填写")
    intro = gettext_lazy(
        "把上一轮已提交自查表中自评项目的填写复制到本表：只复制两轮评估表中内容相同、本表尚未填写的项目；"
        "自动评分项目按本年度数据计分，佐证材料须重新上传。复制后仍可修改。"
    )
    submit_label = gettext_lazy("沿用")

    def facts(self) -> list[tuple[str, str]]:
        source = selectors.previous_form(self.object)
        return [(gettext("上一轮"), source.cycle.title if source is not None else gettext("无"))]

    def perform(self, form: Any) -> str:
        report = services.selfcheck_copy_forward(selfcheck=self.object, acting_user=self.request.user)
        text = gettext("已沿用 %(source)s 的 %(n)s 项填写。") % {
            "source": report.source.cycle.title,
            "n": len(report.copied),
        }
        if report.changed:
            text += gettext("以下项目的评估内容有变化，未沿用，请重新填写：%(items)s。") % {
                "items": "、".join(f"{i.number}. {i.title}" for i in report.changed)
            }
        return text


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


# ---- evidence ---------------------------------------------------------------------------------------


class EvidenceAddView(OnForm):
    """上传佐证材料: a file or a platform link, for one or several items of the form."""

    model = SelfCheck
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    template_name = "assessment/evidence_form.html"
    title = gettext_lazy("添加佐证材料")
    submit_label = gettext_lazy("上传")
    fields_by_code = {
        "file": "file",
        "link": "link_url",
        "items": "items",
        "effective_on": "effective_on",
        "nothing": "file",
        "both": "link_url",
    }

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        items = self.object.cycle.items.order_by("number")
        initial = {"items": [self.request.GET["item"]]} if self.request.GET.get("item", "").isdigit() else {}
        return af.EvidenceForm(data, files, items=items, initial=initial)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from core.forms import add_refusal

        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.evidence_add(
                    selfcheck=self.object,
                    title=d["title"],
                    item_ids=[int(i) for i in d["items"]],
                    upload=d["file"],
                    link_url=d["link_url"],
                    effective_on=d["effective_on"],
                    acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(form, refused, self.fields_by_code)
            else:
                messages.success(request, gettext("已添加佐证材料。"))
                return redirect(self.get_success_url())
        return self.show(form, status=400)


class EvidenceOpenView(ScopedObjectMixin, View):
    """A file of evidence, streamed to who may see the unit's form (never from the web root); a link
    evidence goes to its record."""

    model = Evidence
    allowed_roles = STAFF_AND_LIAISON

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:

        ev: Evidence = self.get_object()  # type: ignore[assignment]
        if not ev.is_file:
            return redirect(ev.link_url)
        return stored_file_response(
            services.private_dir() / ev.path,
            kind=ev.file_kind,
            content_type=ev.content_type,
            filename=ev.original_name,
        )


class EvidenceRemoveView(OnForm):
    model = Evidence
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    title = gettext_lazy("删除佐证材料")
    submit_label = gettext_lazy("删除")
    danger = True

    def form_of(self) -> SelfCheck:
        return self.object.selfcheck  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("材料"), self.object.title)]

    def perform(self, form: Any) -> str:
        selfcheck_id = self.object.selfcheck_id
        services.evidence_remove(evidence=self.object, acting_user=self.request.user)
        self._form_pk = selfcheck_id
        return gettext("已删除佐证材料。")

    def get_success_url(self) -> str:
        pk = getattr(self, "_form_pk", None) or self.object.selfcheck_id
        return reverse("assessment:form-detail", args=[pk])


# ---- reports ----------------------------------------------------------------------------------------


def report_context(selfcheck: SelfCheck) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "selfcheck": selfcheck,
        "cycle": selfcheck.cycle,
        "unit": selfcheck.unit,
        "view": selectors.form_view(selfcheck),
    }
    try:
        from assessment.models import Rectification  # type: ignore[attr-defined]

        ctx["rectifications"] = list(Rectification.objects.filter(selfcheck=selfcheck).select_related("item"))
    except ImportError:
        ctx["rectifications"] = []
    return ctx


def report_pdf(selfcheck: SelfCheck) -> HttpResponse:
    from core.pdf import pdf_response, render_pdf

    content = render_pdf("assessment/report.html", report_context(selfcheck))
    return pdf_response(
        content,
        f"{selfcheck.unit.name}自查报告{selfcheck.cycle.year}.pdf",
        f"self-check-{selfcheck.cycle.year}-{selfcheck.unit_id}.pdf",
    )


def report_xlsx(selfcheck: SelfCheck) -> HttpResponse:
    from core import excel

    view = selectors.form_view(selfcheck)
    rows = [
        [
            line.item.number,
            line.item.title,
            gettext("自动") if line.item.automatic else gettext("自评"),
            None if line.result.score is None else float(line.result.score),
            float(line.result.max_score),
            line.result.sentence,
            line.answer.dispute,
            "、".join(ev.title for ev in (line.evidence or [])),
        ]
        for line in view.lines
    ]
    cols = [
        excel.Column(gettext(h)) for h in ("序号", "项目", "方式", "得分", "满分", "说明", "异议", "佐证材料")
    ]
    content = excel.workbook_bytes([excel.Sheet(gettext("自查结果"), cols, rows)])
    return excel.xlsx_response(
        content,
        filename=f"{selfcheck.unit.name}自查结果{selfcheck.cycle.year}.xlsx",
        ascii_name=f"self-check-{selfcheck.cycle.year}-{selfcheck.unit_id}.xlsx",
    )


class ReportPdfView(ScopedObjectMixin, View):
    model = SelfCheck
    allowed_roles = STAFF_AND_LIAISON

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return report_pdf(self.get_object())  # type: ignore[arg-type]


class ReportXlsxView(ScopedObjectMixin, View):
    model = SelfCheck
    allowed_roles = STAFF_AND_LIAISON

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return report_xlsx(self.get_object())  # type: ignore[arg-type]


# ---- rectification ----------------------------------------------------------------------------------


class RectificationsOpenView(OnForm):
    """Opens rectification items (整改) for the items of the form below their threshold."""

    model = SelfCheck
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    title = gettext_lazy("列出整改事项")
    intro = gettext_lazy("为低于整改线的项目各列一条整改事项，随后填写措施和责任人。")
    submit_label = gettext_lazy("列出")
    fields_by_code = {"deadline": "deadline"}

    def make_form(self, data: Any = None) -> Any:
        return af.RectificationOpenForm(data)

    def perform(self, form: Any) -> str:
        made = services.rectifications_open(
            selfcheck=self.object, deadline=form.cleaned_data["deadline"], acting_user=self.request.user
        )
        return gettext("已列出 %(n)s 条整改事项。") % {"n": len(made)}


class OnRectification(OnForm):
    model = Rectification
    action = "fill"
    allowed_roles = frozenset({Role.UNIT_LIAISON})
    fields_by_code = {"deadline": "deadline", "reason_required": "note"}

    def form_of(self) -> SelfCheck:
        return self.object.selfcheck  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        r: Rectification = self.object
        return [(gettext("项目"), f"{r.item.number}. {r.item.title}"), (gettext("问题"), r.weakness)]


class RectificationPlanView(OnRectification):
    title = gettext_lazy("整改措施")

    def make_form(self, data: Any = None) -> Any:
        r = self.object
        return af.RectificationPlanForm(
            data, initial={"measures": r.measures, "owner": r.owner, "deadline": r.deadline}
        )

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.rectification_plan(
            rectification=self.object,
            measures=d["measures"],
            owner=d["owner"],
            deadline=d["deadline"],
            acting_user=self.request.user,
        )
        return gettext("已保存整改措施。")


class RectificationCloseView(OnRectification):
    title = gettext_lazy("完成整改")
    submit_label = gettext_lazy("完成")

    def make_form(self, data: Any = None) -> Any:
        return af.RectificationCloseForm(data)

    def perform(self, form: Any) -> str:
        services.rectification_close(
            rectification=self.object, note=form.cleaned_data["note"], acting_user=self.request.user
        )
        return gettext("整改事项已完成。")


# ---- highlights (亮点工作信息) ----------------------------------------------------------------------------
# A published highlight is shown to every unit of the federation: its unit's name is part of the
# publication, not a leak of the unit registry (the URL walker's unit-name check is told so). What each
# persona sees is still the scoped queryset's: published ones, the unit's own, the staff's submitted.
PUBLISHED = True
LIAISON = frozenset({Role.UNIT_LIAISON})


def _highlight_crumbs(extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    return [
        (gettext("量化自查"), reverse("assessment:index")),
        (gettext("亮点工作信息"), reverse("assessment:highlight-list")),
        *(extra or []),
    ]


@scoped_function(roles=STAFF_AND_LIAISON)
def highlight_list(request: HttpRequest) -> HttpResponse:
    """The published feed every unit sees; a liaison's own highlights (drafts included); for the staff the
    submitted ones to publish or return.

    Queries: the feed, the own highlights, the ones to review (each with its unit)."""
    context = {
        "feed": list(selectors.highlight_feed_for(request.user)[:100]),
        "own": list(selectors.own_highlights_for(request.user)),
        "to_review": list(selectors.highlights_to_review_for(request.user)),
        "can_create": user_has_role(request.user, Role.UNIT_LIAISON),
        "sessions": list(ExchangeSession.objects.visible_to(request.user)[:5]),
        "can_organise": chosen_federation(request, STAFF) is not None,
    }
    return render(request, "assessment/highlight_list.html", context)


highlight_list.jinguo_names_any_object = PUBLISHED  # type: ignore[attr-defined]


def user_has_role(user: Any, role: str) -> bool:
    from core.views import user_has_any_role

    return user_has_any_role(user, [role])


@scoped_function(roles=LIAISON)
def highlight_create(request: HttpRequest) -> HttpResponse:
    """A new highlight of the liaison's unit (a draft only the unit sees until it is submitted)."""
    from core.forms import add_refusal
    from core.scoping import scope_for

    units = list(Unit.objects.filter(pk__in=scope_for(request.user).units_for(Role.UNIT_LIAISON)).order_by("name"))
    if not units:
        raise PermissionDenied
    cycle = selectors.current_cycle_of(units[0]) if len(units) == 1 else None
    items = list(cycle.items.order_by("number")) if cycle is not None else []
    form = af.HighlightForm(request.POST or None, items=items, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            unit = next((u for u in units if u.pk == d.get("unit", units[0].pk)), units[0])
            try:
                highlight = services.highlight_create(
                    unit=unit,
                    title=d["title"],
                    text=d["text"],
                    cycle=cycle if unit == units[0] and cycle is not None else None,
                    item_ids=[int(i) for i in d.get("items", [])] if len(units) == 1 else [],
                    acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(form, refused, HIGHLIGHT_FIELDS)
            else:
                messages.success(request, gettext("已保存亮点草稿。"))
                return redirect("assessment:highlight-detail", highlight.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("新建亮点"),
            "object": gettext("亮点工作信息"),
            "intro": gettext("保存为草稿，只有本单位可见；报送后由区妇联编辑并发布到亮点栏目。"),
            "submit_label": gettext("保存草稿"),
            "cancel_url": reverse("assessment:highlight-list"),
            "breadcrumbs": _highlight_crumbs(),
        },
        status=status,
    )


HIGHLIGHT_FIELDS = {"title": "title", "text": "text", "items": "items", "file": "file"}


class HighlightDetailView(ScopedDetailView):
    """A highlight with its photos, attachments and items; the moves the user may make on it."""

    model = Highlight
    allowed_roles = STAFF_AND_LIAISON
    template_name = "assessment/highlight_detail.html"
    context_object_name = "highlight"
    jinguo_names_any_object = PUBLISHED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        h: Highlight = self.object
        can_fill = self.permits("fill")
        can_review = self.permits("review")
        ctx.update(
            {
                "items": list(h.items.order_by("number")),
                "files": list(h.files.all()),
                "can_edit": can_fill and h.editable_by_unit,
                "can_submit": can_fill and HIGHLIGHT_MACHINE.can(h, "submit"),
                "can_staff_edit": can_review and h.status in ("submitted", "published", "withdrawn"),
                "can_publish": can_review and HIGHLIGHT_MACHINE.can(h, "publish"),
                "can_return": can_review and HIGHLIGHT_MACHINE.can(h, "return"),
                "can_withdraw": can_review and HIGHLIGHT_MACHINE.can(h, "withdraw"),
                "timeline": _labelled(HIGHLIGHT_MACHINE.timeline(h)) if (can_fill or can_review) else [],
                "sessions": list(h.sessions.visible_to(self.request.user)),
                "breadcrumbs": _highlight_crumbs(),
            }
        )
        return ctx


def _labelled(steps: list[Any]) -> list[Any]:
    """The timeline's steps with the move's label (报送, 发布, 退回) beside its name."""
    for step in steps:
        t = HIGHLIGHT_MACHINE.by_name.get(step.transition)
        step.label = t.label if t is not None else step.transition
    return steps


class OnHighlight(ObjectActionView):
    model = Highlight
    fields_by_code = HIGHLIGHT_FIELDS

    def get_success_url(self) -> str:
        return reverse("assessment:highlight-detail", args=[self.object.pk])

    def extra_context(self) -> dict[str, Any]:
        h = self.object
        return {
            "subject": h.title,
            "breadcrumbs": _highlight_crumbs([(h.title, reverse("assessment:highlight-detail", args=[h.pk]))]),
        }

    def facts(self) -> list[tuple[str, str]]:
        h: Highlight = self.object
        return [(gettext("单位"), h.unit.name), (gettext("状态"), h.get_status_display())]


class HighlightEditView(OnHighlight):
    """The unit edits its draft (or a returned highlight); the staff edit a submitted or published one."""

    action = "fill"
    allowed_roles = LIAISON
    by_staff = False
    title = gettext_lazy("修改亮点")

    def make_form(self, data: Any = None) -> Any:
        h: Highlight = self.object
        items = list(h.cycle.items.order_by("number")) if h.cycle is not None else []
        initial = {"title": h.title, "text": h.text, "items": [str(i) for i in h.items.values_list("pk", flat=True)]}
        return af.HighlightForm(data, items=items, initial=initial)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.highlight_update(
            highlight=self.object,
            title=d["title"],
            text=d["text"],
            item_ids=[int(i) for i in d.get("items", [])],
            by_staff=self.by_staff,
            acting_user=self.request.user,
        )
        return gettext("已保存亮点。")


class HighlightStaffEditView(HighlightEditView):
    action = "review"
    allowed_roles = STAFF
    by_staff = True
    title = gettext_lazy("编辑亮点")
    intro = gettext_lazy("区妇联可在发布前后修改文字；修改记入操作日志。")


class HighlightSubmitView(OnHighlight):
    action = "fill"
    allowed_roles = LIAISON
    title = gettext_lazy("报送亮点")
    intro = gettext_lazy("报送后由区妇联编辑、发布；报送后本单位不能再修改，除非区妇联退回。")
    submit_label = gettext_lazy("确认报送")

    def perform(self, form: Any) -> str:
        services.highlight_submit(highlight=self.object, acting_user=self.request.user)
        return gettext("已报送亮点。")


class HighlightPublishView(OnHighlight):
    action = "review"
    allowed_roles = STAFF
    title = gettext_lazy("发布亮点")
    intro = gettext_lazy("发布后本妇联所有单位都能在亮点栏目看到。")
    submit_label = gettext_lazy("发布")

    def perform(self, form: Any) -> str:
        services.highlight_publish(highlight=self.object, acting_user=self.request.user)
        return gettext("已发布亮点。")


class HighlightReturnView(OnHighlight):
    action = "review"
    allowed_roles = STAFF
    title = gettext_lazy("退回亮点")
    intro = gettext_lazy("退回后单位可以修改并重新报送；退回意见会显示在亮点上。")
    submit_label = gettext_lazy("退回")
    fields_by_code = {"reason_required": "comment"}

    def make_form(self, data: Any = None) -> Any:
        return af.CommentForm(data)

    def perform(self, form: Any) -> str:
        services.highlight_return(
            highlight=self.object, comment=form.cleaned_data["comment"], acting_user=self.request.user
        )
        return gettext("已退回亮点。")


class HighlightWithdrawView(OnHighlight):
    """The staff take a published highlight off the feed (撤下), with a reason its unit sees."""

    action = "review"
    allowed_roles = STAFF
    title = gettext_lazy("撤下亮点")
    intro = gettext_lazy("撤下后各单位在亮点栏目不再看到它；本单位看到撤下原因。撤下的亮点可以修改后重新发布。")
    submit_label = gettext_lazy("撤下")
    fields_by_code = {"reason_required": "reason"}

    def make_form(self, data: Any = None) -> Any:
        return af.WithdrawForm(data)

    def perform(self, form: Any) -> str:
        services.highlight_withdraw(
            highlight=self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )
        return gettext("已撤下亮点。")


class HighlightFileAddView(OnHighlight):
    action = "fill"
    allowed_roles = LIAISON
    template_name = "assessment/evidence_form.html"
    title = gettext_lazy("上传照片或附件")
    intro = gettext_lazy("照片和附件随亮点报送；发布后本妇联各单位都能看到。")
    submit_label = gettext_lazy("上传")
    fields_by_code = {"file": "file", "locked": "file"}

    def make_form(self, data: Any = None, files: Any = None) -> Any:
        return af.HighlightFileForm(data, files)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from core.forms import add_refusal

        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.highlight_file_add(
                    highlight=self.object, upload=form.cleaned_data["file"], acting_user=request.user
                )
            except ValidationError as refused:
                add_refusal(form, refused, self.fields_by_code)
            else:
                messages.success(request, gettext("已上传。"))
                return redirect(self.get_success_url())
        return self.show(form, status=400)


class HighlightFileOpenView(ScopedObjectMixin, View):
    """A photo or attachment of a highlight, streamed to who may see the highlight."""

    model = HighlightFile
    allowed_roles = STAFF_AND_LIAISON

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:

        f: HighlightFile = self.get_object()  # type: ignore[assignment]
        return stored_file_response(
            services.private_dir() / f.path,
            kind=f.file_kind,
            content_type=f.content_type,
            filename=f.original_name,
        )


class HighlightFileRemoveView(ObjectActionView):
    model = HighlightFile
    action = "fill"
    allowed_roles = LIAISON
    title = gettext_lazy("删除附件")
    submit_label = gettext_lazy("删除")
    danger = True
    fields_by_code = {"locked": "__all__"}

    def facts(self) -> list[tuple[str, str]]:
        return [(gettext("文件"), self.object.original_name)]

    def perform(self, form: Any) -> str:
        services.highlight_file_remove(file=self.object, acting_user=self.request.user)
        return gettext("已删除附件。")

    def get_success_url(self) -> str:
        return reverse("assessment:highlight-detail", args=[self.object.highlight_id])


class HighlightProposeView(OnForm):
    """推荐为亮点: an item's good practice, from the unit's answer, as a draft highlight linked to the item."""

    model = ItemAnswer
    action = "fill"
    allowed_roles = LIAISON
    title = gettext_lazy("推荐为亮点")
    intro = gettext_lazy("以本项目的做法新建一条亮点草稿，保存后可上传照片、再报送区妇联。")
    submit_label = gettext_lazy("保存草稿")
    fields_by_code = HIGHLIGHT_FIELDS

    def form_of(self) -> SelfCheck:
        return self.object.selfcheck  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        a: ItemAnswer = self.object
        return [(gettext("项目"), f"{a.item.number}. {a.item.title}")]

    def make_form(self, data: Any = None) -> Any:
        a: ItemAnswer = self.object
        initial = {"title": gettext("%(item)s的做法") % {"item": a.item.title}, "text": a.note}
        return af.HighlightForm(data, initial=initial)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        self._made = services.highlight_propose(
            answer=self.object, title=d["title"], text=d["text"], acting_user=self.request.user
        )
        return gettext("已保存亮点草稿。")

    def get_success_url(self) -> str:
        made = getattr(self, "_made", None)
        if made is not None:
            return reverse("assessment:highlight-detail", args=[made.pk])
        return super().get_success_url()


# ---- exchange sessions (经验交流) -------------------------------------------------------------------------


def _presentable(federation_id: int) -> list[Highlight]:
    return list(
        Highlight.objects.filter(federation_id=federation_id, status__in=("submitted", "published"))
        .select_related("unit")
        .order_by("-submitted_on", "-id")[:200]
    )


SESSION_FIELDS = {"title": "title", "place": "place", "highlights": "highlights"}


@scoped_function(roles=STAFF)
def session_create(request: HttpRequest) -> HttpResponse:
    """A new exchange session of the federation the page works in, with the highlights presented."""
    from core.forms import add_refusal

    fed_id = chosen_federation(request, STAFF)
    if fed_id is None:
        raise PermissionDenied
    form = af.SessionForm(request.POST or None, highlights=_presentable(fed_id))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                session = services.session_create(
                    federation_id=fed_id,
                    title=d["title"],
                    held_on=d["held_on"],
                    place=d["place"],
                    notes=d["notes"],
                    highlight_ids=[int(i) for i in d["highlights"]],
                    acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(form, refused, SESSION_FIELDS)
            else:
                messages.success(request, gettext("已新建经验交流会。"))
                return redirect("assessment:session-detail", session.pk)
    return render(
        request,
        "core/action_form.html",
        {
            "form": form,
            "title": gettext("新建经验交流会"),
            "object": gettext("经验交流"),
            "submit_label": gettext("保存"),
            "cancel_url": reverse("assessment:highlight-list"),
            "breadcrumbs": _highlight_crumbs(),
        },
        status=status,
    )


class SessionDetailView(ScopedDetailView):
    """An exchange session and the highlights presented there (those the user may see)."""

    model = ExchangeSession
    allowed_roles = STAFF_AND_LIAISON
    template_name = "assessment/session_detail.html"
    context_object_name = "session"
    jinguo_names_any_object = PUBLISHED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["presented"] = list(
            self.object.highlights.visible_to(self.request.user).select_related("unit").order_by("unit__name")
        )
        ctx["can_change"] = self.permits("change")
        ctx["breadcrumbs"] = _highlight_crumbs()
        return ctx


class SessionEditView(ObjectActionView):
    model = ExchangeSession
    action = "change"
    allowed_roles = STAFF
    title = gettext_lazy("修改经验交流会")
    fields_by_code = SESSION_FIELDS
    jinguo_names_any_object = PUBLISHED

    def make_form(self, data: Any = None) -> Any:
        s: ExchangeSession = self.object
        initial = {
            "title": s.title,
            "held_on": s.held_on,
            "place": s.place,
            "notes": s.notes,
            "highlights": [str(pk) for pk in s.highlights.values_list("pk", flat=True)],
        }
        return af.SessionForm(data, highlights=_presentable(s.federation_id), initial=initial)

    def perform(self, form: Any) -> str:
        d = form.cleaned_data
        services.session_update(
            session=self.object,
            title=d["title"],
            held_on=d["held_on"],
            place=d["place"],
            notes=d["notes"],
            highlight_ids=[int(i) for i in d["highlights"]],
            acting_user=self.request.user,
        )
        return gettext("已保存经验交流会。")

    def get_success_url(self) -> str:
        return reverse("assessment:session-detail", args=[self.object.pk])


# ---- the federation's overview of a cycle ------------------------------------------------------------


class CycleOverviewView(ScopedDetailView):
    """For the federation's staff: per item the spread of the units' scores (no league table of units),
    the items most often weak, the units not yet submitted, and the rectification progress."""

    model = Cycle
    action = "change"
    allowed_roles = STAFF
    template_name = "assessment/cycle_overview.html"
    context_object_name = "cycle"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        overview = selectors.cycle_overview(self.object)
        ctx["overview"] = overview
        ctx["chart"] = selectors.overview_chart(overview)
        ctx["trend"] = selectors.overview_trend(self.object, current=overview)
        return ctx


def overview_report_context(cycle: Cycle) -> dict[str, Any]:
    """The district's annual overview as printed: the page's figures, the chart as inline SVG and the
    comparison with earlier years' cycles. No unit's score is listed (no league table)."""
    from django.utils.safestring import mark_safe

    from assessment import charts

    overview = selectors.cycle_overview(cycle)
    data = selectors.overview_chart(overview)
    svg = charts.stacked_bars_svg(
        data["items"],
        [charts.Series(s["key"], s["name"], s["data"]) for s in data["series"]],
        description=gettext("各项目得分分布（单位数）"),
    )
    return {
        "cycle": cycle,
        "federation": cycle.federation,
        "overview": overview,
        # Every label is escaped by charts.stacked_bars_svg.
        "chart_svg": mark_safe(svg),  # noqa: S308
        "trend": selectors.overview_trend(cycle, current=overview),
        "today": clock.today(),
    }


class OverviewPdfView(ScopedObjectMixin, View):
    """全区概况 PDF: the federation's staff only (the overview page's scope)."""

    model = Cycle
    action = "change"
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from core.pdf import pdf_response, render_pdf

        cycle: Cycle = self.get_object()  # type: ignore[assignment]
        content = render_pdf("assessment/overview_report.html", overview_report_context(cycle))
        return pdf_response(
            content,
            gettext("%(year)s年度量化自查全区概况.pdf") % {"year": cycle.year},
            f"self-check-overview-{cycle.year}-{cycle.pk}.pdf",
        )


class OverviewXlsxView(ScopedObjectMixin, View):
    """全区概况 Excel: the spread per item, the comparison with earlier years, the units not submitted, the
    rectification progress."""

    model = Cycle
    action = "change"
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from core import excel

        cycle: Cycle = self.get_object()  # type: ignore[assignment]
        ctx = overview_report_context(cycle)
        overview, trend = ctx["overview"], ctx["trend"]
        spread_cols = [
            excel.Column(gettext("序号"), 8),
            excel.Column(gettext("项目"), 18),
            excel.Column(gettext("满分"), 10),
            excel.Column(gettext("达到整改线"), 12),
            excel.Column(gettext("低于整改线"), 12),
            excel.Column(gettext("不计分"), 10),
        ]
        spread_rows = [
            [s.item.number, s.item.title, s.counts["full"], s.counts["pass"], s.counts["weak"], s.counts["uncounted"]]
            for s in overview.spreads
        ]
        preamble = [
            [cycle.title],
            [
                gettext("按已提交的 %(s)s 份自查表（共 %(n)s 份）统计；只看各项目的得分分布，不对单位排名。")
                % {"s": overview.n_submitted, "n": overview.n_forms}
            ],
        ]
        trend_cols = [excel.Column(gettext("序号"), 8), excel.Column(gettext("项目"), 18)] + [
            excel.Column(gettext("%(year)s年低于整改线") % {"year": y}, 16) for y in trend.years
        ]
        trend_rows = [
            [r.number, r.title, *[("—" if w is None else f"{w[0]} / {w[1]}") for w in r.weak]] for r in trend.rows
        ]
        missing_cols = [excel.Column(gettext("单位"), 28), excel.Column(gettext("状态"), 12)]
        missing_rows = [[f.unit.name, f.get_status_display()] for f in overview.not_submitted]
        rect = overview.rectification
        rect_rows = [
            [gettext("整改事项"), rect["total"]],
            [gettext("已完成"), rect["done"]],
            [gettext("整改中"), rect["open"]],
            [gettext("其中超期"), rect["overdue"]],
        ]
        content = excel.workbook_bytes(
            [
                excel.Sheet(gettext("各项目得分分布"), spread_cols, spread_rows, preamble=preamble),
                excel.Sheet(gettext("与往年比较"), trend_cols, trend_rows),
                excel.Sheet(gettext("尚未提交的单位"), missing_cols, missing_rows),
                excel.Sheet(
                    gettext("整改进度"), [excel.Column(gettext("项目"), 16), excel.Column(gettext("条数"), 10)], rect_rows
                ),
            ]
        )
        return excel.xlsx_response(
            content,
            filename=gettext("%(year)s年度量化自查全区概况.xlsx") % {"year": cycle.year},
            ascii_name=f"self-check-overview-{cycle.year}-{cycle.pk}.xlsx",
        )
