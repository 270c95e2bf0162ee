from django.urls import path

from core import job_views, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", pages.notification_open, name="notification-open"),
    path("audit/", pages.AuditLogView.as_view(), name="audit-log"),
    path("audit/export/", pages.audit_export, name="audit-export"),
    path("audit/verify/", pages.audit_verify, name="audit-verify"),
    path("audit/<int:pk>/", pages.AuditEventDetailView.as_view(), name="audit-event"),
    path("backups/", pages.BackupRecordListView.as_view(), name="backup-list"),
    path("jobs/<int:pk>/", job_views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", job_views.JobStatusView.as_view(), name="job-status"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job-download"),
    path("jobs/<int:pk>/retry/", job_views.JobRetryView.as_view(), name="job-retry"),
]
