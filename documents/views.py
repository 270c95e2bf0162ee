"""Pages of the document library (文件资料) and its consultations (征求意见).

Documents, versions and consultations come through their scoped querysets by action: staff keep the library
and run consultations (change, manage); the federation reads published versions; a consultation's audience
reads its draft and comments (comment).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from core import clock
from core.forms import add_refusal
from core.models import ConcurrentEditError
from core.roles import BUSINESS_ROLES, Role
from core.tenancy import chosen_federation
from core.uploads import stored_file_response
from core.views import ObjectActionView, ScopedDetailView, ScopedObjectMixin, scoped_function
from documents import forms as df
from documents import selectors, services
from documents.models import CONSULTATION_MACHINE, Consultation, Document, DocumentVersion, HandlingNote

STAFF = frozenset({Role.FEDERATION_STAFF})
READERS = BUSINESS_ROLES


def item_titles(federation_id: int) -> dict[int, str]:
    """Number -> title of the items of the federation's newest evaluation-form template (for labels)."""
    from assessment.models import TemplateItem

    latest = TemplateItem.objects.filter(federation_id=federation_id).order_by("-template_id", "number")
    titles: dict[int, str] = {}
    template_id = None
    for item in latest:
        if template_id is None:
            template_id = item.template_id
        if item.template_id != template_id:
            break
        titles[item.number] = item.title
    return titles


@scoped_function(roles=READERS)
def document_list(request: HttpRequest) -> HttpResponse:
    """The library: search by title or text, filter by kind or by the evaluation item a document guides.

    Queries: the documents with their guided items, the item titles, the open consultations."""
    q = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Document.Kind.values else ""
    item_raw = request.GET.get("item", "")
    item = int(item_raw) if item_raw.isdigit() and 0 < int(item_raw) < 100 else None
    docs = list(selectors.document_list_for(request.user, q=q, kind=kind, item=item)[:200])
    fed_id = chosen_federation(request, STAFF)
    consultations = list(
        selectors.consultations_for(request.user).filter(status=Consultation.Status.OPEN)[:20]
    )
    context = {
        "documents": docs,
        "q": q,
        "kind": kind,
        "item": item,
        "kinds": Document.Kind.choices,
        "can_create": fed_id is not None,
        "consultations": consultations,
        "today": clock.today(),
    }
    return render(request, "documents/document_list.html", context)


def _document_form_values(form: df.DocumentForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "title": d["title"],
        "kind": d["kind"],
        "doc_number": d["doc_number"],
        "issuer": d["issuer"],
        "summary": d["summary"],
        "item_numbers": d["items"],
    }


@scoped_function(roles=STAFF)
def document_create(request: HttpRequest) -> HttpResponse:
    """A new document of the staff's federation (its versions are added on its page)."""
    fed_id = chosen_federation(request, STAFF)
    if fed_id is None:
        raise PermissionDenied
    form = df.DocumentForm(request.POST or None, item_titles=item_titles(fed_id))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                document = services.document_create(
                    federation_id=fed_id, acting_user=request.user, **_document_form_values(form)
                )
            except ValidationError as refused:
                add_refusal(form, refused, {"title": "title", "items": "items"})
            else:
                messages.success(request, gettext("文件已创建，请添加版本。"))
                return redirect("documents:version-add", document.pk)
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "title": gettext_lazy("新建文件")},
        status=status,
    )


class DocumentDetailView(ScopedDetailView):
    """A document: the version in force in sections, its other versions, the items it guides, consultations."""

    model = Document
    allowed_roles = READERS
    template_name = "documents/document_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        doc: Document = self.object
        current = selectors.current_version(doc, self.request.user)
        titles = item_titles(doc.federation_id)
        context.update(
            current=current,
            sections=list(current.sections.all()) if current else [],
            versions=list(selectors.versions_for(self.request.user, doc)),
            guided=[(g.number, titles.get(g.number, "")) for g in doc.guided_items.all()],
            consultations=list(selectors.consultations_for(self.request.user).filter(draft__document=doc)),
            can_change=self.permits("change"),
        )
        return context


class DocumentEditView(ScopedObjectMixin, View):
    model = Document
    action = "change"
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        doc: Document = self.get_object()  # type: ignore[assignment]
        initial = {
            "title": doc.title,
            "kind": doc.kind,
            "doc_number": doc.doc_number,
            "issuer": doc.issuer,
            "summary": doc.summary,
            "items": [g.number for g in doc.guided_items.all()],
        }
        form = df.DocumentForm(initial=initial, item_titles=item_titles(doc.federation_id))
        return self.show(doc, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        doc: Document = self.get_object()  # type: ignore[assignment]
        form = df.DocumentForm(request.POST, item_titles=item_titles(doc.federation_id))
        if form.is_valid():
            try:
                services.document_update(
                    document=doc, acting_user=request.user, **_document_form_values(form)
                )
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict)
            except ValidationError as refused:
                add_refusal(form, refused, {"title": "title", "items": "items"})
            else:
                messages.success(request, gettext("已保存。"))
                return redirect("documents:detail", doc.pk)
        return self.show(doc, form, status=400)

    def show(self, doc: Document, form: df.DocumentForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "title": gettext_lazy("修改文件信息"), "document": doc}
        return render(self.request, "documents/document_form.html", context, status=status)


class VersionAddView(ScopedObjectMixin, View):
    """A new version of a document (a draft, or published at once), with an optional file."""

    model = Document
    action = "change"
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        doc: Document = self.get_object()  # type: ignore[assignment]
        return self.show(doc, df.VersionForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        doc: Document = self.get_object()  # type: ignore[assignment]
        form = df.VersionForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                version = services.version_add(
                    document=doc,
                    label=d["label"],
                    body=d["body"],
                    effective_on=d["effective_on"],
                    note=d["note"],
                    upload=d["upload"],
                    publish=d["publish"],
                    acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(form, refused, {"label": "label", "body": "body", "file": "upload"})
            else:
                messages.success(request, gettext("版本已保存。"))
                return redirect("documents:version-detail", version.pk)
        return self.show(doc, form, status=400)

    def show(self, doc: Document, form: df.VersionForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "document": doc, "title": gettext_lazy("新增版本")}
        return render(self.request, "documents/version_form.html", context, status=status)


class VersionDetailView(ScopedDetailView):
    """One version in its numbered sections; for a final version, how the consultation's comments were handled."""

    model = DocumentVersion
    allowed_roles = READERS
    template_name = "documents/version_detail.html"
    context_object_name = "version"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version: DocumentVersion = self.object
        consultation = Consultation.objects.visible_to(self.request.user).filter(draft=version).first()
        concluded_from = Consultation.objects.filter(final_version=version).select_related("draft").first()
        notes = (
            {
                n.section.number: n
                for n in HandlingNote.objects.filter(consultation=concluded_from).select_related("section")
            }
            if concluded_from
            else {}
        )
        context.update(
            document=version.document,
            document_visible=Document.objects.visible_to(self.request.user)
            .filter(pk=version.document_id)
            .exists(),
            sections=list(version.sections.all()),
            consultation=consultation,
            concluded_from=concluded_from,
            notes=sorted(notes.values(), key=lambda n: n.section.number),
            can_change=self.permits("change"),
            can_publish=self.permits("change") and version.status == DocumentVersion.Status.DRAFT,
        )
        return context


class VersionFileView(ScopedObjectMixin, View):
    """A version's file, streamed to who may see the version."""

    model = DocumentVersion
    allowed_roles = READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        version: DocumentVersion = self.get_object()  # type: ignore[assignment]
        if not version.path:
            # A version with text only: its page is what there is to read.
            return redirect("documents:version-detail", version.pk)
        return stored_file_response(
            services.private_dir() / version.path,
            kind=version.file_kind,
            content_type=version.content_type,
            filename=version.original_name,
        )


class VersionPublishView(ObjectActionView):
    model = DocumentVersion
    action = "change"
    allowed_roles = STAFF
    title = gettext_lazy("发布版本")
    intro = gettext_lazy("发布后，本妇联各单位都能看到这个版本。")
    submit_label = gettext_lazy("发布")
    fields_by_code = {"status": "__all__"}

    def perform(self, form: Any) -> str:
        services.version_publish(version=self.object, acting_user=self.request.user)
        return gettext("版本已发布。")

    def get_success_url(self) -> str:
        return reverse("documents:version-detail", args=[self.object.pk])


class ConsultationOpenView(ScopedObjectMixin, View):
    """Publishes a draft version for comment to chosen roles and units until a deadline."""

    model = DocumentVersion
    action = "change"
    allowed_roles = STAFF

    def make_form(self, version: DocumentVersion, data: Any = None) -> df.ConsultationForm:
        from orgs.models import Unit

        units = list(
            Unit.objects.filter(federation_id=version.federation_id).active_on(clock.today()).order_by("name_pinyin", "name")
        )
        return df.ConsultationForm(data, roles=services.audience_roles(), units=units)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version: DocumentVersion = self.get_object()  # type: ignore[assignment]
        return self.show(version, self.make_form(version))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        version: DocumentVersion = self.get_object()  # type: ignore[assignment]
        form = self.make_form(version, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                consultation = services.consultation_open(
                    version=version,
                    deadline=d["deadline"],
                    roles=d["roles"],
                    unit_ids=d["units"],
                    title=d["title"],
                    intro=d["intro"],
                    acting_user=request.user,
                )
            except ValidationError as refused:
                add_refusal(
                    form,
                    refused,
                    {"deadline": "deadline", "roles": "roles", "units": "units", "audience": "roles"},
                )
            else:
                messages.success(request, gettext("征求意见稿已发布，已通知征求对象。"))
                return redirect("documents:consultation-detail", consultation.pk)
        return self.show(version, form, status=400)

    def show(self, version: DocumentVersion, form: df.ConsultationForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "version": version,
            "document": version.document,
            "title": gettext_lazy("发布征求意见稿"),
        }
        return render(self.request, "documents/consultation_form.html", context, status=status)


@scoped_function(roles=READERS)
def consultation_list(request: HttpRequest) -> HttpResponse:
    """Consultations the user runs or is asked to comment on, newest first."""
    context = {"consultations": list(selectors.consultations_for(request.user)[:100]), "today": clock.today()}
    return render(request, "documents/consultation_list.html", context)


class ConsultationDetailView(ScopedDetailView):
    """The draft in sections with a way to comment on each while open; the user's own comments; once
    concluded, the final version and how each section's comments were handled."""

    model = Consultation
    allowed_roles = READERS
    template_name = "documents/consultation_detail.html"
    context_object_name = "consultation"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        c: Consultation = self.object
        can_comment = self.permits("comment")
        refusal = services.comment_refusal(c)
        notes = {n.section_id: n for n in HandlingNote.objects.filter(consultation=c)}
        can_manage = self.permits("manage")
        counts = selectors.comment_counts(c) if can_manage else {}
        sections = [(s, notes.get(s.pk), counts.get(s.number, 0)) for s in c.draft.sections.all()]
        role_labels = dict(Role.choices)
        context.update(
            version=c.draft,
            document=c.draft.document,
            document_visible=Document.objects.visible_to(self.request.user)
            .filter(pk=c.draft.document_id)
            .exists(),
            sections=sections,
            own=selectors.own_comments(self.request.user, c),
            can_comment=can_comment and refusal is None,
            refusal=" ".join(refusal.messages) if (refusal is not None and can_comment) else "",
            can_manage=can_manage,
            can_conclude=can_manage and CONSULTATION_MACHINE.can(c, "conclude"),
            audience_roles=[role_labels.get(r, r) for r in c.role_list],
            audience_units=list(c.units.order_by("name")) if can_manage else [],
            timeline=[
                (s.at, s.actor_name, CONSULTATION_MACHINE.by_name[s.transition].label)
                for s in CONSULTATION_MACHINE.timeline(c)
                if s.transition in CONSULTATION_MACHINE.by_name
            ],
        )
        return context


class CommentAddView(ObjectActionView):
    """A comment on one section of the draft, by someone the consultation is addressed to, before its deadline."""

    model = Consultation
    action = "comment"
    allowed_roles = READERS
    title = gettext_lazy("提出意见")
    submit_label = gettext_lazy("提交意见")
    fields_by_code = {"text": "text", "section": "section", "closed": "__all__", "deadline": "__all__"}

    def make_form(self, data: Any = None) -> Any:
        sections = list(self.object.draft.sections.all())
        initial = {}
        wanted = self.request.GET.get("section", "")
        if wanted.isdigit():
            initial["section"] = int(wanted)
        return df.CommentForm(data, sections=sections, initial=initial)

    def facts(self) -> list[tuple[str, str]]:
        c: Consultation = self.object
        return [
            (gettext("征求意见稿"), c.title),
            (gettext("截止日期"), c.deadline.isoformat()),
        ]

    def perform(self, form: Any) -> str:
        services.comment_add(
            consultation=self.object,
            section_id=form.cleaned_data["section"],
            text=form.cleaned_data["text"],
            author=self.request.user,
        )
        return gettext("意见已提交，谢谢！")

    def get_success_url(self) -> str:
        return reverse("documents:consultation-detail", args=[self.object.pk])


class SummaryView(ScopedDetailView):
    """For staff: the comments per section, with counts (and how they were handled once concluded)."""

    model = Consultation
    action = "manage"
    allowed_roles = STAFF
    template_name = "documents/summary.html"
    context_object_name = "consultation"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = selectors.summary_of(self.object)
        context.update(rows=rows, total=sum(r.count for r in rows), document=self.object.draft.document)
        return context


class SummaryXlsxView(ScopedObjectMixin, View):
    """The summary as a workbook: one sheet of counts per section, one of every comment."""

    model = Consultation
    action = "manage"
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from documents.exports import summary_workbook

        c: Consultation = self.get_object()  # type: ignore[assignment]
        from core.excel import xlsx_response

        return xlsx_response(
            summary_workbook(c),
            filename=gettext("%(title)s意见汇总.xlsx") % {"title": c.title},
            ascii_name=f"consultation-{c.pk}-summary.xlsx",
        )


class ConcludeView(ScopedObjectMixin, View):
    """Ends a consultation: the final version and a note per section on how its comments were handled."""

    model = Consultation
    action = "manage"
    allowed_roles = STAFF

    def make_form(self, c: Consultation, data: Any = None) -> df.ConcludeForm:
        sections = list(c.draft.sections.all())
        initial = {"final_body": c.draft.body, "final_label": gettext("正式版")}
        return df.ConcludeForm(data, sections=sections, initial=initial)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        c: Consultation = self.get_object()  # type: ignore[assignment]
        return self.show(c, self.make_form(c))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        c: Consultation = self.get_object()  # type: ignore[assignment]
        form = self.make_form(c, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                final = services.consultation_conclude(
                    consultation=c,
                    final_body=d["final_body"],
                    notes=form.notes(),
                    final_label=d["final_label"],
                    effective_on=d["effective_on"],
                    conclusion=d["conclusion"],
                    acting_user=request.user,
                )
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict)
            except ValidationError as refused:
                add_refusal(form, refused, {"final_body": "final_body"})
            else:
                messages.success(request, gettext("征求意见已结束，正式版本已发布。"))
                return redirect("documents:version-detail", final.pk)
        return self.show(c, form, status=400)

    def show(self, c: Consultation, form: df.ConcludeForm, status: int = 200) -> HttpResponse:
        counts = selectors.comment_counts(c)
        rows = [(s, form[o], form[n], counts.get(s.number, 0)) for s, o, n in form.section_fields]
        context = {
            "form": form,
            "consultation": c,
            "rows": rows,
            "document": c.draft.document,
            "concluded": not CONSULTATION_MACHINE.can(c, "conclude"),
        }
        return render(self.request, "documents/conclude.html", context, status=status)
