from django.urls import path

from duties import views

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
]
