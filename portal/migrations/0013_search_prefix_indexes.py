"""The search box's people indexes under a busy insert load, on PostgreSQL.

The start of a payroll number (`istartswith`: UPPER(payroll_number) LIKE 'X%') is a range of a
text_pattern_ops btree on UPPER(payroll_number) (any collation), not the trigram GIN index of 0012,
which is dropped (the HR import no longer feeds it). The name trigram indexes (0009) take
`gin_pending_list_limit = 64` kB: autovacuum is off on the force's server, and with the 4 MB
default a busy import left long unmerged pending lists that every name search then read through.
SQLite (development, tests) scans: nothing to do."""

from django.db import migrations

PREFIX = "portal_user_payroll_prefix"
DROPPED_TRIGRAM = "portal_user_payroll_trgm"
TRIGRAM = ("portal_user_first_name_trgm", "portal_user_last_name_trgm")
PENDING_LIST_KB = 64


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{PREFIX}" ON "portal_user" ((UPPER("payroll_number"::text)) text_pattern_ops)'
    )
    schema_editor.execute(f'DROP INDEX IF EXISTS "{DROPPED_TRIGRAM}"')
    for name in TRIGRAM:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" SET (gin_pending_list_limit = {PENDING_LIST_KB})')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" RESET (gin_pending_list_limit)')
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{DROPPED_TRIGRAM}" ON "portal_user" '
        'USING gin ((UPPER("payroll_number"::text)) gin_trgm_ops)'
    )
    schema_editor.execute(f'DROP INDEX IF EXISTS "{PREFIX}"')


class Migration(migrations.Migration):
    dependencies = [("portal", "0012_user_payroll_trigram")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
