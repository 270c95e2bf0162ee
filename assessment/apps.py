from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "量化自查"

    def ready(self) -> None:
        from assessment import nav, plugs  # noqa: F401

        plugs.register()
