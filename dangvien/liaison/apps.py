from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "dangvien.liaison"
    label = "liaison"
    verbose_name = "Miễn sinh hoạt, đi làm ăn xa, nơi cư trú"
