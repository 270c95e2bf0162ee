from django.urls import include, path

from committees import views, views_actions
from committees import views_corrections as vc

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
    # Corrections (更正) and withdrawals (撤销登记) of recorded events, from the history page.
    path("<int:pk>/formation/correct/", vc.FormationCorrectView.as_view(), name="formation-correct"),
    path("<int:pk>/formation/withdraw/", vc.FormationWithdrawView.as_view(), name="formation-withdraw"),
    path("<int:pk>/dissolution/correct/", vc.DissolutionCorrectView.as_view(), name="dissolution-correct"),
    path("<int:pk>/dissolution/withdraw/", vc.DissolutionWithdrawView.as_view(), name="dissolution-withdraw"),
    path("terms/<int:pk>/correct/", vc.TermCorrectView.as_view(), name="term-correct"),
    path("terms/<int:pk>/withdraw/", vc.TermWithdrawView.as_view(), name="term-withdraw"),
    path("seats/<int:pk>/correct/", vc.SeatCorrectView.as_view(), name="seat-correct"),
    path("seats/<int:pk>/withdraw/", vc.SeatWithdrawView.as_view(), name="seat-withdraw"),
    path("vacancies/<int:pk>/correct/", vc.VacancyCorrectView.as_view(), name="vacancy-correct"),
    path("vacancies/<int:pk>/withdraw/", vc.VacancyWithdrawView.as_view(), name="vacancy-withdraw"),
    path("vacancies/<int:pk>/fill/correct/", vc.FillCorrectView.as_view(), name="fill-correct"),
    path("vacancies/<int:pk>/fill/withdraw/", vc.FillWithdrawView.as_view(), name="fill-withdraw"),
]
