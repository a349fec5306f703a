"""Writing member records: rules enforced, bad input refused with nothing written."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangvien.core.actors import SYSTEM
from dangvien.core.errors import ConcurrentEditError, DomainError, RecordValidationError
from dangvien.members import selectors, services
from dangvien.members.models import EventKind, Gender, Member, MembershipEvent, Status
from dangvien.members.tests.factories import MemberFactory, citizen_id_for
from dangvien.organizations.models import Level
from dangvien.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _snapshot():
    return (Member.objects.count(), MembershipEvent.objects.count(), Member.history.count())


def _png(size=(10, 10)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return SimpleUploadedFile("anh.png", buf.getvalue(), content_type="image/png")


def _valid(**over):
    data = dict(
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="Thước",
        gender=Gender.MALE,
        birth_date=D(1985, 3, 15),
        admission_decision_date=D(2010, 5, 10),
        joining_date=D(2010, 5, 19),
        official_date=D(2011, 5, 19),
    )
    data.update(over)
    return data


def test_create_registers_member_with_admission_and_recognition_events():
    cell = OrganizationFactory()
    member = services.member_create(actor=SYSTEM, organization=cell, data=_valid())
    assert member.status == Status.OFFICIAL
    assert member.organization == cell and member.org_path == cell.path
    assert member.search_name == "nguyen van thuoc"
    assert [e.kind for e in member.events.all()] == [EventKind.ADMITTED, EventKind.RECOGNISED]
    assert member.history.count() == 1


BAD_INPUT = [
    ("citizen_id", {"citizen_id": "12345"}, "12 chữ số"),
    ("citizen_id", {"citizen_id": "042185000001"}, "giới tính"),
    ("citizen_id", {"citizen_id": "42085000001"}, "số 0 ở đầu"),
    ("given_name", {"given_name": "Lan2"}, "chữ cái"),
    ("phone", {"phone": "abc"}, "Số điện thoại"),
    ("gender", {"gender": None}, "giới tính"),
    ("birth_date", {"birth_date": None}, "ngày sinh"),
    ("birth_date", {"birth_date": D(2030, 1, 1)}, "tương lai"),
    (
        "admission_decision_date",
        {"birth_date": D(2011, 1, 1), "admission_decision_date": D(2010, 5, 10)},
        "sau ngày sinh",
    ),
    ("admission_decision_date", {"birth_date": D(1992, 5, 11)}, "18 tuổi"),
    ("official_date", {"official_date": D(2011, 5, 18)}, "19/05/2011"),
    ("given_name", {"given_name": "<script>alert(1)</script>"}, "< hoặc >"),
    ("given_name", {"given_name": "  "}, "nhập tên"),
]


@pytest.mark.parametrize("field,override,message", BAD_INPUT)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(field, override, message):
    cell = OrganizationFactory()
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(actor=SYSTEM, organization=cell, data=_valid(**override))
    assert any(message in m for m in err.value.errors[field]), err.value.errors
    assert _snapshot() == before


def test_admitted_on_the_day_of_18th_birthday_is_accepted():
    member = services.member_create(
        actor=SYSTEM, organization=OrganizationFactory(), data=_valid(birth_date=D(1992, 5, 10))
    )
    assert member.pk


def test_official_exactly_at_the_end_of_probation_is_accepted():
    member = services.member_create(
        actor=SYSTEM, organization=OrganizationFactory(), data=_valid(official_date=D(2011, 5, 19))
    )
    assert member.official_date == D(2011, 5, 19)


def test_duplicate_citizen_id_and_party_card_are_refused():
    cell = OrganizationFactory()
    cid = citizen_id_for(D(1985, 3, 15), Gender.MALE, 1)
    MemberFactory(organization=cell, citizen_id=cid, party_card_number="42000001")
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=cell,
            data=_valid(citizen_id=cid, party_card_number="42000001"),
        )
    assert "đảng viên khác" in err.value.errors["citizen_id"][0]
    assert "người khác" in err.value.errors["party_card_number"][0]
    assert _snapshot() == before


def test_photo_too_large_is_refused(settings):
    settings.MEMBER_PHOTO_MAX_BYTES = 100
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM, organization=OrganizationFactory(), data=_valid(photo=_png((200, 200)))
        )
    assert "quá lớn" in err.value.errors["photo"][0]
    assert _snapshot() == before


def test_a_file_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("anh.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM, organization=OrganizationFactory(), data=_valid(photo=fake)
        )
    assert "không phải là ảnh" in err.value.errors["photo"][0]


def test_members_live_only_in_cells():
    committee = OrganizationFactory(level=Level.GRASSROOTS_COMMITTEE)
    with pytest.raises(DomainError):
        services.member_create(actor=SYSTEM, organization=committee, data=_valid())
    assert Member.objects.count() == 0


def test_update_keeps_who_when_before_and_after(django_user_model):
    editor = django_user_model.objects.create_user("chibo", password="x-Test-1234")
    member = MemberFactory(organization=OrganizationFactory())
    services.member_update(
        actor=editor,
        member_id=member.pk,
        expected_version=1,
        data={"phone": "0912345678", "given_name": "Thước"},
    )
    member.refresh_from_db()
    assert member.version == 2 and member.search_name == "nguyen van thuoc"
    last = member.history.first()
    assert last.history_user == editor and last.history_type == "~"
    changes = {c.field: (c.old, c.new) for c in last.diff_against(last.prev_record).changes}
    assert changes["phone"] == ("", "0912345678")


def test_second_save_of_a_stale_version_is_refused_and_changes_nothing():
    member = MemberFactory(organization=OrganizationFactory())
    services.member_update(
        actor=SYSTEM, member_id=member.pk, expected_version=1, data={"phone": "0911111111"}
    )
    with pytest.raises(ConcurrentEditError):
        services.member_update(
            actor=SYSTEM, member_id=member.pk, expected_version=1, data={"phone": "0922222222"}
        )
    member.refresh_from_db()
    assert member.phone == "0911111111" and member.version == 2
    assert member.history.count() == 2


def test_update_with_bad_data_changes_nothing():
    member = MemberFactory(organization=OrganizationFactory())
    with pytest.raises(RecordValidationError):
        services.member_update(
            actor=SYSTEM,
            member_id=member.pk,
            expected_version=1,
            data={"official_date": D(2010, 6, 1)},
        )
    member.refresh_from_db()
    assert member.official_date == D(2011, 5, 19) and member.version == 1


class TestEvents:
    def test_transfer_between_cells_moves_the_member_and_shortens_party_age(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        member = MemberFactory(organization=a)
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.TRANSFERRED_OUT, date=D(2015, 1, 1)
        )
        member.refresh_from_db()
        assert member.status == Status.TRANSFERRED_OUT and member.organization == a
        services.member_add_event(
            actor=SYSTEM,
            member=member,
            kind=EventKind.TRANSFERRED_IN,
            date=D(2015, 3, 2),
            organization=b,
        )
        member.refresh_from_db()
        assert (member.status, member.organization, member.org_path) == (Status.OFFICIAL, b, b.path)
        age = selectors.member_party_age(member, D(2020, 5, 10))
        assert age.gap_days == 60

    def test_out_of_order_event_is_refused_and_nothing_is_written(self):
        member = MemberFactory(organization=OrganizationFactory(), official_date=None)
        events = MembershipEvent.objects.count()
        with pytest.raises(DomainError):
            services.member_add_event(
                actor=SYSTEM,
                member=member,
                kind=EventKind.TRANSFERRED_IN,
                date=D(2012, 1, 1),
                organization=OrganizationFactory(),
            )
        assert MembershipEvent.objects.count() == events

    def test_state_on_a_past_date(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        member = MemberFactory(organization=a)
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.TRANSFERRED_OUT, date=D(2015, 1, 1)
        )
        services.member_add_event(
            actor=SYSTEM,
            member=member,
            kind=EventKind.TRANSFERRED_IN,
            date=D(2015, 1, 10),
            organization=b,
        )
        assert selectors.member_state_on(member, D(2009, 1, 1)).status is None
        assert selectors.member_state_on(member, D(2011, 1, 1)).status == Status.PROBATIONARY
        on_2014 = selectors.member_state_on(member, D(2014, 12, 31))
        assert (on_2014.status, on_2014.organization) == (Status.OFFICIAL, a)
        assert selectors.member_state_on(member, D(2015, 1, 5)).status == Status.TRANSFERRED_OUT
        assert selectors.member_state_on(member, D(2016, 1, 1)).organization == b
        assert list(selectors.members_of_organization_on(a, D(2014, 1, 1))) == [member]
        assert list(selectors.members_of_organization_on(a, D(2016, 1, 1))) == []
        assert list(selectors.members_of_organization_on(b, D(2016, 1, 1))) == [member]

    def test_name_deletion_ends_membership_but_keeps_the_record(self):
        member = MemberFactory(organization=OrganizationFactory())
        services.member_add_event(
            actor=SYSTEM,
            member=member,
            kind=EventKind.NAME_DELETED,
            date=D(2020, 1, 1),
            reason="Bỏ sinh hoạt 3 tháng",
        )
        member.refresh_from_db()
        assert member.status == Status.NAME_DELETED
        assert member.events.count() == 3


class TestRulesOnEvents:
    def _member(self):
        # ceremony 19/05/2010: probation ends 19/05/2011
        return MemberFactory(organization=OrganizationFactory(), official_date=None)

    def test_recognition_only_on_the_day_probation_ends(self):
        member = self._member()
        for wrong in (D(2011, 5, 18), D(2011, 5, 20)):
            with pytest.raises(DomainError, match="19/05/2011"):
                services.member_add_event(
                    actor=SYSTEM, member=member, kind=EventKind.RECOGNISED, date=wrong
                )
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.RECOGNISED, date=D(2011, 5, 19)
        )
        member.refresh_from_db()
        assert member.status == Status.OFFICIAL

    def test_recognition_does_not_move_the_member(self):
        member = self._member()
        home = member.organization
        services.member_add_event(
            actor=SYSTEM,
            member=member,
            kind=EventKind.RECOGNISED,
            date=D(2011, 5, 19),
            organization=OrganizationFactory(),
        )
        member.refresh_from_db()
        assert member.organization == home

    def test_a_probationary_member_cannot_be_expelled(self):
        member = self._member()
        with pytest.raises(DomainError):
            services.member_add_event(
                actor=SYSTEM, member=member, kind=EventKind.EXPELLED, date=D(2010, 12, 1)
            )
        assert member.events.count() == 1

    def test_readmission_waits_36_months_and_happens_once(self):
        member = MemberFactory(organization=OrganizationFactory())
        cell = member.organization
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.NAME_DELETED, date=D(2015, 3, 10)
        )
        with pytest.raises(DomainError, match="10/03/2018"):
            services.member_add_event(
                actor=SYSTEM,
                member=member,
                kind=EventKind.READMITTED,
                date=D(2018, 3, 9),
                organization=cell,
            )
        services.member_add_event(
            actor=SYSTEM,
            member=member,
            kind=EventKind.READMITTED,
            date=D(2018, 3, 10),
            organization=cell,
        )
        member.refresh_from_db()
        assert member.status == Status.PROBATIONARY
        # Probation again: no party age to show until recognised again (R1.18).
        assert selectors.member_party_age(member, D(2018, 6, 1)) is None
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.RECOGNISED, date=D(2019, 3, 10)
        )
        age = selectors.member_party_age(member, D(2019, 3, 10))
        assert age.counted_from == D(2010, 5, 10) + dt.timedelta(
            days=(D(2018, 3, 10) - D(2015, 3, 10)).days
        )
        services.member_add_event(
            actor=SYSTEM, member=member, kind=EventKind.NAME_DELETED, date=D(2020, 1, 1)
        )
        with pytest.raises(DomainError, match="một lần"):
            services.member_add_event(
                actor=SYSTEM,
                member=member,
                kind=EventKind.READMITTED,
                date=D(2024, 1, 1),
                organization=cell,
            )


def test_an_impossible_far_date_is_explained_not_crashed():
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            data=_valid(joining_date=D(9999, 6, 1), official_date=D(9999, 12, 1)),
        )
    assert "tương lai" in err.value.errors["joining_date"][0]
    assert Member.objects.count() == 0


def test_age_is_checked_on_the_joining_date_when_the_decision_date_is_missing():
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            data=_valid(birth_date=D(1995, 1, 1), admission_decision_date=None),
        )
    assert "18 tuổi" in err.value.errors["joining_date"][0]


def test_over_60_needs_the_written_consent_recorded():
    old = _valid(birth_date=D(1949, 1, 1))
    with pytest.raises(RecordValidationError) as err:
        services.member_create(actor=SYSTEM, organization=OrganizationFactory(), data=old)
    assert "60 tuổi" in err.value.errors["admission_decision_date"][0]
    member = services.member_create(
        actor=SYSTEM,
        organization=OrganizationFactory(),
        data={**old, "age_exception": "Văn bản 12-CV/TU ngày 01/03/2010"},
    )
    assert member.pk


def test_official_date_after_the_end_of_probation_is_refused():
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            data=_valid(official_date=D(2011, 5, 20)),
        )
    assert "19/05/2011" in err.value.errors["official_date"][0]


def test_admission_age_is_counted_on_the_cells_meeting_day_when_known():
    """R1.1: 60 years exactly at the cell's meeting passes even when the decision
    comes two months later; without the meeting day the decision date counts."""
    from dangvien.organizations.tests.factories import build_tree

    cell = build_tree()["cell_a"]
    data = {
        "family_name": "Lê",
        "middle_name": "Văn",
        "given_name": "Sáu",
        "gender": "M",
        "birth_date": dt.date(1965, 3, 10),
        "admission_decision_date": dt.date(2025, 5, 12),  # 60 years and 2 months
        "joining_date": dt.date(2025, 5, 20),
    }
    with pytest.raises(RecordValidationError) as exc:
        services.member_create(actor=SYSTEM, organization=cell, data=dict(data))
    assert "admission_decision_date" in exc.value.errors
    member = services.member_create(
        actor=SYSTEM, organization=cell, data=dict(data), age_checked_on=dt.date(2025, 3, 10)
    )
    assert member.status == "probationary"
    with pytest.raises(RecordValidationError):  # 60 years and 1 month at the meeting
        services.member_create(
            actor=SYSTEM,
            organization=cell,
            data={**data, "given_name": "Bảy"},
            age_checked_on=dt.date(2025, 4, 10),
        )
