import pytest

from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory
from dangvien.places.models import Commune, Province


@pytest.fixture
def tree(db):
    """Hà Tĩnh province -> Cẩm Xuyên commune committee -> two cells; and an agency committee."""
    province = OrganizationFactory(
        name="Đảng bộ tỉnh Hà Tĩnh",
        document_name="ĐẢNG BỘ TỈNH HÀ TĨNH",
        level=Level.PROVINCIAL,
        province=Province.objects.get(code=42),
    )
    commune = OrganizationFactory(
        parent=province,
        name="Đảng bộ xã Cẩm Xuyên",
        document_name="ĐẢNG ỦY XÃ CẨM XUYÊN",
        level=Level.SUPERIOR,
        commune=Commune.objects.get(code=18673),
    )
    cell_a = OrganizationFactory(
        parent=commune, name="Chi bộ thôn Đông", document_name="CHI BỘ THÔN ĐÔNG"
    )
    cell_b = OrganizationFactory(
        parent=commune, name="Chi bộ thôn Tây", document_name="CHI BỘ THÔN TÂY"
    )
    agency = OrganizationFactory(
        parent=province, name="Đảng bộ Sở Y tế", level=Level.GRASSROOTS_COMMITTEE
    )
    cell_c = OrganizationFactory(parent=agency, name="Chi bộ Văn phòng")
    return {
        "province": province,
        "commune": commune,
        "cell_a": cell_a,
        "cell_b": cell_b,
        "agency": agency,
        "cell_c": cell_c,
    }
