"""Reference data: the regional minimum wage by period, and a default wage
region for each commune.

Wages (đồng/month, regions I-IV) are the decrees' figures:
- Nghị định 38/2022/NĐ-CP from 01/07/2022: 4,680,000 / 4,160,000 / 3,640,000 / 3,250,000;
- Nghị định 74/2024/NĐ-CP from 01/07/2024: 4,960,000 / 4,410,000 / 3,860,000 / 3,450,000;
- Nghị định 293/2025/NĐ-CP from 01/01/2026: 5,310,000 / 4,730,000 / 4,140,000 / 3,700,000.

The region of each commune after the 2025 reorganisation is listed in the
appendix of Nghị định 293/2025/NĐ-CP, which this installation could not
read. The regions loaded here are DEFAULTS (confirmed=False) by a stated
rule, to be corrected from the appendix (docs/operators-guide.md):
- wards (phường) of Hà Nội, TP. Hồ Chí Minh, Hải Phòng and Đồng Nai: I;
  their communes (xã, đặc khu): II;
- wards of the other centrally run cities (Huế, Đà Nẵng, Cần Thơ): II;
  their communes: III;
- wards of the provinces: III; their communes and special zones: IV.
"""

from django.db import migrations

from dangvien.dues.reference import load_reference


def load(apps, schema_editor):
    load_reference(
        apps.get_model("dues", "MinimumWage"),
        apps.get_model("dues", "CommuneWageRegion"),
        apps.get_model("places", "Commune"),
    )


def unload(apps, schema_editor):
    apps.get_model("dues", "CommuneWageRegion").objects.filter(confirmed=False).delete()
    apps.get_model("dues", "MinimumWage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial"), ("places", "0002_load_places")]
    operations = [migrations.RunPython(load, unload)]
