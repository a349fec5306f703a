"""Who may take a step is the workflow table's answer, checked by the services
themselves: a step by the wrong body is refused with `not_acting_body` (service
and page) and a step out of order with `out_of_order`; nothing changes (every
table of the area compared before and after)."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.compliance.models import Case
from dangvien.core.actors import SYSTEM
from dangvien.core.errors import DomainError
from dangvien.documents.models import IssuedDocument
from dangvien.liaison import selectors, services
from dangvien.liaison.models import (
    Exemption,
    ResidenceComment,
    ResidenceGroup,
    ResidenceLiaison,
    WorkingAway,
    WorkingAwayContact,
)
from dangvien.liaison.workflows import EXEMPTION, RESIDENCE, WORKING_AWAY
from dangvien.members.models import MembershipEvent
from dangvien.members.tests.factories import MemberFactory, user_with_role

from .conftest import worker

pytestmark = pytest.mark.django_db
D = dt.date


def _tables():
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Exemption,
            WorkingAway,
            WorkingAwayContact,
            ResidenceLiaison,
            ResidenceComment,
            ResidenceGroup,
            Case,
            MembershipEvent,
            IssuedDocument,
        )
    ]


def _exemption(member):
    return services.exemption_apply(
        actor=SYSTEM,
        member=member,
        kind="temporary",
        ground="working_away",
        applied_on=D(2024, 1, 10),
        start=D(2024, 1, 10),
        end=D(2024, 6, 30),
    )


@pytest.fixture
def people(django_user_model, tree):
    return {
        "secretary": user_with_role(
            django_user_model, "bithu_a", Role.CELL_SECRETARY, tree["cell_a"]
        ),
        "office": user_with_role(
            django_user_model, "dangu", Role.GRASSROOTS_OFFICE, tree["commune"]
        ),
        "other": user_with_role(django_user_model, "bithu_b", Role.CELL_SECRETARY, tree["cell_b"]),
        "agency": user_with_role(django_user_model, "bithu_c", Role.CELL_SECRETARY, tree["cell_c"]),
        "inspection": user_with_role(django_user_model, "ubkt", Role.INSPECTION, tree["province"]),
    }


def test_exemption_step_by_the_wrong_body_is_refused_and_changes_nothing(member, people):
    exemption = _exemption(member)
    before = _tables()
    for who in ("other", "inspection"):
        with pytest.raises(DomainError) as exc:
            services.exemption_decide(
                actor=people[who],
                exemption=exemption,
                decided_on=D(2024, 1, 15),
                resolution_number="",
            )
        assert exc.value.code == "not_acting_body" and exc.value.field == "step"
        assert member.organization.name in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.exemption_apply(
            actor=people["other"],
            member=member,
            kind="exemption",
            ground="poor_health",
            treatment_months=6,
            applied_on=D(2024, 2, 1),
            start=D(2024, 2, 1),
        )
    assert exc.value.code == "not_acting_body"
    assert _tables() == before
    # The cell's writer and a writer above it (entering on its behalf) may.
    assert [s.code for s in EXEMPTION.open_steps(exemption, people["secretary"])] == [
        "decide",
        "refuse",
    ]
    assert EXEMPTION.may_take(exemption, "decide", people["office"])
    assert EXEMPTION.open_steps(exemption, people["agency"]) == []
    services.exemption_decide(
        actor=people["office"],
        exemption=exemption,
        decided_on=D(2024, 1, 15),
        resolution_number="1",
    )


def test_step_out_of_order_has_its_code_and_changes_nothing(member, people):
    exemption = _exemption(member)
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.exemption_return(
            actor=people["secretary"],
            exemption=exemption,
            returned_on=D(2024, 2, 1),
            resolution_number="1",
        )
    assert exc.value.code == "out_of_order" and exc.value.field == "step"
    wa = services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 1, 5))
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.working_away_contact_add(
            actor=people["secretary"], working_away=wa, date=D(2024, 1, 9), kind="report"
        )
    assert exc.value.code == "out_of_order"
    assert _tables() == before


def test_residence_steps_belong_to_the_residence_committee(residence_tree, places, people):
    tree = residence_tree
    liaison = services.residence_introduce(
        actor=people["agency"], member=worker(tree, places), introduced_on=D(2024, 1, 10)
    )
    before = _tables()
    with pytest.raises(DomainError) as exc:  # the workplace does not receive
        services.residence_receive(
            actor=people["agency"], liaison=liaison, received_on=D(2024, 1, 15)
        )
    assert exc.value.code == "not_acting_body" and tree["commune"].name in exc.value.message
    assert _tables() == before
    services.residence_receive(actor=people["office"], liaison=liaison, received_on=D(2024, 1, 15))
    services.residence_assign(
        actor=people["office"], liaison=liaison, assigned_on=D(2024, 1, 20), cell=tree["cell_a"]
    )
    case = Case.objects.get()
    assert case.step == "comment" and case.acting_body == "cell"
    assert case.acting_organization_id == tree["cell_a"].pk and case.detail.startswith("năm ")
    liaison.refresh_from_db()
    assert [s.code for s in RESIDENCE.open_steps(liaison, people["agency"])] == ["end"]
    assert {s.code for s in RESIDENCE.open_steps(liaison, people["secretary"])} == {
        "group",
        "comment",
    }


def test_residence_outside_the_installation_is_recorded_by_the_system_only(
    residence_tree, places, people
):
    liaison = services.residence_introduce(
        actor=people["agency"],
        member=worker(residence_tree, places, commune="elsewhere"),
        introduced_on=D(2024, 1, 10),
    )
    assert Case.objects.get().acting_organization_id is None
    before = _tables()
    with pytest.raises(DomainError) as exc:
        services.residence_receive(
            actor=people["agency"], liaison=liaison, received_on=D(2024, 1, 15)
        )
    assert exc.value.code == "not_acting_body"
    assert _tables() == before
    services.residence_receive(actor=SYSTEM, liaison=liaison, received_on=D(2024, 1, 15))


def test_get_for_step_selectors(member, people):
    from dangvien.accounts.scope import scope_for
    from dangvien.core.errors import NotFound

    exemption = _exemption(member)
    wa = services.working_away_report(actor=SYSTEM, member=member, reported_on=D(2024, 1, 5))
    scope = scope_for(people["secretary"])
    assert selectors.exemption_get_for_step(scope, exemption.pk, "decide") == exemption
    assert selectors.working_away_get_for_step(scope, wa.pk, "review") == wa
    with pytest.raises(NotFound):
        selectors.exemption_get_for_step(scope_for(people["other"]), exemption.pk, "decide")
    with pytest.raises(DomainError) as exc:
        selectors.exemption_get_for_step(scope_for(people["inspection"]), exemption.pk, "decide")
    assert exc.value.code == "not_acting_body"
    with pytest.raises(DomainError) as exc:
        selectors.exemption_get_for_step(scope, exemption.pk, "nope")
    assert exc.value.code == "unknown_step"
    assert WORKING_AWAY.awaited(wa)[""].code == "review"


def test_page_offers_only_open_steps_and_a_refused_body_changes_nothing(
    client, residence_tree, places, people
):
    tree = residence_tree
    liaison = services.residence_introduce(
        actor=SYSTEM, member=worker(tree, places), introduced_on=D(2024, 1, 10)
    )
    exemption = _exemption(MemberFactory(organization=tree["cell_a"]))
    detail = reverse("residence_detail", args=[liaison.pk])
    client.force_login(people["agency"])
    page = client.get(detail).content.decode()
    assert 'value="receive"' not in page and 'value="end"' in page
    before = _tables()
    response = client.post(detail, {"step": "receive", "received_on": "15/01/2024"})
    assert response.status_code == 404
    assert _tables() == before
    client.force_login(people["inspection"])
    response = client.post(
        reverse("exemption_detail", args=[exemption.pk]),
        {"step": "decide", "decided_on": "15/01/2024", "resolution_number": "1"},
    )
    assert response.status_code == 404
    assert _tables() == before
