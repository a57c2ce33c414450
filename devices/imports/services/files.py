"""Devices from the MDM inventory imported all or nothing: a file (devices_import) or a batch of
items from its API (devices_upsert), both through the same import resource, so the same rules and
services (`devices.imports.resources.DeviceResource`: new devices received into stock)."""

from dataclasses import dataclass, field

import tablib
from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper

from devices.core.models import Device, TechBar

# The module, not its names: devices.imports.resources builds on the custody services.
from devices.imports import resources
from portal.models import User
from portal.resources import BATCH_RESULTS, BatchOutcome, batch_import

# A batch item's field -> the resource's column (as devices.imports.resources names them);
# and the resource's attribute names, which widgets' errors use.
DEVICE_FIELDS = {
    "asset_tag": "Asset tag",
    "serial_number": "Serial number",
    "imei": "IMEI",
    "model": "Model",
    "phone_number": "Phone number",
    "sim_iccid": "SIM ICCID",
    "mdm_device_id": "MDM device id",
    "enrolled_on": "Enrolment date",
    "tech_bar": "Tech Bar",
}
_DEVICE_ERROR_KEYS = {
    **{column: name for name, column in DEVICE_FIELDS.items()},
    "mdm_enrolment_id": "mdm_device_id",
    "mdm_enrolled_on": "enrolled_on",
}
# What identifies a device, in the order the MDM knows them best.
IDENTITY_FIELDS = ("mdm_device_id", "serial_number", "imei", "asset_tag")


@dataclass
class DeviceImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "line 4: IMEI: ... is not a valid IMEI."

    @property
    def ok(self) -> bool:
        return not self.errors


def devices_import(
    *, data: bytes, actor: User, tech_bar: TechBar | None = None, dry_run: bool = False, progress=None
) -> DeviceImportReport:
    """Devices from an MDM CSV export (devices.imports.resources): new ones received into stock, known ones'
    MDM details brought up to date. All rows or none, in one transaction; the same file twice changes
    nothing. Line numbers count the header as line 1, as a spreadsheet shows them."""
    report = DeviceImportReport()
    try:
        dataset = resources.read_csv(data)
    except ValueError as error:
        report.errors.append(str(error))
        return report
    if not dataset.height:
        report.errors.append("The file has no devices in it.")
        return report
    resource = resources.DeviceFileResource(actor=actor, tech_bar=tech_bar, progress=progress)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    for error in result.base_errors:
        report.errors.append(str(error.error))
    for number, errors in result.row_errors():
        report.errors.extend(f"line {number + 1}: {e.error}" for e in errors)
    columns = {name: f.column_name for name, f in resource.fields.items()}  # as the file heads them
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = columns.get(name, name)
            report.errors.extend(f"line {invalid.number + 1}: {column}: {message}" for message in messages)
    if report.errors:
        return report
    totals = result.totals
    report.created, report.updated, report.unchanged = (
        totals.get("new", 0),
        totals.get("update", 0),
        totals.get("skip", 0),
    )
    return report


def _squash(value: str | None) -> str:
    return "".join(str(value or "").split())


def _known_devices(items: list[dict]) -> dict[str, dict[str, list[Device]]]:
    """Every device any item names, by each identity, in one query."""
    wanted = {key: {_squash(i.get(key)) for i in items} - {""} for key in IDENTITY_FIELDS}
    columns = {
        "mdm_device_id": "mdm_enrolment_id",
        "serial_number": "serial_number",
        "imei": "imei",
        "asset_tag": "asset_tag",
    }
    wanted["asset_tag"] = {tag.upper() for tag in wanted["asset_tag"]}  # one tag whatever its case
    query = Q(pk__in=[])
    for key, values in wanted.items():
        if values:
            query |= Q(**{f"{'tag' if key == 'asset_tag' else columns[key]}__in": values})
    found: dict[str, dict[str, list[Device]]] = {key: {} for key in IDENTITY_FIELDS}
    for device in Device.objects.select_related("model").annotate(tag=Upper("asset_tag")).filter(query):
        for key in IDENTITY_FIELDS:
            value = device.tag if key == "asset_tag" else getattr(device, columns[key])
            if value in wanted[key]:
                found[key].setdefault(value, []).append(device)
    return found


def _device_for(index: int, item: dict, known, outcome: BatchOutcome) -> Device | None:
    matches: dict[int, tuple[Device, str]] = {}
    for key in IDENTITY_FIELDS:
        value = _squash(item.get(key))
        value = value.upper() if key == "asset_tag" else value
        devices = known[key].get(value, []) if value else []
        if len(devices) > 1:
            outcome.add(index, key, f"{len(devices)} devices have {value}: identify it by its MDM id or IMEI.")
            return None
        for device in devices:
            matches.setdefault(device.pk, (device, key))
    if len(matches) > 1:
        found = ", ".join(f"{device.asset_tag} by {key}" for device, key in matches.values())
        outcome.add(index, "non_field_errors", f"These identify different devices: {found}.")
        return None
    return next(iter(matches.values()))[0] if matches else None


def _device_row(item: dict, device: Device | None) -> dict[str, str]:
    row = dict.fromkeys(DEVICE_FIELDS.values(), "")
    if device is not None:
        row.update(
            {
                "Asset tag": device.asset_tag,
                "Serial number": device.serial_number,
                "IMEI": device.imei,
                "Model": f"{device.model.make} {device.model.model_name}",
                "Phone number": device.phone_number,
                "SIM ICCID": device.sim_iccid,
                "MDM device id": device.mdm_enrolment_id,
                "Enrolment date": device.mdm_enrolled_on.isoformat() if device.mdm_enrolled_on else "",
            }
        )
    for name, column in DEVICE_FIELDS.items():
        if name in item and item[name] is not None:
            value = item[name]
            row[column] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        elif name == "enrolled_on" and name in item:
            row[column] = ""  # null: the MDM no longer records it
    return row


@transaction.atomic
def devices_upsert(*, items: list[dict], actor: User, dry_run: bool = False) -> BatchOutcome:
    """Devices from the MDM inventory, each found by MDM id, serial number, IMEI or asset tag: a new
    one is received into stock at its Tech Bar; a known one has its details brought up to date
    (never its custody). Fields an item leaves out keep their values. `dry_run`: check, write nothing.
    All items or none: the outcome names each bad item's problems by its index and the API's names."""
    outcome = BatchOutcome()
    known = _known_devices(items)
    rows, indices = [], []
    for index, item in enumerate(items):
        device = _device_for(index, item, known, outcome)
        if index in outcome.errors:
            continue
        if device is not None and item.get("asset_tag") and item["asset_tag"].upper() != device.asset_tag.upper():
            outcome.add(index, "asset_tag", f"This device's asset tag is {device.asset_tag}.")
            continue
        if device is None and not (item.get("asset_tag") or "").strip():
            outcome.add(index, "asset_tag", "A device Kitbag does not know yet needs its asset tag.")
            continue
        rows.append(_device_row(item, device))
        indices.append(index)
    if rows:
        dataset = tablib.Dataset(headers=[*resources.COLUMNS, resources.TECH_BAR_COLUMN])
        for row in rows:
            dataset.append([row[c] for c in dataset.headers])
        with set_actor(actor):
            result = batch_import(
                resources.DeviceResource(actor=actor),
                dataset,
                indices,
                _DEVICE_ERROR_KEYS,
                outcome,
                dry_run=dry_run or not outcome.ok,
                actor=actor,
            )
        if outcome.ok and not dry_run:
            outcome.results = [
                {"index": index, "asset_tag": row["Asset tag"], "result": BATCH_RESULTS[r.import_type]}
                for index, row, r in zip(indices, rows, result.rows, strict=True)
            ]
    return outcome
