"""The pages: login, scoping (404 outside the subtree), list, search, forms."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.members.models import Member
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def tree():
    return build_tree()


def _login(client, user):
    client.force_login(user)
    return client


def test_login_page_is_vietnamese_and_wrong_password_is_explained(client, django_user_model):
    django_user_model.objects.create_user("chibo", password="dung-Mat-khau-1")
    page = client.get(reverse("login"))
    assert "Đăng nhập" in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "chibo", "password": "sai"})
    assert wrong.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.content.decode()


def test_pages_need_login(client, tree):
    response = client.get(reverse("organization_detail", args=[tree["province"].pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_cell_secretary_reaches_only_their_cell(client, django_user_model, tree):
    mine = MemberFactory(organization=tree["cell_a"])
    other = MemberFactory(organization=tree["cell_b"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    assert client.get(reverse("member_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("member_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("member_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("organization_detail", args=[tree["cell_b"].pk])).status_code == 404
    assert client.get(reverse("organization_detail", args=[tree["province"].pk])).status_code == 404
    assert client.get(reverse("member_list") + f"?org={tree['cell_b'].pk}").status_code == 404
    listing = client.get(reverse("member_list")).content.decode()
    assert mine.full_name in listing and other.full_name not in listing
    assert client.get(reverse("member_detail", args=["abc"])).status_code == 404


def test_home_opens_the_dashboard_of_the_callers_subtree(client, django_user_model, tree):
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    response = client.get(reverse("home"))
    assert response["Location"] == f"{reverse('dashboard')}?org={tree['province'].pk}"


def test_member_sees_only_their_own_record(client, django_user_model, tree):
    me = MemberFactory(organization=tree["cell_a"])
    neighbour = MemberFactory(organization=tree["cell_a"])
    user = user_with_role(django_user_model, "dangvien", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=me.pk).update(user=user)
    _login(client, user)
    assert client.get(reverse("home"))["Location"] == reverse("member_detail", args=[me.pk])
    assert client.get(reverse("member_detail", args=[me.pk])).status_code == 200
    assert client.get(reverse("member_detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("member_edit", args=[me.pk])).status_code == 404


def test_search_without_diacritics(client, django_user_model, tree):
    MemberFactory(organization=tree["cell_a"], given_name="Thước")
    MemberFactory(organization=tree["cell_a"], given_name="Thuận")
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    for query in ("nguyen van thuoc", "thuoc", "Thước", "NGUYEN VAN THUOC"):
        body = client.get(reverse("member_list"), {"q": query}).content.decode()
        assert "Nguyễn Văn Thước" in body and "Nguyễn Văn Thuận" not in body, query


def test_search_matches_whole_words_and_the_start_of_the_last_one(client, django_user_model, tree):
    """ "hung" finds Hùng and Hưng, as a given or a middle name, not Phùng;
    the last word typed may be unfinished ("nguyen v"); the list's SQL and
    the API's queryset agree (tests/test_list_sql.py)."""
    for family, middle, given in (
        ("Nguyễn", "Văn", "Hùng"),
        ("Lê", "Hưng", "Thịnh"),
        ("Phùng", "Văn", "An"),
        ("Trần", "Thị", "Phùng"),
        ("Nguyễn", "Thị", "Hưởng"),
    ):
        MemberFactory(
            organization=tree["cell_a"], family_name=family, middle_name=middle, given_name=given
        )
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )

    def found(query: str) -> set[str]:
        body = client.get(reverse("member_list"), {"q": query}).content.decode()
        table = body.split('id="members"', 1)[1].split("</table>", 1)[0]  # not the suggestions
        names = {"Nguyễn Văn Hùng", "Lê Hưng Thịnh", "Phùng Văn An", "Trần Thị Phùng"}
        return {n for n in names | {"Nguyễn Thị Hưởng"} if n in table}

    assert found("hung") == {"Nguyễn Văn Hùng", "Lê Hưng Thịnh"}
    assert found("huo") == {"Nguyễn Thị Hưởng"}  # typing: the start of Hưởng
    assert found("hung thinh") == {"Lê Hưng Thịnh"}
    assert found("nguyen v") == {"Nguyễn Văn Hùng"}
    assert found("phung") == {"Phùng Văn An", "Trần Thị Phùng"}
    assert found("ung") == set()  # no name word starts so: only close names are offered
    offered = client.get(reverse("member_list"), {"q": "ung"}).content.decode()
    assert 'id="similar"' in offered and "Nguyễn Văn Hùng" in offered


def test_list_is_in_vietnamese_name_order_with_keyset_pages(
    client, django_user_model, tree, settings
):
    from dangvien.members import selectors

    names = ["Đạt", "An", "Ân", "Anh", "Bình", "Ăn", "Em"]
    for name in names:
        MemberFactory(organization=tree["cell_a"], given_name=name)
    scope_user = user_with_role(
        django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]
    )
    from dangvien.accounts.scope import scope_for

    scope, flt = scope_for(scope_user), selectors.MemberFilter()
    first = selectors.members_page(scope, flt, size=3)
    second = selectors.members_page(scope, flt, first.next_cursor, size=3)
    third = selectors.members_page(scope, flt, second.next_cursor, size=3)
    seen = [m.given_name for m in first.items + second.items + third.items]
    assert seen == ["An", "Anh", "Ăn", "Ân", "Bình", "Đạt", "Em"]
    assert third.next_cursor is None
    _login(client, scope_user)
    body = client.get(reverse("member_list")).content.decode()
    assert body.index("Nguyễn Văn Anh") < body.index("Nguyễn Văn Ăn") < body.index("Nguyễn Văn Đạt")


@pytest.mark.parametrize("query", ["nguyen", "nguyen van", "hoa", "nguyen van hoa"])
def test_search_results_are_in_name_order_whatever_the_word(django_user_model, tree, query):
    from dangvien.accounts.scope import scope_for
    from dangvien.members import selectors

    for name in ["Hòa", "Anh", "Hoa", "Bình", "Hoàng"]:
        MemberFactory(organization=tree["cell_a"], given_name=name)
    scope = scope_for(
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"])
    )
    flt = selectors.MemberFilter(q=query)
    first = selectors.members_page(scope, flt, size=2)
    rest = selectors.members_page(scope, flt, first.next_cursor, size=10)
    names = [m.given_name for m in first.items + rest.items]
    expected = {"nguyen": ["Anh", "Bình", "Hoa", "Hòa", "Hoàng"], "hoa": ["Hoa", "Hòa", "Hoàng"]}
    assert names == expected["hoa" if "hoa" in query else "nguyen"]


def test_filters(client, django_user_model, tree):
    MemberFactory(
        organization=tree["cell_a"],
        given_name="Lan",
        gender="F",
        birth_date=D(1990, 1, 1),
        middle_name="Thị",
    )
    MemberFactory(
        organization=tree["cell_a"],
        given_name="Hùng",
        birth_date=D(1950, 1, 1),
        admission_decision_date=D(1975, 5, 10),
        joining_date=D(1975, 5, 19),
        official_date=D(1976, 5, 19),
    )
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    body = client.get(reverse("member_list"), {"gender": "F"}).content.decode()
    assert "Nguyễn Thị Lan" in body and "Hùng" not in body
    body = client.get(reverse("member_list"), {"age": "o60"}).content.decode()
    assert "Hùng" in body and "Nguyễn Thị Lan" not in body


def _form_data(member=None, **over):
    data = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Hoa",
        "gender": "F",
        "birth_date": "15/03/1985",
        "admission_decision_date": "10/05/2010",
        "joining_date": "19/05/2010",
        "official_date": "19/05/2011",
    }
    if member is not None:
        data.update(
            {
                "family_name": member.family_name,
                "middle_name": member.middle_name,
                "given_name": member.given_name,
                "gender": member.gender,
                "birth_date": member.birth_date.strftime("%d/%m/%Y"),
                "admission_decision_date": member.admission_decision_date.strftime("%d/%m/%Y"),
                "joining_date": member.joining_date.strftime("%d/%m/%Y"),
                "official_date": member.official_date.strftime("%d/%m/%Y"),
                "version": member.version,
            }
        )
    data.update(over)
    return data


def test_create_through_the_form(client, django_user_model, tree):
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    url = reverse("member_create") + f"?org={tree['cell_a'].pk}"
    response = client.post(url, _form_data())
    member = Member.objects.get()
    assert response["Location"] == reverse("member_detail", args=[member.pk])
    assert member.full_name == "Trần Thị Hoa" and member.organization == tree["cell_a"]


def test_bad_dates_are_explained_beside_the_field_and_nothing_is_saved(
    client, django_user_model, tree
):
    # The organisation board (who may see and enter citizen IDs).
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    url = reverse("member_create") + f"?org={tree['cell_a'].pk}"
    response = client.post(url, _form_data(official_date="01/01/2011", citizen_id="123"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-official_date"' in body and "12 tháng dự bị" in body
    assert 'id="error-citizen_id"' in body and "12 chữ số" in body
    assert Member.objects.count() == 0


def test_a_date_in_the_wrong_format_is_explained(client, django_user_model, tree):
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    url = reverse("member_create") + f"?org={tree['cell_a'].pk}"
    body = client.post(url, _form_data(birth_date="1985-13-45")).content.decode()
    assert 'id="error-birth_date"' in body
    assert Member.objects.count() == 0


def test_a_cell_secretary_cannot_add_members_to_another_cell(client, django_user_model, tree):
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    url = reverse("member_create") + f"?org={tree['cell_b'].pk}"
    assert client.post(url, _form_data()).status_code == 404
    assert Member.objects.count() == 0


def test_html_in_a_name_is_refused_and_shown_escaped(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    Member.objects.filter(pk=member.pk).update(birth_name="<b>x</b><script>alert(1)</script>")
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    body = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    given = member.given_name
    response = client.post(
        reverse("member_edit", args=[member.pk]),
        _form_data(member, given_name="<img src=x onerror=alert(1)>"),
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode()
    assert "<img src=x" not in response.content.decode()
    member.refresh_from_db()
    assert member.given_name == given and member.version == 1


def test_edit_shows_in_the_timeline(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    response = client.post(
        reverse("member_edit", args=[member.pk]), _form_data(member, phone="0912345678")
    )
    assert response.status_code == 302
    body = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "0912345678" in body and "chibo" in body and "Điện thoại" in body


def test_two_people_editing_at_once_second_save_is_refused(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    stale = _form_data(member, phone="0922222222")
    client.post(reverse("member_edit", args=[member.pk]), _form_data(member, phone="0911111111"))
    response = client.post(reverse("member_edit", args=[member.pk]), stale)
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in response.content.decode()
    member.refresh_from_db()
    assert member.phone == "0911111111"


def test_rows_are_added_as_dated_rows(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    url = reverse("member_rows", args=[member.pk, "cong-tac"])
    data = {
        "version": "1",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-start": "01/09/2007",
        "form-0-end": "31/12/2012",
        "form-0-position": "Giáo viên",
        "form-0-workplace": "Trường THCS Cẩm Xuyên",
    }
    assert client.post(url, data).status_code == 302
    assert member.work_history.get().workplace == "Trường THCS Cẩm Xuyên"
    bad = dict(
        data,
        **{
            "version": "2",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(member.work_history.get().pk),
            "form-0-end": "01/01/2000",
        },
    )
    body = client.post(url, bad).content.decode()
    assert "không được trước" in body
    assert member.work_history.get().end == D(2012, 12, 31)
    # A copy of the page opened before the first save is refused, not merged.
    stale = dict(data, **{"form-0-position": "Hiệu trưởng"})
    body = client.post(url, stale).content.decode()
    assert "vừa được người khác cập nhật" in body
    assert member.work_history.count() == 1


def test_an_error_is_shown_on_the_row_that_has_it(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    url = reverse("member_rows", args=[member.pk, "nuoc-ngoai"])
    ok_row = {"form-0-country": "Lào", "form-0-purpose": "Công tác", "form-0-start": "01/02/2015"}
    client.post(url, {"version": "1", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", **ok_row})
    trip = member.trips.get()
    response = client.post(
        url,
        {
            "version": "2",
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(trip.pk),
            **ok_row,  # unchanged first row
            "form-1-country": "Nhật Bản",
            "form-1-purpose": "Học tập",
            "form-1-start": "01/05/2020",
            "form-1-end": "01/04/2020",
        },
    )
    second_row = response.context["formset"].forms[1]
    assert second_row.errors["end"] == ["«Đến ngày» không được trước «Từ ngày»."]
    assert not response.context["formset"].forms[0].errors
    assert member.trips.count() == 1


def test_commune_lookup_lists_only_that_province(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("x", password="x-Test-1234"))
    items = client.get(reverse("communes"), {"province": 42}).json()["items"]
    assert len(items) == 69 and any(i["name"] == "Xã Cẩm Xuyên" for i in items)


def test_recording_an_event_through_the_form(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"]))
    url = reverse("member_event_add", args=[member.pk])
    page = client.get(url).content.decode()
    assert "Miễn sinh hoạt" in page and "Kết nạp lại" not in page  # only what may follow
    response = client.post(
        url, {"kind": "exempted", "date": "01/03/2024", "reason": "Tuổi cao, sức yếu"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_exempt and member.events.last().reason == "Tuổi cao, sức yếu"


def test_an_event_out_of_order_is_explained_and_not_written(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"]))
    url = reverse("member_event_add", args=[member.pk])
    # Transferred out before the member was even admitted (19/05/2010).
    body = client.post(url, {"kind": "transferred_out", "date": "01/01/2009"}).content.decode()
    assert "không phù hợp với tình trạng" in body
    assert member.events.count() == 2


def test_photo_is_served_only_inside_the_scope(client, django_user_model, tree):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dangvien.members import services

    buf = io.BytesIO()
    Image.new("RGB", (30, 40), "blue").save(buf, "JPEG")
    member = MemberFactory(organization=tree["cell_a"])
    services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=1,
        data={"photo": SimpleUploadedFile("a.jpg", buf.getvalue())},
    )
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    response = client.get(reverse("member_photo", args=[member.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(
        user_with_role(django_user_model, "other", Role.CELL_SECRETARY, tree["cell_b"])
    )
    assert client.get(reverse("member_photo", args=[member.pk])).status_code == 404


def test_not_found_is_said_in_vietnamese(client, django_user_model, settings):
    settings.DEBUG = False
    client.force_login(django_user_model.objects.create_user("x", password="x-Test-1234"))
    response = client.get("/dang-vien/999999/")
    assert response.status_code == 404 and "Không tìm thấy" in response.content.decode()


def test_meeting_rule_reads_in_vietnamese(tree):
    from dangvien.organizations.models import MeetingRule

    cell = tree["cell_a"]
    cell.meeting_rule, cell.meeting_day = MeetingRule.DAY_OF_MONTH, 7
    assert cell.meeting_rule_text == "Ngày 7 hằng tháng"
    cell.meeting_rule, cell.meeting_weekday = MeetingRule.WEEKDAY_OF_FIRST_WEEK, 6
    assert cell.meeting_rule_text == "Chủ nhật tuần đầu tháng"


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (30, 40), "green").save(buf, "JPEG")
    return buf.getvalue()


def test_photo_uploaded_through_the_form_is_kept(client, django_user_model, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    data = _form_data(member, photo=SimpleUploadedFile("anh.jpg", _jpeg(), "image/jpeg"))
    assert client.post(reverse("member_edit", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert member.photo and member.photo.name.endswith(".jpg")


def test_a_fake_photo_is_refused_at_the_field(client, django_user_model, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")
    body = client.post(
        reverse("member_edit", args=[member.pk]), _form_data(member, photo=fake)
    ).content.decode()
    assert 'id="error-photo"' in body
    member.refresh_from_db()
    assert not member.photo and member.version == 1


def test_odd_query_strings_do_not_break_the_list(client, django_user_model, tree):
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    for params in (
        {"q": "ab\x00cd"},
        {"ethnicity": "99999999999999999999999"},
        {"sau": "!!!"},
        {"sau": "AAAAAAAAfDk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},
        {"status": "<script>"},
        {"age": "x"},
    ):
        assert client.get(reverse("member_list"), params).status_code == 200, params


def test_read_only_roles_do_not_write(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "kiemtoan", Role.AUDITOR, tree["province"]))
    assert client.get(reverse("member_detail", args=[member.pk])).status_code == 200
    assert client.get(reverse("member_edit", args=[member.pk])).status_code == 404
    assert (
        client.post(
            reverse("member_event_add", args=[member.pk]),
            {"kind": "exempted", "date": "01/01/2020"},
        ).status_code
        == 404
    )
    url = reverse("member_create") + f"?org={tree['cell_a'].pk}"
    assert client.post(url, _form_data()).status_code == 404
    assert Member.objects.count() == 1 and member.events.count() == 2


def _with_sensitive_data(tree):
    from dangvien.members import services
    from dangvien.members.models import FamilyRelation

    member = MemberFactory(organization=tree["cell_a"], citizen_id="042085000777")
    services.member_save_rows(
        actor=SYSTEM,
        member=member,
        model=FamilyRelation,
        expected_version=1,
        rows=[(0, None, {"relation": "Cha", "full_name": "Nguyễn Văn Cả", "birth_year": 1950})],
    )
    return member


@pytest.mark.parametrize(
    "role,org,sees",
    [
        (Role.CELL_SECRETARY, "cell_a", False),
        (Role.GRASSROOTS_OFFICE, "commune", False),
        (Role.AUDITOR, "province", False),
        (Role.ORGANISATION_BOARD, "province", True),
        (Role.INSPECTION, "commune", True),
    ],
)
def test_citizen_id_and_family_only_for_those_who_need_them(
    client, django_user_model, tree, role, org, sees
):
    from dangvien.accounts.models import AccessLog

    member = _with_sensitive_data(tree)
    user = user_with_role(django_user_model, "u", role, tree[org])
    _login(client, user)
    body = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert ("042085000777" in body) is sees
    assert ("Nguyễn Văn Cả" in body) is sees
    kinds = set(AccessLog.objects.filter(user=user, member=member).values_list("kind", flat=True))
    assert kinds == ({"record", "sensitive"} if sees else {"record"})
    family_rows = client.get(reverse("member_rows", args=[member.pk, "gia-dinh"]))
    writes = role in (Role.CELL_SECRETARY, Role.GRASSROOTS_OFFICE, Role.ORGANISATION_BOARD)
    assert family_rows.status_code == (200 if sees and writes else 404)


def test_a_member_sees_their_own_sensitive_sections(client, django_user_model, tree):
    member = _with_sensitive_data(tree)
    user = user_with_role(django_user_model, "dangvien", Role.MEMBER, tree["cell_a"])
    Member.objects.filter(pk=member.pk).update(user=user)
    _login(client, user)
    body = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "042085000777" in body and "Nguyễn Văn Cả" in body


def test_the_edit_form_of_a_cell_secretary_has_no_citizen_id(client, django_user_model, tree):
    member = _with_sensitive_data(tree)
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    page = client.get(reverse("member_edit", args=[member.pk])).content.decode()
    assert 'name="citizen_id"' not in page and "042085000777" not in page
    client.post(
        reverse("member_edit", args=[member.pk]),
        _form_data(Member.objects.get(pk=member.pk), citizen_id="001085000001"),
    )
    assert Member.objects.get(pk=member.pk).citizen_id == "042085000777"


def test_a_citizen_id_cannot_be_probed_through_search(client, django_user_model, tree):
    member = _with_sensitive_data(tree)
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    body = client.get(reverse("member_list"), {"q": "042085000777"}).content.decode()
    assert member.full_name not in body
    client.force_login(
        user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    )
    body = client.get(reverse("member_list"), {"q": "042085000777"}).content.decode()
    assert member.full_name in body


def test_the_edit_history_exports_as_csv_without_formulas(client, django_user_model, tree):
    member = _with_sensitive_data(tree)
    from dangvien.members import services

    services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=2,
        data={"workplace": '=HYPERLINK("http://x")', "phone": "0912"},
    )
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    response = client.get(reverse("member_audit_csv", args=[member.pk]))
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    assert "Nơi làm việc" in text and "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "Nguyễn Văn Cả" not in text  # family rows are not this role's to see
    other = MemberFactory(organization=tree["cell_b"])
    assert client.get(reverse("member_audit_csv", args=[other.pk])).status_code == 404


def test_the_access_log_is_for_the_board(client, django_user_model, tree):
    inside = _with_sensitive_data(tree)
    outside = MemberFactory(organization=tree["cell_c"], given_name="Xuân")
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    _login(client, secretary)
    client.get(reverse("member_detail", args=[inside.pk]))
    assert client.get(reverse("access_log")).status_code == 404
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    client.force_login(board)
    body = client.get(reverse("access_log")).content.decode()
    assert "chibo" in body and inside.full_name in body
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    client.force_login(admin)
    client.get(reverse("member_detail", args=[outside.pk]))
    client.force_login(board)
    assert outside.full_name not in client.get(reverse("access_log")).content.decode()


def test_the_organisation_audit_exports_as_csv_inside_the_scope(client, django_user_model, tree):
    from dangvien.organizations import services as org_services

    editor = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["province"])
    org_services.organization_rename(
        actor=editor,
        organization=tree["cell_a"],
        name="=Chi bộ thôn Đông Mới",
        document_name="CHI BỘ THÔN ĐÔNG MỚI",
        date=D(2025, 7, 1),
        decision_number="12-QĐ/ĐU",
    )
    _login(client, user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"]))
    response = client.get(reverse("organization_audit_csv", args=[tree["cell_a"].pk]))
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert "Sự kiện: Đổi tên (QĐ 12-QĐ/ĐU)" in text and "bantc" in text
    assert "Tên đầy đủ" in text and "'=Chi bộ thôn Đông Mới" in text
    assert (
        client.get(reverse("organization_audit_csv", args=[tree["cell_b"].pk])).status_code == 404
    )


def test_ids_beyond_the_database_range_are_not_found(client, django_user_model, tree):
    _login(
        client,
        user_with_role(django_user_model, "tinhuy", Role.ORGANISATION_BOARD, tree["province"]),
    )
    for url in (
        "/dang-vien/99999999999999999999999/",
        "/to-chuc/-5/",
        "/dang-vien/?org=99999999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


def _csv_rows(response) -> list[list[str]]:
    import csv
    import io

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_access_log_exports_as_csv_for_the_board(client, django_user_model, tree):
    from dangvien.accounts.models import AccessLog

    inside = _with_sensitive_data(tree)
    other = MemberFactory(organization=tree["cell_a"], given_name="Lan")
    outside = MemberFactory(organization=tree["cell_c"], given_name="Xuân")
    board = user_with_role(django_user_model, "bantc", Role.ORGANISATION_BOARD, tree["commune"])
    admin = django_user_model.objects.create_superuser("root", password="x-Test-12345")
    _login(client, board)
    client.get(reverse("member_detail", args=[inside.pk]), REMOTE_ADDR="10.0.0.7")
    client.get(reverse("member_detail", args=[other.pk]))
    client.force_login(admin)
    client.get(reverse("member_detail", args=[outside.pk]))
    # 17:30 UTC is half past midnight the next day in Hà Nội.
    AccessLog.objects.update(at=dt.datetime(2026, 1, 5, 17, 30, tzinfo=dt.UTC))

    client.force_login(board)
    page = client.get(reverse("access_log")).content.decode()
    assert reverse("access_log_csv") in page
    response = client.get(reverse("access_log_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nhat-ky-truy-cap.csv"'
    rows = _csv_rows(response)
    assert rows[0] == ["Thời điểm", "Người xem", "Đảng viên", "Nội dung", "Địa chỉ"]
    assert [
        "06/01/2026 00:30",
        "bantc",
        inside.full_name,
        "Xem phần nhạy cảm (CCCD, gia đình)",
        "10.0.0.7",
    ] in rows
    assert {row[2] for row in rows[1:]} == {inside.full_name, other.full_name}
    # One member's entries, as on the page (?dv=), and the page links to them.
    page = client.get(reverse("access_log"), {"dv": inside.pk}).content.decode()
    assert f"{reverse('access_log_csv')}?dv={inside.pk}" in page
    rows = _csv_rows(client.get(reverse("access_log_csv"), {"dv": inside.pk}))
    assert len(rows) == 3 and {row[2] for row in rows[1:]} == {inside.full_name}
    # The administrator sees every entry.
    client.force_login(admin)
    rows = _csv_rows(client.get(reverse("access_log_csv")))
    assert {row[2] for row in rows[1:]} == {inside.full_name, other.full_name, outside.full_name}


@pytest.mark.parametrize(
    "role,org",
    [
        (Role.CELL_SECRETARY, "cell_a"),
        (Role.GRASSROOTS_OFFICE, "commune"),
        (Role.AUDITOR, "province"),
        (Role.MEMBER, "cell_a"),
    ],
)
def test_the_access_log_export_is_not_found_for_other_roles(
    client, django_user_model, tree, role, org
):
    member = MemberFactory(organization=tree["cell_a"])
    _login(client, user_with_role(django_user_model, "u", role, tree[org]))
    client.get(reverse("member_detail", args=[member.pk]))
    assert client.get(reverse("access_log_csv")).status_code == 404
    assert client.get(reverse("access_log_csv"), {"dv": member.pk}).status_code == 404


def test_the_access_log_export_is_formula_safe_and_names_stay_text(client, django_user_model, tree):
    member = MemberFactory(organization=tree["cell_a"])
    Member.objects.filter(pk=member.pk).update(
        family_name='=HYPERLINK("http://x")', given_name="<script>alert(1)</script>"
    )
    member.refresh_from_db()
    viewer = user_with_role(django_user_model, "+chibo", Role.CELL_SECRETARY, tree["cell_a"])
    _login(client, viewer)
    client.get(reverse("member_detail", args=[member.pk]))
    client.force_login(user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["commune"]))
    response = client.get(reverse("access_log_csv"))
    assert response["X-Content-Type-Options"] == "nosniff"
    (_header, row) = _csv_rows(response)
    assert row[1] == "'+chibo"
    assert row[2] == "'" + member.full_name  # starts with "=": kept as text
    assert row[2].endswith("<script>alert(1)</script>")  # as typed, not run, not mangled
    page = client.get(reverse("access_log")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
