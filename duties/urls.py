from django.urls import path

from duties import views
from duties import views_cases as vc
from duties import views_roster as vr

app_name = "duties"
urlpatterns = [
    path("", views.ExecutiveListView.as_view(), name="executive-list"),
    path("mine/", views.my_duties, name="mine"),
    path("executives/new/", views.executive_appoint, name="executive-appoint"),
    path("coverage/", views.coverage, name="coverage"),
    path("executives/<int:pk>/", views.ExecutiveDetailView.as_view(), name="executive-detail"),
    path("executives/<int:pk>/end/", views.ExecutiveEndView.as_view(), name="executive-end"),
    path("executives/<int:pk>/assign/", views.AssignmentCreateView.as_view(), name="assignment-create"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment-end"),
    path("assignments/<int:pk>/log/", views.ContactLogCreateView.as_view(), name="log-create"),
    path("logs/<int:pk>/correct/", views.ContactLogCorrectView.as_view(), name="log-correct"),
    path("logs/<int:pk>/withdraw/", views.ContactLogWithdrawView.as_view(), name="log-withdraw"),
    path("roster/", vr.roster, name="roster"),
    path("roster/export/", vr.roster_export, name="roster-export"),
    path("roster/new/", vr.shift_publish, name="shift-publish"),
    path("shifts/<int:pk>/assign/", vr.ShiftAssignView.as_view(), name="shift-assign"),
    path("shifts/<int:pk>/sign-up/", vr.ShiftSignUpView.as_view(), name="shift-sign-up"),
    path("shifts/<int:pk>/check-in/", vr.ShiftCheckInView.as_view(), name="shift-check-in"),
    path("shifts/<int:pk>/offer/", vr.SwapOfferView.as_view(), name="swap-offer"),
    path("swaps/<int:pk>/take/", vr.SwapTakeView.as_view(), name="swap-take"),
    path("swaps/<int:pk>/approve/", vr.SwapApproveView.as_view(), name="swap-approve"),
    path("swaps/<int:pk>/reject/", vr.SwapRejectView.as_view(), name="swap-reject"),
    path("swaps/<int:pk>/withdraw/", vr.SwapWithdrawView.as_view(), name="swap-withdraw"),
    path("cases/", vc.case_list, name="case-list"),
    path("cases/new/", vc.case_intake, name="case-intake"),
    path("cases/stats/", vc.case_stats, name="case-stats"),
    path("cases/<int:pk>/", vc.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/move/", vc.CaseMoveView.as_view(), name="case-move"),
    path("cases/<int:pk>/follow-up/", vc.CaseFollowUpView.as_view(), name="case-follow-up"),
    path("cases/<int:pk>/refer/", vc.ReferralCreateView.as_view(), name="referral-create"),
    path("referrals/<int:pk>/move/", vc.ReferralMoveView.as_view(), name="referral-move"),
]
