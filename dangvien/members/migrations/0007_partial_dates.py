# Dates known only by year or by month and year; the old 9-digit identity card number.

import django.core.validators
from django.db import migrations, models

PRECISION = dict(
    choices=[("day", "ngày"), ("month", "tháng"), ("year", "năm")],
    db_default="day",
    default="day",
    max_length=5,
)


def precision(label):
    return models.CharField(verbose_name=label, **PRECISION)


def old_identity_number():
    return models.CharField(
        blank=True,
        db_default="",
        default="",
        max_length=9,
        validators=[
            django.core.validators.RegexValidator(
                "^[0-9]{9}$",
                code="old_identity_number_digits",
                message="Số CMND cũ phải gồm đúng 9 chữ số (số CCCD 12 số ghi ở ô «Số CCCD»).",
            )
        ],
        verbose_name="số CMND cũ (9 số)",
    )


FIELDS = [
    ("member", "birth_date_precision", "ngày sinh biết đến"),
    ("member", "joining_date_precision", "ngày vào Đảng biết đến"),
    ("member", "official_date_precision", "ngày chính thức biết đến"),
    ("historicalmember", "birth_date_precision", "ngày sinh biết đến"),
    ("historicalmember", "joining_date_precision", "ngày vào Đảng biết đến"),
    ("historicalmember", "official_date_precision", "ngày chính thức biết đến"),
    ("membershipevent", "date_precision", "ngày biết đến"),
]
for model in ("postheld", "workhistory", "tripabroad"):
    for prefix in ("", "historical"):
        FIELDS.append((prefix + model, "start_precision", "từ ngày biết đến"))
        FIELDS.append((prefix + model, "end_precision", "đến ngày biết đến"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_birth_date_decision"),
    ]

    operations = [
        migrations.AddField(model_name=model, name=name, field=precision(label))
        for model, name, label in FIELDS
    ] + [
        migrations.AddField(model_name=model, name="old_identity_number", field=old_identity_number())
        for model in ("member", "historicalmember")
    ]
