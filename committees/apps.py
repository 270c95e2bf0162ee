from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "妇委会自查"
