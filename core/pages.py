"""Pages of the shell: home, health check, the user's notifications, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import connection, models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import audit, auditlog, auditverify, clock, excel
from core.auditlog import AuditFilterForm
from core.models import NEEDS_ATTENTION, AuditEvent, BackupRecord, Notification
from core.registry import home_cards, landing_pages
from core.roles import ROLE_PROMISES, Role
from core.scoping import get_visible_or_404, scope_for
from core.views import ScopedDetailView, ScopedListView, authenticated, public, scoped_function


@authenticated
def home(request: HttpRequest) -> HttpResponse:
    """Sends a role to its working page (registered by the apps), else shows the cards the apps register
    for the user's roles; a role that no app serves yet is told what the platform will do for it."""
    scope = scope_for(request.user)
    for landing in landing_pages.entries():
        if scope.is_superuser or scope.roles & landing.roles:
            return redirect(landing.url_name)
    cards = []
    served: set[str] = set()
    for card in home_cards.entries():
        if card.roles and not (scope.roles & card.roles):
            continue
        if card.serves_roles:
            served |= set(card.roles)
        context = card.context(request, scope)
        if context is not None:
            cards.append(render_to_string(card.template, context, request=request))
    promises = [
        {"role": Role(r).label, "text": ROLE_PROMISES[r]}
        for r in sorted(scope.roles)
        if r in ROLE_PROMISES and r not in served
    ]
    role_labels = sorted(str(Role(r).label) for r in scope.roles if r in Role.values)
    return render(
        request,
        "core/home.html",
        {
            "scope": scope,
            "role_labels": role_labels,
            "cards": [mark_safe(c) for c in cards],  # noqa: S308
            "promises": promises,
            "today": clock.today(),
        },
    )


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


NOTIFICATION_LINK_REFUSED = _("这条通知的链接不是本站地址，已忽略。")


@authenticated
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.visible_to(request.user)
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    # What still needs the user first (open reminders, unread messages), then the rest, newest first.
    attention_first = models.Case(models.When(NEEDS_ATTENTION, then=0), default=1)
    return render(
        request,
        "core/notifications.html",
        {
            "items": items.order_by(attention_first, "-created_at", "-id")[:200],
            "has_unread": items.filter(read_at__isnull=True).exists(),
            "attention": items.needing_attention().count(),
        },
    )


@authenticated
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice (POST) marks it read and follows its link, if the link stays on this site."""
    notice = get_visible_or_404(Notification, request.user, pk=pk)
    if request.method != "POST":
        return redirect("notifications")
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    if notice.url and is_local_path(notice.url):
        return HttpResponseRedirect(notice.url)
    if notice.url:
        messages.warning(request, NOTIFICATION_LINK_REFUSED)
    return redirect("notifications")


notification_open.jinguo_model = Notification  # type: ignore[attr-defined]


def is_local_path(url: str) -> bool:
    """A path on this site ("/committees/3/"), never a scheme, a host or a protocol-relative "//host"."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


class AuditLogView(ScopedListView):
    """The audit log, for the auditor alone (三员分立), filtered through the query string (bookmarkable)."""

    model = AuditEvent
    allowed_roles = frozenset({Role.AUDITOR})
    # The log names every object acted on: that is the auditor's remit, not a leak.
    jinguo_names_any_object = True
    template_name = "core/audit_log.html"
    paginate_by = 50

    def get_queryset(self):  # type: ignore[no-untyped-def]
        visible = super().get_queryset()
        self.filter_form = AuditFilterForm(self.request.GET or None, events=visible)
        # A business action is one entry (its rows on its own page); the filters find it by any of its rows.
        matching = self.filter_form.filter(visible) if self.request.GET else None
        return auditlog.entries(visible, matching).order_by("-at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.filter_form,
            filter_query=query.urlencode(),
            events=[_list_row(e) for e in context["object_list"]],
        )
        return context


def _list_row(
    event: AuditEvent, *, all_changes: bool = False, names: dict[Any, str] | None = None
) -> dict[str, Any]:
    changes = auditlog.changes_of(event, names)
    shown = len(changes) if all_changes else AUDIT_LIST_CHANGES
    return {
        "event": event,
        "action": auditlog.action_label(event.action),
        "result": auditlog.result_label(event.result),
        "object_type": auditlog.object_type_label(event.object_type) if event.object_type else "",
        "changes": changes[:shown],
        "more": len(changes) - shown,
        "row_count": getattr(event, "row_count", 0),
    }


AUDIT_LIST_CHANGES = 3  # the list shows the first few changed fields; the event's own page shows them all
AUDIT_ACTION_ROWS = 200  # the rows of a business action shown on its page (a ledger import has thousands)


class AuditEventDetailView(ScopedDetailView):
    """One audit event with every change as field / old / new."""

    model = AuditEvent
    allowed_roles = frozenset({Role.AUDITOR})
    jinguo_names_any_object = True
    template_name = "core/audit_event.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = context["event"]
        query = self.request.GET.copy()
        # A business action's entry lists its rows; a row names the action it is part of.
        rows = list(AuditEvent.objects.filter(part_of=event.pk).order_by("id")[: AUDIT_ACTION_ROWS + 1])
        parent = (
            AuditEvent.objects.visible_to(self.request.user).filter(pk=event.part_of).first()
            if event.part_of
            else None
        )
        names = auditlog.related_names([event, *rows])
        context.update(
            action=auditlog.action_label(event.action),
            result=auditlog.result_label(event.result),
            object_type=auditlog.object_type_label(event.object_type) if event.object_type else "",
            changes=auditlog.changes_of(event, names),
            back_query=query.urlencode(),
            rows=[_list_row(r, all_changes=True, names=names) for r in rows[:AUDIT_ACTION_ROWS]],
            rows_total=(
                AuditEvent.objects.filter(part_of=event.pk).count()
                if len(rows) > AUDIT_ACTION_ROWS
                else len(rows)
            ),
            parent=parent,
            parent_action=auditlog.action_label(parent.action) if parent is not None else "",
        )
        return context

    def get_template_names(self) -> list[str]:
        # The list page expands an action in place (HTMX): its rows alone.
        if self.request.headers.get("HX-Request") and self.request.GET.get("rows"):
            return ["core/audit_rows.html"]
        return [self.template_name]


@scoped_function(roles={Role.AUDITOR})
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as an Excel workbook (newest first, capped); the export is itself recorded."""
    visible = AuditEvent.objects.visible_to(request.user)
    form = AuditFilterForm(request.GET or None, events=visible)
    if request.GET and not form.is_valid():
        # The list page shows the same filters with their errors.
        return redirect(f"{reverse('audit-log')}?{request.GET.urlencode()}")
    events = (form.filter(visible) if request.GET else visible).order_by("-at", "-id")
    total = events.count()
    now = timezone.now()
    filters = form.describe() if request.GET else str(auditlog.NO_FILTERS)
    # The workbook through the core kit (core.excel): title, filters, the cap's note, then the events.
    note = str(auditlog.EXPORT_CAPPED_NOTE).format(total=total, limit=auditlog.EXPORT_MAX_ROWS)
    sheet = excel.Sheet(
        str(_("审计日志")),
        [excel.Column(str(t), w) for t, w in zip(auditlog.EXPORT_HEADERS, auditlog.EXPORT_WIDTHS, strict=True)],
        (auditlog.export_row(e) for e in events[: auditlog.EXPORT_MAX_ROWS].iterator(chunk_size=2000)),
        preamble=[
            [excel.Cell(auditlog.export_title(now), "title")],
            [str(_("筛选条件：{filters}")).format(filters=filters)],
            *([[excel.Cell(note, "warning")]] if total > auditlog.EXPORT_MAX_ROWS else []),
            [],
        ],
    )
    content = excel.workbook_bytes([sheet])
    written = sheet.written
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    response = excel.xlsx_response(
        content, filename=f"{_('审计日志')}_{stamp}.xlsx", ascii_name=f"audit-log_{stamp}.xlsx"
    )
    capped = total > written
    audit.record(
        "export",
        object_type="core.auditevent",
        object_repr="审计日志",
        detail=f"导出审计日志 {written} 条（符合条件 {total} 条{'，已截断' if capped else ''}）；筛选：{filters}",
        changes={
            "filters": form.active_filters() if request.GET else {},
            "rows": written,
            "total": total,
            "capped": capped,
        },
        federation_id=getattr(request.user, "federation_id", None),
    )
    return response


@scoped_function(roles={Role.AUDITOR})
def audit_verify(request: HttpRequest) -> HttpResponse:
    """The hash chain of the whole log checked now (core.auditverify.verify, as manage.py verify_audit):
    the auditor sees every missing, altered or forged event by its seq, never another federation's
    content. The check is itself recorded."""
    report = auditverify.verify_and_record()
    return render(request, "core/audit_verify.html", {"report": report})


class BackupRecordListView(ScopedListView):
    """Backups, verifications and restore drills, for the system administrator (三员分立)."""

    model = BackupRecord
    allowed_roles = frozenset({Role.SYSTEM_ADMIN})
    template_name = "core/backup_list.html"
    paginate_by = 50
