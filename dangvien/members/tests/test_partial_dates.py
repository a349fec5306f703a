"""Dates known only by year or by month and year (issue 13): stored as known
(first day of the period and a precision), typed «1960» or «03/1960», printed
«năm 1960» or «03/1960» on the record page, the list, the API and papers; the
old 9-digit identity card number in its own field."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import RecordValidationError
from dangvien.documents.render import format_date
from dangvien.members import history, services
from dangvien.members.dates import PartialDate, parse_partial_date
from dangvien.members.forms import EventForm, MemberForm
from dangvien.members.models import (
    DatePrecision,
    EventKind,
    Member,
    MembershipEvent,
    Status,
    WorkHistory,
)
from dangvien.members.rules import age_in_months
from dangvien.members.tests.factories import MemberFactory, user_with_role
from dangvien.members.timeline import member_timeline
from dangvien.organizations.tests.factories import build_tree

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"


@pytest.fixture
def tree():
    return build_tree()


def _record(**over):
    """What the member record form posts for a new member (text as typed)."""
    data = {
        "family_name": "Trần",
        "middle_name": "Văn",
        "given_name": "Năm",
        "gender": "M",
        "birth_date": "1960",
        "admission_decision_date": "",
        "joining_date": "03/1985",
        "official_date": "03/1986",
        "citizen_id": "",
        "old_identity_number": "",
    }
    data.update(over)
    return data


def _year_born(tree) -> Member:
    """A member whose dossier gives only the year of birth and the month of the ceremony."""
    form = MemberForm(_record())
    assert form.is_valid(), form.errors
    return services.member_create(
        actor=SYSTEM, organization=tree["cell_a"], data=form.record_data()
    )


# --- reading and printing ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("15/03/1960", PartialDate(D(1960, 3, 15), DatePrecision.DAY)),
        ("5.3.1960", PartialDate(D(1960, 3, 5), DatePrecision.DAY)),
        ("1960-03-15", PartialDate(D(1960, 3, 15), DatePrecision.DAY)),
        ("03/1960", PartialDate(D(1960, 3, 1), DatePrecision.MONTH)),
        (" 3-1960 ", PartialDate(D(1960, 3, 1), DatePrecision.MONTH)),
        ("tháng 3/1960", PartialDate(D(1960, 3, 1), DatePrecision.MONTH)),
        ("1960", PartialDate(D(1960, 1, 1), DatePrecision.YEAR)),
        ("năm 1960", PartialDate(D(1960, 1, 1), DatePrecision.YEAR)),
    ],
)
def test_a_date_is_read_as_far_as_it_is_known(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["13/1960", "31/02/1960", "60", "0999", "1960/03", "ngày 5", ""])
def test_text_that_names_no_day_month_or_year_is_refused(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_the_filter_and_papers_print_a_date_by_its_precision():
    template = Template("{{ d|ngay:'day' }}|{{ d|ngay:'month' }}|{{ d|ngay:'year' }}|{{ d|ngay }}")
    assert (
        template.render(Context({"d": D(1960, 3, 1)})) == "01/03/1960|03/1960|năm 1960|01/03/1960"
    )
    assert Template("[{{ d|ngay:'year' }}]").render(Context({"d": None})) == "[]"
    assert format_date(D(1960, 1, 1), DatePrecision.YEAR) == "năm 1960"
    assert format_date(D(1960, 3, 1), "month") == "03/1960"
    assert format_date(PartialDate(D(1960, 3, 1), DatePrecision.MONTH)) == "03/1960"
    assert format_date(D(1960, 3, 15)) == "15/03/1960"  # existing calls unchanged
    assert format_date("tháng Ba") == "tháng Ba"


# --- the record: stored as known --------------------------------------------------------


def test_a_year_only_birth_is_stored_as_the_year_and_its_rules_use_the_first_day(tree):
    member = _year_born(tree)
    member.refresh_from_db()
    assert (member.birth_date, member.birth_date_precision) == (D(1960, 1, 1), "year")
    assert (member.joining_date, member.joining_date_precision) == (D(1985, 3, 1), "month")
    assert (member.official_date, member.official_date_precision) == (D(1986, 3, 1), "month")
    assert member.status == Status.OFFICIAL
    events = list(
        MembershipEvent.objects.filter(member=member).values_list("kind", "date_precision")
    )
    assert events == [(EventKind.ADMITTED, "month"), (EventKind.RECOGNISED, "month")]
    # Age is counted from 1 January of the year of birth (docs/domain.md, decisions).
    assert age_in_months(member.birth_date, D(1985, 3, 1)) == 25 * 12 + 2
    assert member.history.count() == 1
    assert member.history.first().birth_date_precision == "year"


def test_a_month_recognition_must_fall_in_the_month_the_probation_ends(tree):
    form = MemberForm(_record(official_date="04/1986"))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["official_date"]] == ["official_date_wrong"]
    assert not Member.objects.exists()


def test_bad_date_text_gets_a_vietnamese_message_with_a_code_at_its_field(tree):
    form = MemberForm(_record(birth_date="13/1960", joining_date="ngày 5"))
    assert not form.is_valid()
    errors = form.errors.as_data()
    assert [e.code for e in errors["birth_date"]] == ["partial_date_invalid"]
    assert [e.code for e in errors["joining_date"]] == ["partial_date_invalid"]
    assert "mm/yyyy" in form.errors["birth_date"][0] and "1960" in form.errors["birth_date"][0]
    assert set(errors) == {"birth_date", "joining_date"}
    assert not Member.objects.exists()


def test_the_edit_form_shows_a_partial_date_as_typed_and_keeps_it(tree):
    member = _year_born(tree)
    form = MemberForm(instance=member, initial={"version": member.version})
    html = str(form["birth_date"]) + str(form["joining_date"])
    assert 'value="1960"' in html and 'value="03/1985"' in html
    # Saving the form unchanged changes nothing.
    data = _record(version=str(member.version))
    bound = MemberForm(data, instance=member)
    assert bound.is_valid(), bound.errors
    services.member_update(
        actor=SYSTEM, member_id=member.pk, expected_version=member.version, data=bound.record_data()
    )
    member.refresh_from_db()
    assert member.version == 1 and member.history.count() == 1


def test_a_more_precise_birth_date_needs_the_decision_and_history_keeps_both(tree):
    member = _year_born(tree)
    refused = MemberForm(_record(birth_date="15/03/1960", version="1"), instance=member)
    assert not refused.is_valid()
    assert [e.code for e in refused.errors.as_data()["birth_date"]] == ["birth_date_needs_decision"]
    member.refresh_from_db()
    form = MemberForm(
        _record(
            birth_date="15/03/1960",
            birth_date_decision_number="12-QĐ/HU",
            birth_date_decision_date="02/01/2024",
            version="1",
        ),
        instance=member,
    )
    assert form.is_valid(), form.errors
    services.member_update(
        actor=SYSTEM, member_id=member.pk, expected_version=1, data=form.record_data()
    )
    member.refresh_from_db()
    assert (member.birth_date, member.birth_date_precision) == (D(1960, 3, 15), "day")
    old, new = member.history.order_by("history_id")
    assert (old.birth_date, old.birth_date_precision) == (D(1960, 1, 1), "year")
    assert (new.birth_date, new.birth_date_precision) == (D(1960, 3, 15), "day")
    assert new.history_change_reason.startswith("Sửa ngày sinh năm 1960 → 15/03/1960")
    change = next(c for e in member_timeline(member) for c in e.changes if c.field == "ngày sinh")
    assert (change.before, change.after) == ("năm 1960", "15/03/1960")
    assert not any("biết đến" in c.field for e in member_timeline(member) for c in e.changes)


def test_the_api_may_write_a_precision_and_the_date_is_kept_at_the_start_of_its_period(tree):
    member = MemberFactory(organization=tree["cell_a"])
    services.member_update(
        actor=SYSTEM,
        member_id=member.pk,
        expected_version=1,
        data={"joining_date": D(2010, 5, 19), "joining_date_precision": "year"},
    )
    member.refresh_from_db()
    assert (member.joining_date, member.joining_date_precision) == (D(2010, 1, 1), "year")
    with pytest.raises(RecordValidationError) as caught:
        services.member_update(
            actor=SYSTEM,
            member_id=member.pk,
            expected_version=2,
            data={"official_date_precision": "week"},
        )
    assert caught.value.codes == {"official_date": ["partial_date_invalid"]}
    member.refresh_from_db()
    assert member.version == 2 and member.official_date_precision == "day"


# --- the old identity card number -------------------------------------------------------


def test_the_old_identity_number_is_kept_as_nine_digits(tree):
    form = MemberForm(_record(old_identity_number="012 345 678"))
    assert form.is_valid(), form.errors
    member = services.member_create(
        actor=SYSTEM, organization=tree["cell_a"], data=form.record_data()
    )
    assert Member.objects.get(pk=member.pk).old_identity_number == "012345678"


@pytest.mark.parametrize("typed", ["12345678", "0123456789", "01234567x", "001085012345"])
def test_an_old_identity_number_that_is_not_nine_digits_is_refused_at_its_field(tree, typed):
    form = MemberForm(_record(old_identity_number=typed))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["old_identity_number"]] == [
        "old_identity_number_digits"
    ]
    assert "9 chữ số" in form.errors["old_identity_number"][0]
    assert set(form.errors) == {"old_identity_number"}
    assert not Member.objects.exists()


def test_the_old_identity_number_is_hidden_where_the_citizen_id_is(tree):
    assert "old_identity_number" not in MemberForm(sensitive=False).fields
    assert "old_identity_number" in MemberForm(sensitive=True).fields


# --- events and dated rows --------------------------------------------------------------


def test_a_death_known_only_by_year_is_recorded_and_shown_so(tree, django_user_model, client):
    member = MemberFactory(
        organization=tree["cell_a"],
        birth_date=D(1930, 1, 1),
        admission_decision_date=D(1950, 5, 10),
        joining_date=D(1950, 5, 19),
        official_date=D(1951, 5, 19),
    )
    office = user_with_role(django_user_model, "vp", Role.GRASSROOTS_OFFICE, tree["commune"])
    form = EventForm(
        {"kind": EventKind.DECEASED, "date": "1968"},
        kinds=EventKind.choices,
        organizations=tree["cell_a"].__class__.objects.none(),
        member=None,
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["date"], form.cleaned_data["date_precision"]) == (
        D(1968, 1, 1),
        "year",
    )
    # The dossier tells of the death before the record entered the system.
    Member.objects.filter(pk=member.pk).update(created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    member.history.update(history_date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    event = history.member_history_event_add(
        actor=office,
        member=member,
        kind=EventKind.DECEASED,
        date=D(1968, 6, 30),
        date_precision=DatePrecision.YEAR,
    )
    assert (event.date, event.date_precision) == (D(1968, 1, 1), "year")
    client.force_login(office)
    page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "<td>năm 1968</td>" in page


def test_work_rows_may_be_known_by_month_or_year(tree):
    member = MemberFactory(organization=tree["cell_a"])
    rows = [
        (
            0,
            None,
            {
                "start": D(2003, 3, 15),
                "start_precision": "day",
                "end": D(2003, 3, 1),
                "end_precision": "month",
                "position": "Giáo viên",
                "workplace": "Trường A",
            },
        ),
        (
            1,
            None,
            {
                "start": D(2004, 7, 9),
                "start_precision": "year",
                "position": "Hiệu phó",
                "workplace": "Trường B",
            },
        ),
    ]
    saved = services.member_save_rows(
        actor=SYSTEM, member=member, model=WorkHistory, rows=rows, expected_version=1
    )
    assert saved == 2
    stored = list(
        WorkHistory.objects.filter(member=member)
        .order_by("start")
        .values_list("start", "start_precision", "end", "end_precision")
    )
    assert stored == [
        (D(2003, 3, 15), "day", D(2003, 3, 1), "month"),
        (D(2004, 1, 1), "year", None, "day"),
    ]


def test_a_row_ending_the_month_before_it_starts_is_refused(tree):
    member = MemberFactory(organization=tree["cell_a"])
    rows = [
        (
            0,
            None,
            {
                "start": D(2003, 3, 15),
                "end": D(2003, 2, 1),
                "end_precision": "month",
                "position": "Giáo viên",
                "workplace": "Trường A",
            },
        )
    ]
    with pytest.raises(RecordValidationError) as caught:
        services.member_save_rows(
            actor=SYSTEM, member=member, model=WorkHistory, rows=rows, expected_version=1
        )
    assert caught.value.codes == {"form-0-end": ["row_end_before_start"]}
    assert not WorkHistory.objects.exists()


# --- pages and API: a year-only birth date --------------------------------------------------


def test_a_year_only_birth_shows_so_on_the_record_page_and_in_the_list(
    tree, django_user_model, client
):
    member = _year_born(tree)
    secretary = user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    client.force_login(secretary)
    page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "<dd>năm 1960</dd>" in page and "<dd>03/1985</dd>" in page
    assert "01/01/1960" not in page
    listing = client.get(reverse("member_list"), {"org": tree["cell_a"].pk}).content.decode()
    assert '<td data-label="Ngày sinh">năm 1960</td>' in listing
    assert '<td data-label="Ngày vào Đảng">03/1985</td>' in listing
    assert "01/01/1960" not in listing


def test_the_api_returns_the_precision_next_to_the_date(tree, django_user_model, client):
    member = _year_born(tree)
    user_with_role(django_user_model, "chibo", Role.CELL_SECRETARY, tree["cell_a"])
    token = client.post(
        f"{API}/auth/token",
        {"username": "chibo", "password": "pw-Test-1234"},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    record = client.get(f"{API}/members/{member.pk}", **auth).json()
    assert (record["birth_date"], record["birth_date_precision"]) == ("1960-01-01", "year")
    assert (record["joining_date"], record["joining_date_precision"]) == ("1985-03-01", "month")
    assert [e["date_precision"] for e in record["events"]] == ["month", "month"]
    listed = client.get(f"{API}/members", {"org": tree["cell_a"].pk}, **auth).json()["items"]
    assert [(i["birth_date"], i["birth_date_precision"]) for i in listed] == [
        ("1960-01-01", "year")
    ]
