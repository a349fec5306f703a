"""Factories for members, created through member_create (events and caches real)."""

import datetime as dt

import factory

from dangvien.accounts.models import Role, RoleGrant
from dangvien.core.actors import SYSTEM
from dangvien.members import services
from dangvien.members.models import Gender, Member
from dangvien.organizations.tests.factories import OrganizationFactory


class MemberFactory(factory.Factory):
    class Meta:
        model = Member

    organization = factory.SubFactory(OrganizationFactory)
    family_name = "Nguyễn"
    middle_name = "Văn"
    given_name = factory.Iterator(["An", "Bình", "Cường", "Dũng", "Đạt", "Hải"])
    gender = Gender.MALE
    birth_date = dt.date(1985, 3, 15)
    admission_decision_date = dt.date(2010, 5, 10)
    joining_date = dt.date(2010, 5, 19)
    official_date = dt.date(2011, 5, 19)

    @classmethod
    def _create(cls, model_class, *, organization, actor=SYSTEM, **data):
        return services.member_create(actor=actor, organization=organization, data=data)


def citizen_id_for(birth_date: dt.date, gender: str, serial: int, province: str = "042") -> str:
    century = (birth_date.year - 1900) // 100 * 2 + (1 if gender == Gender.FEMALE else 0)
    return f"{province}{century}{birth_date.year % 100:02d}{serial:06d}"


def user_with_role(django_user_model, username: str, role: str, organization, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw-Test-1234")
    RoleGrant.objects.create(
        user=user, role=role, organization=organization, valid_from=dt.date(2020, 1, 1), **extra
    )
    return user


__all__ = ["MemberFactory", "Role", "citizen_id_for", "user_with_role"]
