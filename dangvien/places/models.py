"""Administrative units of Vietnam after 1 July 2025 (34 provinces, 3,321 communes
and wards), loaded by migration from the vietnam-provinces package."""

from django.db import models


class Province(models.Model):
    code = models.PositiveSmallIntegerField("mã", primary_key=True)
    name = models.CharField("tên", max_length=100)
    division_type = models.CharField("loại", max_length=40)
    codename = models.CharField(max_length=100)

    class Meta:
        verbose_name = "tỉnh, thành phố"
        verbose_name_plural = "tỉnh, thành phố"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.PositiveIntegerField("mã", primary_key=True)
    name = models.CharField("tên", max_length=100)
    division_type = models.CharField("loại", max_length=40)
    codename = models.CharField(max_length=100)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        verbose_name = "xã, phường, đặc khu"
        verbose_name_plural = "xã, phường, đặc khu"
        ordering = ["province_id", "code"]

    def __str__(self) -> str:
        return self.name
