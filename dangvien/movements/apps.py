from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "dangvien.movements"
    label = "movements"
    verbose_name = "Chuyển sinh hoạt, ra khỏi Đảng"
