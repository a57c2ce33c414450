from django.db import migrations, transaction
from django.utils import timezone

from portal.audit_chain import seal_many

BATCH = 2000
NOTE = "History starts here: the device as it stood when its custody history began."


def receive_devices_without_history(apps, schema_editor):
    """Every device with no custody event gets a "received" event now, leaving it in the status and
    at the Tech Bar it has today: the figures count a device from its first event, so its history
    starts at this instant (after the people's history starts), and never before."""
    Device = apps.get_model("devices", "Device")
    DeviceEvent = apps.get_model("devices", "DeviceEvent")
    User = apps.get_model("portal", "User")
    using = schema_editor.connection.alias
    devices = Device.objects.using(using).filter(events__isnull=True).order_by("pk")
    if not devices.exists():
        return
    # The event's actor: the first superuser (whoever installed the portal), else the first person.
    actor = User.objects.using(using).order_by("-is_superuser", "pk").values_list("pk", flat=True).first()
    if actor is None:
        return
    now = timezone.now()
    rows = list(devices.values_list("pk", "status", "tech_bar_id"))
    for start in range(0, len(rows), BATCH):
        batch = [
            DeviceEvent(
                device_id=pk,
                kind="received",
                actor_id=actor,
                tech_bar_id=tech_bar,
                from_status="",
                to_status=status,
                note=NOTE,
                created_at=now,
            )
            for pk, status, tech_bar in rows[start : start + BATCH]
        ]
        with transaction.atomic(using=using):
            seal_many(batch, using=using)
            DeviceEvent.objects.using(using).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0017_figures"),
    ]

    operations = [
        migrations.RunPython(receive_devices_without_history, migrations.RunPython.noop, elidable=True),
    ]
