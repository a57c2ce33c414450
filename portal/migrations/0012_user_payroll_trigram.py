"""A trigram index on UPPER(payroll_number) for the search box's people finder on PostgreSQL: it
matches a payroll number by its start (`istartswith`, UPPER(payroll_number) LIKE 'X%'), which a
plain btree serves only under the C collation. SQLite (development, tests) scans: nothing to do."""

from django.db import migrations

NAME = "portal_user_payroll_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "portal_user" USING gin ((UPPER("payroll_number"::text)) gin_trgm_ops)'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_user_payroll_upper_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
