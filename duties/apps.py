from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "执委履职"

    def ready(self) -> None:
        # nav: the menu entries.
        from duties import nav, plugs  # noqa: F401

        plugs.register()
