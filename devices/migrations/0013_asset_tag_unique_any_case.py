"""Asset tags unique whatever their case. seed_demo's tags are all upper-case (KB000001...), as the
MDM import's files are; a database that already holds one tag in two spellings stops here, naming
them, so that someone merges the two devices before the constraint is added."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper


def refuse_tags_spelled_twice(apps, schema_editor):
    Device = apps.get_model("devices", "Device")
    twice = (
        Device.objects.annotate(tag=Upper("asset_tag"))
        .values("tag")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("tag", flat=True)
    )
    twice = list(twice[:20])
    if twice:
        raise RuntimeError(f"These asset tags are on more than one device in different cases: {', '.join(twice)}.")


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0012_remote_action_ended_device_found"),
    ]

    operations = [
        migrations.RunPython(refuse_tags_spelled_twice, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="device",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Upper("asset_tag"),
                name="devices_device_asset_tag_unique_any_case",
                violation_error_message="Another device has this asset tag (in capitals or not).",
            ),
        ),
    ]
