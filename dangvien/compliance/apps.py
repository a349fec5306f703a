from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "dangvien.compliance"
    label = "compliance"
    verbose_name = "Việc cần làm và quá hạn"
