from django.db import migrations


def load_catalogues(apps, schema_editor):
    from dangvien.members.catalogues import catalogue_rows

    CatalogItem = apps.get_model("members", "CatalogItem")
    CatalogItem.objects.bulk_create(
        [CatalogItem(kind=k, code=c, name=n, rank=r) for k, c, n, r in catalogue_rows()],
        ignore_conflicts=True,
    )


def trigram_index(apps, schema_editor):
    # PostgreSQL only: accent-free substring search over the name uses pg_trgm.
    # SQLite keeps the portable path (a LIKE scan, fine at embedded sizes).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_search_trgm ON members_member "
        "USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [
        migrations.RunPython(load_catalogues, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
