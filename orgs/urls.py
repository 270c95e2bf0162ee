from django.urls import path

from orgs import people, views

app_name = "orgs"
urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<int:pk>/dissolve/", views.UnitDissolveView.as_view(), name="unit-dissolve"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("people/", people.PersonListView.as_view(), name="person-list"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person-detail"),
]
