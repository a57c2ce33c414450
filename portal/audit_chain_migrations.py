"""Migration operations for the audit chains (portal.audit_chain): seal the rows already there,
and on PostgreSQL a trigger that refuses UPDATE and DELETE on a chained table.

Row triggers do not fire on TRUNCATE, so test flushes still work. A security event's user is the
one column that may change (to NULL, when that user is deleted: on_delete=SET_NULL); it is left
out of the hash, and the trigger allows exactly that update and nothing else.
"""

from django.db import migrations

from portal.audit_chain import rechain

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION kitbag_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    may_clear text := TG_ARGV[0];  -- a column that may be set to NULL (ON DELETE SET NULL)
BEGIN
    IF TG_OP = 'UPDATE' AND may_clear IS NOT NULL
       AND (to_jsonb(NEW) - may_clear) = (to_jsonb(OLD) - may_clear)
       AND jsonb_typeof(to_jsonb(NEW) -> may_clear) = 'null' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Kitbag: % is append-only (audit chain): % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'raise_exception';
END
$$;
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"[:63]


def _create_trigger(table: str, may_clear: str | None):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        argument = f"'{may_clear}'" if may_clear else ""
        schema_editor.execute(FUNCTION_SQL, params=None)  # None: its % are not placeholders
        schema_editor.execute(
            f'CREATE TRIGGER "{trigger_name(table)}" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION kitbag_append_only({argument})"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"')

    return forwards, backwards


def _seal_existing(app_label: str, model_name: str):
    def forwards(apps, schema_editor):
        rechain(apps.get_model(app_label, model_name), using=schema_editor.connection.alias)

    return forwards


def chain_table(app_label: str, model_name: str, table: str, may_clear: str | None = None) -> list:
    """Operations that seal a table's existing rows and (PostgreSQL) make it append-only."""
    forwards, backwards = _create_trigger(table, may_clear)
    return [
        migrations.RunPython(_seal_existing(app_label, model_name), migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
