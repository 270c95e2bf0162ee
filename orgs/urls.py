from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
]
