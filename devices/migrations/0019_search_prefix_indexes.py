"""The search box's device indexes under a busy insert load, on PostgreSQL.

A start of an IMEI, a SIM ICCID or an MDM id (`startswith`/`istartswith`: LIKE 'x%') is a range of a
pattern btree (varchar_pattern_ops/text_pattern_ops: any collation), not a trigram GIN index: the
three GIN indexes that served only those starts (0014) are dropped, so the MDM import and the seed
no longer feed them. The trigram indexes left (a part inside an asset tag, serial or phone number)
take `gin_pending_list_limit = 64` kB: autovacuum is off on the force's server, and with the 4 MB
default a busy import left long unmerged pending lists that every search then read through.
SQLite (development, tests) scans: nothing to do."""

from django.db import migrations

PREFIX = {
    "devices_device_imei_prefix": '"imei" varchar_pattern_ops',
    "devices_device_sim_iccid_prefix": '"sim_iccid" varchar_pattern_ops',
    "devices_device_mdm_id_prefix": '(UPPER("mdm_enrolment_id"::text)) text_pattern_ops',
}
DROPPED_TRIGRAM = {
    "devices_device_imei_trgm": '"imei"',
    "devices_device_sim_iccid_trgm": '"sim_iccid"',
    "devices_device_mdm_id_trgm": 'UPPER("mdm_enrolment_id"::text)',
}
TRIGRAM = ("devices_device_asset_tag_trgm", "devices_device_serial_trgm", "devices_device_phone_trgm")
PENDING_LIST_KB = 64


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in PREFIX.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "devices_device" ({expression})')
    for name in DROPPED_TRIGRAM:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for name in TRIGRAM:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" SET (gin_pending_list_limit = {PENDING_LIST_KB})')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" RESET (gin_pending_list_limit)')
    for name, expression in DROPPED_TRIGRAM.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "devices_device" USING gin (({expression}) gin_trgm_ops)'
        )
    for name in PREFIX:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("devices", "0018_received_events")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
