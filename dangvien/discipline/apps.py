from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "dangvien.discipline"
    label = "discipline"
    verbose_name = "Kiểm tra, giám sát và kỷ luật"
