"""Pages of the shell: home, health check, the user's notifications, the audit log."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import ListView

from core.models import AuditEvent, BackupRecord, Notification
from core.roles import Role
from core.scoping import scope_for
from core.views import RoleRequiredMixin, ScopedListView, authenticated, public
from orgs.models import Unit


@authenticated
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.roles == {Role.AUDITOR}:
        return redirect("audit-log")
    if scope.has(Role.FEDERATION_STAFF, Role.UNIT_LIAISON) and _has_url("dashboard:index"):
        return redirect("dashboard:index")
    role_labels = sorted(str(Role(r).label) for r in scope.roles if r in Role.values)
    # Roles without a registry page still reach their own unit (volunteers, executives, contacts).
    my_unit = Unit.objects.visible_to(request.user).filter(pk=scope.person_unit_id).first() if scope.person_unit_id else None
    return render(request, "core/home.html", {"scope": scope, "role_labels": role_labels, "my_unit": my_unit})


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


@authenticated
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.visible_to(request.user)
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render(
        request,
        "core/notifications.html",
        {"items": items[:200], "has_unread": items.filter(read_at__isnull=True).exists()},
    )


class AuditLogView(RoleRequiredMixin, ListView):
    """The audit log, for the auditor alone (三员分立)."""

    allowed_roles = frozenset({Role.AUDITOR})
    # The log names every object acted on: that is the auditor's remit, not a leak.
    jinguo_names_any_object = True
    template_name = "core/audit_log.html"
    paginate_by = 50

    def get_queryset(self):  # type: ignore[no-untyped-def]
        scope = scope_for(self.request.user)
        qs = AuditEvent.objects.all()
        if not scope.is_superuser:
            qs = qs.filter(federation_id__in=scope.federations_with(Role.AUDITOR)) | qs.filter(federation_id__isnull=True)
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(actor_name__icontains=q) | qs.filter(object_repr__icontains=q)
        action = self.request.GET.get("action", "").strip()
        if action:
            qs = qs.filter(action=action)
        return qs.order_by("-at", "-id")


class BackupRecordListView(ScopedListView):
    """Backups, verifications and restore drills, for the system administrator (三员分立)."""

    model = BackupRecord
    allowed_roles = frozenset({Role.SYSTEM_ADMIN})
    template_name = "core/backup_list.html"
    paginate_by = 50
