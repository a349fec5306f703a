from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "dangvien.organizations"
    label = "organizations"
    verbose_name = "Tổ chức đảng"
