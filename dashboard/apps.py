from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("工作台")

    def ready(self) -> None:
        from core.registry import LandingPage, landing_pages
        from core.roles import Role
        from dashboard import nav  # noqa: F401

        # Staff and liaisons start their day on the self-inspection dashboard.
        landing_pages.register(
            "dashboard.index",
            LandingPage(url_name="dashboard:index", roles=frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON})),
            order=10,
        )
