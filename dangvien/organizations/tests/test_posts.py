"""Posts of an organisation's committee, by date, and who signs its papers (issue 9.3)."""

import datetime as dt

import pytest

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.members.tests.factories import MemberFactory
from dangvien.organizations import posts
from dangvien.organizations.models import CommitteePost, CommitteePostKind
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date
K = CommitteePostKind


@pytest.fixture
def tree():
    return build_tree()


def _assign(org, kind, name, starts_on, **more):
    return posts.post_assign(
        actor=SYSTEM, organization=org, kind=kind, name=name, starts_on=starts_on, **more
    )


def test_the_signer_changes_on_the_day_the_new_secretary_starts(tree):
    commune = tree["commune"]
    _assign(commune, K.SECRETARY, "Đào Ngọc Minh", D(2020, 10, 1))
    _assign(commune, K.SECRETARY, "Lê Thị Hoa", D(2026, 6, 1))
    old = CommitteePost.objects.get(name="Đào Ngọc Minh")
    assert old.ends_on == D(2026, 5, 31)  # ended the day before the new one starts

    day_before = posts.signer_for(commune, D(2026, 5, 31), "T/M BAN THƯỜNG VỤ")
    day_of = posts.signer_for(commune, D(2026, 6, 1), "T/M BAN THƯỜNG VỤ")
    day_after = posts.signer_for(commune, D(2026, 6, 2), "T/M BAN THƯỜNG VỤ")
    assert (day_before.capacity, day_before.title, day_before.name) == (
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "Đào Ngọc Minh",
    )
    assert (day_of.title, day_of.name) == ("BÍ THƯ", "Lê Thị Hoa")
    assert (day_after.title, day_after.name) == ("BÍ THƯ", "Lê Thị Hoa")
    # The edit of the old row is in its history (who, when, before, after).
    assert old.history.count() == 2
    assert old.history.earliest().ends_on is None


def test_a_deputy_signs_when_the_secretary_post_is_vacant(tree):
    cell = tree["cell_a"]
    secretary = _assign(cell, K.SECRETARY, "Nguyễn Văn An", D(2024, 1, 1))
    _assign(cell, K.DEPUTY_SECRETARY, "Trần Thị Bình", D(2024, 1, 1))
    posts.post_end(actor=SYSTEM, post=secretary, ends_on=D(2026, 3, 15))

    assert posts.signer_for(cell, D(2026, 3, 15)).name == "Nguyễn Văn An"
    signer = posts.signer_for(cell, D(2026, 3, 16))
    assert (signer.capacity, signer.title, signer.name) == (
        "T/M CHI BỘ",
        "PHÓ BÍ THƯ",
        "Trần Thị Bình",
    )


def test_nobody_in_post_leaves_the_name_blank_and_says_so(tree):
    signer = posts.signer_for(tree["agency"], D(2026, 3, 1))
    assert signer.missing and signer.name == ""
    assert (signer.capacity, signer.title) == ("T/M ĐẢNG ỦY", "BÍ THƯ")


def test_the_organisation_board_is_signed_by_its_head_or_for_the_head(tree):
    province = tree["province"]
    _assign(province, K.BOARD_DEPUTY, "Phạm Văn Cường", D(2025, 7, 1))
    signer = posts.signer_for(province, D(2026, 1, 5), "BAN TỔ CHỨC")
    assert (signer.capacity, signer.title, signer.name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Phạm Văn Cường",
    )
    _assign(province, K.BOARD_HEAD, "Hồ Thị Dung", D(2026, 1, 1))
    assert posts.signer_for(province, D(2026, 1, 5), "BAN TỔ CHỨC").name == "Hồ Thị Dung"


def test_a_voided_row_no_longer_signs_and_is_kept(tree):
    cell = tree["cell_b"]
    post = _assign(cell, K.SECRETARY, "Nhầm Tên", D(2025, 1, 1))
    with pytest.raises(DomainError) as err:
        posts.post_void(actor=SYSTEM, post=post, reason="  ")
    assert err.value.code == "post_reason_required"
    posts.post_void(actor=SYSTEM, post=post, reason="Ghi nhầm người")
    assert posts.signer_for(cell, D(2025, 6, 1)).missing
    assert CommitteePost.objects.filter(pk=post.pk, voided=True).exists()


def test_refusals(tree):
    cell = tree["cell_a"]
    outsider = MemberFactory(organization=tree["cell_c"])
    with pytest.raises(DomainError) as err:
        posts.post_assign(
            actor=SYSTEM,
            organization=cell,
            kind=K.COMMITTEE_MEMBER,
            member=outsider,
            starts_on=D(2025, 1, 1),
        )
    assert err.value.code == "post_member_outside"
    with pytest.raises(DomainError) as err:
        _assign(cell, K.SECRETARY, "", D(2025, 1, 1))
    assert err.value.code == "post_name_required"
    with pytest.raises(DomainError) as err:
        _assign(cell, K.SECRETARY, "Ai Đó", D(2019, 1, 1))  # before the cell was founded
    assert err.value.code == "post_before_founded"
    _assign(cell, K.SECRETARY, "Mới Hơn", D(2026, 1, 1))
    with pytest.raises(DomainError) as err:
        _assign(cell, K.SECRETARY, "Cũ Hơn", D(2025, 1, 1))
    assert err.value.code == "post_secretary_later"
    member = MemberFactory(organization=cell)
    posts.post_assign(
        actor=SYSTEM,
        organization=cell,
        kind=K.COMMITTEE_MEMBER,
        member=member,
        starts_on=D(2025, 1, 1),
    )
    with pytest.raises(DomainError) as err:
        posts.post_assign(
            actor=SYSTEM,
            organization=cell,
            kind=K.COMMITTEE_MEMBER,
            member=member,
            starts_on=D(2025, 6, 1),
        )
    assert err.value.code == "post_overlap"


def test_committee_names_for_recipients(tree):
    assert posts.committee_name(tree["commune"]) == "Đảng ủy xã Cẩm Xuyên"
    assert posts.committee_name(tree["province"]) == "Tỉnh ủy Hà Tĩnh"
    assert posts.committee_name(tree["agency"]) == "Đảng ủy Sở Y tế"
    assert posts.committee_name(tree["cell_a"]) == "Chi bộ thôn Đông"
