from django.urls import path

from assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/", views.TemplateDetailView.as_view(), name="template-detail"),
    path("template-items/<int:pk>/edit/", views.TemplateItemEditView.as_view(), name="template-item-edit"),
    path("cycles/new/", views.cycle_open, name="cycle-open"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path("forms/<int:pk>/", views.SelfCheckDetailView.as_view(), name="form-detail"),
    path("forms/<int:pk>/save/", views.SelfCheckSaveView.as_view(), name="form-save"),
    path("forms/<int:pk>/submit/", views.SelfCheckSubmitView.as_view(), name="form-submit"),
    path("forms/<int:pk>/copy-forward/", views.SelfCheckCopyForwardView.as_view(), name="form-copy-forward"),
    path("forms/<int:pk>/return/", views.SelfCheckReturnView.as_view(), name="form-return"),
    path("answers/<int:pk>/dispute/", views.AnswerDisputeView.as_view(), name="answer-dispute"),
    path("forms/<int:pk>/evidence/new/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path("evidence/<int:pk>/", views.EvidenceOpenView.as_view(), name="evidence-open"),
    path("evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="evidence-remove"),
    path("forms/<int:pk>/report.pdf", views.ReportPdfView.as_view(), name="form-report-pdf"),
    path("forms/<int:pk>/report.xlsx", views.ReportXlsxView.as_view(), name="form-report-xlsx"),
    path(
        "forms/<int:pk>/rectifications/new/",
        views.RectificationsOpenView.as_view(),
        name="rectifications-open",
    ),
    path("rectifications/<int:pk>/plan/", views.RectificationPlanView.as_view(), name="rectification-plan"),
    path(
        "rectifications/<int:pk>/close/", views.RectificationCloseView.as_view(), name="rectification-close"
    ),
    path("cycles/<int:pk>/overview/", views.CycleOverviewView.as_view(), name="cycle-overview"),
    path("cycles/<int:pk>/overview.pdf", views.OverviewPdfView.as_view(), name="cycle-overview-pdf"),
    path("cycles/<int:pk>/overview.xlsx", views.OverviewXlsxView.as_view(), name="cycle-overview-xlsx"),
    path("highlights/", views.highlight_list, name="highlight-list"),
    path("highlights/new/", views.highlight_create, name="highlight-create"),
    path("highlights/<int:pk>/", views.HighlightDetailView.as_view(), name="highlight-detail"),
    path("highlights/<int:pk>/edit/", views.HighlightEditView.as_view(), name="highlight-edit"),
    path("highlights/<int:pk>/review/", views.HighlightStaffEditView.as_view(), name="highlight-review"),
    path("highlights/<int:pk>/submit/", views.HighlightSubmitView.as_view(), name="highlight-submit"),
    path("highlights/<int:pk>/publish/", views.HighlightPublishView.as_view(), name="highlight-publish"),
    path("highlights/<int:pk>/return/", views.HighlightReturnView.as_view(), name="highlight-return"),
    path("highlights/<int:pk>/withdraw/", views.HighlightWithdrawView.as_view(), name="highlight-withdraw"),
    path("highlights/<int:pk>/files/new/", views.HighlightFileAddView.as_view(), name="highlight-file-add"),
    path("highlight-files/<int:pk>/", views.HighlightFileOpenView.as_view(), name="highlight-file-open"),
    path(
        "highlight-files/<int:pk>/remove/",
        views.HighlightFileRemoveView.as_view(),
        name="highlight-file-remove",
    ),
    path("answers/<int:pk>/propose/", views.HighlightProposeView.as_view(), name="highlight-propose"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
]
