"""The devices app's models, one module per area; every name is re-exported here, so
`from devices.models import X` is the way to import them.

- catalogue: Tech Bars, their opening hours, device models
- device: devices, assignments and the custody history (DeviceEvent)
- remote: lost and stolen reports, SIM blocks and remote wipes
- counter: counter visits and their receipt lines
- triage: the triage queue (proxy) and triage outcomes
- stock: stock levels, transfers between Tech Bars, stocktakes
- import_job: large MDM imports run by a worker
- leavers: leaver cases, their lines, steps and timeline; property kinds; command unit leads
- accessories: accessory kinds, their stock per Tech Bar, what people hold, movements, stocktake counts
- figures: the disclosure log of figures given under Freedom of Information
- loans: the loan pool, loans with a due-back date and their ladder steps
- requests: kit entitlements (standard kit per role), device requests and their ladder steps
"""

from devices.accessories.models import (
    AccessoryCount,
    AccessoryHolding,
    AccessoryKind,
    AccessoryMovement,
    AccessoryStock,
)
from devices.core.models.catalogue import DeviceModel, TechBar, TechBarOpeningHours
from devices.core.models.device import Assignment, Device, DeviceEvent
from devices.counter.models import CounterLine, CounterVisit
from devices.figures.models import FigureDisclosure
from devices.imports.models import DeviceImportJob
from devices.leavers.models import CommandUnitLead, LeaverCase, LeaverEvent, LeaverLine, LeaverPropertyKind, LeaverStep
from devices.loans.models import Loan, LoanPoolDevice, LoanStep
from devices.losses.models import DeviceLoss, RemoteAction
from devices.requests.models import DeviceRequest, DeviceRequestStep, KitEntitlement
from devices.stock.models import StockLevel, Stocktake, StocktakeMissing, StocktakeScan, StockTransfer
from devices.triage.models import DeviceTriage, TriageDevice

__all__ = [
    "AccessoryCount",
    "AccessoryHolding",
    "AccessoryKind",
    "AccessoryMovement",
    "AccessoryStock",
    "Assignment",
    "CommandUnitLead",
    "CounterLine",
    "CounterVisit",
    "Device",
    "DeviceEvent",
    "DeviceImportJob",
    "DeviceLoss",
    "DeviceModel",
    "DeviceRequest",
    "DeviceRequestStep",
    "DeviceTriage",
    "FigureDisclosure",
    "KitEntitlement",
    "LeaverCase",
    "LeaverEvent",
    "LeaverLine",
    "LeaverPropertyKind",
    "LeaverStep",
    "Loan",
    "LoanPoolDevice",
    "LoanStep",
    "RemoteAction",
    "StockLevel",
    "StockTransfer",
    "Stocktake",
    "StocktakeMissing",
    "StocktakeScan",
    "TechBar",
    "TechBarOpeningHours",
    "TriageDevice",
]
