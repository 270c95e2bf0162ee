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
]
