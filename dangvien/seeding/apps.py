from django.apps import AppConfig


class SeedingConfig(AppConfig):
    name = "dangvien.seeding"
    label = "seeding"
    verbose_name = "Dữ liệu mẫu"
