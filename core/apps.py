from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from core import nav  # noqa: F401
