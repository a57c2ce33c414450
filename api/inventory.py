"""Batches from the MDM and HR systems, written through the same import resources (and so the
same rules and services) as the CSV imports in the admin: `devices.imports.resources.DeviceResource`
(new devices received into stock through `devices.core.services`) and `portal.resources.PersonResource`.

All items or none: any bad item refuses the batch, and the answer names each item's problems by
its index and the API's field names. The same batch twice changes nothing.
"""

from dataclasses import dataclass, field

import tablib
from auditlog.context import set_actor
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper

from api.selectors import service_account_identifiers
from devices.imports.resources import COLUMNS as DEVICE_COLUMNS
from devices.imports.resources import TECH_BAR_COLUMN, DeviceResource
from devices.models import Device
from portal.models import User
from portal.resources import HR_COLUMNS, PersonResource

# API field -> the resource's column; and the resource's attribute names, which widgets' errors use.
DEVICE_FIELDS = {
    "asset_tag": "Asset tag",
    "serial_number": "Serial number",
    "imei": "IMEI",
    "model": "Model",
    "phone_number": "Phone number",
    "sim_iccid": "SIM ICCID",
    "mdm_device_id": "MDM device id",
    "enrolled_on": "Enrolment date",
    "tech_bar": TECH_BAR_COLUMN,
}
_DEVICE_ERROR_KEYS = {
    **{column: name for name, column in DEVICE_FIELDS.items()},
    "mdm_enrolment_id": "mdm_device_id",
    "mdm_enrolled_on": "enrolled_on",
    NON_FIELD_ERRORS: "non_field_errors",
}
# What identifies a device, in the order the MDM knows them best.
IDENTITY_FIELDS = ("mdm_device_id", "serial_number", "imei", "asset_tag")
_OUTCOMES = {"new": "created", "update": "updated", "skip": "unchanged"}


@dataclass
class BatchOutcome:
    results: list[dict] = field(default_factory=list)  # per item, when the batch was written
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # item index -> field -> messages

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, index: int, key: str, message: str) -> None:
        self.errors.setdefault(index, {}).setdefault(key, []).append(message)


def _wording(message: str) -> str:
    return str(message).replace("rows of this file", "items of this batch").replace("this file", "this batch")


def _run(resource, dataset, indices: list[int], error_keys: dict, outcome: BatchOutcome, *, dry_run: bool, actor):
    """Import the dataset; errors land on the items (`indices[n]` is dataset row n's item)."""
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
        user=actor,
    )
    for error in result.base_errors:
        outcome.add(indices[0] if indices else 0, "non_field_errors", _wording(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            outcome.add(indices[number - 1], "non_field_errors", _wording(error.error))
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                outcome.add(indices[invalid.number - 1], error_keys.get(key, key), _wording(message))
    return result


# --- devices ----------------------------------------------------------------------------------------
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
    (never its custody). Fields an item leaves out keep their values. `dry_run`: check, write nothing."""
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
        dataset = tablib.Dataset(headers=[*DEVICE_COLUMNS, TECH_BAR_COLUMN])
        for row in rows:
            dataset.append([row[c] for c in dataset.headers])
        with set_actor(actor):
            result = _run(
                DeviceResource(actor=actor),
                dataset,
                indices,
                _DEVICE_ERROR_KEYS,
                outcome,
                dry_run=dry_run or not outcome.ok,
                actor=actor,
            )
        if outcome.ok and not dry_run:
            outcome.results = [
                {"index": index, "asset_tag": row["Asset tag"], "result": _OUTCOMES[r.import_type]}
                for index, row, r in zip(indices, rows, result.rows, strict=True)
            ]
    return outcome


# --- people -----------------------------------------------------------------------------------------
PERSON_FIELDS = [c for c in HR_COLUMNS if c != "leaving_date"]


def _person_row(item: dict, person: User | None) -> dict[str, str]:
    row = dict.fromkeys(HR_COLUMNS, "")
    if person is not None:
        row.update({c: getattr(person, c) for c in PERSON_FIELDS if c != "supervisor_payroll_number"})
        row["supervisor_payroll_number"] = person.supervisor.payroll_number if person.supervisor_id else ""
        row["leaving_date"] = person.leaving_date.isoformat() if person.leaving_date else ""
    row.update({c: str(item[c]) for c in PERSON_FIELDS if item.get(c) is not None})
    if "leaving_date" in item:  # null clears it
        row["leaving_date"] = item["leaving_date"].isoformat() if item["leaving_date"] else ""
    return row


@transaction.atomic
def people_upsert(*, items: list[dict], actor: User, dry_run: bool = False) -> BatchOutcome:
    """People from the HR system, by payroll number, as the HR feed's CSV import writes them (the
    same checks, supervisors linked after every item is in). Fields an item leaves out keep their
    values. A leaving date set, moved or cleared opens, moves or cancels the person's leaver case
    (devices.leavers.services, through the import's `leaving_date_changed`), in the service account's name.
    `dry_run`: check, write nothing."""
    outcome = BatchOutcome()
    payrolls = [str(i.get("payroll_number") or "").strip().upper() for i in items]
    people = {
        p.payroll_number: p for p in User.objects.select_related("supervisor").filter(payroll_number__in=payrolls)
    }
    service_accounts = service_account_identifiers(payrolls)
    rows, indices = [], []
    for index, (item, payroll) in enumerate(zip(items, payrolls, strict=True)):
        if payroll in service_accounts:
            outcome.add(index, "payroll_number", f"{payroll} is an API service account, not a person.")
            continue
        rows.append(_person_row(item, people.get(payroll)))
        indices.append(index)
    if rows:
        dataset = tablib.Dataset(headers=HR_COLUMNS)
        for row in rows:
            dataset.append([row[c] for c in HR_COLUMNS])
        keys = {NON_FIELD_ERRORS: "non_field_errors"}
        with set_actor(actor):
            result = _run(
                PersonResource(), dataset, indices, keys, outcome, dry_run=dry_run or not outcome.ok, actor=actor
            )
        if outcome.ok and not dry_run:
            outcome.results = [
                {"index": index, "payroll_number": row["payroll_number"].upper(), "result": _OUTCOMES[r.import_type]}
                for index, row, r in zip(indices, rows, result.rows, strict=True)
            ]
    return outcome
