"""Reference data of dues: the regional minimum wage by period and a default
wage region for each commune (see migration 0002 for the sources and the
rule of the defaults). Shared by the migration and the tests' reload."""

import datetime as dt

WAGES = [
    (dt.date(2022, 7, 1), "Nghị định 38/2022/NĐ-CP", (4_680_000, 4_160_000, 3_640_000, 3_250_000)),
    (dt.date(2024, 7, 1), "Nghị định 74/2024/NĐ-CP", (4_960_000, 4_410_000, 3_860_000, 3_450_000)),
    (dt.date(2026, 1, 1), "Nghị định 293/2025/NĐ-CP", (5_310_000, 4_730_000, 4_140_000, 3_700_000)),
]
REGION_I_CITIES = {1, 79, 31, 75}  # Hà Nội, TP. Hồ Chí Minh, Hải Phòng, Đồng Nai
OTHER_CITIES = {46, 48, 92}  # Huế, Đà Nẵng, Cần Thơ
SOURCE = "Mặc định theo loại đơn vị hành chính; chưa đối chiếu Phụ lục NĐ 293/2025/NĐ-CP"


def default_region(province_code: int, division_type: str) -> int:
    ward = division_type == "phường"
    if province_code in REGION_I_CITIES:
        return 1 if ward else 2
    if province_code in OTHER_CITIES:
        return 2 if ward else 3
    return 3 if ward else 4


def load_reference(MinimumWage, CommuneWageRegion, Commune) -> None:
    """Write the wage table and the default regions (idempotent)."""
    for effective_from, source, amounts in WAGES:
        for region, amount in enumerate(amounts, start=1):
            MinimumWage.objects.update_or_create(
                region=region,
                effective_from=effective_from,
                defaults={"amount": amount, "source": source},
            )
    rows = [
        CommuneWageRegion(
            commune_id=code,
            region=default_region(province, kind),
            effective_from=dt.date(2026, 1, 1),
            source=SOURCE,
            confirmed=False,
        )
        for code, province, kind in Commune.objects.values_list(
            "code", "province_id", "division_type"
        )
    ]
    CommuneWageRegion.objects.bulk_create(rows, batch_size=2_000, ignore_conflicts=True)
