from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from config.api import api


def _api_urls() -> list[URLPattern | URLResolver]:
    # The API authenticates each request by its bearer token (accounts.api_auth.BearerToken), not the session.
    patterns, app_name, namespace = api.urls
    for p in patterns:
        if isinstance(p, URLPattern):
            p.callback = login_not_required(p.callback)
    return [path("api/v1/", include((patterns, app_name), namespace=namespace))]


urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("committees/", include("committees.urls")),
    path("lectures/", include("lectures.urls")),
    path("duties/", include("duties.urls")),
    path("assessment/", include("assessment.urls")),
    path("documents/", include("documents.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    *_api_urls(),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
handler403 = "core.errors.forbidden"

if settings.DEBUG:
    pass
