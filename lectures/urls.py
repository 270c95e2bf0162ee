from django.urls import path

from lectures import views, views_overview, views_review, views_schedule, views_walkin

app_name = "lectures"
urlpatterns = [
    path("volunteers/", views.VolunteerListView.as_view(), name="volunteer-list"),
    path("volunteers/new/", views.volunteer_register, name="volunteer-register"),
    path("volunteers/me/", views.volunteer_me, name="volunteer-me"),
    path("volunteers/<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer-detail"),
    path("volunteers/<int:pk>/edit/", views.VolunteerEditView.as_view(), name="volunteer-edit"),
    path("volunteers/<int:pk>/approve/", views.VolunteerApproveView.as_view(), name="volunteer-approve"),
    path("volunteers/<int:pk>/suspend/", views.VolunteerSuspendView.as_view(), name="volunteer-suspend"),
    path(
        "volunteers/<int:pk>/reinstate/", views.VolunteerReinstateView.as_view(), name="volunteer-reinstate"
    ),
    path(
        "volunteers/<int:pk>/qualifications/new/",
        views.QualificationAddView.as_view(),
        name="qualification-add",
    ),
    path(
        "qualifications/<int:pk>/evidence/",
        views.QualificationEvidenceView.as_view(),
        name="qualification-evidence",
    ),
    path(
        "qualifications/<int:pk>/remove/", views.QualificationRemoveView.as_view(), name="qualification-remove"
    ),
    path(
        "volunteers/<int:pk>/service/new/", views.OtherServiceAddView.as_view(), name="other-service-add"
    ),
    path("service/", views.OtherServiceListView.as_view(), name="other-service-list"),
    path("service/<int:pk>/approve/", views.OtherServiceApproveView.as_view(), name="other-service-approve"),
    path("service/<int:pk>/reject/", views.OtherServiceRejectView.as_view(), name="other-service-reject"),
    path(
        "service/<int:pk>/evidence/", views.OtherServiceEvidenceView.as_view(), name="other-service-evidence"
    ),
    path("categories/", views.category_list, name="category-list"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category-edit"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/new/", views.topic_propose, name="topic-propose"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<int:pk>/edit/", views.TopicEditView.as_view(), name="topic-edit"),
    path("topics/<int:pk>/revise/", views.TopicReviseView.as_view(), name="topic-revise"),
    path("topics/<int:pk>/review/", views.TopicReviewView.as_view(), name="topic-review"),
    path("topics/<int:pk>/retire/", views.TopicRetireView.as_view(), name="topic-retire"),
    path("topics/<int:pk>/restore/", views.TopicRestoreView.as_view(), name="topic-restore"),
    path("topics/<int:pk>/lecturers/", views.TopicLecturersView.as_view(), name="topic-lecturers"),
    path(
        "topics/<int:pk>/qualification/",
        views.TopicQualificationView.as_view(),
        name="topic-qualification",
    ),
    path("topics/<int:pk>/schedule/", views.TopicScheduleView.as_view(), name="topic-schedule"),
    path("", views.LectureListView.as_view(), name="lecture-list"),
    path("mine/", views.my_lectures, name="my-lectures"),
    path("<int:pk>/", views.LectureDetailView.as_view(), name="lecture-detail"),
    path("<int:pk>/register/", views.LectureRegisterView.as_view(), name="lecture-register"),
    path("<int:pk>/checkin/", views.LectureCheckinView.as_view(), name="lecture-checkin"),
    path("<int:pk>/hold/", views.LectureHoldView.as_view(), name="lecture-hold"),
    path("<int:pk>/cancel/", views.LectureCancelView.as_view(), name="lecture-cancel"),
    path(
        "registrations/<int:pk>/cancel/", views.RegistrationCancelView.as_view(), name="registration-cancel"
    ),
    path(
        "registrations/<int:pk>/attendance/", views.RegistrationMarkView.as_view(), name="registration-mark"
    ),
    path(
        "registrations/<int:pk>/offer/accept/",
        views.RegistrationOfferAcceptView.as_view(),
        name="registration-offer-accept",
    ),
    path(
        "registrations/<int:pk>/offer/decline/",
        views.RegistrationOfferDeclineView.as_view(),
        name="registration-offer-decline",
    ),
    path("registrations/<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback-give"),
    path("topics/<int:pk>/order/", views.TopicOrderView.as_view(), name="topic-order"),
    path("orders/", views.RequestListView.as_view(), name="request-list"),
    path("orders/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("orders/<int:pk>/match/", views.RequestMatchView.as_view(), name="request-match"),
    path("orders/<int:pk>/accept/", views.RequestAcceptView.as_view(), name="request-accept"),
    path("orders/<int:pk>/decline/", views.RequestDeclineView.as_view(), name="request-decline"),
    path("orders/<int:pk>/reject/", views.RequestRejectView.as_view(), name="request-reject"),
    path("orders/<int:pk>/withdraw/", views.RequestWithdrawView.as_view(), name="request-withdraw"),
    path("orders/<int:pk>/rate/", views.RequestRateView.as_view(), name="request-rate"),
    path("export/lectures.xlsx", views.export_lectures, name="export-lectures"),
    path("export/hours.xlsx", views.export_hours, name="export-hours"),
    path(
        "volunteers/<int:pk>/certificate.pdf",
        views.VolunteerCertificateView.as_view(),
        name="volunteer-certificate",
    ),
    path("<int:pk>/lecture.ics", views.LectureIcsView.as_view(), name="lecture-ics"),
    path("calendar/", views.calendar_feed_settings, name="calendar-feed-settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("certificates/verify/", views.certificate_verify, name="certificate-verify"),
]

# 讲座统计 (lectures.views_overview)
urlpatterns += [
    path("overview/", views_overview.OverviewView.as_view(), name="overview"),
    path("overview/export/<slug:kind>.xlsx", views_overview.overview_export, name="overview-export"),
]

# 讲座日历 (lectures.views_schedule): ?month=2026-12 or ?week=2026-W49
urlpatterns += [
    path("schedule/", views_schedule.schedule, name="schedule"),
]

# 现场登记 (lectures.views_walkin)
urlpatterns += [
    path("<int:pk>/walk-in/", views_walkin.LectureWalkInView.as_view(), name="lecture-walk-in"),
]

# Topic review in phases (课题评审) and volunteers' availability: lectures/views_review.py.

urlpatterns += [
    path("review/", views_review.ReviewQueueView.as_view(), name="review-queue"),
    path("review/next/", views_review.review_next, name="review-next"),
    path("review/topics/<int:pk>/", views_review.ReviewTopicView.as_view(), name="review-topic"),
    path("review/topics/<int:pk>/decide/", views_review.DecisionStageView.as_view(), name="review-decide"),
    path("review/decisions/", views_review.review_decisions, name="review-decisions"),
    path(
        "review/decisions/<int:pk>/withdraw/",
        views_review.DecisionWithdrawView.as_view(),
        name="review-decision-withdraw",
    ),
    path("review/settings/", views_review.review_settings, name="review-settings"),
    path(
        "review/criteria/<int:pk>/edit/",
        views_review.CriterionEditView.as_view(),
        name="review-criterion-edit",
    ),
    path("review/reviewers/", views_review.reviewer_list, name="reviewer-list"),
    path(
        "review/reviewers/<int:pk>/withdraw/",
        views_review.ReviewerWithdrawView.as_view(),
        name="reviewer-withdraw",
    ),
    path(
        "volunteers/<int:pk>/availability/",
        views_review.AvailabilityView.as_view(),
        name="volunteer-availability",
    ),
]
