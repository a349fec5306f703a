"""Issue 9, the member record's wiring through the pages: the citizen-ID flag
(item 10), fields written only where seen (18), photos served as what they are
and bounded in pixels (22), dates typed the Vietnamese way with every error at
once (5), "đồng chí" everywhere (4), the account link in the header."""

import datetime as dt
import importlib
import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dangvien.accounts.models import Role
from dangvien.core.errors import CommonError, ErrorCode
from dangvien.core.forms import VietnameseDateField
from dangvien.members.errors import MemberError
from dangvien.members.models import Member, MembershipEvent
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date
PACKAGE = Path(__file__).resolve().parents[2]  # the dangvien package


@pytest.fixture
def tree():
    return build_tree()


def _login(client, django_user_model, role, org, name="u"):
    user = user_with_role(django_user_model, name, role, org)
    client.force_login(user)
    return user


def _body(response) -> str:
    return response.content.decode()


# --- item 10: the CV's birth year against the citizen ID's, on the record page ----


@pytest.mark.parametrize(
    "role,org,shown",
    [
        (Role.ORGANISATION_BOARD, "province", True),
        (Role.INSPECTION, "commune", True),
        (Role.CELL_SECRETARY, "cell_a", False),
        (Role.GRASSROOTS_OFFICE, "commune", False),
    ],
)
def test_the_citizen_id_mismatch_is_flagged_only_to_who_sees_the_id(
    client, django_user_model, tree, role, org, shown
):
    # Born 15/03/1985 by the CV; the ID's digits 5-6 say 1987.
    member = MemberFactory(organization=tree["cell_a"], citizen_id="042087000123")
    _login(client, django_user_model, role, tree[org])
    body = _body(client.get(reverse("member_detail", args=[member.pk])))
    assert ('id="citizen-id-mismatch"' in body) is shown
    assert ("1987" in body) is shown  # neither the flag nor the ID leaks the year


def test_the_member_sees_the_flag_on_their_own_record_and_none_without_mismatch(
    client, django_user_model, tree
):
    me = MemberFactory(organization=tree["cell_a"], citizen_id="042087000123")
    user = _login(client, django_user_model, Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=me.pk).update(user=user)
    body = _body(client.get(reverse("member_detail", args=[me.pk])))
    assert 'id="citizen-id-mismatch"' in body and "13-TB/TW" in body
    agreeing = MemberFactory(organization=tree["cell_a"], citizen_id="042085000124")
    _login(client, django_user_model, Role.ORGANISATION_BOARD, tree["province"], "bto")
    body = _body(client.get(reverse("member_detail", args=[agreeing.pk])))
    assert 'id="citizen-id-mismatch"' not in body


# --- item 18: a field the caller may not see is not written through the pages ------


def _record(**over) -> dict:
    data = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Mai",
        "gender": "F",
        "birth_date": "01/05/1985",
        "admission_decision_date": "10/05/2010",
        "joining_date": "19/05/2010",
    }
    data.update(over)
    return data


def _edit_data(member: Member, **over) -> dict:
    data = _record(
        family_name=member.family_name,
        middle_name=member.middle_name,
        given_name=member.given_name,
        gender=member.gender,
        birth_date=f"{member.birth_date:%d/%m/%Y}",
        admission_decision_date=f"{member.admission_decision_date:%d/%m/%Y}",
        joining_date=f"{member.joining_date:%d/%m/%Y}",
        official_date=f"{member.official_date:%d/%m/%Y}",
        version=member.version,
    )
    data.update(over)
    return data


def test_a_cell_secretary_cannot_write_the_citizen_id_by_a_forged_post(
    client, django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_a"], citizen_id="042085000777")
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    edit = reverse("member_edit", args=[member.pk])
    assert 'name="citizen_id"' not in _body(client.get(edit))
    refused = MemberError.FIELD_NOT_WRITABLE.text(label="số CCCD")
    for value in ("042085000001", ""):
        response = client.post(edit, _edit_data(member, phone="0912345678", citizen_id=value))
        assert response.status_code == 200 and refused in _body(response)
    stored = Member.objects.get(pk=member.pk)
    assert (stored.citizen_id, stored.phone, stored.version) == ("042085000777", "", 1)
    # Nor on a new record: nothing is created.
    create = f"{reverse('member_create')}?org={tree['cell_a'].pk}"
    response = client.post(create, _record(citizen_id="042185000123"))
    assert response.status_code == 200 and refused in _body(response)
    assert not Member.objects.filter(given_name="Mai").exists()
    # Without the field, the same record is created.
    assert client.post(create, _record()).status_code == 302
    assert Member.objects.get(given_name="Mai").citizen_id is None


def test_a_duplicate_is_named_inside_the_scope_and_never_outside(client, django_user_model, tree):
    MemberFactory(
        organization=tree["cell_b"],
        gender="F",
        citizen_id="042185000001",
        party_card_number="42000001",
    )
    MemberFactory(
        organization=tree["cell_c"],
        gender="F",
        citizen_id="042185000002",
        party_card_number="42000002",
    )
    # The board of the commune sees the citizen IDs of its subtree (cell_b), not cell_c's.
    _login(client, django_user_model, Role.ORGANISATION_BOARD, tree["commune"])
    create = f"{reverse('member_create')}?org={tree['cell_a'].pk}"
    inside = _body(client.post(create, _record(citizen_id="042185000001")))
    assert MemberError.CITIZEN_ID_TAKEN.text() in inside
    outside = _body(client.post(create, _record(citizen_id="042185000002")))
    assert MemberError.CITIZEN_ID_UNUSABLE.text() in outside
    assert MemberError.CITIZEN_ID_TAKEN.text() not in outside
    inside = _body(client.post(create, _record(party_card_number="42000001")))
    assert MemberError.CARD_TAKEN.text() in inside
    outside = _body(client.post(create, _record(party_card_number="42000002")))
    assert MemberError.CARD_UNUSABLE.text() in outside and "người khác" not in outside
    assert not Member.objects.filter(given_name="Mai").exists()


# --- item 22: photos --------------------------------------------------------------


def _png(size=(30, 40), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 0).save(buf, "PNG", optimize=False)
    return buf.getvalue()


def test_a_png_uploaded_as_pdf_is_served_as_png_and_not_sniffed(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    upload = SimpleUploadedFile("anh.pdf", _png(), content_type="application/pdf")
    response = client.post(
        reverse("member_edit", args=[member.pk]), {**_edit_data(member), "photo": upload}
    )
    assert response.status_code == 302, _body(response)
    served = client.get(reverse("member_photo", args=[member.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["cu.pdf", "cu.ps", "cu.xbm"])
def test_a_photo_stored_under_another_name_is_served_as_what_it_is(
    client, django_user_model, tree, name
):
    member = MemberFactory(organization=tree["cell_a"])
    member.photo.save(name, ContentFile(_png()), save=True)  # stored before names were fixed
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    served = client.get(reverse("member_photo", args=[member.pk]))
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_that_is_no_image_is_only_downloaded(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    member.photo.save("anh.png", ContentFile(b"%PDF-1.4 not an image"), save=True)
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    served = client.get(reverse("member_photo", args=[member.pk]))
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_144_megapixel_png_is_refused_through_the_page(client, django_user_model, tree, settings):
    assert settings.MEMBER_PHOTO_MAX_PIXELS == 25_000_000
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    huge = _png((12_000, 12_000), mode="1")  # 1 bit a pixel, all black: a few kB
    assert len(huge) < settings.MEMBER_PHOTO_MAX_BYTES
    response = client.post(
        reverse("member_edit", args=[member.pk]),
        {**_edit_data(member), "photo": SimpleUploadedFile("anh.png", huge)},
    )
    body = _body(response)
    expected = MemberError.PHOTO_TOO_MANY_PIXELS.text(width=12000, height=12000, limit="25")
    assert response.status_code == 200 and expected in body
    assert 'id="error-photo"' in body
    assert not Member.objects.get(pk=member.pk).photo


def test_a_file_that_is_no_image_is_refused_in_the_products_words(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    response = client.post(
        reverse("member_edit", args=[member.pk]),
        {**_edit_data(member), "photo": SimpleUploadedFile("anh.png", b"not an image")},
    )
    body = _body(response)
    assert MemberError.PHOTO_NOT_IMAGE.text() in body
    assert not re.search(r"\b[Bb]ạn\b", body)


# --- item 5: dates as typed, every error at once ----------------------------------


@pytest.mark.parametrize("typed", ["05/03/2015", "05.03.2015", "05-03-2015", "5/3/2015"])
def test_the_event_form_reads_dates_as_typed(client, django_user_model, tree, typed):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.GRASSROOTS_OFFICE, tree["commune"])
    response = client.post(
        reverse("member_event_add", args=[member.pk]),
        {
            "kind": "reassigned",
            "date": typed,
            "organization": tree["cell_b"].pk,
            "decision_date": typed,
        },
    )
    assert response.status_code == 302, _body(response)
    event = MembershipEvent.objects.get(member=member, kind="reassigned")
    assert (event.date, event.decision_date) == (D(2015, 3, 5), D(2015, 3, 5))


def test_the_event_form_shows_every_error_at_once_and_names_the_format(
    client, django_user_model, tree
):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.GRASSROOTS_OFFICE, tree["commune"])
    url = reverse("member_event_add", args=[member.pk])
    before = MembershipEvent.objects.filter(member=member).count()
    # A moving kind with no cell, a day in the future and an unreadable decision date.
    form = client.post(
        url, {"kind": "reassigned", "date": "01/01/2099", "decision_date": "2015/03/05"}
    ).context["form"]
    assert form.errors["decision_date"] == [CommonError.DATE_INVALID.text()]
    assert "dd/mm/yyyy" in form.errors["decision_date"][0]
    assert form.errors["date"] == [MemberError.EVENT_IN_FUTURE.text()]
    assert form.errors["organization"] == [MemberError.ORGANIZATION_REQUIRED.text()]
    # A kind a workflow governs after the record entered, beside a bad date.
    form = client.post(
        url,
        {"kind": "exempted", "date": dt.date.today().strftime("%d.%m.%Y"), "decision_date": "x"},
    ).context["form"]
    assert "Miễn, giảm sinh hoạt" in form.errors["kind"][0]
    assert "dd/mm/yyyy" in form.errors["decision_date"][0]
    # A day missing says what to type.
    form = client.post(url, {"kind": "reassigned", "date": ""}).context["form"]
    assert "dd/mm/yyyy" in form.errors["date"][0]
    assert MembershipEvent.objects.filter(member=member).count() == before


def test_the_row_forms_read_dates_as_typed(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, django_user_model, Role.CELL_SECRETARY, tree["cell_a"])
    url = reverse("member_rows", args=[member.pk, "cong-tac"])
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-start": "05.03.2001",
        "form-0-end": "31-12-2005",
        "form-0-position": "Kế toán",
        "form-0-workplace": "UBND xã",
        "version": member.version,
    }
    assert client.post(url, data).status_code == 302
    row = member.work_history.get()
    assert (row.start, row.end) == (D(2001, 3, 5), D(2005, 12, 31))
    form = client.post(url, {**data, "form-0-start": "2001/03/05"}).context["formset"].forms[0]
    # The dated rows take dates known only by month or year too (issue 13), so
    # the message names those forms.
    assert form.errors["start"] == [MemberError.PARTIAL_DATE_INVALID.text()]


def _page_form_modules():
    return [
        importlib.import_module(f"dangvien.web.{area}.forms")
        for area in ("admissions", "movements", "liaison")
    ] + [importlib.import_module("dangvien.members.forms")]


def test_every_date_field_of_the_page_forms_reads_the_vietnamese_formats():
    from django import forms

    checked = 0
    for module in _page_form_modules():
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, forms.Form)):
                continue
            for name, field in value.base_fields.items():
                if isinstance(field, forms.DateField):
                    assert isinstance(field, VietnameseDateField), (module.__name__, value, name)
                    checked += 1
    assert checked > 10
    field = VietnameseDateField()
    for typed in ("05/03/1975", "05.03.1975", "05-03-1975", "1975-03-05"):
        assert field.clean(typed) == D(1975, 3, 5)
    with pytest.raises(forms.ValidationError) as err:
        field.clean("31/02/1975")
    assert "dd/mm/yyyy" in err.value.messages[0]


# --- item 4: "đồng chí", never "bạn" ----------------------------------------------


def _error_enums() -> list[type[ErrorCode]]:
    """Every ErrorCode enum of the product (its modules imported first)."""
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if "(ErrorCode)" in path.read_text(encoding="utf-8"):
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            importlib.import_module(".".join(rel.parts))
    found, todo = [], list(ErrorCode.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


BAN = re.compile(r"\b[Bb]ạn\b")


def test_no_template_and_no_message_says_ban():
    found = []
    for path in (PACKAGE / "templates").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".js"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if BAN.search(line):
                    found.append(f"{path.relative_to(PACKAGE)}:{number}")
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BAN.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}")
    enums = _error_enums()
    assert {"MemberError", "CommonError", "HistoryError"} <= {e.__name__ for e in enums}
    for enum in enums:
        for member in enum:
            if BAN.search(str(member.message)):
                found.append(f"{enum.__name__}.{member.name}")
    assert found == []


# --- the header: «Tài khoản của tôi» --------------------------------------------------


@pytest.mark.parametrize("role,org", [(Role.CELL_SECRETARY, "cell_a"), (Role.MEMBER, "cell_a")])
def test_the_header_links_to_my_account(client, django_user_model, tree, role, org):
    me = MemberFactory(organization=tree["cell_a"])
    user = _login(client, django_user_model, role, tree[org])
    Member.objects.filter(pk=me.pk).update(user=user)
    body = _body(client.get(reverse("member_detail", args=[me.pk])))
    link = reverse("my_account")
    assert f'href="{link}"' in body and "Tài khoản của tôi" in body
    assert client.get(link).status_code == 200


def test_no_page_imports_the_old_aliases_of_web_views():
    from dangvien.web import views

    assert not hasattr(views, "_scope") and not hasattr(views, "_apply_errors")
    for path in (PACKAGE / "web").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "from dangvien.web.views import _" not in text, path
