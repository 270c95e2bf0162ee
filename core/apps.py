from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import nav  # noqa: F401
        from core.reminders import on_write

        # A write to a model that a reminder producer watches refreshes that federation's reminders.
        post_save.connect(on_write, dispatch_uid="core.reminders.on_save")
        post_delete.connect(on_write, dispatch_uid="core.reminders.on_delete")
