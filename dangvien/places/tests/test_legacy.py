"""Place names from before 01/07/2025 read as today's units (issue 13, part 2):
old provinces, old districts and communes, today's names, unaccented and
abbreviated writing, garbage, and an old commune now split."""

import pytest

from dangvien.places import legacy
from dangvien.places.legacy import PlaceMatch, current_units
from dangvien.places.models import Commune, Province

pytestmark = pytest.mark.django_db

NINH_BINH, HO_CHI_MINH, TUYEN_QUANG, HA_NOI, HUE = 37, 79, 8, 1, 46


@pytest.fixture(autouse=True)
def _empty_cache():
    legacy._current_units_cached.cache_clear()
    yield
    legacy._current_units_cached.cache_clear()


def _commune(province_code: int, name: str) -> Commune:
    return Commune.objects.get(province_id=province_code, name=name)


@pytest.mark.parametrize(
    ("written", "province_code", "note"),
    [
        ("Tỉnh Nam Định", NINH_BINH, "Địa danh cũ “Tỉnh Nam Định” nay thuộc tỉnh Ninh Bình"),
        (
            "Bình Dương",
            HO_CHI_MINH,
            "Địa danh cũ “Tỉnh Bình Dương” nay thuộc Thành phố Hồ Chí Minh",
        ),
        ("Hà Giang", TUYEN_QUANG, "Địa danh cũ “Tỉnh Hà Giang” nay thuộc tỉnh Tuyên Quang"),
        (
            "Tỉnh Thừa Thiên Huế",
            HUE,
            "Địa danh cũ “Tỉnh Thừa Thiên Huế” nay thuộc Thành phố Huế",
        ),
    ],
)
def test_an_old_province_is_read_as_the_province_it_merged_into(written, province_code, note):
    assert current_units(written) == PlaceMatch(
        province=Province.objects.get(pk=province_code),
        commune=None,
        is_old=True,
        ambiguous=False,
        note=note,
    )


def test_an_old_full_address_gives_todays_commune_where_it_went_whole():
    match = current_units("Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định")

    assert match == PlaceMatch(
        province=Province.objects.get(pk=NINH_BINH),
        commune=_commune(NINH_BINH, "Xã Ý Yên"),
        is_old=True,
        ambiguous=False,
        note=(
            "Địa danh cũ “Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định” nay thuộc "
            "xã Ý Yên, tỉnh Ninh Bình"
        ),
    )


def test_an_old_address_in_a_city_that_kept_its_name_is_old_all_the_same():
    match = current_units("Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh")

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (
        HO_CHI_MINH,
        _commune(HO_CHI_MINH, "Phường Sài Gòn"),
        True,
    )
    assert match.note == (
        "Địa danh cũ “Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh” nay thuộc "
        "phường Sài Gòn, Thành phố Hồ Chí Minh"
    )


def test_an_old_island_district_became_a_special_zone():
    match = current_units("Huyện Côn Đảo, Bà Rịa - Vũng Tàu")

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (
        HO_CHI_MINH,
        _commune(HO_CHI_MINH, "Đặc khu Côn Đảo"),
        True,
    )


def test_an_old_district_alone_gives_the_province_and_says_the_commune_is_unknown():
    match = current_units("Quận Cầu Giấy, Hà Nội")

    assert match == PlaceMatch(
        province=Province.objects.get(pk=HA_NOI),
        commune=None,
        is_old=True,
        ambiguous=False,
        note=(
            "Địa danh cũ “Quận Cầu Giấy, Thành phố Hà Nội” nay thuộc Thành phố Hà Nội; "
            "chưa xác định được xã, phường mới"
        ),
    )


@pytest.mark.parametrize(
    ("written", "province_code", "commune_name"),
    [
        ("Phường Sài Gòn, Thành phố Hồ Chí Minh", HO_CHI_MINH, "Phường Sài Gòn"),
        ("Số 5 Lê Lợi, Phường Sài Gòn, TP.HCM", HO_CHI_MINH, "Phường Sài Gòn"),
        # The package's code for it (00166) is not ours: found by name.
        ("Phường Cầu Giấy, Hà Nội", HA_NOI, "Phường Cầu Giấy"),
        # Today's commune, named after the old district: today's reading wins.
        ("Cầu Giấy, Hà Nội", HA_NOI, "Phường Cầu Giấy"),
        ("Xã Yên Phong, Tỉnh Bắc Ninh", 24, "Xã Yên Phong"),
        ("Ninh Bình", NINH_BINH, None),
        ("Hà Nội", HA_NOI, None),
        ("Huế", HUE, None),
    ],
)
def test_todays_names_resolve_and_are_not_flagged_old(written, province_code, commune_name):
    match = current_units(written)

    assert match == PlaceMatch(
        province=Province.objects.get(pk=province_code),
        commune=_commune(province_code, commune_name) if commune_name else None,
        is_old=False,
        ambiguous=False,
        note="",
    )


@pytest.mark.parametrize(
    "written",
    [
        "xa yen phong, huyen y yen, tinh nam dinh",
        "X. Yên Phong, H. Ý Yên, Nam Định",
        "x.yen phong,h.y yen ,  nam   dinh",
        "Yên Phong, Ý Yên, Nam Định",
        "Thôn Đông, Xã Yên Phong, Huyện Ý Yên, Nam Định",
    ],
)
def test_unaccented_abbreviated_and_oddly_spaced_writing_reads_the_same(written):
    match = current_units(written)

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (
        NINH_BINH,
        _commune(NINH_BINH, "Xã Ý Yên"),
        True,
    )
    assert match.note.startswith("Địa danh cũ “Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định”")


@pytest.mark.parametrize(
    ("written", "province_code"),
    [("tp ho chi minh", HO_CHI_MINH), ("  Tp.HCM ", HO_CHI_MINH), ("ha noi", HA_NOI)],
)
def test_unaccented_and_abbreviated_provinces_of_today(written, province_code):
    match = current_units(written)

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (province_code, None, False)


@pytest.mark.parametrize(
    "written",
    [None, "", "   ", "-", "123", "asdfgh qwerty", "Việt Nam", "Paris, Pháp"],
)
def test_text_naming_no_unit_gives_none(written):
    assert current_units(written) is None


def test_a_name_hidden_inside_other_words_is_not_read():
    # The package finds "hn" (Hà Nội) inside "tinhnamdinh" and "Quảng Bị" inside
    # "Quảng Bình": only whole words count.
    nam_dinh = current_units("Tỉnh Nam Định")
    quang_binh = current_units("Quảng Bình")

    assert nam_dinh is not None and nam_dinh.province.pk == NINH_BINH
    assert quang_binh is not None
    assert (quang_binh.province.pk, quang_binh.commune, quang_binh.is_old) == (44, None, True)


def test_an_old_commune_split_among_several_gives_the_province_only_and_says_so():
    match = current_units("Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội")

    assert match == PlaceMatch(
        province=Province.objects.get(pk=HA_NOI),
        commune=None,
        is_old=True,
        ambiguous=True,
        note=(
            "Địa danh cũ “Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội” nay thuộc "
            "Thành phố Hà Nội; phường Dịch Vọng cũ nay chia cho phường Cầu Giấy, "
            "phường Nghĩa Đô: chưa xác định được xã, phường mới"
        ),
    )
    # Both exist today, in the same city.
    assert _commune(HA_NOI, "Phường Cầu Giấy").province_id == HA_NOI
    assert _commune(HA_NOI, "Phường Nghĩa Đô").province_id == HA_NOI


def test_a_repeated_text_is_answered_from_the_cache_without_queries(
    django_assert_num_queries,
):
    first = current_units("Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định")

    with django_assert_num_queries(0):
        again = current_units("Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định")
        spaced = current_units("  Xã Yên Phong,  Huyện Ý Yên, Tỉnh   Nam Định ")

    assert first is not None
    assert again is first
    assert spaced is first  # spacing is evened out before the cache
    assert legacy._current_units_cached.cache_info().currsize == 1


def test_reading_places_writes_nothing():
    provinces = list(Province.objects.values_list("code", "name", "division_type"))
    communes = list(Commune.objects.values_list("code", "name", "province_id"))

    for written in (
        "Tỉnh Nam Định",
        "Phường Sài Gòn, TP.HCM",
        "Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
    ):
        current_units(written)

    assert list(Province.objects.values_list("code", "name", "division_type")) == provinces
    assert list(Commune.objects.values_list("code", "name", "province_id")) == communes
    assert (len(provinces), len(communes)) == (34, 3321)
