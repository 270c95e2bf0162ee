from django.urls import path

from tests.plugin_app import views

app_name = "plugin_app"
urlpatterns = [path("notes/<int:pk>/", views.CareNoteDetailView.as_view(), name="note-detail")]
