"""Place names from before 01/07/2025 read as today's units (issue 13, part 2):
old provinces, old districts and communes, today's names, unaccented and
abbreviated writing, garbage, an old commune now split, the province named as
the bound of the match, and the note quoting the text as written."""

import pytest

from dangvien.places import legacy
from dangvien.places.legacy import PlaceMatch, current_units
from dangvien.places.models import Commune, Province

pytestmark = pytest.mark.django_db

NINH_BINH, HO_CHI_MINH, TUYEN_QUANG, HA_NOI, HUE = 37, 79, 8, 1, 46
HAI_PHONG, HA_TINH = 31, 42


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
            "Địa danh cũ “Bình Dương” nay thuộc Thành phố Hồ Chí Minh",
        ),
        ("Hà Giang", TUYEN_QUANG, "Địa danh cũ “Hà Giang” nay thuộc tỉnh Tuyên Quang"),
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
        "Địa danh cũ “Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh” nay thuộc "
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
            "Địa danh cũ “Quận Cầu Giấy, Hà Nội” nay thuộc Thành phố Hà Nội; "
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
    # The note quotes the text as written, spaces evened out.
    assert match.note == (
        f"Địa danh cũ “{' '.join(written.split())}” nay thuộc xã Ý Yên, tỉnh Ninh Bình"
    )


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
            "Địa danh cũ “Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội” nay thuộc "
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


def test_the_note_quotes_the_text_as_written_not_the_name_the_tables_know():
    # The package knows Xã Cẩm Thăng only as a former name of Xã Nam Phúc Thăng,
    # which it was merged into; that went into today's Xã Thiên Cầm.
    match = current_units("  Xã Cẩm Thăng,  Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh ")

    assert match == PlaceMatch(
        province=Province.objects.get(pk=HA_TINH),
        commune=_commune(HA_TINH, "Xã Thiên Cầm"),
        is_old=True,
        ambiguous=False,
        note=(
            "Địa danh cũ “Xã Cẩm Thăng, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh” nay thuộc "
            "xã Thiên Cầm, tỉnh Hà Tĩnh"
        ),
    )


@pytest.mark.parametrize(
    "written",
    [
        "Tỉnh Xyz",
        "Xã Sơn Đông, Tỉnh Xyz",
        "Xã Hà Tây, Huyện Sơn Tây, Tỉnh Xyz",
        # Units that exist, under a province that does not.
        "Phường Sài Gòn, Tỉnh Xyz",
        "Xã Yên Phong, Huyện Ý Yên, Tỉnh Xyz, Việt Nam",
    ],
)
def test_a_province_typed_but_unknown_gives_no_match(written):
    assert current_units(written) is None


def test_ha_tay_merged_into_ha_noi_in_2008_is_read_as_ha_noi():
    # Without Hà Tây among the provinces, the package reads “Hà Tây” as today's
    # Xã Hà Tây of Hải Phòng.
    match = current_units("Xã Sơn Đông, Huyện Sơn Tây, Tỉnh Hà Tây")

    assert match == PlaceMatch(
        province=Province.objects.get(pk=HA_NOI),
        commune=_commune(HA_NOI, "Xã Đoài Phương"),
        is_old=True,
        ambiguous=False,
        note=(
            "Địa danh cũ “Xã Sơn Đông, Huyện Sơn Tây, Tỉnh Hà Tây” nay thuộc "
            "xã Đoài Phương, Thành phố Hà Nội"
        ),
    )


@pytest.mark.parametrize("written", ["Tỉnh Hà Tây", "Hà Tây", "tinh ha tay"])
def test_ha_tay_alone_is_ha_noi(written):
    assert current_units(written) == PlaceMatch(
        province=Province.objects.get(pk=HA_NOI),
        commune=None,
        is_old=True,
        ambiguous=False,
        note=f"Địa danh cũ “{written}” nay thuộc Thành phố Hà Nội",
    )


@pytest.mark.parametrize(
    "written", ["Xã Hà Tây, Thành phố Hải Phòng", "Xã Hà Tây, Hải Phòng", "Xã Hà Tây"]
)
def test_todays_commune_named_like_the_old_province_is_still_read(written):
    assert current_units(written) == PlaceMatch(
        province=Province.objects.get(pk=HAI_PHONG),
        commune=_commune(HAI_PHONG, "Xã Hà Tây"),
        is_old=False,
        ambiguous=False,
        note="",
    )


@pytest.mark.parametrize(
    ("written", "province_code"),
    [
        ("Xã Hà Tây, Tỉnh Ninh Bình", NINH_BINH),  # today's Xã Hà Tây is in Hải Phòng
        ("Phường Sài Gòn, Hà Nội", HA_NOI),  # today's Phường Sài Gòn is in Hồ Chí Minh
        ("Xã Cẩm Thăng, Tỉnh Nghệ An", 40),  # the old Xã Cẩm Thăng was in Hà Tĩnh
    ],
)
def test_a_commune_of_another_province_gives_the_province_named_only(written, province_code):
    assert current_units(written) == PlaceMatch(
        province=Province.objects.get(pk=province_code),
        commune=None,
        is_old=False,
        ambiguous=False,
        note="",
    )


def test_a_commune_of_another_province_under_an_old_province_gives_where_that_went():
    assert current_units("Xã Hà Tây, Tỉnh Nam Định") == PlaceMatch(
        province=Province.objects.get(pk=NINH_BINH),
        commune=None,
        is_old=True,
        ambiguous=False,
        note="Địa danh cũ “Xã Hà Tây, Tỉnh Nam Định” nay thuộc tỉnh Ninh Bình",
    )


def test_a_provincial_road_is_no_province():
    match = current_units("Tỉnh lộ 10, Xã Yên Phong, Huyện Ý Yên, Tỉnh Nam Định")

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (
        NINH_BINH,
        _commune(NINH_BINH, "Xã Ý Yên"),
        True,
    )


@pytest.mark.parametrize(
    ("written", "province_code", "commune_name", "is_old"),
    [
        # Huyện Sơn Tây of Quảng Ngãi has no Xã Sơn Đông: only Sơn Tây of Hà Nội fits.
        ("Xã Sơn Đông, Huyện Sơn Tây", HA_NOI, "Xã Đoài Phương", True),
        # The package alone reads today's Xã Phú Sơn of Ninh Bình; Tân Phú was a
        # huyện of Đồng Nai and a quận of Hồ Chí Minh, only the first with a Phú Sơn.
        ("Xã Phú Sơn, Huyện Tân Phú", 75, "Xã Phú Lâm", True),
        ("Yên Phong, Ý Yên", NINH_BINH, "Xã Ý Yên", True),  # no other Ý Yên
        ("Số 5 Lê Lợi, Phường Sài Gòn", HO_CHI_MINH, "Phường Sài Gòn", False),
    ],
)
def test_several_parts_without_a_province_are_read_when_one_province_alone_fits(
    written, province_code, commune_name, is_old
):
    match = current_units(written)

    assert match is not None
    assert (match.province.pk, match.commune, match.is_old) == (
        province_code,
        _commune(province_code, commune_name),
        is_old,
    )


@pytest.mark.parametrize(
    "written",
    [
        # A Xã Tân Phú in the Huyện Châu Thành of An Giang, Bến Tre and Đồng Tháp.
        "Xã Tân Phú, Huyện Châu Thành",
        # The package guesses today's Xã Hà Tây of Hải Phòng: no Sơn Tây is there.
        "Xã Hà Tây, Huyện Sơn Tây",
        # Phường Phú Trung of Quận Tân Phú (Hồ Chí Minh), and Xã Phú Trung of Huyện
        # Tân Phú (Đồng Nai), merged into Xã Phú Sơn: the package took the second.
        "Phường Phú Trung, Quận Tân Phú",
    ],
)
def test_several_parts_without_a_province_that_fit_several_or_none_give_none(written):
    assert current_units(written) is None


@pytest.mark.parametrize(("written", "province_code"), [("Xã Văn Bàn", 15), ("Phường An Khê", 52)])
def test_a_province_that_kept_its_name_but_not_its_code_is_found(written, province_code):
    # Lào Cai (10 before, 15 now) and Gia Lai (64, now 52) kept their names and
    # took the codes of Yên Bái and Bình Định.
    match = current_units(written)

    assert match is not None
    assert (match.province.pk, match.is_old) == (province_code, False)
