from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "文件资料"

    def ready(self) -> None:
        # nav: the menu entries.
        from documents import nav, plugs  # noqa: F401

        plugs.register()
