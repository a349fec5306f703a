from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangvien.admissions"
    label = "admissions"
    verbose_name = "Kết nạp đảng viên"
