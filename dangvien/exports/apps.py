from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "dangvien.exports"
    label = "exports"
    verbose_name = "Xuất dữ liệu"
