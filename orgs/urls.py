from django.urls import path

from orgs import people, settings_page, views

app_name = "orgs"
urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<int:pk>/dissolve/", views.UnitDissolveView.as_view(), name="unit-dissolve"),
    path("units/<int:pk>/dissolution/correct/", views.UnitEndCorrectView.as_view(), name="unit-end-correct"),
    path("units/<int:pk>/dissolution/withdraw/", views.UnitEndWithdrawView.as_view(), name="unit-end-withdraw"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("people/", people.PersonListView.as_view(), name="person-list"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person-detail"),
    path("settings/", settings_page.my_federation_settings, name="my-federation-settings"),
    path("federations/<int:pk>/settings/", settings_page.FederationSettingsView.as_view(), name="federation-settings"),
]
