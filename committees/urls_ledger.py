"""URLs of the ledger (台账): import, template, export; the jobs' own pages are core's (core.job_views)."""

from django.urls import path

from committees import views_ledger

urlpatterns = [
    path("ledger/", views_ledger.LedgerUploadView.as_view(), name="ledger-upload"),
    path("ledger/template.xlsx", views_ledger.ledger_template, name="ledger-template"),
    path("ledger/export/", views_ledger.ledger_export, name="ledger-export"),
]
