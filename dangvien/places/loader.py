"""Load the administrative units from the vietnam-provinces package."""

from vietnam_provinces import Province as VNProvince
from vietnam_provinces import Ward as VNWard


def load_places(province_model, commune_model) -> None:
    province_model.objects.bulk_create(
        [
            province_model(
                code=int(p.code),
                name=p.name,
                division_type=p.division_type.value,
                codename=p.codename,
            )
            for p in VNProvince.iter_all()
        ],
        ignore_conflicts=True,
    )
    commune_model.objects.bulk_create(
        [
            commune_model(
                code=int(w.code),
                name=w.name,
                division_type=w.division_type.value,
                codename=w.codename,
                province_id=int(w.province_code),
            )
            for w in VNWard.iter_all()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
