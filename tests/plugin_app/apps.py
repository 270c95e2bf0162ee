"""A stand-in for a new module, used by the tests only: it attaches to the platform through the registries
alone (a unit panel, a lifecycle hook, an audit label, a reminder producer, a world extender), and keeps a
confidential record.
No file of core or orgs names it (tests/test_plugin_app.py checks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PluginAppConfig(AppConfig):
    name = "tests.plugin_app"
    label = "plugin_app"
    verbose_name = _("关爱记录（测试模块）")

    def ready(self) -> None:
        from core.registry import audit_action_labels
        from core.reminders import ReminderProducer, reminder_producers
        from core.testing.world import WorldExtender, world_extenders
        from orgs.registry import UnitLifecycleHook, UnitPanel, unit_lifecycle, unit_panels
        from tests.plugin_app import services, views

        unit_panels.register(
            "plugin_app.care", UnitPanel(template="plugin_app/panel.html", context=views.panel), order=50
        )
        unit_lifecycle.register(
            "plugin_app.close_notes",
            UnitLifecycleHook(
                check=services.refuse_if_locked, apply=services.close_notes, describe=services.describe
            ),
        )
        audit_action_labels.register("plugin_app.note_close", _("关闭关爱记录"))
        reminder_producers.register(
            "plugin_app.locked_notes",
            ReminderProducer(
                produce=services.locked_note_notices,
                kinds=frozenset({"care_locked"}),
                watches={"plugin_app.CareNote": "federation_id"},
            ),
        )
        world_extenders.register("plugin_app.notes", WorldExtender(extend=services.add_to_world), order=80)
