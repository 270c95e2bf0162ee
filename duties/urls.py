from django.urls import path

from duties import views
from duties import views_cases as vc
from duties import views_exchange as vx
from duties import views_records as vrec
from duties import views_roster as vr

app_name = "duties"
urlpatterns = [
    path("", views.ExecutiveListView.as_view(), name="executive-list"),
    path("mine/", views.my_duties, name="mine"),
    path("executives/new/", views.executive_appoint, name="executive-appoint"),
    path("coverage/", views.coverage, name="coverage"),
    path("settings/", views.duty_settings, name="settings"),
    path("executives/<int:pk>/", views.ExecutiveDetailView.as_view(), name="executive-detail"),
    path("executives/<int:pk>/end/", views.ExecutiveEndView.as_view(), name="executive-end"),
    path("executives/<int:pk>/assign/", views.AssignmentCreateView.as_view(), name="assignment-create"),
    path("assignments/<int:pk>/family/", views.FamilyRevealView.as_view(), name="family-detail"),
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
    path("meetings/", vx.meeting_list, name="meeting-list"),
    path("meetings/new/", vx.meeting_schedule, name="meeting-schedule"),
    path("meetings/<int:pk>/", vx.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/attendance/", vx.AttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<int:pk>/minutes/", vx.MinutesView.as_view(), name="meeting-minutes"),
    path("suggestions/", vx.suggestion_list, name="suggestion-list"),
    path("suggestions/new/", vx.suggestion_submit, name="suggestion-submit"),
    path("suggestions/<int:pk>/", vx.SuggestionDetailView.as_view(), name="suggestion-detail"),
    path("suggestions/<int:pk>/accept/", vx.AcceptView.as_view(), name="suggestion-accept"),
    path("suggestions/<int:pk>/assign/", vx.AssignView.as_view(), name="suggestion-assign"),
    path("suggestions/<int:pk>/extend/", vx.ExtendView.as_view(), name="suggestion-extend"),
    path("suggestions/<int:pk>/answer/", vx.AnswerView.as_view(), name="suggestion-answer"),
    path("suggestions/<int:pk>/rate/", vx.RateView.as_view(), name="suggestion-rate"),
    path("records/", vrec.records, name="records"),
    path("records/export/", vrec.records_export, name="records-export"),
    path("executives/<int:pk>/report/", vrec.DutyReportView.as_view(), name="duty-report"),
]
