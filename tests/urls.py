"""The test suite's URLconf: the site's, plus the stand-in module (tests/plugin_app)."""

from django.urls import include, path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("plugin/", include("tests.plugin_app.urls"))]
