"""The demo's organisations have posts, so their papers are signed by name (issue 9.3)."""

import datetime as dt

import pytest

from dangvien.organizations.models import CommitteePost, Level, Organization
from dangvien.organizations.posts import signer_for
from dangvien.seeding import services
from dangvien.seeding.posts import CHANGE_ON, demo_posts

pytestmark = pytest.mark.django_db


def test_every_demo_organisation_has_a_signer_and_one_shows_a_change():
    services.seed(services.demo_plan())
    written = demo_posts()
    assert written > 0
    assert demo_posts() == 0  # idempotent
    today = dt.date(2026, 6, 1)
    for org in Organization.objects.exclude(level=Level.CENTRAL).filter(valid_to__isnull=True):
        signer = signer_for(org, today)
        assert not signer.missing, org.name
        assert signer.title == "BÍ THƯ"
    assert CommitteePost.history.count() == written  # each row has its baseline
    ended = CommitteePost.objects.get(ends_on__isnull=False)
    before = signer_for(ended.organization, CHANGE_ON - dt.timedelta(days=1))
    after = signer_for(ended.organization, CHANGE_ON)
    assert before.name == ended.name and after.name != ended.name
