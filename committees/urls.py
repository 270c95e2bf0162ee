from django.urls import include, path

app_name = "committees"
urlpatterns = [
    path("", include("committees.urls_ledger")),
]
