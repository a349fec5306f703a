from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangvien.dues"
    label = "dues"
    verbose_name = "Đảng phí"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the ARREARS table)
