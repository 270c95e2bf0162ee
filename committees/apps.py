from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "妇委会自查"

    def ready(self) -> None:
        # nav: the menu entries; ledger_import: registers its huey task, so the consumer knows it too.
        from committees import ledger_import, nav, plugs  # noqa: F401

        plugs.register()
