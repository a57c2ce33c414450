"""A trigram index on the incident summary for the search box (`summary__icontains`, which is
UPPER(summary::text) LIKE UPPER('%...%')) on PostgreSQL, so a word from a summary does not walk
every incident. SQLite (development, tests) scans: nothing to do."""

from django.db import migrations

NAME = "incidents_incident_summary_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "incidents_incident" USING gin ((UPPER("summary"::text)) gin_trgm_ops)'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_audit_chain"), ("portal", "0009_user_name_trigram")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
