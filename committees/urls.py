from django.urls import include, path

from committees import views, views_actions

app_name = "committees"
urlpatterns = [
    path("", include("committees.urls_ledger")),
    path("units/<int:pk>/history/", views.UnitCommitteeHistoryView.as_view(), name="unit-history"),
    path("units/<int:pk>/form/", views_actions.CommitteeFormView.as_view(), name="committee-form"),
    path("<int:pk>/reelect/", views_actions.TermReelectView.as_view(), name="term-reelect"),
    path("<int:pk>/seats/new/", views_actions.SeatAssignView.as_view(), name="seat-assign"),
    path("<int:pk>/dissolve/", views_actions.CommitteeDissolveView.as_view(), name="committee-dissolve"),
    path("seats/<int:pk>/vacate/", views_actions.SeatVacateView.as_view(), name="seat-vacate"),
    path("vacancies/<int:pk>/fill/", views_actions.VacancyFillView.as_view(), name="vacancy-fill"),
]
