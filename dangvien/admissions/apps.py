from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangvien.admissions"
    label = "admissions"
    verbose_name = "Kết nạp đảng viên"

    def ready(self) -> None:
        # Register the admission and recognition tables (compliance.workflow.REGISTRY):
        # the open cases' labels are read from them.
        from . import workflow  # noqa: F401
