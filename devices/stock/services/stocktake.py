"""Stocktakes: a Tech Bar counts what is on its shelves, and marks what is missing lost.

Services (keyword-only, one transaction each): start (one open per Tech Bar, enforced by a partial
unique constraint), scan (one code or a pasted batch), close (lists the missing), and mark a missing
device lost. A device in stock has no holder, so its loss is reported by the Tech Bar staff member
who marks it: `Device.TRANSITIONS` has the edge in_stock -> lost for this, the DeviceLoss names
them as holder and reporter, and the security incident opens through
`incidents.services.incident_open_for_lost_device` with them as reporter (the Data Office sees a
device lost from stock, not from an officer). The SIM block and wipe requests follow as for any loss.
Such a device that turns up is recorded found from the stocktake's page (`stocktake_missing_found`,
through `devices.losses.services.losses.device_found`): the counter, which serves a person, points there.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from devices.accessories import services as accessory_services
from devices.core import selectors
from devices.core.models import Device, DeviceEvent, TechBar
from devices.core.services import DeviceError, _transition
from devices.losses.models import DeviceLoss
from devices.losses.services import remote
from devices.losses.services.losses import device_found
from devices.stock.models import Stocktake, StocktakeMissing, StocktakeScan
from devices.stock.services.stock import stock_level_check
from incidents import services as incident_services
from portal.models import User

MAX_BATCH = 500  # codes in one pasted batch


class StocktakeAlreadyOpen(DeviceError):
    def __init__(self, stocktake: Stocktake):
        self.stocktake = stocktake
        super().__init__(
            f"{stocktake.tech_bar} already has a stocktake under way ({stocktake.reference}, started by "
            f"{stocktake.started_by.get_full_name()}): finish that one first."
        )


def stocktake_start(*, tech_bar: TechBar, actor: User) -> Stocktake:
    """Start a stocktake at a Tech Bar; refused while another is open there."""
    try:
        with transaction.atomic():
            return Stocktake.objects.create(tech_bar=tech_bar, started_by=actor, started_at=timezone.now())
    except IntegrityError:
        existing = Stocktake.objects.select_related("tech_bar", "started_by").filter(
            tech_bar=tech_bar, closed_at__isnull=True
        )
        first = existing.first()
        if first is None:  # not the one-open constraint
            raise
        raise StocktakeAlreadyOpen(first) from None


@dataclass(frozen=True)
class ScanResult:
    scan: StocktakeScan

    @property
    def message(self) -> str:
        s = self.scan
        tag = s.device.asset_tag if s.device else s.code
        if s.outcome == StocktakeScan.Outcome.FOUND:
            return f"{tag}: found."
        if s.outcome == StocktakeScan.Outcome.DUPLICATE:
            return f"{tag} was already scanned in this stocktake."
        if s.outcome == StocktakeScan.Outcome.UNEXPECTED:
            return f"{tag}: unexpected here, {s.note}"
        return f"No device has the asset tag, IMEI or serial number {s.code}."


def _where(device: Device) -> str:
    if device.status == Device.Status.IN_STOCK:
        if device.tech_bar_id:
            return f"recorded in stock at {device.tech_bar}."
        return "recorded on its way between Tech Bars."
    where = f" at {device.tech_bar}" if device.tech_bar_id else ""
    return f"recorded as {device.get_status_display().lower()}{where}."


@transaction.atomic
def stocktake_scan(*, stocktake: Stocktake, codes: list[str], actor: User) -> list[ScanResult]:
    """Record scanned codes (one, or a pasted batch): found, unexpected, unknown, or a duplicate."""
    stocktake = Stocktake.objects.select_for_update().select_related("tech_bar").get(pk=stocktake.pk)
    if not stocktake.is_open:
        raise DeviceError(f"Stocktake {stocktake.reference} is closed.")
    codes = [c.strip()[:100] for c in codes if c and c.strip()]
    if not codes:
        raise DeviceError("Scan or type at least one asset tag, IMEI or serial number.")
    if len(codes) > MAX_BATCH:
        raise DeviceError(f"At most {MAX_BATCH} codes at once.")
    if any(selectors.unreadable_code(c) for c in codes):
        raise DeviceError("A code holds characters no scanner sends: nothing was recorded. Scan them again.")
    counted = set(
        stocktake.scans.filter(outcome__in=[StocktakeScan.Outcome.FOUND, StocktakeScan.Outcome.UNEXPECTED])
        .exclude(device=None)
        .values_list("device_id", flat=True)
    )
    now = timezone.now()
    results = []
    for code in codes:
        device = selectors.device_by_code(code=code)
        note = ""
        if device is None:
            outcome = StocktakeScan.Outcome.UNKNOWN
        elif device.pk in counted:
            outcome = StocktakeScan.Outcome.DUPLICATE
        elif device.status == Device.Status.IN_STOCK and device.tech_bar_id == stocktake.tech_bar_id:
            outcome = StocktakeScan.Outcome.FOUND
        else:
            outcome = StocktakeScan.Outcome.UNEXPECTED
            note = _where(device)
        if device is not None and outcome != StocktakeScan.Outcome.DUPLICATE:
            counted.add(device.pk)
        scan = StocktakeScan.objects.create(
            stocktake=stocktake,
            code=code,
            device=device,
            outcome=outcome,
            note=note[:300],
            scanned_by=actor,
            scanned_at=now,
        )
        results.append(ScanResult(scan))
    return results


@transaction.atomic
def stocktake_close(*, stocktake: Stocktake, actor: User) -> Stocktake:
    """Close it: every device recorded in stock here and not scanned is listed as missing."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if not stocktake.is_open:
        raise DeviceError(f"Stocktake {stocktake.reference} is already closed.")
    scanned = stocktake.scans.exclude(device=None).values("device_id")
    missing = Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar_id=stocktake.tech_bar_id).exclude(
        pk__in=scanned
    )
    StocktakeMissing.objects.bulk_create(StocktakeMissing(stocktake=stocktake, device=d) for d in missing)
    # Accessories counted set their shelves to the count, each difference a dated movement.
    accessory_services.accessory_stocktake_settle(stocktake=stocktake, actor=actor)
    stocktake.closed_at = timezone.now()
    stocktake.closed_by = actor
    stocktake.save(update_fields=["closed_at", "closed_by"])
    return stocktake


@transaction.atomic
def stocktake_mark_lost(*, missing: StocktakeMissing, actor: User) -> DeviceLoss:
    """A device missing at a closed stocktake is lost: in_stock -> lost, a DeviceLoss and a security
    incident reported by the staff member, and the SIM block and wipe requests."""
    missing = StocktakeMissing.objects.select_for_update().select_related("stocktake__tech_bar").get(pk=missing.pk)
    stocktake = missing.stocktake
    if stocktake.is_open:
        raise DeviceError("Close the stocktake before marking devices lost.")
    if missing.loss_id is not None:
        raise DeviceError("This device is already marked lost.")
    device = Device.objects.select_for_update().select_related("model").get(pk=missing.device_id)
    if device.status != Device.Status.IN_STOCK or device.tech_bar_id != stocktake.tech_bar_id:
        raise DeviceError(f"{device.asset_tag} has moved since the stocktake: it is {_where(device)}")
    now = timezone.now()
    tech_bar = stocktake.tech_bar
    where = f"Not on the shelf at {tech_bar} in stocktake {stocktake.reference}"
    from_status = _transition(device, Device.Status.LOST)
    device.save(update_fields=["status", "updated_at"])  # tech_bar kept: where it was last recorded
    incident = incident_services.incident_open_for_lost_device(
        holder=actor,
        actor=actor,
        description=f"{device.model} ({device.asset_tag}) lost from stock: {where}",
        asset_tag=device.asset_tag,
        aware_at=stocktake.closed_at,
    )
    loss = DeviceLoss.objects.create(
        device=device,
        kind=DeviceLoss.Kind.LOST,
        holder=actor,
        reported_by=actor,
        reported_at=now,
        noticed_at=stocktake.closed_at,
        where=where,
        incident=incident,
    )
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.REPORTED_LOST,
        actor=actor,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=f"{where} (incident {incident.reference})",
        created_at=now,
    )
    missing.loss = loss
    missing.marked_lost_at = now
    missing.marked_lost_by = actor
    missing.save(update_fields=["loss", "marked_lost_at", "marked_lost_by"])
    remote.remote_actions_request_for_loss(loss=loss, actor=actor)
    stock_level_check(tech_bar=tech_bar, device_model=device.model)
    return loss


def stocktake_missing_found(*, missing: StocktakeMissing, actor: User, tech_bar: TechBar) -> DeviceLoss:
    """A device marked lost at a stocktake turned up: `device_found` at `tech_bar` (it waits for
    triage there; its loss, incident and remote actions are closed as for any found device)."""
    missing = StocktakeMissing.objects.select_related("device", "stocktake").get(pk=missing.pk)
    if missing.loss_id is None:
        raise DeviceError(f"{missing.device.asset_tag} was not marked lost: mark it lost, or count it next time.")
    return device_found(
        device=missing.device,
        actor=actor,
        tech_bar=tech_bar,
        note=f"Missing at stocktake {missing.stocktake.reference}, turned up.",
    )
