from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from accounts import nav, plugs, signals  # noqa: F401

        plugs.register()
