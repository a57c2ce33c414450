"""Reads for stock at each Tech Bar, transfers and stocktakes (kept apart from devices.core.selectors)."""

from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet

from devices.core.models import Device, DeviceModel, TechBar
from devices.stock.models import StockLevel, Stocktake, StockTransfer
from portal.models import Role, User


def tech_bar_staff_for(tech_bar: TechBar) -> QuerySet[User]:
    """Who works at this Tech Bar and is told about its stock.

    Until Tech Bars record their staff, every active user with the Tech Bar role."""
    return User.objects.filter(is_active=True, groups__name=Role.TECH_BAR).distinct().order_by("pk")


def stock_count(*, tech_bar: TechBar, device_model: DeviceModel) -> int:
    return Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar=tech_bar, model=device_model).count()


@dataclass(frozen=True)
class StockRow:
    tech_bar: TechBar
    device_model: DeviceModel
    in_stock: int
    minimum: int | None

    @property
    def is_low(self) -> bool:
        return self.minimum is not None and self.in_stock < self.minimum


def stock_by_tech_bar() -> list[StockRow]:
    """Devices in stock per Tech Bar and model (one grouped query), with each low-stock level
    (one more query); a level with nothing in stock shows as 0. Ordered by Tech Bar, then model."""
    counts = {
        (row["tech_bar"], row["model"]): row["n"]
        for row in Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar__isnull=False)
        .values("tech_bar", "model")
        .annotate(n=Count("pk"))
        .order_by()
    }
    levels = {
        (level.tech_bar_id, level.device_model_id): level
        for level in StockLevel.objects.select_related("tech_bar", "device_model")
    }
    bars = {level.tech_bar_id: level.tech_bar for level in levels.values()}
    models_ = {level.device_model_id: level.device_model for level in levels.values()}
    missing_bars = {bar_id for bar_id, _ in counts} - set(bars)
    missing_models = {model_id for _, model_id in counts} - set(models_)
    if missing_bars:
        bars.update(TechBar.objects.in_bulk(missing_bars))
    if missing_models:
        models_.update(DeviceModel.objects.in_bulk(missing_models))
    rows = [
        StockRow(
            tech_bar=bars[bar_id],
            device_model=models_[model_id],
            in_stock=counts.get((bar_id, model_id), 0),
            minimum=levels[(bar_id, model_id)].minimum if (bar_id, model_id) in levels else None,
        )
        for bar_id, model_id in set(counts) | set(levels)
    ]
    rows.sort(key=lambda r: (r.tech_bar.name, str(r.device_model)))
    return rows


@dataclass(frozen=True)
class InTransitRow:
    from_tech_bar: TechBar
    to_tech_bar: TechBar
    device_model: DeviceModel
    devices: int
    first_sent_at: object


def stock_in_transit() -> list[InTransitRow]:
    """Devices on their way between Tech Bars (sent, not yet received), counted per route and
    model (one grouped query, then the few Tech Bars and models it names)."""
    groups = list(
        StockTransfer.objects.filter(received_at__isnull=True)
        .values("from_tech_bar", "to_tech_bar", "device__model")
        .annotate(n=Count("pk"), first=Min("sent_at"))
        .order_by()
    )
    bars = TechBar.objects.in_bulk({g["from_tech_bar"] for g in groups} | {g["to_tech_bar"] for g in groups})
    models_ = DeviceModel.objects.in_bulk({g["device__model"] for g in groups})
    rows = [
        InTransitRow(
            from_tech_bar=bars[g["from_tech_bar"]],
            to_tech_bar=bars[g["to_tech_bar"]],
            device_model=models_[g["device__model"]],
            devices=g["n"],
            first_sent_at=g["first"],
        )
        for g in groups
    ]
    rows.sort(key=lambda r: (r.from_tech_bar.name, r.to_tech_bar.name, str(r.device_model)))
    return rows


def transfer_open_for(*, device: Device) -> StockTransfer | None:
    return StockTransfer.objects.filter(device=device, received_at__isnull=True).select_related("to_tech_bar").first()


def stocktake_open_at(*, tech_bar: TechBar) -> Stocktake | None:
    return Stocktake.objects.filter(tech_bar=tech_bar, closed_at__isnull=True).first()


def stocktake_result(*, stocktake: Stocktake) -> dict:
    """Scans grouped by outcome, and the missing devices (listed at close; while open, those
    recorded here in stock and not yet scanned)."""
    scans = list(stocktake.scans.select_related("device__model", "scanned_by"))
    by_outcome = {outcome: [s for s in scans if s.outcome == outcome] for outcome in stocktake.scans.model.Outcome}
    if stocktake.is_open:
        scanned = {s.device_id for s in scans if s.device_id}
        missing = [
            d
            for d in Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar=stocktake.tech_bar).select_related(
                "model"
            )
            if d.pk not in scanned
        ]
        missing_rows = []
    else:
        missing_rows = list(
            stocktake.missing.select_related(
                "device__model", "marked_lost_by", "loss__incident", "loss__found_by", "loss__found_at_tech_bar"
            )
        )
        missing = [m.device for m in missing_rows]
    return {"scans": by_outcome, "missing": missing, "missing_rows": missing_rows}
