"""URLs of the ledger import (台账导入), included by committees/urls.py."""

from django.urls import path

from committees import views_ledger

urlpatterns = [
    path("ledger/", views_ledger.LedgerUploadView.as_view(), name="ledger-upload"),
    path("ledger/template.xlsx", views_ledger.ledger_template, name="ledger-template"),
    path("ledger/export.xlsx", views_ledger.ledger_export, name="ledger-export"),
    path("ledger/jobs/<int:pk>/", views_ledger.LedgerJobView.as_view(), name="ledger-job"),
    path("ledger/jobs/<int:pk>/status/", views_ledger.LedgerJobStatusView.as_view(), name="ledger-job-status"),
    path("ledger/jobs/<int:pk>/errors.xlsx", views_ledger.LedgerJobErrorsView.as_view(), name="ledger-job-errors"),
]
