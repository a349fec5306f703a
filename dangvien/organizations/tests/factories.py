"""Factories for organisation trees, built through the services (real paths)."""

import datetime as dt

import factory

from dangvien.core.actors import SYSTEM
from dangvien.organizations import services
from dangvien.organizations.models import Level, Organization, UnitType


class OrganizationFactory(factory.Factory):
    class Meta:
        model = Organization

    parent = None
    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.Sequence(lambda n: f"Chi bộ thôn số {n}")
    level = Level.CELL
    unit_type = UnitType.COMMUNE
    valid_from = dt.date(2020, 1, 1)

    @classmethod
    def _create(cls, model_class, *, parent, code, name, level, **kwargs):
        return services.organization_create(
            actor=SYSTEM, parent=parent, code=code, name=name, level=level, **kwargs
        )


def build_tree():
    """province -> commune committee -> two cells; province -> agency committee -> one cell."""
    province = OrganizationFactory(name="Đảng bộ tỉnh Hà Tĩnh", level=Level.PROVINCIAL)
    commune = OrganizationFactory(
        parent=province, name="Đảng bộ xã Cẩm Xuyên", level=Level.SUPERIOR
    )
    cell_a = OrganizationFactory(parent=commune, name="Chi bộ thôn Đông")
    cell_b = OrganizationFactory(parent=commune, name="Chi bộ thôn Tây")
    agency = OrganizationFactory(
        parent=province,
        name="Đảng bộ Sở Y tế",
        level=Level.GRASSROOTS_COMMITTEE,
        unit_type=UnitType.AGENCY,
    )
    cell_c = OrganizationFactory(parent=agency, name="Chi bộ Văn phòng", unit_type=UnitType.AGENCY)
    return {
        "province": province,
        "commune": commune,
        "cell_a": cell_a,
        "cell_b": cell_b,
        "agency": agency,
        "cell_c": cell_c,
    }
