from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织"

    def ready(self) -> None:
        from orgs import nav, plugs  # noqa: F401

        plugs.register()
