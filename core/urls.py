from django.urls import path

from core import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("notifications/", pages.notifications, name="notifications"),
    path("audit/", pages.AuditLogView.as_view(), name="audit-log"),
    path("backups/", pages.BackupRecordListView.as_view(), name="backup-list"),
]
