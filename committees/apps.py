from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("妇委会自查")

    def ready(self) -> None:
        # nav: the menu entries; ledger.jobs: the ledger import and export job kinds (core.jobs).
        from committees import nav, plugs  # noqa: F401
        from committees.ledger import jobs  # noqa: F401

        plugs.register()
        # The rate summary follows every write of units, committees, terms and vacancies.
        from committees import rate_summary

        rate_summary.connect()
