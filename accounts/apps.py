from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self) -> None:
        from accounts import nav, plugs, signals  # noqa: F401

        plugs.register()
