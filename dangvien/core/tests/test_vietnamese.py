from dangvien.core.vietnamese import collation_key, fold, name_sort_key, split_full_name


def test_fold_strips_tones_and_maps_d_stroke():
    assert fold("Nguyễn Văn Thước") == "nguyen van thuoc"
    assert fold("  ĐẶNG   Thị  Đào ") == "dang thi dao"


def test_vietnamese_alphabet_order():
    names = ["Đạt", "Em", "Ân", "Anh", "An", "Ăn", "Dũng", "Bình", "Ê", "Yến", "Ý"]
    assert sorted(names, key=collation_key) == [
        "An",
        "Anh",
        "Ăn",
        "Ân",
        "Bình",
        "Dũng",
        "Đạt",
        "Em",
        "Ê",
        "Ý",
        "Yến",
    ]


def test_people_sort_by_given_then_middle_then_family_name():
    people = [
        ("Nguyễn", "Văn", "Bình"),
        ("Trần", "Văn", "An"),
        ("Nguyễn", "Thị", "An"),
        ("Lê", "Thị", "An"),
    ]
    ordered = sorted(people, key=lambda p: name_sort_key(*p))
    assert ordered == [
        ("Lê", "Thị", "An"),
        ("Nguyễn", "Thị", "An"),
        ("Trần", "Văn", "An"),
        ("Nguyễn", "Văn", "Bình"),
    ]


def test_a_shorter_given_name_sorts_before_a_longer_one():
    assert name_sort_key("Zô", "", "An") < name_sort_key("A", "", "Anh")


def test_split_full_name():
    assert split_full_name("Nguyễn Văn Thước") == ("Nguyễn", "Văn", "Thước")
    assert split_full_name("Tôn Nữ Thị Ninh") == ("Tôn", "Nữ Thị", "Ninh")
    assert split_full_name("Hùng") == ("", "", "Hùng")
