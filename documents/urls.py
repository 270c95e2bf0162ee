from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_create, name="create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.DocumentEditView.as_view(), name="edit"),
    path("<int:pk>/versions/new/", views.VersionAddView.as_view(), name="version-add"),
    path("versions/<int:pk>/", views.VersionDetailView.as_view(), name="version-detail"),
    path("versions/<int:pk>/file/", views.VersionFileView.as_view(), name="version-file"),
    path("versions/<int:pk>/publish/", views.VersionPublishView.as_view(), name="version-publish"),
    path("versions/<int:pk>/consult/", views.ConsultationOpenView.as_view(), name="consultation-open"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/<int:pk>/", views.ConsultationDetailView.as_view(), name="consultation-detail"),
    path("consultations/<int:pk>/comment/", views.CommentAddView.as_view(), name="comment-add"),
    path("consultations/<int:pk>/summary/", views.SummaryView.as_view(), name="summary"),
    path("consultations/<int:pk>/summary.xlsx", views.SummaryXlsxView.as_view(), name="summary-xlsx"),
    path("consultations/<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
]
