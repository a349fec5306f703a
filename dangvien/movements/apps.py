from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "dangvien.movements"
    label = "movements"
    verbose_name = "Chuyển sinh hoạt, ra khỏi Đảng"

    def ready(self) -> None:
        # Register the transfer and removal tables (compliance.workflow.REGISTRY):
        # open cases are labelled from them wherever they are read.
        from . import workflow  # noqa: F401
