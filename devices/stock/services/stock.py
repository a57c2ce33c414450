"""Stock at each Tech Bar: the low-stock alert (once per crossing) and transfers between Tech Bars.

Every write here is a service: keyword-only, one transaction, a DeviceEvent per device moved.
A device in transit stays "in stock" with no Tech Bar and one open StockTransfer (see
devices.stock.models), so it is always at exactly one place or with one person.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from devices.core.low_stock import low_stock_alert
from devices.core.models import Assignment, Device, DeviceEvent, DeviceModel, TechBar
from devices.core.services import DeviceError
from devices.requests.models import DeviceRequest
from devices.stock.models import StockLevel, StockTransfer
from devices.stock.selectors import stock_count, tech_bar_staff_for
from portal.models import User


# --- Low stock ----------------------------------------------------------------------------------
def on_device_received(*, device: Device, actor: User, tech_bar: TechBar) -> None:
    """Custody hook: a new device in stock may re-arm the model's low-stock alert."""
    stock_level_check(tech_bar=tech_bar, device_model=DeviceModel(pk=device.model_id), fell=False)


def on_device_issued(
    *, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar, holder_locked: bool = False
) -> None:
    """Custody hook: a device handed out may take the model's stock below its level."""
    stock_level_check(tech_bar=tech_bar, device_model=DeviceModel(pk=device.model_id))


@transaction.atomic
def stock_level_check(*, tech_bar: TechBar, device_model: DeviceModel, fell: bool = True) -> bool:
    """After stock of a model at a Tech Bar changed: the shared low-stock rule (devices.core.low_stock)
    against the model's level there, if it has one. True when an alert went out. `fell=False` after
    stock went up (received, back from triage or a transfer)."""
    level = (
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("device_model")
        .filter(tech_bar=tech_bar, device_model=device_model)
        .first()
    )
    if level is None:
        return False
    return low_stock_alert(
        level=level,
        in_stock=stock_count(tech_bar=tech_bar, device_model=device_model),
        fell=fell,
        tech_bar=tech_bar,
        what=level.device_model,
        url=reverse("admin:devices_stock"),
        staff=tech_bar_staff_for(tech_bar),
    )


# --- Transfers ----------------------------------------------------------------------------------
@transaction.atomic
def transfer_send(
    *, devices: list[Device], from_tech_bar: TechBar, to_tech_bar: TechBar, actor: User, note: str = ""
) -> list[StockTransfer]:
    """Send devices in stock at `from_tech_bar` to `to_tech_bar`: each leaves the sender's stock
    and is in transit until received. Anything not in stock there (issued, elsewhere, already on its
    way) or reserved for a kit request (released first, so the requester is told) refuses the whole
    batch."""
    if from_tech_bar.pk == to_tech_bar.pk:
        raise DeviceError("Choose another Tech Bar to send to.")
    if not to_tech_bar.is_active:
        raise DeviceError(f"{to_tech_bar} is closed.")
    if not devices:
        raise DeviceError("Choose at least one device to send.")
    locked = list(Device.objects.select_for_update().filter(pk__in=[d.pk for d in devices]).order_by("pk"))
    in_transit = set(
        StockTransfer.objects.filter(device__in=locked, received_at__isnull=True).values_list("device_id", flat=True)
    )
    reserved = {
        r.reserved_device_id: r
        for r in DeviceRequest.objects.filter(reserved_device__in=locked).select_related("requester", "collect_at")
    }
    for device in locked:
        if device.pk in reserved:
            r = reserved[device.pk]
            raise DeviceError(
                f"{device.asset_tag} is reserved for {r.requester.get_full_name()} (request {r.pk}), to collect at "
                f"{r.collect_at}: release the reservation first (they are told), then send it."
            )
        if device.pk in in_transit:
            raise DeviceError(f"{device.asset_tag} is already on its way to another Tech Bar.")
        if device.status != Device.Status.IN_STOCK:
            raise DeviceError(
                f"{device.asset_tag} is {device.get_status_display().lower()}, not in stock: it cannot be transferred."
            )
        if device.tech_bar_id != from_tech_bar.pk:
            where = f"at {device.tech_bar}" if device.tech_bar_id else "at no Tech Bar"
            raise DeviceError(f"{device.asset_tag} is in stock {where}, not at {from_tech_bar}.")
    now = timezone.now()
    transfers = []
    for device in locked:
        device.tech_bar = None
        device.save(update_fields=["tech_bar", "updated_at"])
        transfers.append(
            StockTransfer.objects.create(
                device=device,
                from_tech_bar=from_tech_bar,
                to_tech_bar=to_tech_bar,
                sent_by=actor,
                sent_at=now,
                note=note[:300],
            )
        )
        DeviceEvent.objects.create(
            device=device,
            kind=DeviceEvent.Kind.TRANSFER_SENT,
            actor=actor,
            tech_bar=from_tech_bar,
            from_status=device.status,
            to_status=device.status,
            note=f"Sent to {to_tech_bar}. {note}".strip()[:500],
            created_at=now,
        )
    for model_id in sorted({d.model_id for d in locked}):
        stock_level_check(tech_bar=from_tech_bar, device_model=DeviceModel(pk=model_id))
    return transfers


@transaction.atomic
def transfer_receive(*, transfer: StockTransfer, tech_bar: TechBar, actor: User) -> StockTransfer:
    """The destination takes the device into its stock. Received once, and only there."""
    transfer = StockTransfer.objects.select_for_update().select_related("device").get(pk=transfer.pk)
    if transfer.received_at is not None:
        raise DeviceError(f"{transfer.device.asset_tag} was already received at {transfer.to_tech_bar}.")
    if transfer.to_tech_bar_id != tech_bar.pk:
        raise DeviceError(f"{transfer.device.asset_tag} was sent to {transfer.to_tech_bar}, not to {tech_bar}.")
    device = Device.objects.select_for_update().get(pk=transfer.device_id)
    now = timezone.now()
    device.tech_bar = tech_bar
    device.save(update_fields=["tech_bar", "updated_at"])
    transfer.received_at = now
    transfer.received_by = actor
    transfer.save(update_fields=["received_at", "received_by"])
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.TRANSFER_RECEIVED,
        actor=actor,
        tech_bar=tech_bar,
        from_status=device.status,
        to_status=device.status,
        note=f"From {transfer.from_tech_bar}.",
        created_at=now,
    )
    stock_level_check(tech_bar=tech_bar, device_model=DeviceModel(pk=device.model_id), fell=False)
    return transfer
