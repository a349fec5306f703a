from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "dangvien.badges"
    label = "badges"
    verbose_name = "Huy hiệu Đảng"
