from django.urls import path

from lectures import views

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
]
