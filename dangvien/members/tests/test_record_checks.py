"""Issue 9 (items 5, 10, 18, 19, 22) and issue 8 item 5 on the member record:
coded errors, every field error at once, citizen IDs as typed, the CV's birth
date guarded, fields written only where seen, unique numbers never a 500, photos
stored as what they are and bounded in pixels."""

import datetime as dt
import io
import pathlib
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError, NotFound, RecordValidationError
from dangvien.members import selectors, services
from dangvien.members.errors import MemberError
from dangvien.members.forms import MemberForm
from dangvien.members.models import Gender, Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import OrganizationFactory, build_tree

pytestmark = pytest.mark.django_db
D = dt.date
CCCD_1962 = "001062012345"  # Hà Nội, male, born 1962 by digits 4-6


def _snapshot():
    return (
        list(Member.objects.order_by("pk").values()),
        MembershipEvent.objects.count(),
        Member.history.count(),
    )


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


# --- issue 8 item 5: coded errors, NotFound --------------------------------------


def test_record_errors_carry_their_codes():
    cell = OrganizationFactory()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM, organization=cell, data=_valid(given_name="Lan2", phone="abc")
        )
    assert err.value.code == MemberError.NAME_NOT_LETTERS.code
    assert err.value.codes == {"given_name": ["name_not_letters"], "phone": ["phone_invalid"]}
    with pytest.raises(DomainError) as err:
        services.member_add_event(
            actor=SYSTEM,
            member=MemberFactory(organization=cell),
            kind="transferred_out",
            date=D(2100, 1, 1),
        )
    assert err.value.code == MemberError.EVENT_IN_FUTURE.code


def test_selectors_raise_the_domain_not_found():
    from dangvien.accounts.scope import NOTHING

    member = MemberFactory(organization=OrganizationFactory())
    for pk in (member.pk, "abc", 0, 2**64):
        with pytest.raises(NotFound):
            selectors.member_get_for(NOTHING, pk)


def test_members_domain_code_does_not_know_the_web():
    folder = pathlib.Path(services.__file__).parent
    for module in folder.glob("*.py"):
        text = module.read_text()
        assert "django.http" not in text and "Http404" not in text, module.name


# --- issue 9 item 5: form and record checks ---------------------------------------


def test_every_field_error_shows_at_once_in_the_service():
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            data=_valid(
                given_name="Lan2",
                phone="abc",
                birth_date=D(2100, 1, 1),
                citizen_id="12345",
                cv_number="??",
            ),
        )
    assert {"given_name", "phone", "birth_date", "citizen_id", "cv_number"} <= set(err.value.errors)
    assert _snapshot() == before


@pytest.mark.parametrize("typed", ["001 085 012 345", "001.085.012.345"])
def test_a_citizen_id_typed_in_groups_is_stored_as_digits_and_found(typed):
    from dangvien.accounts.scope import Scope

    member = services.member_create(
        actor=SYSTEM,
        organization=OrganizationFactory(),
        data=_valid(citizen_id=typed, birth_date=D(1985, 3, 15)),
    )
    assert Member.objects.get(pk=member.pk).citizen_id == "001085012345"
    everything = Scope(everything=True, paths=(), member_id=None)
    for query in (typed, "001 085", "001085012345"):
        flt = selectors.MemberFilter(q=query)
        assert list(selectors.members_filtered(everything, flt)) == [member]
        assert [r.id for r in selectors.members_page(everything, flt).items] == [member.pk]


def test_a_citizen_id_missing_leading_zeros_says_so():
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM, organization=OrganizationFactory(), data=_valid(citizen_id="1085012345")
        )
    message = err.value.errors["citizen_id"][0]
    assert "thiếu 2 chữ số" in message and "001085012345" in message
    assert Member.objects.count() == 0


def _form_data(**over):
    data = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Lan",
        "gender": "F",
        "birth_date": "05/03/1975",
        "admission_decision_date": "01/02/2000",
        "joining_date": "10/02/2000",
        "official_date": "10/02/2001",
    }
    data.update(over)
    return data


@pytest.mark.parametrize("typed", ["05/03/1975", "05.03.1975", "05-03-1975", "1975-03-05"])
def test_the_form_reads_dates_as_typed(typed):
    form = MemberForm(_form_data(birth_date=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == D(1975, 3, 5)


def test_a_bad_date_names_the_format_and_every_error_shows_at_once():
    form = MemberForm(
        _form_data(
            birth_date="31/02/1975",
            given_name="Lan2",
            phone="abc",
            citizen_id="1175012345",
            official_date="11/02/2001",
        )
    )
    assert not form.is_valid()
    assert "dd/mm/yyyy" in form.errors["birth_date"][0]
    assert "chữ cái" in form.errors["given_name"][0]
    assert "Số điện thoại" in form.errors["phone"][0]
    assert "số 0 ở đầu" in form.errors["citizen_id"][0]
    assert "10/02/2001" in form.errors["official_date"][0]


def test_the_form_stores_a_grouped_citizen_id_as_digits():
    form = MemberForm(_form_data(citizen_id="001 175 012 345"))
    assert form.is_valid(), form.errors
    assert form.record_data()["citizen_id"] == "001175012345"


def test_the_form_never_says_whose_a_duplicate_is():
    MemberFactory(
        organization=OrganizationFactory(), gender=Gender.FEMALE, citizen_id="001175012345"
    )
    form = MemberForm(_form_data(citizen_id="001175012345"))
    assert not form.is_valid()
    assert form.errors["citizen_id"] == [MemberError.CITIZEN_ID_UNUSABLE.text()]


# --- issue 9 item 10: the CV's birth date against the citizen ID -------------------


def test_an_id_giving_another_birth_year_is_stored_and_flagged():
    member = services.member_create(
        actor=SYSTEM,
        organization=OrganizationFactory(),
        data=_valid(
            birth_date=D(1960, 5, 1),
            admission_decision_date=D(1990, 5, 10),
            joining_date=D(1990, 5, 19),
            official_date=D(1991, 5, 19),
            citizen_id=CCCD_1962,
        ),
    )
    member = Member.objects.get(pk=member.pk)
    assert member.citizen_id == CCCD_1962 and member.birth_date == D(1960, 5, 1)
    assert "1962" in member.citizen_id_mismatch and "13-TB/TW" in member.citizen_id_mismatch
    assert MemberFactory(organization=member.organization).citizen_id_mismatch is None


def _member_1960():
    return services.member_create(
        actor=SYSTEM,
        organization=OrganizationFactory(),
        data=_valid(
            birth_date=D(1960, 5, 1),
            admission_decision_date=D(1990, 5, 10),
            joining_date=D(1990, 5, 19),
            official_date=D(1991, 5, 19),
            citizen_id=CCCD_1962,
        ),
    )


def test_the_cv_birth_date_is_not_changed_without_the_committees_decision():
    member = _member_1960()
    before = _snapshot()
    for data in (
        {"birth_date": D(1962, 5, 1)},
        {"birth_date": D(1962, 5, 1), "birth_date_decision_number": "12-QĐ/ĐU"},
    ):
        with pytest.raises(RecordValidationError) as err:
            services.member_update(
                actor=SYSTEM, member_id=member.pk, expected_version=member.version, data=data
            )
        assert err.value.codes["birth_date"] == ["birth_date_needs_decision"]
        assert "13-TB/TW" in err.value.errors["birth_date"][0]
        assert _snapshot() == before
    # Other edits of the record are not held up by the guard.
    services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={"phone": "0912345678", "birth_date": D(1960, 5, 1)},
    )


def test_the_cv_birth_date_changes_with_the_decision_recorded_in_the_history():
    member = _member_1960()
    updated = services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=member.version,
        data={
            "birth_date": D(1962, 5, 1),
            "birth_date_decision_number": "12-QĐ/ĐU",
            "birth_date_decision_date": D(2026, 3, 2),
        },
    )
    assert updated.birth_date == D(1962, 5, 1)
    assert updated.citizen_id_mismatch is None
    latest = Member.history.filter(id=member.pk).order_by("-history_id").first()
    assert latest.birth_date == D(1962, 5, 1)
    assert latest.birth_date_decision_number == "12-QĐ/ĐU"
    assert "12-QĐ/ĐU" in latest.history_change_reason
    assert "01/05/1960" in latest.history_change_reason
    # The same decision does not cover a second change.
    with pytest.raises(RecordValidationError):
        services.member_update(
            actor=SYSTEM,
            member_id=member.pk,
            expected_version=updated.version,
            data={"birth_date": D(1962, 6, 1)},
        )


# --- issue 9 item 18: fields written only where seen; no oracle ---------------------


@pytest.fixture
def tree():
    return build_tree()


def test_a_role_that_does_not_see_the_citizen_id_cannot_write_it(django_user_model, tree):
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    member = MemberFactory(organization=tree["cell_a"])
    before = _snapshot()
    for value in ("001085012345", None, ""):
        with pytest.raises(DomainError) as err:
            services.member_update(
                actor=secretary,
                member_id=member.pk,
                expected_version=member.version,
                data={"citizen_id": value, "phone": "0912345678"},
            )
        assert err.value.code == "field_not_writable" and "citizen_id" in err.value.errors
        assert _snapshot() == before
    with pytest.raises(DomainError):
        services.member_create(
            actor=secretary, organization=tree["cell_a"], data=_valid(citizen_id="001085012345")
        )
    assert _snapshot() == before
    # Without the field, the same role edits the record.
    services.member_update(
        actor=secretary,
        member_id=member.pk,
        expected_version=member.version,
        data={"phone": "0912345678"},
    )


def test_a_duplicate_outside_the_scope_is_never_attributed(django_user_model, tree):
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["cell_a"])
    MemberFactory(
        organization=tree["cell_b"], citizen_id="042085000001", party_card_number="42000001"
    )
    MemberFactory(
        organization=tree["cell_a"], citizen_id="042085000002", party_card_number="42000002"
    )
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=board,
            organization=tree["cell_a"],
            data=_valid(citizen_id="042085000001", party_card_number="42000001"),
        )
    assert err.value.errors["citizen_id"] == [MemberError.CITIZEN_ID_UNUSABLE.text()]
    assert err.value.errors["party_card_number"] == [MemberError.CARD_UNUSABLE.text()]
    assert "đảng viên khác" not in str(err.value.errors)
    assert "người khác" not in str(err.value.errors)
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=board,
            organization=tree["cell_a"],
            data=_valid(citizen_id="042085000002", party_card_number="42000002"),
        )
    assert err.value.errors["citizen_id"] == [MemberError.CITIZEN_ID_TAKEN.text()]
    assert err.value.errors["party_card_number"] == [MemberError.CARD_TAKEN.text()]
    assert _snapshot() == before


# --- issue 9 item 19: never a 500 ----------------------------------------------------


@pytest.mark.parametrize("field", ["gender", "birth_date"])
def test_required_fields_set_to_nothing_are_refused(field):
    member = MemberFactory(organization=OrganizationFactory())
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_update(
            actor=SYSTEM, member_id=member.pk, expected_version=member.version, data={field: None}
        )
    assert err.value.codes[field] == [f"{field}_required"]
    assert _snapshot() == before


@pytest.mark.parametrize(
    "field,value", [("citizen_id", "042085000001"), ("party_card_number", "42000001")]
)
def test_a_number_taken_between_check_and_save_is_a_field_error(monkeypatch, field, value):
    """What a concurrent create meets: the check passed, the database constraint
    refuses. It is the coded field error, and nothing is written."""
    cell = OrganizationFactory()
    MemberFactory(organization=cell, **{field: value})
    monkeypatch.setattr(services, "member_record_errors", lambda *a, **k: services.Problems())
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(actor=SYSTEM, organization=cell, data=_valid(**{field: value}))
    assert field in err.value.errors and err.value.code.endswith("_unusable")
    assert _snapshot() == before


# --- issue 9 item 22: photos ----------------------------------------------------------


def _png_bytes(size=(10, 10)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height without the megabytes of its pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("name", ["anh.pdf", "anh.ps", "anh.xbm"])
def test_an_image_named_otherwise_is_stored_as_what_it_is(name):
    upload = SimpleUploadedFile(name, _png_bytes(), content_type="application/pdf")
    member = services.member_create(
        actor=SYSTEM, organization=OrganizationFactory(), data=_valid(photo=upload)
    )
    member = Member.objects.get(pk=member.pk)
    assert member.photo.name.endswith(".png"), member.photo.name
    assert services.photo_content_type(member.photo) == "image/png"


def test_a_144_megapixel_photo_is_refused():
    upload = SimpleUploadedFile("anh.png", _png_header_only(12_000, 12_000))
    before = _snapshot()
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM, organization=OrganizationFactory(), data=_valid(photo=upload)
        )
    message = err.value.errors["photo"][0]
    assert "12000 x 12000" in message and "25 triệu" in message
    assert err.value.codes["photo"] == ["photo_too_many_pixels"]
    assert _snapshot() == before


def test_the_pixel_bound_is_a_setting(settings):
    settings.MEMBER_PHOTO_MAX_PIXELS = 50
    with pytest.raises(RecordValidationError) as err:
        services.member_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            data=_valid(photo=SimpleUploadedFile("anh.png", _png_bytes((10, 10)))),
        )
    assert "10 x 10" in err.value.errors["photo"][0]
    settings.MEMBER_PHOTO_MAX_PIXELS = 100
    assert services.member_create(
        actor=SYSTEM,
        organization=OrganizationFactory(),
        data=_valid(photo=SimpleUploadedFile("anh.png", _png_bytes((10, 10)))),
    ).photo


def test_the_form_refuses_a_144_megapixel_photo_beside_the_other_errors():
    upload = SimpleUploadedFile("anh.png", _png_header_only(12_000, 12_000))
    form = MemberForm(_form_data(given_name="Lan2"), {"photo": upload})
    assert not form.is_valid()
    assert "12000 x 12000" in form.errors["photo"][0]
    assert "chữ cái" in form.errors["given_name"][0]


def test_the_form_passes_on_a_photo_named_as_what_it_is():
    upload = SimpleUploadedFile("anh.ps", _png_bytes(), content_type="application/postscript")
    form = MemberForm(_form_data(), {"photo": upload})
    assert form.is_valid(), form.errors
    photo = form.record_data()["photo"]
    assert photo.name == "anh.png" and photo.content_type == "image/png"
