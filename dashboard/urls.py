from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("lists/<slug:kind>/", views.ProblemListView.as_view(), name="list"),
    path("export/<slug:kind>.xlsx", views.export, name="export"),
]
