from django.apps import AppConfig


class LecturesConfig(AppConfig):
    name = "lectures"
    verbose_name = "志愿讲课"

    def ready(self) -> None:
        # nav: the menu entries.
        from lectures import nav, plugs  # noqa: F401

        plugs.register()
