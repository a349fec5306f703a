from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "dangvien.movements"
    label = "movements"
    verbose_name = "Chuyển sinh hoạt, ra khỏi Đảng"

    def ready(self) -> None:
        # Register the transfer and removal tables (compliance.workflow.REGISTRY):
        # open cases are labelled from them wherever they are read.
        # The end of a membership closes every side file (endings.py).
        from dangvien.members.signals import membership_ended

        from . import workflow  # noqa: F401
        from .endings import on_membership_ended

        membership_ended.connect(on_membership_ended, dispatch_uid="movements.endings")
