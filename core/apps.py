from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import nav, tasks  # noqa: F401 (tasks: the reminders' background queue)
        from core.reminders import on_write

        # A write to a model that a reminder producer watches refreshes that federation's reminders.
        post_save.connect(on_write, dispatch_uid="core.reminders.on_save")
        post_delete.connect(on_write, dispatch_uid="core.reminders.on_delete")
        _audit_commands()


def _audit_commands() -> None:
    """Every management command's writes are recorded as coming from "命令行：<command>" (the shared
    mechanism for all apps' commands; a command's own `acting_as` keeps that origin)."""
    from django.core.management.base import BaseCommand

    if getattr(BaseCommand.execute, "jinguo_audited", False):
        return
    original = BaseCommand.execute

    def execute(self, *args, **options):  # type: ignore[no-untyped-def]
        from core import audit

        name = type(self).__module__.rsplit(".", 1)[-1]
        with audit.in_command(name):
            return original(self, *args, **options)

    execute.jinguo_audited = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute  # type: ignore[method-assign]
