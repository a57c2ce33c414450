"""The incident summary's trigram index (0006) takes `gin_pending_list_limit = 64` kB on
PostgreSQL: autovacuum is off on the force's server, and with the 4 MB default a busy load of new
reports left a long unmerged pending list that every search of the summaries then read through.
SQLite (development, tests): nothing to do."""

from django.db import migrations

NAME = "incidents_incident_summary_trgm"
PENDING_LIST_KB = 64


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER INDEX IF EXISTS "{NAME}" SET (gin_pending_list_limit = {PENDING_LIST_KB})')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER INDEX IF EXISTS "{NAME}" RESET (gin_pending_list_limit)')


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_incident_summary_trigram")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
