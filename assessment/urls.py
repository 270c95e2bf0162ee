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
    path("forms/<int:pk>/return/", views.SelfCheckReturnView.as_view(), name="form-return"),
    path("answers/<int:pk>/dispute/", views.AnswerDisputeView.as_view(), name="answer-dispute"),
]
