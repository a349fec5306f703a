import os

# The end-to-end tests drive a browser through playwright's sync API, which runs
# an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

# The browser tests' fixtures (a phone page in chromium; sign-in without the
# second factor), for every app's test_browser.py.
from dangvien.web.tests.browser import no_second_factor, phone  # noqa: F401, E402


@pytest.fixture(scope="session", autouse=True)
def _close_live_server_sessions(request, django_db_setup, django_db_blocker):
    """Once every test has run, and before the test database is dropped: end the
    sessions the live server's threads (browser tests) left open on it, which
    PostgreSQL would refuse to drop. Never during the run: a session ended under
    a later test breaks that test."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (browser, parallel seeding) ends by flushing every table,
    the reference data that migrations load included (places, catalogues, content
    types). When a later test in the same worker finds them gone, load them again
    inside its own transaction."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    # A test reaches the database by the marker or through a fixture that asks
    # for `db` (factories' fixtures do): both need the reference data.
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    from django.contrib.contenttypes.models import ContentType

    # Content-type ids cached by an earlier test may not match the rows of this
    # one (a flush empties the table; a restore or re-creation renumbers it).
    ContentType.objects.clear_cache()
    if (marker is not None and marker.kwargs.get("transaction")) or names & {
        "transactional_db",
        "live_server",
    }:
        return
    request.getfixturevalue("db")
    if not ContentType.objects.exists():
        from django.apps import apps
        from django.contrib.contenttypes.management import create_contenttypes

        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
    from dangvien.members.catalogues import catalogue_rows
    from dangvien.members.models import CatalogItem
    from dangvien.places.loader import load_places
    from dangvien.places.models import Commune, Province

    if not Province.objects.exists():
        load_places(Province, Commune)
    from dangvien.dues.models import CommuneWageRegion, MinimumWage

    if not MinimumWage.objects.exists():
        from dangvien.dues.reference import load_reference

        load_reference(MinimumWage, CommuneWageRegion, Commune)
    if not CatalogItem.objects.exists():
        CatalogItem.objects.bulk_create(
            [CatalogItem(kind=k, code=c, name=n, rank=r) for k, c, n, r in catalogue_rows()]
        )
