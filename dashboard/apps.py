from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"

    def ready(self) -> None:
        from dashboard import nav  # noqa: F401
