import datetime as dt

from dangvien.accounts.scope import NOTHING, Scope
from dangvien.discipline import selectors
from dangvien.discipline.demo import demo_discipline
from dangvien.discipline.models import Discipline
from dangvien.members.tests.factories import MemberFactory

EVERYTHING = Scope(everything=True, paths=(), member_id=None)


def test_demo_puts_one_in_force_and_one_lapsed(tree):
    for _ in range(3):
        MemberFactory(organization=tree["cell_a"])
    today = dt.date.today()
    demo = demo_discipline(today)
    assert selectors.standing_on(demo.in_force, today).code == "in_force"
    assert selectors.standing_on(demo.lapsed, today).code == "lapsed"
    assert selectors.blocks_transfer(demo.in_force.member, today) == demo.in_force
    assert selectors.blocks_transfer(demo.lapsed.member, today) is None
    assert [d for d, _ in selectors.lapsed_disciplines(EVERYTHING, today)] == [demo.lapsed]
    assert selectors.lapsed_disciplines(NOTHING, today) == []
    assert Discipline.objects.count() == 2
    assert demo.in_force.decision_document is not None
    assert demo.in_force.member != demo.lapsed.member


def test_lapsed_command_lists_them(tree, capsys):
    from django.core.management import call_command

    for _ in range(2):
        MemberFactory(organization=tree["cell_a"])
    today = dt.date.today()
    demo = demo_discipline(today)
    call_command("discipline_lapsed", on=f"{today:%d/%m/%Y}")
    out = capsys.readouterr().out
    assert demo.lapsed.member.full_name in out
    assert demo.in_force.member.full_name not in out
    assert "Tổng số: 1" in out
