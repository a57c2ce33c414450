"""Trigram indexes for the search box's name lookups on PostgreSQL: `icontains` on a name is
UPPER(name::text) LIKE UPPER('%word%'), which a GIN index of pg_trgm serves instead of a scan of
every person. SQLite (development, tests) has no pg_trgm and scans: nothing to do there."""

from django.db import migrations

INDEXES = {
    "portal_user_first_name_trgm": "first_name",
    "portal_user_last_name_trgm": "last_name",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "portal_user" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_outbound_email_failed_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
