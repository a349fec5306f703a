from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangvien.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 - registers field__any
