"""Indexes for the search box's device lookups on PostgreSQL.

An exact identifier is one query with an OR across asset tag, IMEI, serial, SIM ICCID, MDM id and
phone number: PostgreSQL answers it with a bitmap OR of one index per column, or walks every device
if any column has none. `iexact` is UPPER(col::text) = UPPER(term), so those columns get an index
on UPPER(col); IMEI already has its unique index and the SIM ICCID is compared as stored. A partial
identifier is `icontains`/`startswith` on the same columns (the asset tag as LOWER(asset_tag)
`contains`): GIN trigram indexes (pg_trgm, created by
portal's 0009) serve LIKE '%...%' and LIKE '...%'. SQLite (development, tests) scans: nothing to do."""

from django.db import migrations

EXACT = {
    "devices_device_serial_upper": 'UPPER("serial_number"::text)',
    "devices_device_mdm_id_upper": 'UPPER("mdm_enrolment_id"::text)',
    "devices_device_phone_upper": 'UPPER("phone_number"::text)',
    "devices_device_sim_iccid": '"sim_iccid"',
}
TRIGRAM = {
    # LOWER, not UPPER: an index of trigrams on UPPER(asset_tag) also answers `=`, and PostgreSQL
    # then took it over the unique UPPER(asset_tag) btree for the MDM import's IN list of 5,000 tags
    # (18 s a batch instead of milliseconds). The search box looks for LOWER(asset_tag) LIKE '%..%'.
    "devices_device_asset_tag_trgm": 'LOWER("asset_tag"::text)',
    "devices_device_serial_trgm": 'UPPER("serial_number"::text)',
    "devices_device_phone_trgm": 'UPPER("phone_number"::text)',
    "devices_device_mdm_id_trgm": 'UPPER("mdm_enrolment_id"::text)',
    "devices_device_imei_trgm": '"imei"',
    "devices_device_sim_iccid_trgm": '"sim_iccid"',
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in EXACT.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "devices_device" (({expression}))')
    for name, expression in TRIGRAM.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "devices_device" USING gin (({expression}) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*EXACT, *TRIGRAM]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("devices", "0013_asset_tag_unique_any_case"), ("portal", "0009_user_name_trigram")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
