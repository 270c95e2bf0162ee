from django.urls import path

from core import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", pages.notification_open, name="notification-open"),
    path("audit/", pages.AuditLogView.as_view(), name="audit-log"),
    path("audit/export/", pages.audit_export, name="audit-export"),
    path("audit/<int:pk>/", pages.AuditEventDetailView.as_view(), name="audit-event"),
    path("backups/", pages.BackupRecordListView.as_view(), name="backup-list"),
]
