from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "dangvien.badges"
    label = "badges"
    verbose_name = "Huy hiệu Đảng"

    def ready(self) -> None:
        # A member put out of the Party returns the badge (R4.6, R11.5): the
        # membership event's signal reaches badges.services in its transaction.
        from dangvien.members.signals import membership_ended

        from .services import on_membership_ended

        membership_ended.connect(on_membership_ended, dispatch_uid="badges.endings")
